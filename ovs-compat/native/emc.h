// The exact-match cache of the `openflow` logic: one per worker, in front
// of the tuple-space classifiers (Open vSwitch's EMC idea).
//
// What?
//   A two-way set-associative table of kEmcEntries entries from (table,
//   whole flow key) to that table's answer: a rule, or a miss.  A hit costs
//   one hash of the key (HashKey: multilinear, no dependency chain) and
//   compares of the hashes of two entries, then one key compare.
//
// Design
//   Entries carry the logic's generation number as it was when the worker
//   started the look-up that filled them.  The control thread bumps the
//   generation after every publish, so an entry of an older generation is
//   never used (a miss that overwrites it).  A rule pointer in an entry of
//   the current generation is safe to follow: rules are freed only after a
//   grace period that follows the publish that retired them, and the
//   generation bump precedes that grace period (openflow_logic.cc).
//
//   Insertion fills a free or stale way at once; when both ways hold live
//   entries of other keys it replaces one only on every kReplaceEvery-th
//   such miss (Open vSwitch's emc-insert-inv-prob idea, with a counter
//   instead of a random number): traffic of more distinct keys than the
//   cache holds then stops rewriting it on every packet, while keys that
//   keep coming get in soon.
//
// Thread-safety
//   One cache per worker slot, touched by that worker only: plain memory.
//   No allocation after construction, no locks.
#ifndef MSWITCH_OVS_COMPAT_EMC_H_
#define MSWITCH_OVS_COMPAT_EMC_H_

#include <cstdint>
#include <memory>

#include "flow_key.h"

namespace ofl {

struct Rule;

constexpr uint32_t kEmcEntries = 8192;  // a power of two
constexpr uint32_t kEmcWays = 2;
constexpr uint32_t kReplaceEvery = 8;

class ExactMatchCache {
 public:
  ExactMatchCache() : entries_(new Entry[kEmcEntries]()) {}

  // Whether (table, key) is cached for 'generation'; '*rule' gets the
  // answer (null: a cached miss).  'hash' is HashKey(key).
  bool Find(uint32_t table, const FlowKey& key, uint64_t hash, uint64_t generation,
            const Rule** rule) const {
    const uint64_t h = TableHash(table, hash);
    const Entry* set = &entries_[SetOf(h)];
    for (uint32_t i = 0; i < kEmcWays; i++) {
      const Entry& e = set[i];
      if (e.hash != h || e.generation != generation || e.table != table || !KeyEqual(e.key, key))
        continue;
      *rule = e.rule;
      return true;
    }
    return false;
  }

  void Insert(uint32_t table, const FlowKey& key, uint64_t hash, uint64_t generation,
              const Rule* rule) {
    const uint64_t h = TableHash(table, hash);
    Entry* set = &entries_[SetOf(h)];
    Entry* e = nullptr;
    for (uint32_t i = 0; i < kEmcWays && !e; i++)
      if (set[i].generation != generation) e = &set[i];  // never filled (0) or stale
    if (!e) {
      if (++contended_ % kReplaceEvery != 0) return;
      e = &set[(contended_ / kReplaceEvery) % kEmcWays];
    }
    e->hash = h;
    e->generation = generation;
    e->rule = rule;
    e->table = table;
    e->key = key;
  }

 private:
  struct Entry {
    uint64_t hash;        // TableHash, compared first
    uint64_t generation;  // 0: never filled (generations start at 1)
    const Rule* rule;
    uint32_t table;
    uint32_t pad;
    FlowKey key;
  };
  static uint64_t TableHash(uint32_t table, uint64_t hash) {
    return hash ^ (uint64_t(table) * 0x9E3779B97F4A7C15ull);
  }
  // The set's first entry; the high bits, as the classifier's slots use
  // the low ones.
  static uint32_t SetOf(uint64_t h) {
    return (uint32_t(h >> 40) % (kEmcEntries / kEmcWays)) * kEmcWays;
  }
  std::unique_ptr<Entry[]> entries_;
  uint64_t contended_ = 0;  // misses that found both ways live
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_EMC_H_
