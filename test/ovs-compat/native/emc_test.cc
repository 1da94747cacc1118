// The exact-match cache alone (emc.h): answers only for the same table,
// key and generation; fills free or stale ways at once; when both ways of
// a set hold live keys, a new key still gets in within kReplaceEvery
// misses, and the cache never answers for a key it does not hold.
#include <cstring>
#include <memory>
#include <vector>

#include "../../datapath/native/check.h"
#include "classifier.h"
#include "emc.h"

namespace {

using ofl::ExactMatchCache;
using ofl::FlowKey;

FlowKey KeyOf(uint32_t i) {
  FlowKey k;
  memset(&k, 0, sizeof k);
  k.ipv4_dst = i;
  k.tp_dst = uint16_t(i * 7);
  return k;
}

// A forged hash: keys with the same 'set' bits land in one set (the set
// comes from the hash's high bits), the low bits keep them apart.
uint64_t ForgedHash(uint32_t set, uint32_t i) { return uint64_t(set) << 40 | i; }

}  // namespace

MSW_TEST(emc_answers_only_for_its_table_key_and_generation) {
  auto emc = std::make_unique<ExactMatchCache>();
  ofl::Rule rule;
  const ofl::Rule* got = nullptr;
  const FlowKey k = KeyOf(1);
  const uint64_t h = ofl::HashKey(k);
  CHECK(!emc->Find(0, k, h, 1, &got));
  emc->Insert(0, k, h, 1, &rule);
  CHECK(emc->Find(0, k, h, 1, &got));
  CHECK(got == &rule);
  CHECK(!emc->Find(1, k, h, 1, &got));  // another table
  CHECK(!emc->Find(0, k, h, 2, &got));  // a later generation
  FlowKey other = k;
  other.in_port = 3;
  CHECK(!emc->Find(0, other, h, 1, &got));  // same hash, another key
  // A cached miss is an answer too.
  emc->Insert(1, k, h, 1, nullptr);
  got = &rule;
  CHECK(emc->Find(1, k, h, 1, &got));
  CHECK(got == nullptr);
  // A stale entry's way is refilled at once.
  emc->Insert(0, k, h, 2, nullptr);
  CHECK(emc->Find(0, k, h, 2, &got));
}

MSW_TEST(emc_full_set_takes_a_new_key_within_kreplaceevery_misses) {
  auto emc = std::make_unique<ExactMatchCache>();
  std::vector<ofl::Rule> rules(16);
  const ofl::Rule* got = nullptr;
  // Fill one set's ways.
  for (uint32_t i = 0; i < ofl::kEmcWays; i++)
    emc->Insert(0, KeyOf(i), ForgedHash(5, i), 1, &rules[i]);
  for (uint32_t i = 0; i < ofl::kEmcWays; i++) {
    CHECK(emc->Find(0, KeyOf(i), ForgedHash(5, i), 1, &got));
    CHECK(got == &rules[i]);
  }
  // A third key of that set: not every miss rewrites the set, but one of
  // kReplaceEvery does, and then it is found.
  const uint32_t n = ofl::kEmcWays;
  uint32_t tries = 0;
  while (!emc->Find(0, KeyOf(n), ForgedHash(5, n), 1, &got)) {
    CHECK(tries < ofl::kReplaceEvery);
    emc->Insert(0, KeyOf(n), ForgedHash(5, n), 1, &rules[n]);
    tries++;
  }
  CHECK(got == &rules[n]);
  CHECK(tries >= 1);
  // It took one way: exactly one of the old keys is gone, the other kept.
  uint32_t kept = 0;
  for (uint32_t i = 0; i < ofl::kEmcWays; i++) {
    if (emc->Find(0, KeyOf(i), ForgedHash(5, i), 1, &got)) {
      CHECK(got == &rules[i]);
      kept++;
    }
  }
  CHECK_EQ(kept, ofl::kEmcWays - 1);
  // Other sets are untouched.
  CHECK(!emc->Find(0, KeyOf(9), ForgedHash(6, 9), 1, &got));
}
