// mswitch-pkt-gen: a memif packet generator and sink in the spirit of
// netmap's pkt-gen, built on our memif client library, with AF_XDP modes
// for Linux interfaces.
//
// What?
//   Attaches to a memif master (the switch, or DPDK's net_memif in server
//   role) and runs one of five modes: tx (generate), rx (count and verify),
//   txrx (both on one connection), ping (round-trip latency) and pong
//   (echo).  Or, on a Linux interface (a veth end in a namespace), xdp-tx
//   (generate through AF_XDP sockets: several Mpps into a veth, where
//   AF_PACKET generators such as trafgen stop near 0.75) and xdp-rx (count
//   and verify what the interface receives, through our own XDP program
//   and AF_XDP sockets); see pkt_gen_xdp.h.  Frames are
//   Ethernet/IPv4/UDP carrying a stream id and a sequence number
//   (pkt_gen.h), so rx verifies per stream: received, out-of-order,
//   duplicates, gaps.
//
// Design
//   main() parses options, connects, starts one thread per queue and side
//   (pkt_gen_modes.cc), then ticks every 100 ms: it ends the run on a
//   signal, the duration, a disconnect or the workers finishing, and
//   prints one rate line per second.  After joining it prints a human
//   summary and, with --json, a one-line JSON summary as the last line.
//
// Exit codes: 0 done, 1 cannot connect (xdp: cannot open the sockets or
// attach the program), 2 bad usage, 3 the master disconnected us during
// the run, 4 an xdp socket failed during the run (the summary is still
// printed in the last three cases).
#include <getopt.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "tools/pkt_gen.h"
#include "tools/pkt_gen_xdp.h"

namespace msw {
namespace pktgen {
namespace {

volatile sig_atomic_t g_signalled = 0;

void OnSignal(int) { g_signalled = 1; }

const char kUsage[] =
    "usage: mswitch-pkt-gen -f tx|rx|txrx|ping|pong -i SOCKET [options]\n"
    "       mswitch-pkt-gen xdp-tx|xdp-rx --ifname IFNAME [options]  (or -f xdp-tx -i IFNAME)\n"
    "  -i PATH            memif master socket (with --abstract: abstract name);\n"
    "                     xdp modes: the interface (also --ifname)\n"
    "  --xdp-mode M       xdp-rx: auto, native or generic XDP (auto: native, else generic)\n"
    "  --abstract         connect to the abstract socket \"\\0\"PATH\n"
    "  --id N             memif interface id (0)\n"
    "  --secret S         memif secret (none)\n"
    "  --name S           our name in the handshake (mswitch-pkt-gen)\n"
    "  -l LEN, --len LEN  frame length 60..65535 (60); longer than a buffer = chains;\n"
    "                     xdp-tx: up to 4096 and the interface's MTU + 14\n"
    "  -b N               batch size (256)\n"
    "  -R PPS, --rate PPS rate limit over all queues, k/M/G suffixes (none)\n"
    "  -n N, --count N    frames to send/receive, or ping round trips (no limit)\n"
    "  -T SECONDS         run time (no limit)\n"
    "  --flows N          vary IPs and UDP ports over N flows (1)\n"
    "  --src-mac M, --dst-mac M   (02:00:00:00:00:01, ff:ff:ff:ff:ff:ff)\n"
    "  --src-ip A, --dst-ip A     first flow's addresses (10.0.0.1, 10.1.0.1)\n"
    "  --stream N         stream id; queue q sends stream N+q (0)\n"
    "  -q N               queue pairs (1); xdp modes: one socket on each of queues 0..N-1\n"
    "  --ring-size N      slots per ring, power of two (1024)\n"
    "  --buffer-size N    bytes per buffer, 2048..65535 (2048)\n"
    "  --timeout MS       handshake timeout (3000)\n"
    "  --busy             poll instead of sleeping when idle\n"
    "  --json             print a one-line JSON summary last\n";

// Parses a count with an optional k/M/G suffix ("10M").
bool ParseNumber(const char* s, double* out) {
  char* end;
  double v = strtod(s, &end);
  if (end == s || v < 0) return false;
  if (*end == 'k' || *end == 'K') v *= 1e3, end++;
  else if (*end == 'M') v *= 1e6, end++;
  else if (*end == 'G') v *= 1e9, end++;
  *out = v;
  return *end == '\0';
}

bool ParseMac(const char* s, uint8_t* mac) {
  unsigned v[6];
  char tail;
  if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6) {
    return false;
  }
  for (int i = 0; i < 6; i++) {
    if (v[i] > 255) return false;
    mac[i] = static_cast<uint8_t>(v[i]);
  }
  return true;
}

bool ParseIp(const char* s, uint32_t* ip) {
  in_addr a;
  if (inet_pton(AF_INET, s, &a) != 1) return false;
  *ip = ntohl(a.s_addr);
  return true;
}

bool ParseArgs(int argc, char** argv, Options* o, std::string* err) {
  enum { kAbstract = 256, kId, kSecret, kName, kFlows, kSrcMac, kDstMac, kSrcIp,
         kDstIp, kStream, kRingSize, kBufferSize, kTimeout, kBusy, kJson, kXdpMode };
  static const option kLong[] = {
      {"abstract", no_argument, nullptr, kAbstract}, {"id", required_argument, nullptr, kId},
      {"secret", required_argument, nullptr, kSecret}, {"name", required_argument, nullptr, kName},
      {"flows", required_argument, nullptr, kFlows}, {"src-mac", required_argument, nullptr, kSrcMac},
      {"dst-mac", required_argument, nullptr, kDstMac}, {"src-ip", required_argument, nullptr, kSrcIp},
      {"dst-ip", required_argument, nullptr, kDstIp}, {"stream", required_argument, nullptr, kStream},
      {"ring-size", required_argument, nullptr, kRingSize},
      {"buffer-size", required_argument, nullptr, kBufferSize},
      {"timeout", required_argument, nullptr, kTimeout}, {"busy", no_argument, nullptr, kBusy},
      {"json", no_argument, nullptr, kJson}, {"help", no_argument, nullptr, 'h'},
      {"ifname", required_argument, nullptr, 'i'}, {"rate", required_argument, nullptr, 'R'},
      {"len", required_argument, nullptr, 'l'}, {"count", required_argument, nullptr, 'n'},
      {"xdp-mode", required_argument, nullptr, kXdpMode},
      {nullptr, 0, nullptr, 0}};
  o->memif.name = "mswitch-pkt-gen";
  int c;
  double v;
  // Every numeric option goes through 'num', which range-checks it.
  auto num = [&](const char* what, double lo, double hi) {
    if (ParseNumber(optarg, &v) && v >= lo && v <= hi) return true;
    *err = std::string("bad ") + what + " '" + optarg + "'";
    return false;
  };
  while ((c = getopt_long(argc, argv, "f:i:l:b:R:n:T:q:h", kLong, nullptr)) != -1) {
    bool ok = true;
    switch (c) {
      case 'f': {
        std::string m = optarg;
        if (m == "tx") o->mode = Mode::kTx;
        else if (m == "rx") o->mode = Mode::kRx;
        else if (m == "txrx") o->mode = Mode::kTxRx;
        else if (m == "ping") o->mode = Mode::kPing;
        else if (m == "pong") o->mode = Mode::kPong;
        else if (m == "xdp-tx") o->mode = Mode::kXdpTx;
        else if (m == "xdp-rx") o->mode = Mode::kXdpRx;
        else ok = false, *err = "unknown mode '" + m + "'";
        break;
      }
      case 'i': o->memif.socket = optarg; break;
      case kAbstract: o->memif.abstract = true; break;
      case kId: if ((ok = num("--id", 0, UINT32_MAX))) o->memif.id = static_cast<uint32_t>(v); break;
      case kSecret: o->memif.secret = optarg; break;
      case kName: o->memif.name = optarg; break;
      case 'l': if ((ok = num("-l", kMinFrame, kMemifMaxFrame))) o->len = static_cast<uint32_t>(v); break;
      case 'b': if ((ok = num("-b", 1, 4096))) o->batch = static_cast<uint32_t>(v); break;
      case 'R': if ((ok = num("-R", 0, 1e12))) o->rate = v; break;
      case 'n': if ((ok = num("-n", 0, 1e18))) o->count = static_cast<uint64_t>(v); break;
      case 'T': if ((ok = num("-T", 0, 1e9))) o->duration = v; break;
      case 'q': if ((ok = num("-q", 1, 16))) o->memif.queues = static_cast<uint32_t>(v); break;
      case kFlows: if ((ok = num("--flows", 1, 1 << 24))) o->flows = static_cast<uint32_t>(v); break;
      case kStream: if ((ok = num("--stream", 0, UINT32_MAX - 16))) o->stream = static_cast<uint32_t>(v); break;
      case kRingSize: if ((ok = num("--ring-size", 2, 1 << 14))) o->memif.ring_size = static_cast<uint32_t>(v); break;
      case kBufferSize: if ((ok = num("--buffer-size", 2048, 65535))) o->memif.buffer_size = static_cast<uint32_t>(v); break;
      case kTimeout: if ((ok = num("--timeout", 1, 3600000))) o->memif.timeout_ms = static_cast<int>(v); break;
      case kSrcMac: if (!(ok = ParseMac(optarg, o->src_mac))) *err = std::string("bad MAC '") + optarg + "'"; break;
      case kDstMac: if (!(ok = ParseMac(optarg, o->dst_mac))) *err = std::string("bad MAC '") + optarg + "'"; break;
      case kSrcIp: if (!(ok = ParseIp(optarg, &o->src_ip))) *err = std::string("bad IPv4 address '") + optarg + "'"; break;
      case kDstIp: if (!(ok = ParseIp(optarg, &o->dst_ip))) *err = std::string("bad IPv4 address '") + optarg + "'"; break;
      case kBusy: o->busy = true; break;
      case kJson: o->json = true; break;
      case kXdpMode:
        o->xdp_attach = optarg;
        if (o->xdp_attach != "auto" && o->xdp_attach != "native" && o->xdp_attach != "generic") {
          ok = false, *err = "bad --xdp-mode '" + o->xdp_attach + "' (auto, native or generic)";
        }
        break;
      case 'h': fputs(kUsage, stdout); exit(0);
      default: *err = "bad option"; return false;
    }
    if (!ok) return false;
  }
  if (optind < argc) {
    *err = std::string("unexpected argument '") + argv[optind] + "'";
    return false;
  }
  if (IsXdp(o->mode)) {
    // -i names the interface here; the memif socket stays unused.
    o->ifname = o->memif.socket;
    if (o->ifname.empty()) {
      *err = "no interface given (--ifname IFNAME)";
      return false;
    }
    if (o->mode == Mode::kXdpTx && o->len > kXdpMaxFrame) {
      *err = "xdp-tx frames are at most " + std::to_string(kXdpMaxFrame) + " bytes";
      return false;
    }
    return true;
  }
  if (o->memif.socket.empty()) {
    *err = "no socket given (-i PATH)";
    return false;
  }
  return true;
}

bool HasTx(Mode m) { return ModeSends(m); }
bool HasRx(Mode m) { return ModeReceives(m); }

// Starts one thread per queue and side for the mode.
std::vector<std::thread> StartWorkers(Run* run, uint32_t queues) {
  const Options& o = *run->opt;
  std::vector<std::thread> threads;
  if (o.mode == Mode::kTx || o.mode == Mode::kTxRx) {
    run->tx_running = queues;
    for (uint32_t q = 0; q < queues; q++) {
      const uint64_t quota =
          o.count ? o.count / queues + (q < o.count % queues ? 1 : 0) : UINT64_MAX;
      threads.emplace_back(TxLoop, run, q, quota, o.rate / queues);
    }
  }
  if (o.mode == Mode::kRx || o.mode == Mode::kTxRx) {
    for (uint32_t q = 0; q < queues; q++) threads.emplace_back(RxLoop, run, q);
  }
  if (o.mode == Mode::kPing) {
    run->tx_running = 1;
    threads.emplace_back(PingLoop, run);
  }
  if (o.mode == Mode::kPong) {
    for (uint32_t q = 0; q < queues; q++) threads.emplace_back(PongLoop, run, q);
  }
  if (o.mode == Mode::kXdpTx) {
    run->tx_running = queues;
    for (uint32_t q = 0; q < queues; q++) {
      const uint64_t quota =
          o.count ? o.count / queues + (q < o.count % queues ? 1 : 0) : UINT64_MAX;
      threads.emplace_back(XdpTxLoop, run, q, quota, o.rate / queues);
    }
  }
  if (o.mode == Mode::kXdpRx) {
    for (uint32_t q = 0; q < queues; q++) threads.emplace_back(XdpRxLoop, run, q);
  }
  return threads;
}

// The per-second line: rates over the 'secs' since the previous one.
void PrintRateLine(Mode mode, double at, double secs, const Totals& tx, const Totals& prev_tx,
                   const Totals& rx, const Totals& prev_rx) {
  printf("[%8.3fs]", at);
  if (HasTx(mode)) {
    printf(" tx %9.3f Mpps %8.3f Gbps", (tx.packets - prev_tx.packets) * 1e-6 / secs,
           (tx.bytes - prev_tx.bytes) * 8e-9 / secs);
  }
  if (HasRx(mode)) {
    printf("%s rx %9.3f Mpps %8.3f Gbps", HasTx(mode) ? " |" : "",
           (rx.packets - prev_rx.packets) * 1e-6 / secs, (rx.bytes - prev_rx.bytes) * 8e-9 / secs);
  }
  printf("\n");
  fflush(stdout);
}

// Watches the run from the main thread until it should end: a signal
// ('*interrupted'), the duration, a disconnect ('*disconnect' gets the
// reason), an rx loop that saw its count, or the senders being done (txrx:
// plus everything back, or a second of silence).  Prints the rate lines.
void Supervise(Run* run, int64_t start, std::string* disconnect, bool* interrupted) {
  const Options& o = *run->opt;
  const bool senders = o.mode == Mode::kTx || o.mode == Mode::kTxRx || o.mode == Mode::kPing ||
                       o.mode == Mode::kXdpTx;
  int64_t next_report = start + 1000000000, prev_at = start, senders_done_at = 0;
  Totals prev_tx, prev_rx;
  for (;;) {
    usleep(static_cast<useconds_t>(
        std::max<int64_t>(1000, std::min<int64_t>(100000, (next_report - NowNs()) / 1000))));
    const int64_t now = NowNs();
    if (g_signalled) {
      *interrupted = true;
      return;
    }
    if (o.duration > 0 && now - start >= static_cast<int64_t>(o.duration * 1e9)) return;
    if (run->client && !run->client->Connected()) {
      *disconnect = run->client->DisconnectReason();
      return;
    }
    if (run->stop.load()) return;
    if (senders && run->tx_running.load() == 0) {
      if (o.mode != Mode::kTxRx) return;
      if (!senders_done_at) senders_done_at = now;
      const int64_t last_rx = std::max(Sum(run->rx).last_ns, senders_done_at);
      if ((o.count && run->rx_total.load() >= o.count) || now - last_rx > 1000000000) return;
    }
    if (now >= next_report) {
      const Totals tx = Sum(run->tx), rx = Sum(run->rx);
      PrintRateLine(o.mode, (now - start) * 1e-9, (now - prev_at) * 1e-9, tx, prev_tx, rx, prev_rx);
      prev_tx = tx;
      prev_rx = rx;
      prev_at = now;
      next_report += 1000000000;
    }
  }
}

}  // namespace

// The xdp modes: sockets on the interface instead of a memif connection;
// the same workers, supervision and summary.
int XdpMain(const Options& o) {
  std::string err;
  std::unique_ptr<XdpIo> io = XdpIo::Open(o, &err);
  if (!io) {
    fprintf(stderr, "mswitch-pkt-gen: %s\n", err.c_str());
    return 1;
  }
  printf("attached to %s\n", io->Describe().c_str());
  fflush(stdout);
  Run run(io->queues());
  run.opt = &o;
  run.xdp = io.get();
  const int64_t start = NowNs();
  std::vector<std::thread> threads = StartWorkers(&run, io->queues());
  std::string disconnect;
  bool interrupted = false;
  Supervise(&run, start, &disconnect, &interrupted);
  run.stop.store(true);
  for (std::thread& t : threads) t.join();
  run.extra_json = io->StatsJson();
  io->PrintStats();
  PrintSummary(run, start, disconnect, interrupted);
  const std::string failed = run.Failure();
  if (!failed.empty()) fprintf(stderr, "mswitch-pkt-gen: %s\n", failed.c_str());
  return failed.empty() ? 0 : 4;
}

int Main(int argc, char** argv) {
  Options o;
  std::string err;
  // `mswitch-pkt-gen xdp-tx ...`: a leading verb is the mode, as with -f.
  std::vector<char*> args(argv, argv + argc);
  static char kModeFlag[] = "-f";
  if (argc > 1 && argv[1][0] != '-') args.insert(args.begin() + 1, kModeFlag);
  args.push_back(nullptr);
  argc = static_cast<int>(args.size()) - 1;
  argv = args.data();
  if (!ParseArgs(argc, argv, &o, &err)) {
    fprintf(stderr, "mswitch-pkt-gen: %s\n%s", err.c_str(), kUsage);
    return 2;
  }
  prctl(PR_SET_TIMERSLACK, 1000UL);  // 1 µs: naps and pacing stay accurate
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (IsXdp(o.mode)) return XdpMain(o);

  std::unique_ptr<MemifClient> client = MemifClient::Connect(o.memif, &err);
  if (!client) {
    fprintf(stderr, "mswitch-pkt-gen: cannot connect: %s\n", err.c_str());
    return 1;
  }
  const uint32_t queues = client->Queues();
  const uint32_t slots = (o.len + client->BufferSize() - 1) / client->BufferSize();
  if (slots > client->RingSize()) {
    fprintf(stderr, "mswitch-pkt-gen: a %u-byte frame needs %u buffers, the ring has %u\n",
            o.len, slots, client->RingSize());
    return 2;
  }
  printf("connected to '%s' (%s) on %s%s id %u: %u queue(s), ring %u, buffer %u, frame %u bytes\n",
         client->PeerName().c_str(), client->PeerInterface().c_str(),
         o.memif.abstract ? "@" : "", o.memif.socket.c_str(), o.memif.id, queues,
         client->RingSize(), client->BufferSize(), o.len);
  if (queues < o.memif.queues || client->RingSize() < o.memif.ring_size) {
    printf("note: the master limited queues/ring size to %u/%u\n", queues, client->RingSize());
  }
  fflush(stdout);

  Run run(queues);
  run.opt = &o;
  run.client = client.get();
  const int64_t start = NowNs();
  std::vector<std::thread> threads = StartWorkers(&run, queues);
  std::string disconnect;
  bool interrupted = false;
  Supervise(&run, start, &disconnect, &interrupted);
  run.stop.store(true);
  for (std::thread& t : threads) t.join();
  PrintSummary(run, start, disconnect, interrupted);
  client.reset();
  return disconnect.empty() ? 0 : 3;
}

}  // namespace pktgen
}  // namespace msw

int main(int argc, char** argv) { return msw::pktgen::Main(argc, argv); }
