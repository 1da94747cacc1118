// The classifier against a trivial linear scan (the oracle): random rule
// sets over a few overlapping fields and masks, random keys drawn from the
// same small value sets (so most keys match several rules), and random
// inserts, modifies and deletes, strict and not, with cookie masks and
// rule filters (what out_port / out_group become), between publications.
// A rule's "action" here is its id field, which the classifier carries
// without looking at it.
// The oracle is written from the spec's words, not from classifier.cc.
#include <algorithm>
#include <memory>
#include <vector>

#include "../../datapath/native/check.h"
#include "classifier.h"

namespace {

using ofl::Classifier;
using ofl::FlowKey;
using ofl::Selector;

struct OracleRule {
  FlowKey match;  // masked
  FlowKey mask;
  int32_t priority;
  uint64_t cookie;
  uint64_t seq;
  int action;
};

bool Matches(const FlowKey& key, const FlowKey& match, const FlowKey& mask) {
  const uint8_t* k = reinterpret_cast<const uint8_t*>(&key);
  const uint8_t* m = reinterpret_cast<const uint8_t*>(&mask);
  const uint8_t* v = reinterpret_cast<const uint8_t*>(&match);
  for (size_t i = 0; i < sizeof(FlowKey); i++)
    if ((k[i] & m[i]) != v[i]) return false;
  return true;
}

FlowKey Masked(const FlowKey& k, const FlowKey& m) {
  FlowKey out;
  const uint8_t* a = reinterpret_cast<const uint8_t*>(&k);
  const uint8_t* b = reinterpret_cast<const uint8_t*>(&m);
  uint8_t* o = reinterpret_cast<uint8_t*>(&out);
  for (size_t i = 0; i < sizeof(FlowKey); i++) o[i] = a[i] & b[i];
  return out;
}

bool Same(const FlowKey& a, const FlowKey& b) { return memcmp(&a, &b, sizeof a) == 0; }

// Rule 'r' is selected by 's' (OpenFlow 1.3 §6.4: strict = same match and
// priority; non-strict = every rule whose match is at least as specific).
// 'even_only': the selector's filter passes only rules of an even action.
bool OracleSelects(const Selector& s, bool even_only, const OracleRule& r) {
  if ((r.cookie & s.cookie_mask) != (s.cookie & s.cookie_mask)) return false;
  if (even_only && r.action % 2 != 0) return false;
  if (s.strict)
    return r.priority == s.priority && Same(r.mask, s.mask) && Same(r.match, Masked(s.match, s.mask));
  const uint8_t* rm = reinterpret_cast<const uint8_t*>(&r.mask);
  const uint8_t* sm = reinterpret_cast<const uint8_t*>(&s.mask);
  for (size_t i = 0; i < sizeof(FlowKey); i++)
    if ((rm[i] & sm[i]) != sm[i]) return false;
  return Matches(r.match, Masked(s.match, s.mask), s.mask);
}

const OracleRule* OracleLookup(const std::vector<OracleRule>& rules, const FlowKey& key) {
  const OracleRule* best = nullptr;
  for (const OracleRule& r : rules) {
    if (!Matches(key, r.match, r.mask)) continue;
    if (!best || r.priority > best->priority || (r.priority == best->priority && r.seq < best->seq))
      best = &r;
  }
  return best;
}

// Random keys and masks over in_port, eth_type, ipv4_src/dst prefixes,
// ip_proto and tp_dst, each from a handful of values.
FlowKey RandomKey(msw_test::Rng& rng) {
  FlowKey k;
  memset(&k, 0, sizeof k);
  k.in_port = rng.Range(1, 3);
  k.eth_type = rng.Chance(0.8) ? 0x0800 : 0x86dd;
  k.ipv4_src = 0x0a000000u | rng.Range(0, 3) << 16 | rng.Range(0, 3) << 8 | rng.Range(0, 3);
  k.ipv4_dst = 0x0a000000u | rng.Range(0, 3) << 16 | rng.Range(0, 3) << 8 | rng.Range(0, 3);
  k.ip_proto = rng.Chance(0.5) ? 6 : 17;
  k.tp_dst = uint16_t(rng.Range(79, 81));
  k.eth_dst[5] = uint8_t(rng.Range(0, 2));
  return k;
}

uint32_t Prefix(uint32_t bits) { return bits == 0 ? 0 : ~0u << (32 - bits); }

FlowKey RandomMask(msw_test::Rng& rng) {
  static const uint32_t kPrefixes[] = {0, 8, 16, 24, 32};
  FlowKey m;
  memset(&m, 0, sizeof m);
  if (rng.Chance(0.4)) m.in_port = ~0u;
  if (rng.Chance(0.5)) m.eth_type = 0xffff;
  m.ipv4_src = Prefix(kPrefixes[rng.Range(0, 4)]);
  m.ipv4_dst = Prefix(kPrefixes[rng.Range(0, 4)]);
  if (rng.Chance(0.3)) m.ip_proto = 0xff;
  if (rng.Chance(0.3)) m.tp_dst = 0xffff;
  if (rng.Chance(0.2)) m.eth_dst[5] = 0xff;
  return m;
}

int ActionOf(const ofl::Rule* r) { return int(r->id); }

std::shared_ptr<ofl::Rule> NewRule(const FlowKey& match, const FlowKey& mask, int32_t priority,
                                   uint64_t cookie, int action) {
  auto r = std::make_shared<ofl::Rule>();
  r->match = match;
  r->mask = mask;
  r->priority = priority;
  r->cookie = cookie;
  r->id = uint64_t(action);
  return r;
}

// Two rules overlap when some key matches both (OpenFlow 1.3 §6.4).
bool OracleOverlaps(const FlowKey& m1, const FlowKey& k1, const FlowKey& m2, const FlowKey& k2) {
  const uint8_t* a = reinterpret_cast<const uint8_t*>(&k1);
  const uint8_t* am = reinterpret_cast<const uint8_t*>(&m1);
  const uint8_t* b = reinterpret_cast<const uint8_t*>(&k2);
  const uint8_t* bm = reinterpret_cast<const uint8_t*>(&m2);
  for (size_t i = 0; i < sizeof(FlowKey); i++)
    if (((a[i] ^ b[i]) & am[i] & bm[i]) != 0) return false;
  return true;
}

Selector RandomSelector(msw_test::Rng& rng, const std::vector<OracleRule>& rules,
                        bool* even_only) {
  Selector s;
  *even_only = rng.Chance(0.25);
  if (*even_only) s.filter = [](const ofl::Rule& r) { return r.id % 2 == 0; };
  s.strict = rng.Chance(0.5);
  if (s.strict && !rules.empty() && rng.Chance(0.8)) {
    const OracleRule& r = rules[rng.Range(0, uint32_t(rules.size() - 1))];
    s.match = r.match;
    s.mask = r.mask;
    s.priority = r.priority;
  } else {
    s.mask = RandomMask(rng);
    s.match = Masked(RandomKey(rng), s.mask);
    s.priority = int32_t(rng.Range(0, 20));
  }
  if (rng.Chance(0.3)) {
    s.cookie = rng.Range(0, 3);
    s.cookie_mask = 3;
  }
  return s;
}

void CompareAll(msw_test::Rng& rng, const Classifier& cls, const std::vector<OracleRule>& rules,
                int round) {
  CHECK_EQ(cls.size(), rules.size());
  for (int i = 0; i < 400; i++) {
    const FlowKey key = RandomKey(rng);
    const ofl::Rule* got = cls.Lookup(key);
    const OracleRule* want = OracleLookup(rules, key);
    CHECK_MSG((got == nullptr) == (want == nullptr),
              "round " << round << " key " << i << ": classifier " << (got ? "matched" : "missed")
                       << ", linear scan " << (want ? "matched" : "missed"));
    if (!got) continue;
    CHECK_MSG(got->priority == want->priority && ActionOf(got) == want->action,
              "round " << round << " key " << i << ": classifier priority " << got->priority
                       << " action " << ActionOf(got) << ", linear scan priority "
                       << want->priority << " action " << want->action);
  }
  // LookupBatch answers every key of a batch as Lookup does (same rule),
  // whatever the batch's size and however its keys' searches end.
  for (int b = 0; b < 20; b++) {
    const uint32_t n = rng.Range(1, Classifier::kMaxLookupBatch);
    std::vector<FlowKey> keys(n);
    std::vector<const FlowKey*> ptrs(n);
    for (uint32_t i = 0; i < n; i++) {
      keys[i] = RandomKey(rng);
      ptrs[i] = &keys[i];
    }
    std::vector<const ofl::Rule*> got(n, reinterpret_cast<const ofl::Rule*>(1));
    cls.LookupBatch(ptrs.data(), n, got.data());
    for (uint32_t i = 0; i < n; i++)
      CHECK_MSG(got[i] == cls.Lookup(keys[i]),
                "round " << round << " batch " << b << " key " << i << " of " << n
                         << ": LookupBatch and Lookup disagree");
  }
}

}  // namespace

MSW_TEST(classifier_matches_linear_scan) {
  msw_test::Rng rng(ctx.seed);
  for (int set = 0; set < 20; set++) {
    Classifier cls(2);
    std::vector<OracleRule> rules;
    uint64_t seq = 1;
    int next_action = 1;
    for (int round = 0; round < 30; round++) {
      // A batch of random edits, published at once.
      const int edits = int(rng.Range(1, round == 0 ? 60 : 12));
      for (int e = 0; e < edits; e++) {
        const uint32_t op = rng.Range(0, 9);
        if (op < 6 || rules.empty()) {
          OracleRule r;
          r.mask = RandomMask(rng);
          r.match = Masked(RandomKey(rng), r.mask);
          r.priority = int32_t(rng.Range(0, 20));
          r.cookie = rng.Range(0, 3);
          r.action = next_action++;
          cls.Insert(NewRule(r.match, r.mask, r.priority, r.cookie, r.action));
          auto same = std::find_if(rules.begin(), rules.end(), [&](const OracleRule& x) {
            return x.priority == r.priority && Same(x.mask, r.mask) && Same(x.match, r.match);
          });
          if (same != rules.end()) {
            same->cookie = r.cookie;
            same->action = r.action;
          } else {
            r.seq = seq++;
            rules.push_back(r);
          }
        } else if (op < 8) {
          bool even_only;
          const Selector s = RandomSelector(rng, rules, &even_only);
          const int a = next_action++;
          size_t want = 0;
          for (OracleRule& r : rules)
            if (OracleSelects(s, even_only, r)) r.action = a, want++;
          CHECK_EQ(cls.Modify(s, [a](ofl::Rule* r) { r->id = uint64_t(a); }), want);
        } else {
          bool even_only;
          const Selector s = RandomSelector(rng, rules, &even_only);
          const size_t before = rules.size();
          rules.erase(std::remove_if(rules.begin(), rules.end(),
                                     [&](const OracleRule& r) {
                                       return OracleSelects(s, even_only, r);
                                     }),
                      rules.end());
          CHECK_EQ(cls.Delete(s), before - rules.size());
          // Select (what dump uses) agrees with the oracle too.
          bool even2;
          const Selector q = RandomSelector(rng, rules, &even2);
          size_t selected = 0;
          for (const OracleRule& r : rules) selected += OracleSelects(q, even2, r);
          CHECK_EQ(cls.Select(q).size(), selected);
        }
      }
      cls.Publish();
      cls.ReleaseRetired();  // single-threaded: no reader holds anything
      CompareAll(rng, cls, rules, round);
      // Overlap (check_overlap) and strict find against the oracle.
      for (int i = 0; i < 20; i++) {
        const FlowKey mask = RandomMask(rng);
        const FlowKey match = Masked(RandomKey(rng), mask);
        const int32_t prio = int32_t(rng.Range(0, 20));
        bool want = false;
        for (const OracleRule& r : rules)
          want |= r.priority == prio && OracleOverlaps(r.mask, r.match, mask, match);
        CHECK_EQ(cls.Overlaps(match, mask, prio), want);
      }
      if (!rules.empty()) {
        const OracleRule& r = rules[rng.Range(0, uint32_t(rules.size() - 1))];
        const ofl::Rule* got = cls.FindStrict(r.match, r.mask, r.priority);
        CHECK(got != nullptr);
        CHECK_EQ(ActionOf(got), r.action);
      }
    }
  }
}

// Rules with many distinct matches under one mask: a lookup visits one
// subtable whatever the count, and the answer stays exact.
MSW_TEST(classifier_large_subtable) {
  Classifier cls(1);
  FlowKey mask;
  memset(&mask, 0, sizeof mask);
  mask.ipv4_dst = ~0u;
  mask.tp_dst = 0xffff;
  for (int i = 0; i < 100000; i++) {
    FlowKey k;
    memset(&k, 0, sizeof k);
    k.ipv4_dst = 0x0a000000u + uint32_t(i);
    k.tp_dst = uint16_t(i * 7);
    cls.Insert(NewRule(k, mask, 10, 0, i));
  }
  cls.Publish();
  cls.ReleaseRetired();
  CHECK_EQ(cls.size(), size_t(100000));
  CHECK_EQ(cls.subtables(), size_t(1));
  for (int i = 0; i < 100000; i += 997) {
    FlowKey k;
    memset(&k, 0, sizeof k);
    k.ipv4_dst = 0x0a000000u + uint32_t(i);
    k.tp_dst = uint16_t(i * 7);
    k.in_port = 5;  // unmasked fields do not matter
    const ofl::Rule* r = cls.Lookup(k);
    CHECK(r != nullptr);
    CHECK_EQ(ActionOf(r), i);
    k.tp_dst++;
    CHECK(cls.Lookup(k) == nullptr);
  }
}

// Replacing an identical match+priority keeps counters; reset drops them.
MSW_TEST(classifier_replace_keeps_counters) {
  Classifier cls(2);
  FlowKey k, m;
  memset(&k, 0, sizeof k);
  memset(&m, 0, sizeof m);
  m.in_port = ~0u;
  k.in_port = 1;
  cls.Insert(NewRule(k, m, 5, 0, 1));
  cls.Publish();
  cls.Lookup(k)->stats->Count(0, 100, 7);
  cls.Lookup(k)->stats->Count(1, 50, 9);
  CHECK_EQ(cls.Lookup(k)->stats->LastUsed(), uint64_t(9));
  CHECK(cls.Insert(NewRule(k, m, 5, 0, 2)) != nullptr);
  cls.Publish();
  cls.ReleaseRetired();
  uint64_t p, b;
  cls.Lookup(k)->stats->Sum(&p, &b);
  CHECK_EQ(p, uint64_t(2));
  CHECK_EQ(b, uint64_t(150));
  CHECK_EQ(ActionOf(cls.Lookup(k)), 2);
  CHECK(cls.Insert(NewRule(k, m, 5, 0, 3), true) != nullptr);
  cls.Publish();
  cls.Lookup(k)->stats->Sum(&p, &b);
  CHECK_EQ(p, uint64_t(0));
}
