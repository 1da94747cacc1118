// The exact-match cache of the `openflow` logic: one per worker, in front
// of the tuple-space classifiers (Open vSwitch's EMC idea).
//
// What?
//   A direct-mapped table of kEmcEntries entries from (table, whole flow
//   key) to that table's answer: a rule, or a miss.  A hit costs one hash
//   of the key and one compare, whatever the number of subtables the
//   classifier would visit.
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

constexpr uint32_t kEmcEntries = 4096;  // a power of two

class ExactMatchCache {
 public:
  ExactMatchCache() : entries_(new Entry[kEmcEntries]()) {}

  // Whether (table, key) is cached for 'generation'; '*rule' gets the
  // answer (null: a cached miss).
  bool Find(uint32_t table, const FlowKey& key, uint64_t hash, uint64_t generation,
            const Rule** rule) const {
    const Entry& e = entries_[Slot(table, hash)];
    if (e.generation != generation || e.hash != hash || e.table != table || !KeyEqual(e.key, key))
      return false;
    *rule = e.rule;
    return true;
  }

  void Insert(uint32_t table, const FlowKey& key, uint64_t hash, uint64_t generation,
              const Rule* rule) {
    Entry& e = entries_[Slot(table, hash)];
    e.generation = generation;
    e.hash = hash;
    e.table = table;
    e.key = key;
    e.rule = rule;
  }

 private:
  struct Entry {
    uint64_t generation;  // 0: never filled (generations start at 1)
    uint64_t hash;
    const Rule* rule;
    uint32_t table;
    uint32_t pad;
    FlowKey key;
  };
  static uint32_t Slot(uint32_t table, uint64_t hash) {
    return uint32_t((hash ^ (uint64_t(table) * 0x9E3779B97F4A7C15ull)) >> 20) & (kEmcEntries - 1);
  }
  std::unique_ptr<Entry[]> entries_;
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_EMC_H_
