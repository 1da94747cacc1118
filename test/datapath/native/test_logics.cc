// The test logics; see test_logics.h.
#include "test_logics.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "core/logic_registry.h"

namespace msw_test {

namespace {

std::atomic<const std::vector<PlanEntry>*> g_plan{nullptr};
std::function<void(uint64_t)> g_hook;
std::atomic<uint64_t> g_violations{0};
std::mutex g_violation_mu;
std::string g_first_violation;

// Not on the hot path of anything but a test: a lock is fine here.
void OracleViolation(const std::string& what) {
  std::lock_guard<std::mutex> lock(g_violation_mu);
  if (g_violations.fetch_add(1) == 0) g_first_violation = what;
}

bool ResultIsZeroed(const msw_result& r) {
  if (r.verdict || r.port || r.n_outputs || r.flags) return false;
  for (const msw_output& o : r.outputs)
    if (o.port || o.flags || o.head_off || o.head_len || o.strip) return false;
  return true;
}

void OracleLookup(void*, msw_packet* pkt, msw_result* res) {
  if (!ResultIsZeroed(*res)) OracleViolation("lookup got a result that was not zeroed");
  const std::vector<PlanEntry>* plan = g_plan.load(std::memory_order_acquire);
  uint32_t id = 0;
  if (pkt->head_len >= 4) std::memcpy(&id, pkt->data, 4);
  if (!plan || id >= plan->size()) {
    OracleViolation("frame id " + std::to_string(id) + " has no plan");
    return;
  }
  const PlanEntry& e = (*plan)[id];
  if (pkt->src_port != e.expect_src || pkt->len != e.expect_len ||
      pkt->head_len != std::min<uint32_t>(pkt->len, MSW_HEAD_BYTES))
    OracleViolation("frame " + std::to_string(id) + " seen with src " +
                    std::to_string(pkt->src_port) + " len " + std::to_string(pkt->len));
  for (uint32_t i = e.rw_off; i < e.rw_off + e.rw_len && i < pkt->head_len; i++)
    pkt->data[i] ^= e.rw_xor;
  // Only nonzero fields are written: the rest must already be zero.
  if (e.verdict) res->verdict = e.verdict;
  if (e.port) res->port = e.port;
  if (e.flags) res->flags = e.flags;
  if (e.n_outputs) res->n_outputs = e.n_outputs;
  for (size_t k = 0; k < e.outs.size() && k < MSW_MAX_OUTPUTS; k++) {
    const PlanOutput& o = e.outs[k];
    msw_output& out = res->outputs[k];
    if (o.port) out.port = o.port;
    if (o.flags) out.flags = o.flags;
    if (o.head_off) out.head_off = o.head_off;
    if (o.head_len) out.head_len = o.head_len;
    if (o.strip) out.strip = o.strip;
    if (o.head_off < MSW_SCRATCH_BYTES) {
      const size_t n = std::min<size_t>(o.scratch.size(), MSW_SCRATCH_BYTES - o.head_off);
      if (n) std::memcpy(res->scratch + o.head_off, o.scratch.data(), n);
    }
  }
}

std::atomic<uint64_t> g_batch_calls{0}, g_batch_frames{0}, g_batch_max{0}, g_batch_singles{0};

// test-oracle-batch's lookup: the fabric must never call it (it has
// lookup_batch), but it answers like test-oracle if it does.
void OracleSingleLookup(void* inst, msw_packet* pkt, msw_result* res) {
  g_batch_singles.fetch_add(1, std::memory_order_relaxed);
  OracleLookup(inst, pkt, res);
}

// test-oracle-batch's lookup_batch: checks what logic.h promises of a
// chunk, then answers each packet in order as test-oracle would.
void OracleBatchLookup(void* inst, msw_packet* const* pkts, msw_result* const* results,
                       uint32_t n) {
  g_batch_calls.fetch_add(1, std::memory_order_relaxed);
  g_batch_frames.fetch_add(n, std::memory_order_relaxed);
  uint64_t max = g_batch_max.load(std::memory_order_relaxed);
  while (n > max && !g_batch_max.compare_exchange_weak(max, n)) {
  }
  if (n == 0 || n > MSW_LOOKUP_BATCH_MAX)
    OracleViolation("lookup_batch called with " + std::to_string(n) + " packets");
  for (uint32_t i = 0; i < n && i < MSW_LOOKUP_BATCH_MAX; i++) {
    const msw_packet& p = *pkts[i];
    if (p.src_port != pkts[0]->src_port || p.worker != pkts[0]->worker ||
        p.now_ns != pkts[0]->now_ns)
      OracleViolation("a lookup_batch chunk mixes sources, workers or batch times");
    for (uint32_t j = 0; j < i; j++) {
      const intptr_t d = results[i]->scratch - results[j]->scratch;
      if ((d < 0 ? -d : d) < intptr_t(MSW_SCRATCH_BYTES))
        OracleViolation("two results of a chunk share scratch");
      if (pkts[i]->data == pkts[j]->data) OracleViolation("two packets of a chunk share a head");
    }
  }
  for (uint32_t i = 0; i < n; i++) OracleLookup(inst, pkts[i], results[i]);
}

void DirectedLookup(void*, msw_packet* pkt, msw_result* res) {
  if (pkt->head_len < 3) return;  // DROP
  const uint32_t port = pkt->data[0] | (uint32_t(pkt->data[1]) << 8);
  switch (pkt->data[2]) {
    case 0:
      res->verdict = MSW_VERDICT_UNICAST;
      res->port = port;
      break;
    case 1:
      res->verdict = MSW_VERDICT_FLOOD;
      break;
    case 3:
      if (g_hook && pkt->head_len >= 12) {
        uint64_t tag = 0;
        for (int i = 7; i >= 0; i--) tag = (tag << 8) | pkt->data[4 + i];
        g_hook(tag);
      }
      break;
    default:
      res->verdict = MSW_VERDICT_DROP;
      break;
  }
}

const msw_logic_ops kOracleOps = {
    MSW_LOGIC_ABI_VERSION, "test-oracle", nullptr, nullptr, OracleLookup, nullptr, nullptr,
    nullptr,
};
const msw_logic_ops kOracleBatchOps = {
    MSW_LOGIC_ABI_VERSION, "test-oracle-batch", nullptr, nullptr, OracleSingleLookup, nullptr,
    nullptr, OracleBatchLookup,
};
// A logic built against ABI version 2: its table ends at 'control', and
// the switch must call its lookup, never read a member past that.
const msw_logic_ops kOracleV2Ops = {
    2, "test-oracle-v2", nullptr, nullptr, OracleLookup, nullptr, nullptr,
};
const msw_logic_ops kDirectedOps = {
    MSW_LOGIC_ABI_VERSION, "test-directed", nullptr, nullptr, DirectedLookup, nullptr, nullptr,
    nullptr,
};

void PutLe64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = uint8_t(v >> (8 * i));
}

uint64_t GetLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

void Fill(Bytes& f, size_t from, uint64_t tag) {
  uint64_t x = tag * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = from; i < f.size(); i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    f[i] = uint8_t(x);
  }
}

}  // namespace

void RegisterTestLogics() {
  static std::once_flag once;
  std::call_once(once, [] {
    msw::RegisterLogic(&kOracleOps);
    msw::RegisterLogic(&kOracleBatchOps);
    msw::RegisterLogic(&kOracleV2Ops);
    msw::RegisterLogic(&kDirectedOps);
  });
}

void SetOraclePlan(const std::vector<PlanEntry>* plan) {
  g_plan.store(plan, std::memory_order_release);
}

uint64_t OracleViolations() { return g_violations.load(); }

void ResetOracleViolations() {
  std::lock_guard<std::mutex> lock(g_violation_mu);
  g_violations.store(0);
  g_first_violation.clear();
}

OracleBatchStats GetOracleBatchStats() {
  return OracleBatchStats{g_batch_calls.load(), g_batch_frames.load(), g_batch_max.load(),
                          g_batch_singles.load()};
}

void SetDirectedHook(std::function<void(uint64_t tag)> hook) { g_hook = std::move(hook); }

std::string OracleFirstViolation() {
  std::lock_guard<std::mutex> lock(g_violation_mu);
  return g_first_violation;
}

Bytes DirectedFrame(uint32_t dst, uint8_t verdict, uint64_t tag, uint32_t len) {
  Bytes f(std::max<uint32_t>(len, 12));
  f[0] = uint8_t(dst);
  f[1] = uint8_t(dst >> 8);
  f[2] = verdict;
  f[3] = 0;
  PutLe64(&f[4], tag);
  Fill(f, 12, tag);
  return f;
}

uint64_t FrameTag(const Bytes& f) { return f.size() >= 12 ? GetLe64(&f[4]) : ~0ull; }

Bytes EthFrame(uint64_t dst_mac, uint64_t src_mac, uint64_t tag, uint32_t len) {
  Bytes f(std::max<uint32_t>(len, 22));
  for (int i = 0; i < 6; i++) {
    f[i] = uint8_t(dst_mac >> (40 - 8 * i));
    f[6 + i] = uint8_t(src_mac >> (40 - 8 * i));
  }
  f[12] = 0x88;
  f[13] = 0xb5;
  PutLe64(&f[14], tag);
  Fill(f, 22, tag);
  return f;
}

}  // namespace msw_test
