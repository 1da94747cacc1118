// mswitch-logic-bench: throughput through each switching logic (the
// paper's Figure 16, redone) and the `openflow` logic's flow install rate.
//
// What?
//   `throughput`: 64-byte frames (60 B without FCS) from one source port
//   to one sink port through `static` (1=2), `l2-learning` (warmed, so
//   unicast) and `openflow` holding 1, 1 000 and 100 000 exact 5-tuple
//   flows or 1 000 and 100 000 flows over 20 wildcard masks
//   (logic_traffic.h).  Each openflow case runs two paths:
//     hit   frames cycle over the first 'hit_flows' flows (default 256) with
//           one source MAC: few distinct flow keys, which the per-worker
//           exact-match cache (EMC) holds;
//     miss  frames cycle over every flow and over 'miss_macs' (65 536)
//           source MACs: more distinct flow keys than the EMC holds, each
//           frame still matching its flow (the flows ignore the MAC), so
//           every look-up goes to the tuple-space classifier.
//   The EMC's own hit and miss counters (`table_stats`) are reported for
//   every path, to show which one ran.  Ratios: each case against
//   l2-learning (the targets: 1 000 exact flows >= 70%, 100 000
//   >= 50%) and against static.
//   `install`: 100 000 exact flows through the logic's control call, in
//   batches of 'install_batch' lines per call; seconds and flows/s (the
//   target: under 1 s).
//
// How
//   As mswitch-density-bench does: every case is a real msw::Switch with a
//   SourcePort and a SinkPort (bench_ports.h) whose single worker owns no
//   queue, and the bench thread calls Fabric::Forward itself, so what is
//   measured is the logic plus the fabric, copy included.  The fabric
//   calls each logic as a worker would: `openflow` through lookup_batch,
//   chunks of MSW_LOOKUP_BATCH_MAX frames; the others one frame at a time.  Before each
//   Forward the thread rewrites the batch's 5-tuples (TrafficBatch::Fill,
//   the same work for every logic; its cost alone is reported as
//   "generator").  Every point runs 'reps' times, all points of a round
//   one after the other (so every case sees the same drift of this shared
//   VM), and the figure is the median; a ratio is the median of the
//   per-round ratios.  Rates are frames per second of the bench thread's
//   CPU time (others share the 2 CPUs); "CPU share" is what it got.
//
// Honesty checks (the bench stops with an error when one fails)
//   After every run the sink received exactly the frames sent and no port
//   counted a drop.  For openflow, when the logic reports them: table 0's
//   lookups and matched counters grew by exactly the frames sent, and the
//   rules' n_packets (aggregate) too, so every frame matched a flow.  After
//   an install, table_stats reports exactly N active flows and one pass of
//   N frames, one per flow, all reach the sink.
//
// Output: one JSON figure per line on stdout ({bench, case, metric,
// value, unit}, test/bench/harness.ts); progress on stderr.
//
// Usage: mswitch-logic-bench throughput [--quick] [--seconds S] [--reps R]
//          [--batch B,...] [--flows N,...] [--case static|l2-learning|
//          exact|wildcard]... [--hit-flows H] [--miss-macs M]
//        mswitch-logic-bench install [--quick] [--flows N] [--reps R]
//          [--install-batch K,...]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_ports.h"
#include "core/fabric.h"
#include "core/logic_registry.h"
#include "core/switch.h"
#include "logic_traffic.h"

namespace msw_bench {
namespace {

constexpr uint32_t kSourcePort = 1;
constexpr uint32_t kSinkPort = 2;
constexpr uint32_t kFrameLen = 60;  // 64 B on the wire with the FCS

struct Options {
  std::string command;
  double seconds = 1.0;
  double warmup = 0.1;
  uint32_t reps = 3;
  std::vector<uint32_t> batches = {64, 1024};
  std::vector<uint32_t> flows = {1, 1000, 100000};
  std::vector<std::string> cases;  // empty: all
  uint32_t hit_flows = 256;
  uint32_t miss_macs = 65536;
  std::vector<uint32_t> install_batches = {1024, 100000};
};

const char* g_bench = "logic-throughput";

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "mswitch-logic-bench: %s\n", why.c_str());
  std::exit(1);
}

uint64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}
uint64_t NowNs() { return ClockNs(CLOCK_MONOTONIC); }
uint64_t ThreadCpuNs() { return ClockNs(CLOCK_THREAD_CPUTIME_ID); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

void Figure(const std::string& kase, const std::string& metric, double value, const char* unit) {
  std::printf("{\"bench\":\"%s\",\"case\":\"%s\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n",
              g_bench, kase.c_str(), metric.c_str(), value, unit);
  std::fflush(stdout);
}

// Sums every `KEY=NUMBER` token of 'text' by key (table_stats prints one
// line per table; only table 0 is used here, the others add zeros).
std::map<std::string, uint64_t> SumTokens(const std::string& text) {
  std::map<std::string, uint64_t> out;
  std::istringstream is(text);
  std::string tok;
  while (is >> tok) {
    const size_t eq = tok.find('=');
    if (eq == std::string::npos || eq + 1 >= tok.size()) continue;
    char* end;
    const unsigned long long v = std::strtoull(tok.c_str() + eq + 1, &end, 0);
    if (*end == 0) out[tok.substr(0, eq)] += v;
  }
  return out;
}

// The logic's own counters, where this build reports them.
struct LogicCounters {
  bool has_tables = false, has_emc = false, has_aggregate = false;
  uint64_t lookups = 0, matched = 0, emc_hits = 0, emc_misses = 0, rule_packets = 0;
};

// One switch: source port 1, sink port 2, a logic, and the Fabric the
// bench thread forwards with (worker slot 0: the switch's worker owns no
// queue, so it never forwards).
class Rig {
 public:
  // 'label' names the rig in messages (switch names are short: "rigN").
  Rig(const std::string& label, const std::string& logic, const std::string& config)
      : label_(label) {
    static int count = 0;
    msw::SwitchConfig cfg;
    cfg.name = "rig" + std::to_string(count++);
    cfg.n_workers = 1;
    cfg.batch_size = msw::Fabric::kMaxBatch;
    cfg.logic = logic;
    cfg.logic_config = config;
    msw::Status st;
    sw_ = msw::Switch::Create(cfg, &st);
    if (!sw_) Die(label + ": " + st.message);
    source_ = Add(new SourcePort(kSourcePort));
    sink_ = Add(new SinkPort(kSinkPort, SinkPort::kDefaultSlots));
    fabric_.reset(new msw::Fabric(sw_.get(), 0, msw::Fabric::kMaxBatch));
  }
  ~Rig() {
    fabric_.reset();
    sw_->RemovePort(kSinkPort);
    sw_->RemovePort(kSourcePort);
  }

  const std::string& name() const { return label_; }
  msw::Fabric& fabric() { return *fabric_; }
  msw::Port& source() { return *source_; }
  msw::Port& sink() { return *sink_; }

  // Runs a control command; dies with the logic's reason unless 'may_fail'.
  bool Control(const std::string& cmd, std::string* reply, bool may_fail = false) {
    const msw::Status st = sw_->LogicControl(cmd, reply);
    if (!st.ok() && !may_fail) Die(name() + ": '" + cmd.substr(0, 60) + "...': " + st.message);
    return st.ok();
  }

  uint64_t Delivered() const { return sink_->Stats().tx_packets; }
  uint64_t Dropped() const {
    uint64_t n = 0;
    for (const msw::Port* p : {source_, sink_})
      for (uint64_t d : p->Stats().drops) n += d;
    return n;
  }

  LogicCounters Counters() {
    LogicCounters c;
    std::string reply;
    if (Control("table_stats", &reply, true)) {
      auto sum = SumTokens(reply);
      c.has_tables = sum.count("lookups") && sum.count("matched");
      c.has_emc = sum.count("emc_hits") && sum.count("emc_misses");
      c.lookups = sum["lookups"];
      c.matched = sum["matched"];
      c.emc_hits = sum["emc_hits"];
      c.emc_misses = sum["emc_misses"];
    }
    if (Control("aggregate table=0", &reply, true)) {
      auto sum = SumTokens(reply);
      c.has_aggregate = sum.count("n_packets");
      c.rule_packets = sum["n_packets"];
    }
    return c;
  }

 private:
  msw::Port* Add(msw::Port* p) {
    std::unique_ptr<msw::Port> owned(p);
    if (sw_->ReserveIndex(p->index()) != p->index()) Die("port " + std::to_string(p->index()) + " taken");
    const msw::Status st = sw_->AddPort(std::move(owned));
    if (!st.ok()) Die(st.message);
    return p;
  }

  const std::string label_;
  std::unique_ptr<msw::Switch> sw_;
  msw::Port* source_ = nullptr;
  msw::Port* sink_ = nullptr;
  std::unique_ptr<msw::Fabric> fabric_;
};

// The instruction of every flow: output to the sink (control-text.md).
const std::string kOutputToSink = " apply=output:" + std::to_string(kSinkPort);

// Runs the install 'calls' on 'rig'; returns how many flows table 0 holds
// afterwards by the logic's own account (`table_stats` active=).
uint64_t Install(Rig& rig, const std::vector<std::string>& calls) {
  std::string reply;
  for (const std::string& c : calls) rig.Control(c, &reply);
  rig.Control("table_stats", &reply);
  return SumTokens(reply)["active"];
}

std::vector<std::string> InstallCalls(const FlowSet& fs, uint32_t per_call) {
  const std::string& instr = kOutputToSink;
  std::vector<std::string> calls;
  std::string cur;
  for (size_t i = 0; i < fs.adds.size(); i++) {
    cur += fs.adds[i];
    cur += instr;
    cur += '\n';
    if ((i + 1) % per_call == 0 || i + 1 == fs.adds.size()) {
      calls.push_back(std::move(cur));
      cur.clear();
    }
  }
  return calls;
}

// ---- throughput ----

// One measured point: a rig and the traffic it is fed.
struct Point {
  std::string name;  // "static", "l2-learning", "openflow/exact/1000/hit"
  Rig* rig;
  bool l2;        // warm the learning bridge before each run
  bool openflow;  // check the logic's counters
  const Tuple* tuples;
  uint32_t n_tuples;
  uint32_t n_macs;
  std::vector<double> mpps, share;
  uint64_t emc_hits = 0, emc_misses = 0;
  bool has_emc = false;

  Point(std::string n, Rig* r, bool is_l2, bool is_openflow, const Tuple* t, uint32_t n_t,
        uint32_t macs)
      : name(std::move(n)), rig(r), l2(is_l2), openflow(is_openflow), tuples(t), n_tuples(n_t),
        n_macs(macs) {}
};

// l2-learning unicasts only to a destination it has learned: one frame
// from the sink's side (src = dst = kDstMac) teaches it kDstMac on the sink
// port (and is dropped as a hairpin).  Redone before every run so aging
// never expires it mid-bench.
void WarmL2(Rig& rig) {
  static TrafficBatch warm(1, kFrameLen, /*from_dst=*/true);
  rig.fabric().Forward(rig.sink(), warm.batch(), NowNs());
}

// Forwards 'tb' refilled from the point's tuples for 'seconds' of wall
// time.  Dies unless every frame reached the sink (and, for openflow,
// matched a flow).
void Run(Point& pt, TrafficBatch& tb, double seconds, bool record) {
  Rig& rig = *pt.rig;
  if (pt.l2) WarmL2(rig);
  const LogicCounters c0 = pt.openflow ? rig.Counters() : LogicCounters();
  const uint64_t delivered0 = rig.Delivered(), dropped0 = rig.Dropped();
  tb.Rewind();
  uint64_t frames = 0;
  const uint64_t cpu0 = ThreadCpuNs();
  const uint64_t t0 = NowNs(), deadline = t0 + uint64_t(seconds * 1e9);
  uint64_t t = t0;
  do {
    tb.Fill(pt.tuples, pt.n_tuples, pt.n_macs);
    rig.fabric().Forward(rig.source(), tb.batch(), t);
    frames += tb.size();
    t = NowNs();
  } while (t < deadline);
  const uint64_t cpu = ThreadCpuNs() - cpu0;

  const uint64_t delivered = rig.Delivered() - delivered0, dropped = rig.Dropped() - dropped0;
  const std::string who = pt.name + " (batch " + std::to_string(tb.size()) + ")";
  if (delivered != frames || dropped)
    Die(who + ": sent " + std::to_string(frames) + " frames, the sink got " +
        std::to_string(delivered) + ", " + std::to_string(dropped) + " dropped");
  if (pt.openflow) {
    const LogicCounters c1 = rig.Counters();
    if (c1.has_tables && (c1.lookups - c0.lookups != frames || c1.matched - c0.matched != frames))
      Die(who + ": " + std::to_string(frames) + " frames, table_stats counted " +
          std::to_string(c1.lookups - c0.lookups) + " lookups and " +
          std::to_string(c1.matched - c0.matched) + " matches");
    if (c1.has_aggregate && c1.rule_packets - c0.rule_packets != frames)
      Die(who + ": " + std::to_string(frames) + " frames, the rules counted " +
          std::to_string(c1.rule_packets - c0.rule_packets));
    pt.has_emc = c1.has_emc;
    if (record && c1.has_emc) {
      pt.emc_hits += c1.emc_hits - c0.emc_hits;
      pt.emc_misses += c1.emc_misses - c0.emc_misses;
    }
  }
  if (record) {
    pt.mpps.push_back(double(frames) * 1e3 / double(std::max<uint64_t>(cpu, 1)));
    pt.share.push_back(double(cpu) / double(t - t0));
  }
}

// What TrafficBatch::Fill alone costs per frame (ns of thread CPU), so a
// reader can tell it from the logics' cost.
double GeneratorNs(TrafficBatch& tb, const Tuple* tuples, uint32_t n, uint32_t macs) {
  const uint64_t cpu0 = ThreadCpuNs();
  uint64_t frames = 0;
  for (int i = 0; i < 20000; i++, frames += tb.size()) tb.Fill(tuples, n, macs);
  return double(ThreadCpuNs() - cpu0) / double(frames);
}

void ReportPoint(const std::string& prefix, const Point& pt, const Point* l2, const Point* st) {
  const std::string k = prefix + pt.name;
  const auto mm = std::minmax_element(pt.mpps.begin(), pt.mpps.end());
  const double med = Median(pt.mpps);
  Figure(k, "Mpps", med, "Mpps");
  Figure(k, "Mpps min", *mm.first, "Mpps");
  Figure(k, "Mpps max", *mm.second, "Mpps");
  Figure(k, "CPU share", Median(pt.share), "ratio");
  char line[200];
  int n = std::snprintf(line, sizeof line, "  %-36s %7.3f Mpps [%.3f..%.3f] CPU %3.0f%%", k.c_str(),
                        med, *mm.first, *mm.second, 100 * Median(pt.share));
  // Ratios per round (same position in time), then the median.
  for (const Point* base : {l2, st}) {
    if (!base || base == &pt || base->mpps.size() != pt.mpps.size()) continue;
    std::vector<double> r;
    for (size_t i = 0; i < pt.mpps.size(); i++) r.push_back(pt.mpps[i] / base->mpps[i]);
    Figure(k, "vs " + base->name, Median(r), "ratio");
    n += std::snprintf(line + n, sizeof line - size_t(n), "  %3.0f%% of %s", 100 * Median(r),
                       base->name.c_str());
  }
  if (pt.openflow && pt.has_emc && pt.emc_hits + pt.emc_misses) {
    const double rate = double(pt.emc_hits) / double(pt.emc_hits + pt.emc_misses);
    Figure(k, "EMC hits", double(pt.emc_hits), "lookups");
    Figure(k, "EMC misses", double(pt.emc_misses), "lookups");
    Figure(k, "EMC hit rate", rate, "ratio");
    std::snprintf(line + n, sizeof line - size_t(n), "  EMC hits %.1f%%", 100 * rate);
  } else if (pt.openflow) {
    std::snprintf(line + n, sizeof line - size_t(n), "  (no EMC counters in table_stats)");
  }
  std::fprintf(stderr, "%s\n", line);
}

void Throughput(const Options& o) {
  const bool all = o.cases.empty();
  auto want = [&](const char* c) { return all || std::count(o.cases.begin(), o.cases.end(), c); };
  // Rigs and flow sets live for the whole run; points refer to them.
  std::vector<std::unique_ptr<Rig>> rigs;
  std::vector<std::unique_ptr<FlowSet>> sets;
  std::vector<Point> points;
  const std::unique_ptr<FlowSet> baseline_tuples(new FlowSet(MakeFlowSet(FlowKind::kExact, o.hit_flows)));
  auto baseline = [&](const char* logic, const char* config, bool l2) {
    rigs.emplace_back(new Rig(logic, logic, config));
    points.emplace_back(logic, rigs.back().get(), l2, false, baseline_tuples->tuples.data(),
                        o.hit_flows, 1);
  };
  if (want("static") || want("exact") || want("wildcard")) baseline("static", "1=2", false);
  baseline("l2-learning", "", true);  // every ratio's reference
  for (FlowKind kind : {FlowKind::kExact, FlowKind::kWildcard}) {
    if (!want(KindName(kind))) continue;
    for (uint32_t n : o.flows) {
      if (kind == FlowKind::kWildcard && n < kWildcardMasks) continue;  // 20 masks need 20 flows
      const std::string name = std::string("openflow/") + KindName(kind) + "/" + std::to_string(n);
      std::fprintf(stderr, "  installing %s\n", name.c_str());
      sets.emplace_back(new FlowSet(MakeFlowSet(kind, n)));
      rigs.emplace_back(new Rig(name, "openflow", ""));
      if (Install(*rigs.back(), InstallCalls(*sets.back(), 4096)) != n)
        Die(name + ": the logic did not add " + std::to_string(n) + " flows");
      const Tuple* t = sets.back()->tuples.data();
      points.emplace_back(name + "/hit", rigs.back().get(), false, true, t, std::min(n, o.hit_flows), 1);
      points.emplace_back(name + "/miss", rigs.back().get(), false, true, t, n, o.miss_macs);
    }
  }
  for (uint32_t b : o.batches) {
    TrafficBatch tb(b, kFrameLen);
    const std::string prefix = "b" + std::to_string(b) + "/";
    Figure(prefix + "generator", "ns per frame", GeneratorNs(tb, baseline_tuples->tuples.data(),
                                                             o.hit_flows, 1), "ns");
    Figure(prefix + "generator+mac", "ns per frame",
           GeneratorNs(tb, baseline_tuples->tuples.data(), o.hit_flows, o.miss_macs), "ns");
    for (Point& p : points) {
      p.mpps.clear();
      p.share.clear();
      p.emc_hits = p.emc_misses = 0;
      Run(p, tb, o.warmup, false);
    }
    std::fprintf(stderr, "batch %u: %u rounds of %.2f s per point\n", b, o.reps, o.seconds);
    for (uint32_t rep = 0; rep < o.reps; rep++)
      for (Point& p : points) Run(p, tb, o.seconds, true);
    const Point* l2 = nullptr;
    const Point* st = nullptr;
    for (const Point& p : points) {
      if (p.name == "l2-learning") l2 = &p;
      if (p.name == "static") st = &p;
    }
    for (const Point& p : points) ReportPoint(prefix, p, l2, p.openflow ? st : nullptr);
  }
}

// ---- install ----

void InstallRate(const Options& o) {
  const uint32_t n = o.flows.empty() ? 100000 : o.flows.back();
  const FlowSet fs = MakeFlowSet(FlowKind::kExact, n);
  TrafficBatch tb(std::min<uint32_t>(n, msw::Fabric::kMaxBatch), kFrameLen);
  for (uint32_t per_call : o.install_batches) {
    const std::vector<std::string> calls = InstallCalls(fs, per_call);
    const std::string k = "exact/" + std::to_string(n) + "/batch" + std::to_string(per_call);
    std::vector<double> secs, cpu_secs;
    for (uint32_t rep = 0; rep < o.reps; rep++) {
      Rig rig("install", "openflow", "");  // an empty table every time
      const uint64_t cpu0 = ThreadCpuNs(), t0 = NowNs();
      const uint64_t added = Install(rig, calls);
      const uint64_t t1 = NowNs(), cpu1 = ThreadCpuNs();
      if (added != n) Die(k + ": the logic added " + std::to_string(added) + " of " + std::to_string(n));
      // Every flow forwards: one frame per flow, all to the sink.
      const uint64_t got0 = rig.Delivered();
      tb.Rewind();
      for (uint32_t sent = 0; sent < n; sent += tb.size()) {
        tb.Fill(fs.tuples.data(), n, 1);
        rig.fabric().Forward(rig.source(), tb.batch(), NowNs());
      }
      const uint64_t want = (uint64_t(n) + tb.size() - 1) / tb.size() * tb.size();
      if (rig.Delivered() - got0 != want || rig.Dropped())
        Die(k + ": after the install " + std::to_string(want) + " frames over every flow, the sink got " +
            std::to_string(rig.Delivered() - got0));
      secs.push_back(double(t1 - t0) / 1e9);
      cpu_secs.push_back(double(cpu1 - cpu0) / 1e9);
      std::fprintf(stderr, "  %-28s %.3f s (%.3f s CPU), %.0f flows/s\n", k.c_str(), secs.back(),
                   cpu_secs.back(), n / secs.back());
    }
    const auto mm = std::minmax_element(secs.begin(), secs.end());
    Figure(k, "seconds", Median(secs), "s");
    Figure(k, "seconds min", *mm.first, "s");
    Figure(k, "seconds max", *mm.second, "s");
    Figure(k, "CPU seconds", Median(cpu_secs), "s");
    Figure(k, "flows/s", n / Median(secs), "flows/s");
    Figure(k, "calls", double(calls.size()), "calls");
  }
}

std::vector<uint32_t> ParseList(const std::string& s) {
  std::vector<uint32_t> out;
  std::istringstream is(s);
  std::string part;
  while (std::getline(is, part, ',')) {
    char* e;
    const unsigned long v = std::strtoul(part.c_str(), &e, 10);
    if (part.empty() || *e || v == 0 || v > 10000000) Die("bad number list '" + s + "'");
    out.push_back(uint32_t(v));
  }
  if (out.empty()) Die("empty number list");
  return out;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  if (argc < 2) Die("usage: mswitch-logic-bench throughput|install [options] (see logic_bench.cc)");
  o.command = argv[1];
  if (o.command != "throughput" && o.command != "install") Die("no command " + o.command);
  bool flows_given = false;
  for (int i = 2; i < argc; i++) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--quick") {
      o.seconds = 0.3;
      o.warmup = 0.05;
    } else if (a == "--seconds") {
      o.seconds = std::atof(value().c_str());
    } else if (a == "--reps") {
      o.reps = uint32_t(std::atoi(value().c_str()));
    } else if (a == "--batch") {
      o.batches = ParseList(value());
    } else if (a == "--flows") {
      o.flows = ParseList(value());
      flows_given = true;
    } else if (a == "--case") {
      const std::string c = value();
      if (c != "static" && c != "l2-learning" && c != "exact" && c != "wildcard")
        Die("no case " + c + " (static, l2-learning, exact, wildcard)");
      o.cases.push_back(c);
    } else if (a == "--hit-flows") {
      o.hit_flows = ParseList(value())[0];
    } else if (a == "--miss-macs") {
      o.miss_macs = ParseList(value())[0];
    } else if (a == "--install-batch") {
      o.install_batches = ParseList(value());
    } else {
      Die("unknown argument " + a + " (see the comment atop logic_bench.cc)");
    }
  }
  if (!(o.seconds > 0) || o.reps == 0) Die("--seconds and --reps must be positive");
  for (uint32_t b : o.batches)
    if (b > msw::Fabric::kMaxBatch) Die("batch " + std::to_string(b) + " over the fabric's 1024");
  if (o.miss_macs > 65536) Die("--miss-macs is at most 65536 (two bytes of the source MAC)");
  if (o.command == "install" && !flows_given) o.flows = {100000};
  return o;
}

}  // namespace
}  // namespace msw_bench

int main(int argc, char** argv) {
  using namespace msw_bench;
  const Options o = ParseArgs(argc, argv);
  if (o.command == "install") {
    g_bench = "flow-install";
    InstallRate(o);
  } else {
    Throughput(o);
  }
  return 0;
}
