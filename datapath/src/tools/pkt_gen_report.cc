// mswitch-pkt-gen reports: the final human summary and the one-line JSON
// summary (--json, always the last line of stdout).
//
// Rates: tx is measured from the start of the run to the last frame
// posted, rx (and pong's tx) from the first batch to the last (so a sink
// started long before its source does not report a diluted rate).  Gbit/s counts
// Ethernet frame bytes as sent or received (no preamble, FCS or gap).
//
// JSON fields: mode, queues, frame_len, interrupted, disconnected (null or
// the master's reason), tx and rx objects {packets, bytes, duration_s, pps,
// gbps}, rx.errors (descriptors the library dropped), rx.foreign (frames
// not ours), rx.bad_length, rx.streams [{queue, stream, received,
// out_of_order, duplicates, gaps, first_seq, max_seq}], ping {sent, lost,
// rtt_us {min, median, p99, max}}, pong {dropped}.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "tools/pkt_gen.h"

namespace msw {
namespace pktgen {
namespace {

struct Rate {
  uint64_t packets = 0, bytes = 0;
  double seconds = 0, pps = 0, gbps = 0;
};

Rate MakeRate(const Totals& t, int64_t from_ns) {
  Rate r;
  r.packets = t.packets;
  r.bytes = t.bytes;
  r.seconds = t.last_ns > from_ns ? (t.last_ns - from_ns) * 1e-9 : 0;
  if (r.seconds > 0) {
    r.pps = t.packets / r.seconds;
    r.gbps = t.bytes * 8e-9 / r.seconds;
  }
  return r;
}

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kTx: return "tx";
    case Mode::kRx: return "rx";
    case Mode::kTxRx: return "txrx";
    case Mode::kPing: return "ping";
    case Mode::kPong: return "pong";
    case Mode::kXdpTx: return "xdp-tx";
    case Mode::kXdpRx: return "xdp-rx";
  }
  return "?";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonRate(const Rate& r) {
  char buf[256];
  snprintf(buf, sizeof(buf),
           "{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
           ",\"duration_s\":%.6f,\"pps\":%.1f,\"gbps\":%.4f}",
           r.packets, r.bytes, r.seconds, r.pps, r.gbps);
  return buf;
}

void PrintRate(const char* side, const Rate& r) {
  printf("%s: %" PRIu64 " packets, %" PRIu64 " bytes in %.3f s: %.3f Mpps, %.3f Gbit/s\n",
         side, r.packets, r.bytes, r.seconds, r.pps * 1e-6, r.gbps);
}

// Nearest-rank percentile of sorted 'v' (0 < p <= 1).
double Percentile(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * v.size()));
  return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
}

}  // namespace

Totals Sum(const std::vector<Counters>& v) {
  Totals t;
  for (const Counters& c : v) {
    t.packets += c.packets.load(std::memory_order_relaxed);
    t.bytes += c.bytes.load(std::memory_order_relaxed);
    int64_t f = c.first_ns.load(std::memory_order_relaxed);
    if (f && (!t.first_ns || f < t.first_ns)) t.first_ns = f;
    t.last_ns = std::max(t.last_ns, c.last_ns.load(std::memory_order_relaxed));
  }
  return t;
}

void PrintSummary(const Run& run, int64_t start_ns, const std::string& disconnect,
                  bool interrupted) {
  const Options& o = *run.opt;
  const Totals tx_t = Sum(run.tx);
  const Rate tx = MakeRate(tx_t, o.mode == Mode::kPong ? tx_t.first_ns : start_ns);
  const Totals rx_t = Sum(run.rx);
  const Rate rx = MakeRate(rx_t, rx_t.first_ns);
  const bool has_tx = ModeSends(o.mode), has_rx = ModeReceives(o.mode);
  std::string json = std::string("{\"mode\":\"") + ModeName(o.mode) + "\"" +
                     ",\"queues\":" + std::to_string(run.tx.size()) +
                     ",\"frame_len\":" + std::to_string(o.len) +
                     ",\"interrupted\":" + (interrupted ? "true" : "false") +
                     ",\"disconnected\":" + (disconnect.empty() ? "null" : JsonString(disconnect));

  printf("summary (%s%s):\n", ModeName(o.mode), interrupted ? ", interrupted" : "");
  if (!disconnect.empty()) printf("disconnected: %s\n", disconnect.c_str());
  if (has_tx) {
    PrintRate("tx", tx);
    json += ",\"tx\":" + JsonRate(tx);
  }
  if (has_rx) {
    PrintRate("rx", rx);
    uint64_t errors = 0, foreign = 0, bad_length = 0;
    std::string streams;
    for (size_t q = 0; q < run.checkers.size(); q++) {
      if (run.client) errors += run.client->Stats(static_cast<uint32_t>(q)).rx_errors;
      const RxChecker& c = run.checkers[q];
      foreign += c.foreign;
      bad_length += c.bad_length;
      const std::map<uint32_t, const SeqCheck*> sorted = [&] {
        std::map<uint32_t, const SeqCheck*> m;
        for (const auto& kv : c.streams) m[kv.first] = &kv.second;
        return m;
      }();
      for (const auto& kv : sorted) {
        const SeqCheck& s = *kv.second;
        printf("  stream %u (queue %zu): received %" PRIu64 ", out-of-order %" PRIu64
               ", duplicates %" PRIu64 ", gaps %" PRIu64 ", seq %" PRIu64 "..%" PRIu64 "\n",
               kv.first, q, s.received, s.out_of_order, s.duplicates, s.gaps, s.first, s.max);
        char buf[320];
        snprintf(buf, sizeof(buf),
                 "%s{\"queue\":%zu,\"stream\":%u,\"received\":%" PRIu64
                 ",\"out_of_order\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",\"gaps\":%" PRIu64
                 ",\"first_seq\":%" PRIu64 ",\"max_seq\":%" PRIu64 "}",
                 streams.empty() ? "" : ",", q, kv.first, s.received, s.out_of_order,
                 s.duplicates, s.gaps, s.first, s.max);
        streams += buf;
      }
    }
    if (errors || foreign || bad_length) {
      printf("  dropped descriptors %" PRIu64 ", foreign frames %" PRIu64
             ", bad-length frames %" PRIu64 "\n", errors, foreign, bad_length);
    }
    json += ",\"rx\":" + JsonRate(rx);
    json.pop_back();
    json += ",\"errors\":" + std::to_string(errors) + ",\"foreign\":" + std::to_string(foreign) +
            ",\"bad_length\":" + std::to_string(bad_length) + ",\"streams\":[" + streams + "]}";
  }
  if (o.mode == Mode::kPing) {
    std::vector<double> v = run.rtt_us;
    std::sort(v.begin(), v.end());
    const uint64_t lost = run.ping_lost.load();
    const double mn = v.empty() ? 0 : v.front(), mx = v.empty() ? 0 : v.back();
    const double med = Percentile(v, 0.5), p99 = Percentile(v, 0.99);
    printf("ping: %zu round trips, %" PRIu64 " lost; rtt min %.2f median %.2f p99 %.2f max %.2f us\n",
           v.size(), lost, mn, med, p99, mx);
    char buf[256];
    snprintf(buf, sizeof(buf),
             ",\"ping\":{\"sent\":%" PRIu64 ",\"lost\":%" PRIu64
             ",\"rtt_us\":{\"min\":%.3f,\"median\":%.3f,\"p99\":%.3f,\"max\":%.3f}}",
             v.size() + lost, lost, mn, med, p99, mx);
    json += buf;
  }
  if (o.mode == Mode::kPong) {
    printf("pong: %" PRIu64 " frames not echoed (ring full)\n", run.pong_dropped.load());
    json += ",\"pong\":{\"dropped\":" + std::to_string(run.pong_dropped.load()) + "}";
  }
  json += run.extra_json;
  if (o.json) printf("%s}\n", json.c_str());
  fflush(stdout);
}

}  // namespace pktgen
}  // namespace msw
