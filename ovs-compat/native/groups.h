// OpenFlow groups of the `openflow` logic: the group table, its text
// control form (group_add / group_mod / group_del) and how a worker picks
// the buckets a packet goes through.
//
// What?
//   A group is an id, a type and a list of buckets, each bucket an action
//   list (OpenFlow 1.3 §5.6).  Types:
//     all        every bucket (flooding, multicast);
//     select     one live bucket, chosen by a stable hash of the flow,
//                weighted by the buckets' weights;
//     indirect   its one bucket;
//     ff         (fast failover) the first live bucket.
//   A bucket is live when its watch_port is up (PortState) and its
//   watch_group is live (a group with a live bucket), the latter
//   recursively up to kMaxWatchDepth; a watch of kWatchNone (OFPP_ANY /
//   OFPG_ANY) is no condition.  Watches count for select and ff groups;
//   all and indirect accept them and ignore them, as OpenFlow allows.
//
// Design
//   select uses weighted rendezvous hashing: each live bucket of weight w
//   scores ln(u)/w with u in (0,1) from hashing (flow hash, bucket index),
//   the highest score wins.  A bucket wins with probability exactly
//   w / (sum of live weights), a flow keeps its bucket as long as that
//   bucket lives, and when a bucket dies only its flows move.
//
//   Group chaining (a bucket with group:G) is allowed; Apply refuses a
//   change that would make a group reach itself (group_mod_failed.loop) or
//   chains deeper than kMaxChainDepth (chaining_unsupported), and a
//   group_del of a group that another group's bucket forwards to
//   (group_mod_failed.chained_group, OpenFlow 1.3 OFPGMFC_CHAINED_GROUP).
//
// Thread-safety
//   As classifier.h: the control thread edits a private map of immutable
//   Groups; Publish() swaps in a new immutable id index (published_ids.h);
//   what it replaced goes on a retired list that ReleaseRetired() frees
//   after the caller's grace period.  Workers (Find, Choose) never block or allocate; the only
//   thing they write is the per-worker counters (WorkerCounters).  Counters
//   survive group_mod for the group (not for the buckets, which are new).
#ifndef MSWITCH_OVS_COMPAT_GROUPS_H_
#define MSWITCH_OVS_COMPAT_GROUPS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "published_ids.h"
#include "actions.h"
#include "worker_counters.h"
#include "pipeline.h"

namespace ofl {

enum class GroupType : uint8_t { kAll, kSelect, kIndirect, kFastFailover };

constexpr uint32_t kWatchNone = 0xffffffffu;  // OFPP_ANY / OFPG_ANY
constexpr uint32_t kGroupMax = 0xffffff00u;   // OFPG_MAX: highest group id
constexpr uint32_t kGroupAll = 0xfffffffcu;   // OFPG_ALL (group_del all)
constexpr uint32_t kMaxGroups = 65536;        // group_mod_failed.out_of_groups
constexpr uint32_t kMaxBuckets = 32;          // group_mod_failed.out_of_buckets
constexpr uint32_t kMaxChainDepth = 8;        // groups reached through group:G
constexpr uint32_t kMaxWatchDepth = 8;        // watch_group recursion

struct Bucket {
  uint16_t weight = 0;  // select only (default 1); 0 never chosen
  uint32_t watch_port = kWatchNone;
  uint32_t watch_group = kWatchNone;
  std::shared_ptr<const ActionList> actions;
  std::vector<uint32_t> chained;        // groups named by group:G in 'actions'
  std::shared_ptr<WorkerCounters> stats;     // per-worker packets/bytes; set by Apply
};

// A group as workers see it: immutable once published.
struct Group {
  uint32_t id = 0;
  GroupType type = GroupType::kAll;
  std::vector<Bucket> buckets;
  std::shared_ptr<WorkerCounters> stats;  // per-worker packets/bytes
  uint64_t created_ns = 0;           // CLOCK_MONOTONIC at group_add
};

// One parsed group_add / group_mod / group_del line.
struct GroupMod {
  enum Command : uint8_t { kAdd, kModify, kDelete };
  Command command = kAdd;
  uint32_t id = 0;  // kGroupAll only with kDelete
  GroupType type = GroupType::kAll;
  std::vector<Bucket> buckets;
};

class GroupTable {
 public:
  // 'n_workers' workers plus one spare slot (the control thread's trace).
  explicit GroupTable(uint32_t n_workers);
  ~GroupTable();
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // ---- workers (lock-free, no allocation) ----
  // The published group 'id', or null.
  const Group* Find(uint32_t id) const;
  // Writes to out[0..) the buckets 'g' sends this packet through (at most
  // 'max'), returns how many; counts the group and those buckets for
  // 'worker' with 'bytes'.  'flow_hash' must be the same for every packet
  // of a flow (select's stability rests on it).
  uint32_t Choose(const Group& g, uint64_t flow_hash, const PortState& ports, uint32_t worker,
                  uint32_t bytes, const Bucket** out, uint32_t max) const;
  // Whether 'g' has a live bucket (OpenFlow group liveness), following
  // watch_group at most 'depth' levels.
  bool IsLive(const Group& g, const PortState& ports, uint32_t depth = kMaxWatchDepth) const;

  // ---- the control thread ----
  // Parses one group_add / group_mod / group_del line (the command word
  // first); "" or "TYPE.CODE: reason naming the token".
  std::string Parse(const std::string& line, const ParseEnv& env, GroupMod* out) const;
  // Applies 'mod' to the control-side state ("" or "TYPE.CODE: reason");
  // 'deleted' (if set) receives the ids deleted, so that the caller can
  // delete the flows that output to them.  Visible to workers at Publish.
  std::string Apply(const GroupMod& mod, std::vector<uint32_t>* deleted);
  void Publish();
  void ReleaseRetired();
  bool Exists(uint32_t id) const;  // control-side state
  size_t size() const { return groups_.size(); }
  // One line per group, by id, in group_add syntax:
  //   group_id=G type=T bucket=weight=W,watch_port=P,watch_group=G,actions=LIST ...
  std::string Dump() const;
  // One line per group, by id:
  //   group_id=G duration_ns=N n_packets=N n_bytes=N bucket=N_PACKETS:N_BYTES ...
  std::string Stats() const;

  // For tests and the ABI's clock: the time Apply stamps on new groups.
  void SetClockForTest(uint64_t (*now_ns)()) { now_ns_ = now_ns; }

 private:
  bool BucketLive(const Bucket& b, const PortState& ports, uint32_t depth) const;
  std::string CheckChains(const GroupMod& mod) const;

  uint32_t n_slots_;
  uint64_t (*now_ns_)();
  std::map<uint32_t, std::shared_ptr<const Group>> groups_;  // control-side
  PublishedIds<const Group> published_;  // what workers read
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_GROUPS_H_
