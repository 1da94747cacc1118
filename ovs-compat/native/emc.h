// The exact-match cache of the `openflow` logic: one per worker, in front
// of the tuple-space classifiers (Open vSwitch's EMC idea).
//
// What?
//   A two-way set-associative table of kEmcEntries entries from (table,
//   whole flow key) to that table's answer: a rule, or a miss.  A hit costs
//   one hash of the key (HashKey: multilinear, no dependency chain), the
//   compare of a set's two tags (hash, generation, table: one cache line
//   per set, so a miss usually reads nothing more), then one key compare.
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
  ExactMatchCache() : tags_(new SetTags[kSets]()), keys_(new FlowKey[kEmcEntries]()) {}

  // Requests the cache lines a Find of (table, hash) reads first: the set's
  // tags and its first way's key.  The batched look-up calls it for every
  // packet of a chunk before it probes any.
  void Prefetch(uint32_t table, uint64_t hash) const {
    const uint32_t set = SetOf(TableHash(table, hash));
    __builtin_prefetch(&tags_[set]);
    const uint8_t* k = reinterpret_cast<const uint8_t*>(&keys_[size_t{set} * kEmcWays]);
    __builtin_prefetch(k);
    __builtin_prefetch(k + sizeof(FlowKey) - 1);
  }

  // Whether (table, key) is cached for 'generation'; '*rule' gets the
  // answer (null: a cached miss).  'hash' is HashKey(key).
  bool Find(uint32_t table, const FlowKey& key, uint64_t hash, uint64_t generation,
            const Rule** rule) const {
    const uint64_t h = TableHash(table, hash);
    const uint32_t set = SetOf(h);
    const SetTags& t = tags_[set];
    for (uint32_t i = 0; i < kEmcWays; i++) {
      if (t.hash[i] != h || t.generation[i] != generation || t.table[i] != table ||
          !KeyEqual(keys_[size_t{set} * kEmcWays + i], key))
        continue;
      *rule = t.rule[i];
      return true;
    }
    return false;
  }

  void Insert(uint32_t table, const FlowKey& key, uint64_t hash, uint64_t generation,
              const Rule* rule) {
    const uint64_t h = TableHash(table, hash);
    const uint32_t set = SetOf(h);
    SetTags& t = tags_[set];
    int way = -1;
    for (uint32_t i = 0; i < kEmcWays && way < 0; i++) {
      // Already there (a batch looked the same key up twice): refresh it
      // rather than spend the other way on a copy.
      if (t.hash[i] == h && t.generation[i] == generation && t.table[i] == table &&
          KeyEqual(keys_[size_t{set} * kEmcWays + i], key))
        way = int(i);
    }
    for (uint32_t i = 0; i < kEmcWays && way < 0; i++)
      if (t.generation[i] != generation) way = int(i);  // never filled (0) or stale
    if (way < 0) {
      if (++contended_ % kReplaceEvery != 0) return;
      way = int((contended_ / kReplaceEvery) % kEmcWays);
    }
    t.hash[way] = h;
    t.generation[way] = generation;
    t.rule[way] = rule;
    t.table[way] = table;
    keys_[size_t{set} * kEmcWays + uint32_t(way)] = key;
  }

 private:
  static constexpr uint32_t kSets = kEmcEntries / kEmcWays;
  // What a probe compares before any key: one cache line per set.
  struct alignas(64) SetTags {
    uint64_t hash[kEmcWays];        // TableHash, compared first
    uint64_t generation[kEmcWays];  // 0: never filled (generations start at 1)
    const Rule* rule[kEmcWays];
    uint32_t table[kEmcWays];
  };
  static_assert(sizeof(SetTags) == 64, "one line of tags per set");
  static uint64_t TableHash(uint32_t table, uint64_t hash) {
    return hash ^ (uint64_t(table) * 0x9E3779B97F4A7C15ull);
  }
  // The set; from the high bits, as the classifier's slots use the low ones.
  static uint32_t SetOf(uint64_t h) { return uint32_t(h >> 40) % kSets; }
  std::unique_ptr<SetTags[]> tags_;
  std::unique_ptr<FlowKey[]> keys_;  // kEmcWays per set, beside the tags
  uint64_t contended_ = 0;  // misses that found both ways live
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_EMC_H_
