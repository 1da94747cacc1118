// A tuple-space classifier with OpenFlow semantics, for one flow table.
//
// What?
//   Rules are (match, mask, priority, cookie, instructions, and what the
//   flow tables keep beside: id, timeouts, flags).  Lookup(key) returns
//   the rule of highest priority whose masked match equals the masked key;
//   among rules of equal priority that both match (OpenFlow leaves that
//   undefined) the one added first wins, so the answer is deterministic.
//
// Design
//   Tuple space search: rules are grouped by mask; each distinct mask is
//   one Subtable, a hash table from masked key to the rules with that match
//   (several priorities may share a match).  A lookup visits the subtables
//   in descending order of their highest priority and stops as soon as the
//   best rule found outranks every rule of the next subtable.  Its cost is
//   one masked hash probe per visited subtable: it does not grow with the
//   number of rules in a subtable.
//
//   Each subtable knows the key words its mask touches, and hashes and compares only
//   those (five words of fifteen for a 5-tuple).  Its open-addressing
//   slots hold the hash, the masked words and the best rule of one match
//   inline, so a probe touches one slot and then the rule.
//
// Publication and thread-safety
//   Readers (the switch's workers) and the writer (one control thread) never
//   share anything mutable but the per-rule counters and the slots, which
//   follow a single-writer protocol: a slot is written whole while empty and
//   then made live by a release store of its rule pointer; afterwards only
//   that pointer changes (a replacing rule for the same match, or a
//   tombstone when the match goes).  A slot is never reused: when live and
//   tombstoned slots would exceed half the array, the writer builds a new
//   array and publishes it with one release store (amortised O(1) per
//   change, no rebuild of a whole subtable per control call).  Which
//   subtables exist and their order (a Version) is published by Publish()
//   with one atomic store.
//
//   So an edit to an existing mask is visible to readers as soon as it is
//   made, and a new mask when Publish() runs: within one control call a
//   packet sees each rule either as it was or as it is, never half-written,
//   and after Publish() (and the flow tables' grace period) every packet
//   sees every change.  Everything readers may still hold (replaced or
//   deleted rules, old slot arrays, emptied subtables, old Versions) goes
//   on a retired list; the caller lets a grace period pass (no reader still
//   inside a look-up that began before Publish) before ReleaseRetired()
//   frees it.
//
//   Counters live in RuleStats, one cache line per worker, written only by
//   that worker (relaxed stores, no read-modify-write), summed by the
//   control thread; the slot also holds the worker's last-used time for
//   idle timeouts.  A modified or replaced rule keeps its RuleStats unless
//   counters are reset.
#ifndef MSWITCH_OVS_COMPAT_CLASSIFIER_H_
#define MSWITCH_OVS_COMPAT_CLASSIFIER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include "flow_key.h"

namespace ofl {

struct Instructions;  // instructions.h

class RuleStats {
 public:
  struct alignas(64) Slot {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};
    std::atomic<uint64_t> used_ns{0};
  };
  explicit RuleStats(uint32_t n_workers) : n_(n_workers ? n_workers : 1), slots_(new Slot[n_]) {}
  // Called by worker 'w' only (single writer per slot: plain loads and
  // stores suffice); 'now_ns' is the packet's batch time.
  void Count(uint32_t w, uint64_t bytes, uint64_t now_ns) {
    CountIn(&slots_[w < n_ ? w : n_ - 1], bytes, now_ns);
  }
  static void CountIn(Slot* s, uint64_t bytes, uint64_t now_ns) {
    s->packets.store(s->packets.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    s->bytes.store(s->bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
    s->used_ns.store(now_ns, std::memory_order_relaxed);
  }
  void Sum(uint64_t* packets, uint64_t* bytes) const {
    *packets = *bytes = 0;
    for (uint32_t i = 0; i < n_; i++) {
      *packets += slots_[i].packets.load(std::memory_order_relaxed);
      *bytes += slots_[i].bytes.load(std::memory_order_relaxed);
    }
  }
  // The latest time any worker counted a packet (0: never).
  uint64_t LastUsed() const {
    uint64_t t = 0;
    for (uint32_t i = 0; i < n_; i++) {
      const uint64_t u = slots_[i].used_ns.load(std::memory_order_relaxed);
      if (u > t) t = u;
    }
    return t;
  }
  Slot* slots() const { return slots_.get(); }
  uint32_t n_slots() const { return n_; }

 private:
  uint32_t n_;
  std::unique_ptr<Slot[]> slots_;
};

// Bits of Rule::flags (OpenFlow 1.3 OFPFF_*; check_overlap and
// reset_counts act at flow-mod time and are not kept).
enum : uint16_t {
  kSendFlowRem = 1u << 0,
  kNoPacketCounts = 1u << 3,
  kNoByteCounts = 1u << 4,
};

// A rule as readers see it: immutable once published.  The fields a
// look-up and the pipeline read come first, in one cache line.
struct Rule {
  int32_t priority = 0;
  uint64_t seq = 0;  // order of addition (kept across modify/replace): ties
  uint64_t cookie = 0;
  std::shared_ptr<const Instructions> actions;  // what the rule does (pipeline.h)
  // stats->slots(), one per worker slot, set by the classifier whenever
  // 'stats' is: the per-packet count needs no pointer chase.
  RuleStats::Slot* counters = nullptr;
  std::shared_ptr<RuleStats> stats;
  FlowKey match;  // already masked by 'mask'
  FlowKey mask;
  // Kept for the flow tables (openflow_logic), opaque to the classifier:
  uint64_t id = 0;          // stable across modify and replace
  uint32_t table = 0;
  uint16_t idle_timeout = 0;  // seconds, 0: none
  uint16_t hard_timeout = 0;
  uint16_t importance = 0;
  uint16_t flags = 0;       // kSendFlowRem...
  uint64_t created_ns = 0;  // CLOCK_MONOTONIC at add (or replacing add)
};

// What modify and delete select.  Strict: the same mask, match and
// priority.  Non-strict: every rule at least as specific as (match, mask),
// whatever its priority.  Both: (rule.cookie & cookie_mask) ==
// (cookie & cookie_mask) and, when set, 'filter' (out_port, out_group).
struct Selector {
  FlowKey match;
  FlowKey mask;
  int32_t priority = 0;
  bool strict = false;
  uint64_t cookie = 0;
  uint64_t cookie_mask = 0;
  std::function<bool(const Rule&)> filter;
};

struct Subtable;
struct SlotArray;
struct Version;

class Classifier {
 public:
  explicit Classifier(uint32_t n_workers);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // ---- readers (any thread, lock-free, no allocation) ----
  // The highest-priority rule matching 'key' in the published version.
  const Rule* Lookup(const FlowKey& key) const;

  static constexpr uint32_t kMaxLookupBatch = 32;
  // Lookup of 'n' keys (at most kMaxLookupBatch; more are ignored):
  // 'rules[i]' gets Lookup(*keys[i]).  Subtable by subtable, the first
  // slot of every key still searching is prefetched before any is probed
  // (Open vSwitch's dpcls_lookup does the same), so the cache misses of a
  // batch overlap instead of following one another.
  void LookupBatch(const FlowKey* const* keys, uint32_t n, const Rule** rules) const;

  // ---- the control thread ----
  // Adds 'rule' ('match' is masked here).  A rule with an identical match
  // and priority is replaced: the new one takes its place (seq) and, unless
  // 'reset_counts', its counters, and with 'keep_id' its id (the flow
  // tables' ids outlive a replacing add).  Returns the replaced rule, or null.
  std::shared_ptr<const Rule> Insert(std::shared_ptr<Rule> rule, bool reset_counts = false,
                                     bool keep_id = false);
  // The rule with exactly this match (masked here), mask and priority.
  const Rule* FindStrict(const FlowKey& match, const FlowKey& mask, int32_t priority) const;
  // Whether a rule of 'priority' could match a packet (match, mask)
  // matches (OpenFlow 1.3 §6.4 OFPFF_CHECK_OVERLAP).
  bool Overlaps(const FlowKey& match, const FlowKey& mask, int32_t priority) const;
  // Replaces every selected rule by a copy that 'edit' changed (new
  // instructions; 'stats' set to null for fresh counters); returns how
  // many.  'edit' must not change match, mask or priority.
  size_t Modify(const Selector& sel, const std::function<void(Rule*)>& edit);
  // Removes every selected rule; 'removed' (if set) receives them.
  size_t Delete(const Selector& sel, std::vector<std::shared_ptr<const Rule>>* removed = nullptr);
  void Clear();
  // Publishes the set of subtables and their order; with the edits
  // already made in place, every change since the last Publish is then
  // visible to readers.
  void Publish();
  // Frees what the last Publish retired; only after a grace period.
  void ReleaseRetired();
  // Every rule 'sel' selects, in no particular order.
  std::vector<std::shared_ptr<const Rule>> Select(const Selector& sel) const;
  // Calls fn(rule) for the rules 'sel' selects whose id is above
  // 'after_id', in id order, until fn returns false.  Costs the log of the
  // table's size plus the rules visited: what a paged dump needs (a page
  // must not cost the whole table).
  template <typename Fn>
  void ForEachSelectedAfter(const Selector& sel, uint64_t after_id, Fn fn) const {
    for (auto it = by_id_.upper_bound(after_id); it != by_id_.end(); ++it)
      if (Selects(sel, *it->second) && !fn(it->second)) return;
  }
  // Calls fn(rule) for every rule with an idle or hard timeout, in id
  // order: expiry visits these alone, so a table of permanent flows costs
  // nothing per `events` call whatever its size.
  template <typename Fn>
  void ForEachTimed(Fn fn) const {
    for (uint64_t id : timed_) fn(by_id_.at(id));
  }
  size_t timed() const { return timed_.size(); }
  size_t size() const { return n_rules_; }
  size_t subtables() const { return groups_.size(); }

 private:
  struct KeyHasher {
    size_t operator()(const FlowKey& k) const { return size_t(HashKey(k)); }
  };
  struct KeyEq {
    bool operator()(const FlowKey& a, const FlowKey& b) const { return KeyEqual(a, b); }
  };
  using RuleList = std::vector<std::shared_ptr<Rule>>;  // priority desc, seq asc
  // The rules of one match, and the slot of the subtable that shows
  // readers the first of them.
  struct MatchRules {
    RuleList rules;
    uint64_t hash = 0;
    uint32_t slot = 0;
  };
  struct MaskGroup {
    FlowKey mask;
    std::unordered_map<FlowKey, MatchRules, KeyHasher, KeyEq> by_match;
    std::map<int32_t, size_t> priorities;  // rules per priority: the subtable's max
    size_t n_rules = 0;
    Subtable* st = nullptr;  // owned (retired with the group)
  };
  using MatchIter = std::unordered_map<FlowKey, MatchRules, KeyHasher, KeyEq>::iterator;

  bool Selects(const Selector& sel, const Rule& r) const;
  template <typename Fn>
  void ForSelected(const Selector& sel, Fn fn);
  template <typename Fn>
  bool ForSelectedIn(MaskGroup* g, MatchIter m, const Selector& sel, Fn fn);
  void AttachStats(Rule* r, const std::shared_ptr<RuleStats>& stats);
  // by_id_ and timed_ follow every rule that comes and goes through these.
  void Index(const std::shared_ptr<Rule>& r);
  void Unindex(const Rule& r);
  // Slot edits (single-writer protocol, see the header comment).
  void ShowFirst(MaskGroup* g, MatchRules* m, bool fresh);
  void Forget(MaskGroup* g, MatchRules* m);
  void Grow(MaskGroup* g);
  void CountPriority(MaskGroup* g, int32_t priority, int delta);

  uint32_t n_workers_;
  uint64_t next_seq_ = 1;
  size_t n_rules_ = 0;
  bool order_dirty_ = false;  // a subtable came, went or changed its max priority
  std::unordered_map<FlowKey, std::unique_ptr<MaskGroup>, KeyHasher, KeyEq> groups_;
  MaskGroup* last_group_ = nullptr;  // the group Insert used last (one of groups_)
  std::atomic<const Version*> current_;
  std::vector<std::shared_ptr<Rule>> retired_rules_;
  // Every rule by id (control thread only), for paged dumps.
  std::map<uint64_t, std::shared_ptr<const Rule>> by_id_;
  std::set<uint64_t> timed_;  // ids of the rules with a timeout
  std::vector<Subtable*> retired_subtables_;
  std::vector<SlotArray*> retired_arrays_;
  std::vector<const Version*> retired_versions_;
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_CLASSIFIER_H_
