// mswitch-density-bench: the paper's port-density experiments (§4.3,
// Figures 10 and 11) on our Fabric alone.
//
// What?
//   One source port sends batches of synthetic frames; N sink ports are
//   attached.  Case `one-active`: every frame goes to one sink while N are
//   attached (N = 1 .. 1000: what idle ports cost).  Case `round-robin`:
//   frame i goes to sink i mod N (N = 1 .. 250: what spreading a batch over
//   more destinations costs).  Each at batch sizes 64 and 1024 (the
//   paper's), 60-byte and 1514-byte frames, in both fabric modes: mSwitch's
//   per-destination lists and VALE's scan of every port (Switch::set_mode).
//
// How
//   As in the paper, receivers are drained in the sender's context: the
//   sinks (bench_ports.h) grant every reservation and drop what they got
//   the moment it is published, so only the sender's core works and the
//   figure is the fabric's, copy included.  The bench thread itself calls
//   Fabric::Forward on the source's batch, in a loop, for a fixed time;
//   the switch is a real msw::Switch (port table, port list, logic) whose
//   single worker owns no queue and sleeps, so the Fabric's worker slot 0
//   is the bench thread's alone.
//
//   Every point runs 'reps' times per mode, modes interleaved (mswitch
//   vale mswitch vale ...) because this VM's speed drifts; the figure is
//   the median, mswitch/vale the median of each adjacent pair's ratio.
//   A run lasts a fixed wall time, but its rate is frames per second of
//   the bench thread's own CPU time: other work shares this 2-CPU machine
//   and time spent preempted is not the fabric's.  "CPU share" (thread
//   CPU / wall) says how much of the run the thread actually got.
//   After every run the sinks must have received exactly the frames sent
//   and nothing may have been dropped, or the bench stops.
//
// Output
//   One JSON figure per line on stdout, in the runner's format
//   ({bench, case, metric, value, unit}; test/bench/harness.ts), progress
//   on stderr.  Cases are "<case>/b<batch>/<len>B/n<N>/<mode>" for Mpps,
//   "<case>/b<batch>/<len>B/n<N>" for mswitch/vale, and
//   "<case>/b<batch>/<len>B/<mode>" for the largest N vs N = 1;
//   "<case>@ring<S>/..." when the sinks have rings of S slots, not the
//   default (see bench_ports.h for why the ring size matters).
//
// Usage: mswitch-density-bench [--quick] [--seconds S] [--reps R]
//          [--case one-active|round-robin]... [--batch B,...] [--len L,...]
//          [--ports N,...] [--mode mswitch|vale]... [--sink-slots S]
//   --quick is 0.3 s per run (default 1 s), 3 reps unless --reps.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench_ports.h"
#include "core/fabric.h"
#include "core/logic_registry.h"
#include "core/switch.h"
#include "density_logic.h"

namespace msw_bench {
namespace {

constexpr uint32_t kSourcePort = 1;
constexpr uint32_t kFirstSink = 2;  // sinks are ports 2..N+1

struct Mode {
  const char* name;
  msw::FabricMode mode;
};
const Mode kModes[] = {{"mswitch", msw::FabricMode::kMSwitch}, {"vale", msw::FabricMode::kVale}};
constexpr size_t kNumModes = sizeof kModes / sizeof kModes[0];

struct CaseSpec {
  std::string name;
  std::vector<uint32_t> ports;
};

struct Options {
  double seconds = 1.0;
  double warmup = 0.05;
  uint32_t reps = 3;
  std::vector<CaseSpec> cases = {
      {"one-active", {1, 2, 5, 10, 50, 100, 250, 500, 1000}},
      {"round-robin", {1, 2, 5, 10, 20, 50, 100, 250}},
  };
  std::vector<uint32_t> batches = {64, 1024};
  std::vector<uint32_t> lens = {60, 1514};
  uint32_t sink_slots = SinkPort::kDefaultSlots;
  bool modes[kNumModes] = {true, true};  // by kModes index
  bool both() const { return modes[0] && modes[1]; }
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "mswitch-density-bench: %s\n", why.c_str());
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
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

void Figure(const std::string& kase, const std::string& metric, double value, const char* unit) {
  std::printf("{\"bench\":\"density\",\"case\":\"%s\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n",
              kase.c_str(), metric.c_str(), value, unit);
  std::fflush(stdout);
}

// A switch with the source and N sinks; the ports are the switch's.
class Rig {
 public:
  explicit Rig(uint32_t sink_slots) : sink_slots_(sink_slots) {
    msw::Status st = msw::RegisterLogic(DensityLogicOps());
    if (!st.ok()) Die(st.message);
    msw::SwitchConfig cfg;
    cfg.name = "density";
    cfg.n_workers = 1;
    cfg.batch_size = msw::Fabric::kMaxBatch;
    cfg.logic = kDensityLogicName;
    cfg.logic_config = "one-active " + std::to_string(kFirstSink);
    sw_ = msw::Switch::Create(cfg, &st);
    if (!sw_) Die(st.message);
    source_ = Add(new SourcePort(kSourcePort));
  }

  msw::Switch& sw() { return *sw_; }
  msw::Port& source() { return *source_; }

  // Attaches or detaches sinks until exactly 'n' are attached.
  void SetSinks(uint32_t n) {
    while (sinks_.size() < n) sinks_.push_back(Add(new SinkPort(kFirstSink + uint32_t(sinks_.size()), sink_slots_)));
    while (sinks_.size() > n) {
      if (!sw_->RemovePort(sinks_.back()->index())) Die("cannot remove " + sinks_.back()->name());
      sinks_.pop_back();
    }
  }

  void SetLogic(const std::string& config) {
    msw::Status st = sw_->SetLogic(kDensityLogicName, config);
    if (!st.ok()) Die(st.message);
  }

  uint64_t Delivered() const {
    uint64_t n = 0;
    for (const msw::Port* p : sinks_) n += p->Stats().tx_packets;
    return n;
  }

  uint64_t Dropped() const {
    uint64_t n = 0;
    auto add = [&n](const msw::Port* p) {
      const msw::PortStats s = p->Stats();
      for (uint64_t d : s.drops) n += d;
    };
    add(source_);
    for (const msw::Port* p : sinks_) add(p);
    return n;
  }

 private:
  msw::Port* Add(msw::Port* p) {
    std::unique_ptr<msw::Port> owned(p);
    if (sw_->ReserveIndex(p->index()) != p->index()) Die("port number " + std::to_string(p->index()) + " taken");
    msw::Status st = sw_->AddPort(std::move(owned));
    if (!st.ok()) Die(st.message);
    return p;
  }

  const uint32_t sink_slots_;
  std::unique_ptr<msw::Switch> sw_;
  msw::Port* source_ = nullptr;
  std::vector<msw::Port*> sinks_;
};

// One run's rate and how much of the wall time the thread got.
struct Rate {
  double mpps;       // frames per second of the thread's CPU time
  double cpu_share;  // thread CPU time / wall time
};

// Forwards 'batch' over and over for 'seconds' of wall time in 'mode'.
// The rate is over the thread's own CPU time, so time the thread spent
// preempted by other work on this shared 2-CPU machine does not count
// (what a dedicated core, as in the paper, would do); the share says how
// much it got.  Dies if any frame was lost: a figure for frames that went
// nowhere would be a lie.
Rate Run(Rig& rig, msw::Fabric& fabric, const msw::RxBatch& batch, msw::FabricMode mode,
         double seconds) {
  rig.sw().set_mode(mode);
  const uint64_t delivered0 = rig.Delivered(), dropped0 = rig.Dropped();
  uint64_t frames = 0;
  const uint64_t cpu0 = ThreadCpuNs();
  const uint64_t t0 = NowNs(), deadline = t0 + uint64_t(seconds * 1e9);
  uint64_t t = t0;
  do {
    fabric.Forward(rig.source(), batch, t);
    frames += batch.n_frames;
    t = NowNs();
  } while (t < deadline);
  const uint64_t cpu = ThreadCpuNs() - cpu0;
  const uint64_t delivered = rig.Delivered() - delivered0, dropped = rig.Dropped() - dropped0;
  if (delivered != frames || dropped)
    Die("sent " + std::to_string(frames) + " frames, sinks got " + std::to_string(delivered) +
        ", " + std::to_string(dropped) + " dropped");
  return Rate{double(frames) * 1e3 / double(std::max<uint64_t>(cpu, 1)),
              double(cpu) / double(t - t0)};
}

struct Point {
  std::vector<double> mpps[kNumModes];
  std::vector<double> share[kNumModes];
  double median[kNumModes] = {};
  double ratio = 0;  // mswitch/vale, median of the paired ratios
};

// One point: warm up (page in the sinks' rings), then 'reps' rounds of
// every chosen mode in turn.
Point Measure(Rig& rig, msw::Fabric& fabric, const SourceBatch& src, const Options& o) {
  Point pt;
  for (size_t m = 0; m < kNumModes; m++)
    if (o.modes[m]) Run(rig, fabric, src.batch(), kModes[m].mode, o.warmup);
  std::vector<double> ratios;
  for (uint32_t rep = 0; rep < o.reps; rep++) {
    for (size_t m = 0; m < kNumModes; m++) {
      if (!o.modes[m]) continue;
      const Rate r = Run(rig, fabric, src.batch(), kModes[m].mode, o.seconds);
      pt.mpps[m].push_back(r.mpps);
      pt.share[m].push_back(r.cpu_share);
    }
    if (o.both()) ratios.push_back(pt.mpps[0].back() / pt.mpps[1].back());
  }
  for (size_t m = 0; m < kNumModes; m++)
    if (o.modes[m]) pt.median[m] = Median(pt.mpps[m]);
  if (o.both()) pt.ratio = Median(ratios);
  return pt;
}

// "round-robin/b1024/60B", "round-robin@ring256/b1024/60B" for sinks of
// other than the default ring size.
std::string CurveName(const CaseSpec& c, const SourceBatch& src, uint32_t sink_slots) {
  const std::string ring =
      sink_slots == SinkPort::kDefaultSlots ? "" : "@ring" + std::to_string(sink_slots);
  return c.name + ring + "/b" + std::to_string(src.batch().n_frames) + "/" + std::to_string(src.len()) + "B";
}

// Prints one point's figures and its progress line.
void Report(const std::string& kase, const Point& pt, const Options& o) {
  std::string line;
  char buf[96];
  for (size_t m = 0; m < kNumModes; m++) {
    if (!o.modes[m]) continue;
    const std::string k = kase + "/" + kModes[m].name;
    const auto mm = std::minmax_element(pt.mpps[m].begin(), pt.mpps[m].end());
    Figure(k, "Mpps", pt.median[m], "Mpps");
    Figure(k, "Mpps min", *mm.first, "Mpps");
    Figure(k, "Mpps max", *mm.second, "Mpps");
    Figure(k, "CPU share", Median(pt.share[m]), "ratio");
    std::snprintf(buf, sizeof buf, "  %s %8.3f (CPU %3.0f%%)", kModes[m].name, pt.median[m],
                  100 * Median(pt.share[m]));
    line += buf;
  }
  if (o.both()) {
    Figure(kase, "mswitch/vale", pt.ratio, "ratio");
    std::snprintf(buf, sizeof buf, "  x%.2f", pt.ratio);
    line += buf;
  }
  std::fprintf(stderr, "  %-28s%s\n", kase.c_str(), line.c_str());
}

void RunCase(Rig& rig, msw::Fabric& fabric, const CaseSpec& c, const Options& o,
             const std::vector<std::unique_ptr<SourceBatch>>& sources) {
  // Points by source (batch x len), in port-count order, for the ratios.
  std::vector<std::vector<Point>> points(sources.size());
  for (uint32_t n : c.ports) {
    rig.SetSinks(n);
    rig.SetLogic(c.name == "one-active" ? "one-active " + std::to_string(kFirstSink)
                                        : "round-robin " + std::to_string(kFirstSink) + " " +
                                              std::to_string(n));
    for (size_t s = 0; s < sources.size(); s++) {
      points[s].push_back(Measure(rig, fabric, *sources[s], o));
      Report(CurveName(c, *sources[s], o.sink_slots) + "/n" + std::to_string(n), points[s].back(), o);
    }
  }
  // The curve's end against its start: N = max vs N = 1.
  if (c.ports.size() < 2 || c.ports.front() != 1) return;
  for (size_t s = 0; s < sources.size(); s++) {
    for (size_t m = 0; m < kNumModes; m++) {
      if (!o.modes[m]) continue;
      Figure(CurveName(c, *sources[s], o.sink_slots) + "/" + kModes[m].name,
             "n" + std::to_string(c.ports.back()) + " vs n1",
             points[s].back().median[m] / points[s].front().median[m], "ratio");
    }
  }
}

std::vector<uint32_t> ParseList(const char* s) {
  std::vector<uint32_t> out;
  for (const char* p = s; *p;) {
    char* e;
    const unsigned long v = std::strtoul(p, &e, 10);
    if (e == p || v == 0 || v > 4000) Die(std::string("bad number list '") + s + "'");
    out.push_back(uint32_t(v));
    p = *e == ',' ? e + 1 : e;
    if (*e && *e != ',') Die(std::string("bad number list '") + s + "'");
  }
  return out;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  std::vector<std::string> cases;
  std::vector<uint32_t> batches, lens, ports;
  std::vector<size_t> modes;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--quick") {
      o.seconds = 0.3;
      o.warmup = 0.03;
    } else if (a == "--seconds") {
      o.seconds = std::atof(value());
    } else if (a == "--reps") {
      o.reps = uint32_t(std::atoi(value()));
    } else if (a == "--case") {
      cases.push_back(value());
    } else if (a == "--batch") {
      for (uint32_t b : ParseList(value())) batches.push_back(b);
    } else if (a == "--len") {
      for (uint32_t l : ParseList(value())) lens.push_back(l);
    } else if (a == "--ports") {
      ports = ParseList(value());
    } else if (a == "--sink-slots") {
      o.sink_slots = uint32_t(std::atoi(value()));
      if (o.sink_slots == 0) Die("--sink-slots must be positive");
    } else if (a == "--mode") {
      const std::string m = value();
      if (m != "mswitch" && m != "vale") Die("no mode " + m + " (mswitch, vale)");
      modes.push_back(m == "vale");
    } else {
      Die("unknown argument " + a + " (see the comment atop density_bench.cc)");
    }
  }
  if (!(o.seconds > 0) || o.reps == 0) Die("--seconds and --reps must be positive");
  if (!cases.empty()) {
    std::vector<CaseSpec> keep;
    for (const std::string& n : cases) {
      auto it = std::find_if(o.cases.begin(), o.cases.end(), [&](const CaseSpec& c) { return c.name == n; });
      if (it == o.cases.end()) Die("no case " + n + " (one-active, round-robin)");
      keep.push_back(*it);
    }
    o.cases = keep;
  }
  if (!ports.empty())
    for (CaseSpec& c : o.cases) c.ports = ports;
  if (!modes.empty()) {
    o.modes[0] = o.modes[1] = false;
    for (size_t m : modes) o.modes[m] = true;
  }
  if (!batches.empty()) o.batches = batches;
  if (!lens.empty()) o.lens = lens;
  for (uint32_t b : o.batches)
    if (b > msw::Fabric::kMaxBatch) Die("batch " + std::to_string(b) + " over the fabric's 1024");
  for (uint32_t l : o.lens)
    if (l < 14 || l > SinkPort::kSlotBytes) Die("frame length must be 14..2048");
  return o;
}

}  // namespace
}  // namespace msw_bench

int main(int argc, char** argv) {
  using namespace msw_bench;
  const Options o = ParseArgs(argc, argv);
  Rig rig(o.sink_slots);
  // Worker slot 0: the switch's worker owns no queue, so it never forwards.
  msw::Fabric fabric(&rig.sw(), 0, msw::Fabric::kMaxBatch);
  std::vector<std::unique_ptr<SourceBatch>> sources;
  for (uint32_t b : o.batches)
    for (uint32_t l : o.lens) sources.emplace_back(new SourceBatch(b, l));
  std::fprintf(stderr, "density: %.2f s x %u reps per mode and point, modes interleaved\n", o.seconds,
               o.reps);
  for (const CaseSpec& c : o.cases) RunCase(rig, fabric, c, o, sources);
  rig.SetSinks(0);
  return 0;
}
