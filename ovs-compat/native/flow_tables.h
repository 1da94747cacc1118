// The state of one `openflow` logic instance, shared by the files that
// implement it: openflow_logic.cc (the ABI ops, grace periods), lookup.cc
// (the per-packet and batched look-ups),
// control.cc (the batch of control lines), flow_mods.cc (add, mod, del),
// dump.cc (dump, aggregate, table_stats), events.cc (timeouts,
// flow-removed) and trace.cc (trace, packet_out).
//
// Design
//   Everything per worker lives in a WorkerState of its own cache lines:
//   the epoch slot of the grace-period scheme, the exact-match cache, the
//   per-table look-up, match and EMC hit/miss counters.  There are
//   n_workers + 1 of them: the last is the control thread's (trace,
//   packet_out), as pipeline.h asks.
//
//   Rule ids are stable and sort as a dump lists flows:
//     id = table << 56 | (65535 - priority) << 40 | sequence (40 bits)
//   so `dump after=ID` resumes correctly even if flow ID was deleted
//   between the two pages.
//
// Thread-safety
//   Workers touch only their WorkerState, RuleStats slots and the
//   published versions of classifiers, groups and meters.  Everything
//   else belongs to the control thread.
#ifndef MSWITCH_OVS_COMPAT_FLOW_TABLES_H_
#define MSWITCH_OVS_COMPAT_FLOW_TABLES_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "classifier.h"
#include "emc.h"
#include "groups.h"
#include "meters.h"
#include "mswitch/logic.h"
#include "normal.h"
#include "packet_edit.h"
#include "pipeline.h"

namespace ofl {

constexpr uint32_t kDefaultTables = 64;
constexpr uint32_t kMaxTables = 254;
constexpr size_t kDefaultMaxFlows = 1000000;
constexpr int32_t kDefaultPriority = 32768;
constexpr size_t kMaxEvents = 65536;  // queued flow-removed events
constexpr uint32_t kAnyPort = 0xffffffffu;   // OFPP_ANY: no out_port filter
constexpr uint32_t kAnyGroup = 0xffffffffu;  // OFPG_ANY: no out_group filter

// Look-ups of one table by one worker (single writer: plain load + store).
// emc_hits + emc_misses = lookups for workers; the control thread's
// packet_out look-ups bypass the cache.
struct TableCounters {
  std::atomic<uint64_t> lookups{0};
  std::atomic<uint64_t> matched{0};
  std::atomic<uint64_t> emc_hits{0};
  std::atomic<uint64_t> emc_misses{0};
};

struct alignas(64) WorkerState {
  std::atomic<uint64_t> epoch{0};  // 0: not in lookup (grace periods)
  std::unique_ptr<TableCounters[]> tables;
  ExactMatchCache emc;
  // The working heads of one look-up chunk (lookup.cc), kept here so a
  // chunk allocates nothing and its keys stay in this worker's cache.
  std::unique_ptr<WorkHead[]> heads{new WorkHead[Classifier::kMaxLookupBatch]};
};

inline void Bump(std::atomic<uint64_t>* c) {
  c->store(c->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// How a table look-up behaves: a worker's (cache, count), packet_out's
// (count, no cache) or trace's (neither); trace and packet_out record the
// steps for their reply.
struct LookupCtx {
  enum Mode { kWorker, kPacketOut, kTrace } mode = kWorker;
  struct FlowTables* ft = nullptr;
  std::vector<std::pair<uint32_t, const Rule*>>* steps = nullptr;
};

// A queued flow-removed event, already formatted (control-text.md).
struct FlowRemoved {
  std::string line;
};

struct FlowTables {
  uint32_t n_workers = 1;
  uint32_t n_tables = kDefaultTables;
  size_t max_flows = kDefaultMaxFlows;
  std::string switch_name;
  std::vector<std::unique_ptr<Classifier>> tables;
  std::unique_ptr<WorkerState[]> workers;  // n_workers + 1
  std::atomic<uint64_t> epoch{1};
  std::atomic<uint64_t> generation{1};  // the EMC's; bumped after each publish
  std::atomic<bool> miss_to_controller{false};  // table_miss.h; env points here
  std::unique_ptr<GroupTable> groups;
  std::unique_ptr<MeterTable> meters;
  std::unique_ptr<NormalAction> normal;  // null: NORMAL drops
  std::string normal_error;
  PortState ports;
  LookupCtx worker_ctx;
  PipelineEnv env;  // for workers: lookup through worker_ctx
  uint64_t next_seq = 1;
  std::deque<FlowRemoved> events;
  uint64_t events_lost = 0;
  // Touched since the last publish (control thread).
  std::vector<bool> dirty_tables;
  bool dirty_groups = false;
  bool dirty_meters = false;
};

// Builds an instance (openflow_logic.cc).
FlowTables* NewFlowTables(const msw_switch_info* sw, uint32_t n_tables, size_t max_flows,
                          std::string* err);

// The TableLookupFn every pipeline run uses; 'ctx' is a LookupCtx.
const Rule* TableLookup(void* ctx, uint32_t table, const FlowKey& key, const msw_packet& pkt);

// The logic's lookup and lookup_batch (lookup.cc).
void LookupOne(void* instance, msw_packet* pkt, msw_result* res);
void LookupBatch(void* instance, msw_packet* const* pkts, msw_result* const* results,
                 uint32_t n);

// Publishes every touched table, group and meter table, bumps the EMC
// generation, waits for a grace period and frees what was retired.
void PublishAndSync(FlowTables* ft);

// CLOCK_MONOTONIC in ns (the clock msw_packet::now_ns uses).
uint64_t MonotonicNs();

// A rule id (see the header comment).
inline uint64_t MakeRuleId(uint32_t table, int32_t priority, uint64_t seq) {
  return uint64_t(table) << 56 | uint64_t(65535 - priority) << 40 | (seq & ((1ull << 40) - 1));
}

// Queues the flow-removed event of 'r' with 'reason' if it asked for one.
void QueueFlowRemoved(FlowTables* ft, const Rule& r, const char* reason, uint64_t now_ns);

// The control commands, each on one line (control.cc dispatches).
//   Queries return the reply text, or an error in '*err'.
std::string DumpFlows(FlowTables* ft, const std::string& line, size_t reply_len,
                      std::string* err);
std::string Aggregate(FlowTables* ft, const std::string& line, std::string* err);
std::string TableStats(FlowTables* ft);
std::string Events(FlowTables* ft, const std::string& line, std::string* err);
std::string Trace(FlowTables* ft, const std::string& line, std::string* err);
std::string PacketOut(FlowTables* ft, const std::string& line, std::string* err);
// The batch of add/mod/del/group_*/meter_* lines; returns 0 or an errno
// with '*reply' set either way.
int ApplyBatch(FlowTables* ft, const std::string& text, std::string* reply);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_FLOW_TABLES_H_
