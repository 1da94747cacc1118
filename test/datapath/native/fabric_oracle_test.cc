// The fabric against a per-packet reference (the OVS test-classifier way:
// the fast thing checked against an obviously correct slow one).
//
// Each scenario builds a switch of 2..300 FakePorts (random port numbers,
// ring sizes, buffer sizes, some ports down) running test-oracle, then
// sends random batches (1..1024 frames of 60..9000 bytes, split into
// random segments) into random ports.  test-oracle answers per a random
// plan: UNICAST (good, missing and hairpin destinations), FLOOD, DROP,
// malformed verdicts, and MULTI with plain outputs and variants that push
// 4 bytes, pop 4 bytes, or replace an arbitrary head, plus in-place head
// rewrites.  Reference() computes, one packet at a time and one output at
// a time, what every destination must hold and every drop counter must
// say; the scenario runs in both fabric modes (mSwitch lists and VALE
// scans) and each must match it exactly: frames, bytes, order, and drops
// per port per reason, with sent = delivered + dropped.
//
// Batch boundaries are whatever the worker's Receive calls returned (the
// FakePort logs them); the reference replays those.  A batch is injected
// in one step and the test waits for the switch to finish it before the
// next, so each destination ring's free room is known exactly.
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "check.h"
#include "switch_rig.h"
#include "test_logics.h"

namespace msw_test {
namespace {

// Limits of one batch's scratchpad, as fabric.cc sizes it (kMaxBatch x
// kRecordsPerFrame records, kMaxBatch x kArenaPerFrame variant bytes).  The
// reference must know them to predict no-variant-space drops exactly.
constexpr uint32_t kMaxRecords = 1024 * 4;
constexpr uint32_t kArenaBytes = 1024 * 512;
constexpr uint32_t kFloodDst = ~0u;

// One output the reference decided on: 'head' then the source frame from
// 'src_off' on.
struct RefRecord {
  uint32_t frame;
  uint32_t dst;  // port or kFloodDst
  std::shared_ptr<const Bytes> head;
  uint32_t src_off;
  uint32_t len;
};

struct RefPort {
  FakePort* port = nullptr;
  bool up = true;
  uint32_t used_slots = 0;                         // since the last drain
  std::deque<std::shared_ptr<RefRecord>> expect;  // delivered, not drained
  uint64_t drops[msw::kNumDropReasons] = {};
  uint64_t delivered = 0;
};

struct ScenarioParams {
  uint32_t n_ports, n_workers, batch_size, n_batches, max_segs;
  double drain_chance, flood_chance;
  bool multi_heavy;  // full batches of 8-output MULTI answers with big variants
};

class OracleRun {
 public:
  OracleRun(const ScenarioParams& p, msw::FabricMode mode, uint64_t seed,
            const char* logic = "test-oracle")
      : p_(p), mode_(mode), logic_(logic), rng_(seed) {}

  void Run();
  // Totals over the run, for the summary line.
  uint64_t frames_sent = 0, delivered = 0, outcomes = 0;
  uint64_t drops[msw::kNumDropReasons] = {};

 private:
  PlanEntry GenEntry(uint32_t src, const Bytes& frame);
  uint32_t PickDest(uint32_t src);
  PlanOutput GenVariant(const Bytes& frame);
  void Reference(uint32_t src, uint32_t first_id, uint32_t n);
  bool RefCheckDest(uint32_t src, uint32_t dst, uint32_t flags);
  void DrainAndCompare(uint32_t index, RefPort& rp);
  std::string Where() const {
    return std::string(mode_ == msw::FabricMode::kVale ? "VALE" : "mSwitch") + " mode, " +
           std::to_string(p_.n_ports) + " ports: ";
  }

  const ScenarioParams p_;
  const msw::FabricMode mode_;
  const char* const logic_;
  Rng rng_;
  std::map<uint32_t, RefPort> ports_;
  std::vector<uint32_t> index_list_;
  std::vector<Bytes> frames_;  // by id
  std::vector<PlanEntry> plan_;
};

uint32_t PickOne(Rng& rng, const std::vector<uint32_t>& v) { return v[rng.Range(0, uint32_t(v.size() - 1))]; }

uint32_t OracleRun::PickDest(uint32_t src) {
  const uint32_t r = rng_.Range(0, 99);
  if (r < 75) return PickOne(rng_, index_list_);
  if (r < 85) return src;
  switch (rng_.Range(0, 4)) {
    case 0: return 0;
    case 1: return MSW_MAX_PORTS + 1;
    case 2: return MSW_PORT_FLOOD;  // not a port when named as one
    case 3: return 70000;
    default:
      for (;;) {  // a number no port has
        const uint32_t i = rng_.Range(1, MSW_MAX_PORTS);
        if (!ports_.count(i)) return i;
      }
  }
}

PlanOutput OracleRun::GenVariant(const Bytes& frame) {
  const uint32_t len = uint32_t(frame.size());
  PlanOutput o;
  o.flags = MSW_OUT_VARIANT;
  const uint32_t kind = rng_.Range(0, 99);
  if (kind < 30) {  // push a 4-byte tag after the MAC addresses
    o.head_off = uint16_t(rng_.Range(0, MSW_SCRATCH_BYTES - 16));
    o.head_len = 16;
    o.strip = 12;
    o.scratch.assign(frame.begin(), frame.begin() + 12);
    for (int i = 0; i < 4; i++) o.scratch.push_back(rng_.Byte());
  } else if (kind < 55) {  // pop 4 bytes after the MAC addresses
    o.head_off = uint16_t(rng_.Range(0, MSW_SCRATCH_BYTES - 12));
    o.head_len = 12;
    o.strip = 16;
    o.scratch.assign(frame.begin(), frame.begin() + 12);
  } else if (kind < 95) {  // any head, any strip
    o.head_off = uint16_t(rng_.Range(0, MSW_SCRATCH_BYTES - 1));
    o.head_len = uint16_t(rng_.Range(0, std::min<uint32_t>(MSW_SCRATCH_BYTES - o.head_off, 400)));
    o.strip = uint16_t(rng_.Chance(0.2) ? len : rng_.Range(0, len));
    if (o.head_len == 0 && o.strip >= len) o.head_len = 1;  // never an empty frame
    for (uint32_t i = 0; i < o.head_len; i++) o.scratch.push_back(rng_.Byte());
  } else if (rng_.Chance(0.5)) {  // malformed: head runs off the scratch
    o.head_off = uint16_t(rng_.Range(MSW_SCRATCH_BYTES - 64, MSW_SCRATCH_BYTES - 1));
    o.head_len = uint16_t(MSW_SCRATCH_BYTES - o.head_off + rng_.Range(1, 64));
    for (uint32_t i = 0; i < o.head_len; i++) o.scratch.push_back(rng_.Byte());
  } else {  // malformed: strips more than the frame has
    o.head_len = 4;
    o.strip = uint16_t(len + rng_.Range(1, 100));
    o.scratch = {1, 2, 3, 4};
  }
  return o;
}

PlanEntry OracleRun::GenEntry(uint32_t src, const Bytes& frame) {
  PlanEntry e;
  const uint32_t len = uint32_t(frame.size());
  const uint32_t head_len = std::min<uint32_t>(len, MSW_HEAD_BYTES);
  e.expect_src = src;
  e.expect_len = len;
  if (rng_.Chance(0.3)) {
    e.rw_off = rng_.Range(0, head_len - 1);
    e.rw_len = rng_.Range(1, 160);
    e.rw_xor = uint8_t(rng_.Range(1, 255));
  }
  const double r = p_.multi_heavy && rng_.Chance(0.9) ? 1.0 : double(rng_.Range(0, 9999)) / 10000.0;
  if (r < 0.30) {
    e.verdict = MSW_VERDICT_UNICAST;
    e.port = PickDest(src);
    if (rng_.Chance(0.15)) e.flags = MSW_OUT_ALLOW_IN_PORT;
  } else if (r < 0.30 + p_.flood_chance) {
    e.verdict = MSW_VERDICT_FLOOD;
  } else if (r < 0.45) {
    e.verdict = MSW_VERDICT_DROP;
  } else if (r < 0.47) {
    e.verdict = rng_.Chance(0.5) ? 7 : 0xffffffffu;  // not a verdict
    e.port = PickOne(rng_, index_list_);
  } else {
    e.verdict = MSW_VERDICT_MULTI;
    const uint32_t n = p_.multi_heavy ? MSW_MAX_OUTPUTS
                       : rng_.Chance(0.04) ? 0 : rng_.Range(1, MSW_MAX_OUTPUTS);
    for (uint32_t k = 0; k < n; k++) {
      PlanOutput o;
      if (rng_.Chance(p_.multi_heavy ? 0.9 : 0.6)) o = GenVariant(frame);
      o.port = rng_.Chance(p_.flood_chance) ? MSW_PORT_FLOOD : PickDest(src);
      if (rng_.Chance(0.15)) o.flags |= MSW_OUT_ALLOW_IN_PORT;
      e.outs.push_back(o);
    }
    e.n_outputs = n;
    if (rng_.Chance(0.05)) e.n_outputs = n + rng_.Range(1, 6);  // more than filled in
  }
  return e;
}

bool OracleRun::RefCheckDest(uint32_t src, uint32_t dst, uint32_t flags) {
  if (dst == 0 || dst > MSW_MAX_PORTS || !ports_.count(dst)) {
    ports_[src].drops[msw::kBadDest]++;
    return false;
  }
  if (dst == src && !(flags & MSW_OUT_ALLOW_IN_PORT)) {
    ports_[src].drops[msw::kHairpin]++;
    return false;
  }
  return true;
}

// The reference: one frame at a time, one output at a time.
void OracleRun::Reference(uint32_t src, uint32_t first_id, uint32_t n) {
  RefPort& sp = ports_.at(src);
  std::vector<RefRecord> recs;
  uint32_t arena = 0;
  auto add = [&](uint32_t frame, uint32_t dst, Bytes head, uint32_t src_off) {
    if (recs.size() == kMaxRecords) {
      sp.drops[msw::kNoVariantSpace]++;
      return;
    }
    const uint32_t flen = uint32_t(frames_[frame].size());
    const uint32_t len = uint32_t(head.size()) + (flen > src_off ? flen - src_off : 0);
    recs.push_back(RefRecord{frame, dst, std::make_shared<const Bytes>(std::move(head)), src_off, len});
  };
  for (uint32_t id = first_id; id < first_id + n; id++) {
    const PlanEntry& e = plan_[id];
    const Bytes& orig = frames_[id];
    const uint32_t len = uint32_t(orig.size());
    const uint32_t hl = std::min<uint32_t>(len, MSW_HEAD_BYTES);
    Bytes head(orig.begin(), orig.begin() + hl);
    for (uint32_t i = e.rw_off; i < e.rw_off + e.rw_len && i < hl; i++) head[i] ^= e.rw_xor;
    switch (e.verdict) {
      case MSW_VERDICT_UNICAST:
        if (RefCheckDest(src, e.port, e.flags)) add(id, e.port, head, hl);
        break;
      case MSW_VERDICT_FLOOD:
        add(id, kFloodDst, head, hl);
        break;
      case MSW_VERDICT_MULTI: {
        uint8_t scratch[MSW_SCRATCH_BYTES] = {};
        for (const PlanOutput& o : e.outs) {
          if (o.head_off >= MSW_SCRATCH_BYTES) continue;
          const size_t c = std::min<size_t>(o.scratch.size(), MSW_SCRATCH_BYTES - o.head_off);
          if (c) std::memcpy(scratch + o.head_off, o.scratch.data(), c);
        }
        const uint32_t nout = std::min<uint32_t>(e.n_outputs, MSW_MAX_OUTPUTS);
        if (nout == 0) sp.drops[msw::kLogicDrop]++;
        for (uint32_t k = 0; k < nout; k++) {
          const PlanOutput o = k < e.outs.size() ? e.outs[k] : PlanOutput();
          uint32_t dst = kFloodDst;
          if (o.port != MSW_PORT_FLOOD) {
            if (!RefCheckDest(src, o.port, o.flags)) continue;
            dst = o.port;
          }
          if (!(o.flags & MSW_OUT_VARIANT)) {
            add(id, dst, head, hl);
            continue;
          }
          if (uint32_t{o.head_off} + o.head_len > MSW_SCRATCH_BYTES || o.strip > len) {
            sp.drops[msw::kLogicDrop]++;
            continue;
          }
          const uint32_t extra = o.strip < hl ? hl - o.strip : 0;
          if (arena + o.head_len + extra > kArenaBytes) {
            sp.drops[msw::kNoVariantSpace]++;
            continue;
          }
          arena += o.head_len + extra;
          Bytes vh(scratch + o.head_off, scratch + o.head_off + o.head_len);
          vh.insert(vh.end(), head.begin() + std::min(o.strip, uint16_t(hl)), head.end());
          add(id, dst, std::move(vh), std::max<uint32_t>(o.strip, hl));
        }
        break;
      }
      default:
        sp.drops[msw::kLogicDrop]++;
        break;
    }
  }
  // Every destination, in the order the batch named it: a prefix that fits
  // in its ring is delivered, the rest dropped.
  for (auto& kv : ports_) {
    const uint32_t dst = kv.first;
    RefPort& rp = kv.second;
    uint32_t k = 0, listed = 0;
    bool full = false;
    for (const RefRecord& r : recs) {
      if (r.dst != dst && !(r.dst == kFloodDst && dst != src)) continue;
      listed++;
      if (!rp.up || full) continue;
      const uint32_t slots = rp.port->TxSlotsFor(r.len);
      if (rp.used_slots + slots > rp.port->config().ring_size) {
        full = true;
        continue;
      }
      rp.used_slots += slots;
      rp.expect.push_back(std::make_shared<RefRecord>(r));
      rp.delivered++;
      k++;
    }
    if (!rp.up) rp.drops[msw::kPortDown] += listed;
    else rp.drops[msw::kNoSpace] += listed - k;
  }
}

void OracleRun::DrainAndCompare(uint32_t index, RefPort& rp) {
  const std::vector<Bytes> got = rp.port->Drain();
  CHECK_MSG(got.size() <= rp.expect.size(), Where() << "port " << index << " holds "
                                                    << got.size() << " frames, expected "
                                                    << rp.expect.size());
  for (size_t i = 0; i < got.size(); i++) {
    const RefRecord& r = *rp.expect[i];
    const Bytes& f = frames_[r.frame];
    const Bytes& g = got[i];
    const size_t hl = r.head->size();
    bool same = g.size() == r.len && std::equal(r.head->begin(), r.head->end(), g.begin());
    if (same && r.len > hl) same = std::memcmp(&g[hl], &f[r.src_off], r.len - hl) == 0;
    CHECK_MSG(same, Where() << "port " << index << " frame #" << i << " is not frame "
                            << r.frame << " (" << r.len << " bytes, head " << hl
                            << ", source from " << r.src_off << "): got " << g.size()
                            << " bytes" << (g.size() >= 4 ? ", id " : "")
                            << (g.size() >= 4 ? std::to_string(g[0] | g[1] << 8 | g[2] << 16) : ""));
  }
  CHECK_MSG(got.size() == rp.expect.size(), Where() << "port " << index << " got " << got.size()
                                                    << " frames, expected " << rp.expect.size());
  rp.expect.clear();
  rp.used_slots = 0;
}

void OracleRun::Run() {
  msw::SwitchConfig cfg = RigConfig(logic_, "", p_.n_workers);
  cfg.batch_size = p_.batch_size;
  cfg.mode = mode_;
  SwitchRig rig(cfg);
  // Ports: random numbers (sometimes 1..n), rings and buffers.
  const bool dense = rng_.Chance(0.3);
  static const uint32_t kRings[] = {1, 2, 8, 64, 256, 1024};
  static const uint32_t kBufs[] = {64, 256, 1518, 2048, 9216};
  const size_t mem_cap = p_.n_ports > 64 ? (256u << 10) : (2u << 20);
  while (ports_.size() < p_.n_ports) {
    const uint32_t idx = dense ? uint32_t(ports_.size() + 1) : rng_.Range(1, MSW_MAX_PORTS);
    if (ports_.count(idx)) continue;
    FakePortConfig pc;
    pc.buf_size = kBufs[rng_.Range(0, 4)];
    pc.ring_size = kRings[rng_.Range(0, 5)];
    while (size_t(pc.ring_size) * pc.buf_size > mem_cap) pc.ring_size /= 2;
    RefPort rp;
    rp.port = rig.Add(idx, pc);
    rp.up = !rng_.Chance(0.08);
    rp.port->SetUp(rp.up);
    ports_[idx] = rp;
    index_list_.push_back(idx);
  }
  plan_.reserve(p_.n_batches * 1024);
  SetOraclePlan(&plan_);
  for (uint32_t b = 0; b < p_.n_batches; b++) {
    const uint32_t src = PickOne(rng_, index_list_);
    const uint32_t n = p_.multi_heavy ? 1024 : rng_.Chance(0.5) ? rng_.Range(1, 64)
                                                                 : rng_.Range(1, 1024);
    const uint32_t first_id = uint32_t(frames_.size());
    std::vector<InFrame> in;
    for (uint32_t i = 0; i < n; i++) {
      const uint32_t c = rng_.Range(0, 99);
      const uint32_t len = c < 50 ? rng_.Range(60, 200) : c < 85 ? rng_.Range(201, 1514)
                                                                 : rng_.Range(1515, 9000);
      Bytes f(len);
      for (uint8_t& x : f) x = rng_.Byte();
      const uint32_t id = uint32_t(frames_.size());
      std::memcpy(f.data(), &id, 4);
      plan_.push_back(GenEntry(src, f));
      in.push_back(SplitFrame(f, p_.max_segs, rng_.Next()));
      frames_.push_back(std::move(f));
    }
    FakePort* sp = ports_.at(src).port;
    CHECK_EQ(sp->Inject(0, std::move(in)), n);
    rig.WaitDrained(sp);
    uint32_t id = first_id;
    for (uint32_t got : sp->TakeBatchLog()) {
      CHECK_MSG(got <= p_.batch_size, "a batch of " << got << " > batch size " << p_.batch_size);
      Reference(src, id, got);
      id += got;
    }
    CHECK_EQ(id, first_id + n);
    CHECK_MSG(OracleViolations() == 0, OracleFirstViolation());
    frames_sent += n;
    for (auto& kv : ports_)
      if (rng_.Chance(p_.drain_chance)) DrainAndCompare(kv.first, kv.second);
  }
  CHECK_MSG(OracleViolations() == 0, OracleFirstViolation());
  // The end: every ring holds what the reference says; every counter
  // matches; and every output attempt is accounted for exactly once.
  uint64_t attempts = 0, actual = 0;
  for (auto& kv : ports_) {
    RefPort& rp = kv.second;
    DrainAndCompare(kv.first, rp);
    const msw::PortStats st = rp.port->Stats();
    for (uint32_t r = 0; r < msw::kNumDropReasons; r++) {
      CHECK_MSG(st.drops[r] == rp.drops[r], Where() << "port " << kv.first << " counted "
                                                    << st.drops[r] << " " << msw::DropReasonName(r)
                                                    << " drops, expected " << rp.drops[r]);
      attempts += rp.drops[r];
      actual += st.drops[r];
      drops[r] += st.drops[r];
    }
    CHECK_EQ(st.tx_packets, rp.delivered);
    attempts += rp.delivered;
    actual += st.tx_packets;
    delivered += st.tx_packets;
  }
  CHECK_EQ(actual, attempts);
  outcomes += actual;
  rig.CheckPorts();
  SetOraclePlan(nullptr);
}

ScenarioParams GenParams(Rng& rng, uint32_t i) {
  ScenarioParams p;
  const uint32_t c = rng.Range(0, 99);
  static const uint32_t kFixed[] = {300, 2, 3, 100};  // the first scenarios
  p.n_ports = i < 4 ? kFixed[i] : c < 40 ? rng.Range(2, 4) : c < 70 ? rng.Range(5, 32)
                                : c < 90 ? rng.Range(33, 128) : rng.Range(129, 300);
  p.n_workers = rng.Range(1, 3);
  static const uint32_t kBatch[] = {1, 2, 16, 64, 256, 1024, 1024};
  p.batch_size = rng.Chance(0.2) ? rng.Range(1, 1024) : kBatch[rng.Range(0, 6)];
  p.n_batches = p.n_ports > 128 ? 6 : 12;
  static const uint32_t kSegs[] = {1, 2, 8, 32};
  p.max_segs = kSegs[rng.Range(0, 3)];
  static const double kDrain[] = {0.0, 0.3, 1.0};
  p.drain_chance = kDrain[rng.Range(0, 2)];
  p.flood_chance = p.n_ports <= 16 ? 0.12 : p.n_ports <= 64 ? 0.04 : 0.01;
  p.multi_heavy = i == 2 || i == 3 || rng.Chance(0.1);
  if (p.multi_heavy) {
    p.batch_size = 1024;
    p.n_batches = 3;
    p.max_segs = 2;
  }
  return p;
}

void RunScenarios(TestContext& ctx, uint32_t count, const char* label,
                  const char* logic = "test-oracle") {
  Rng rng(ctx.seed);
  ResetOracleViolations();
  uint64_t frames = 0, delivered = 0, outcomes = 0;
  uint64_t drops[msw::kNumDropReasons] = {};
  for (uint32_t i = 0; i < count; i++) {
    const ScenarioParams p = GenParams(rng, i);
    const uint64_t seed = rng.Next();
    for (msw::FabricMode mode : {msw::FabricMode::kMSwitch, msw::FabricMode::kVale}) {
      OracleRun run(p, mode, seed, logic);
      run.Run();
      frames += run.frames_sent;
      delivered += run.delivered;
      outcomes += run.outcomes;
      for (uint32_t r = 0; r < msw::kNumDropReasons; r++) drops[r] += run.drops[r];
    }
  }
  std::printf("%s: %u scenarios x 2 modes, %llu frames sent, %llu outcomes: %llu delivered",
              label, count, (unsigned long long)frames, (unsigned long long)outcomes,
              (unsigned long long)delivered);
  for (uint32_t r = 0; r < msw::kNumDropReasons; r++)
    if (drops[r]) std::printf(", %llu %s", (unsigned long long)drops[r], msw::DropReasonName(r));
  std::printf("\n");
}

}  // namespace

MSW_TEST(fabric_matches_per_packet_reference) { RunScenarios(ctx, 24, "oracle"); }

// The same scenarios through a logic with lookup_batch: phase 1 then hands
// the logic chunks of up to MSW_LOOKUP_BATCH_MAX frames, and everything
// delivered and dropped must still equal the per-packet reference; the
// logic's per-packet lookup is never called.
MSW_TEST(fabric_batch_lookup_matches_per_packet_reference) {
  const OracleBatchStats before = GetOracleBatchStats();
  RunScenarios(ctx, 24, "oracle (lookup_batch)", "test-oracle-batch");
  const OracleBatchStats after = GetOracleBatchStats();
  CHECK_MSG(after.calls > before.calls, "lookup_batch was never called");
  CHECK_EQ(after.singles, before.singles);
  CHECK_EQ(after.max_chunk, uint64_t(MSW_LOOKUP_BATCH_MAX));
  std::printf("lookup_batch: %llu calls, %llu frames\n",
              (unsigned long long)(after.calls - before.calls),
              (unsigned long long)(after.frames - before.frames));
}

// A logic registered with ABI version 2 (its ops table has no lookup_batch
// member) runs through the per-packet path and matches the reference too.
MSW_TEST(fabric_abi_v2_logic_matches_per_packet_reference) {
  RunScenarios(ctx, 4, "oracle (ABI v2)", "test-oracle-v2");
}

}  // namespace msw_test
