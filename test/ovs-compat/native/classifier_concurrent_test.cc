// The classifier's in-place publication under concurrent readers: reader
// threads look up without pause while the control thread inserts,
// replaces, modifies and deletes thousands of rules (so subtables grow into
// new slot arrays, fill with tombstones and empty out), publishes, and
// frees what it retired after a grace period of the same epoch scheme the
// `openflow` logic uses.
//
// What a reader checks, at any moment: every key has a "floor" rule that is
// never touched (ipv4_dst exact, priority 100), so a look-up never misses,
// never answers with a rule below the floor, and answers with a rule whose
// match covers the key and whose fields are those it was written with (id
// encodes the priority: a torn or freed rule would show).  What the
// control thread checks after each publish, readers still running: its own
// look-ups equal a linear scan over the rules it holds (the oracle).
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "../../datapath/native/check.h"
#include "classifier.h"

namespace {

using ofl::Classifier;
using ofl::FlowKey;
using ofl::Selector;

constexpr uint32_t kFloorKeys = 64;
constexpr int32_t kFloorPriority = 100;
constexpr uint64_t kIdScale = 1000000;  // id = priority * kIdScale + serial

struct Held {
  FlowKey match;  // masked
  FlowKey mask;
  int32_t priority;
  uint64_t seq;  // the oracle's order of addition (ties)
  uint64_t id;
};

FlowKey Zero() {
  FlowKey k;
  memset(&k, 0, sizeof k);
  return k;
}

FlowKey MaskOf(const FlowKey& k, const FlowKey& m) {
  FlowKey out;
  ofl::MaskKey(k, m, &out);
  return out;
}

bool Covers(const FlowKey& key, const FlowKey& match, const FlowKey& mask) {
  return ofl::KeyEqual(MaskOf(key, mask), match);
}

// Keys: ipv4_dst one of the floor keys, tp_dst and in_port from small sets
// so that churn rules often match.
FlowKey RandomKey(msw_test::Rng& rng) {
  FlowKey k = Zero();
  k.ipv4_dst = rng.Range(0, kFloorKeys - 1);
  k.tp_dst = uint16_t(rng.Range(0, 40));
  k.in_port = rng.Range(1, 4);
  return k;
}

// A churn rule: one of a few masks (never the floor's alone), a priority
// other than the floor's, many distinct matches (tp_src spreads them).
std::shared_ptr<ofl::Rule> RandomChurnRule(msw_test::Rng& rng, uint64_t serial) {
  FlowKey m = Zero(), k = RandomKey(rng);
  switch (rng.Range(0, 3)) {
    case 0: m.ipv4_dst = ~0u, m.tp_dst = 0xffff; break;
    case 1: m.in_port = ~0u, m.tp_src = 0xffff; break;
    case 2: m.ipv4_dst = 0x38, m.tp_src = 0xffff; break;
    default: m.tp_dst = 0xfff8, m.tp_src = 0xffff; break;
  }
  k.tp_src = uint16_t(rng.Range(0, 3000));
  auto r = std::make_shared<ofl::Rule>();
  r->mask = m;
  r->match = MaskOf(k, m);
  do r->priority = int32_t(rng.Range(50, 150));
  while (r->priority == kFloorPriority);
  r->id = uint64_t(r->priority) * kIdScale + serial;
  return r;
}

const Held* OracleLookup(const std::vector<Held>& rules, const FlowKey& key) {
  const Held* best = nullptr;
  for (const Held& r : rules) {
    if (!Covers(key, r.match, r.mask)) continue;
    if (!best || r.priority > best->priority || (r.priority == best->priority && r.seq < best->seq))
      best = &r;
  }
  return best;
}

}  // namespace

MSW_TEST(classifier_in_place_edits_under_concurrent_readers) {
  msw_test::Rng rng(ctx.seed);
  Classifier cls(3);
  std::vector<Held> held;
  uint64_t seq = 1, serial = 1;
  for (uint32_t i = 0; i < kFloorKeys; i++) {
    FlowKey k = Zero(), m = Zero();
    k.ipv4_dst = i;
    m.ipv4_dst = ~0u;
    auto r = std::make_shared<ofl::Rule>();
    r->match = k;
    r->mask = m;
    r->priority = kFloorPriority;
    r->id = uint64_t(kFloorPriority) * kIdScale + serial++;
    held.push_back(Held{k, m, kFloorPriority, seq++, r->id});
    cls.Insert(r);
  }
  cls.Publish();

  // The grace-period scheme of openflow_logic.cc: a reader announces the
  // epoch before a look-up and 0 after; the writer bumps the epoch and
  // waits until every reader is out or announced the new one.
  std::atomic<uint64_t> epoch{1};
  std::atomic<uint64_t> slots[2];
  for (auto& s : slots) s.store(0);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> lookups{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; t++) {
    readers.emplace_back([&, t] {
      msw_test::Rng r(ctx.seed * 31 + uint64_t(t));
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed) && !msw_test::ThreadFailed()) {
        const FlowKey key = RandomKey(r);
        slots[t].store(epoch.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
        const ofl::Rule* got = cls.Lookup(key);
        THREAD_CHECK_MSG(got != nullptr, "a key with a floor rule missed");
        if (got) {
          THREAD_CHECK_MSG(got->priority >= kFloorPriority,
                           "answered priority " << got->priority << " under the floor");
          THREAD_CHECK_MSG(uint64_t(got->priority) == got->id / kIdScale,
                           "rule fields torn: priority " << got->priority << " id " << got->id);
          THREAD_CHECK_MSG(Covers(key, got->match, got->mask), "answered a rule that does not match");
        }
        slots[t].store(0, std::memory_order_release);
        n++;
      }
      lookups.fetch_add(n);
    });
  }

  for (int round = 0; round < 120 && !msw_test::ThreadFailed(); round++) {
    const int edits = int(rng.Range(1, round % 10 == 0 ? 2000 : 200));
    for (int e = 0; e < edits; e++) {
      const uint32_t op = rng.Range(0, 9);
      if (op < 6 || held.size() <= kFloorKeys) {
        auto r = RandomChurnRule(rng, serial++);
        Held h{MaskOf(r->match, r->mask), r->mask, r->priority, 0, r->id};
        auto same = std::find_if(held.begin(), held.end(), [&](const Held& x) {
          return x.priority == h.priority && ofl::KeyEqual(x.mask, h.mask) &&
                 ofl::KeyEqual(x.match, h.match);
        });
        const bool replaced = cls.Insert(r) != nullptr;
        CHECK_EQ(replaced, same != held.end());
        if (replaced) {
          same->id = h.id;
        } else {
          h.seq = seq++;
          held.push_back(h);
        }
        continue;
      }
      // Strict modify or delete of a held churn rule.
      const size_t i = kFloorKeys + rng.Range(0, uint32_t(held.size() - kFloorKeys - 1));
      Selector s;
      s.match = held[i].match;
      s.mask = held[i].mask;
      s.priority = held[i].priority;
      s.strict = true;
      if (op < 8) {
        const uint64_t id = uint64_t(held[i].priority) * kIdScale + serial++;
        CHECK_EQ(cls.Modify(s, [id](ofl::Rule* r) { r->id = id; }), size_t(1));
        held[i].id = id;
      } else {
        CHECK_EQ(cls.Delete(s), size_t(1));
        held.erase(held.begin() + long(i));
      }
    }
    if (round % 40 == 39) {
      // Now and then a non-strict delete empties whole subtables.
      Selector s;
      s.match = Zero();
      s.mask = Zero();
      s.mask.in_port = ~0u;
      s.match.in_port = rng.Range(1, 4);
      const size_t before = held.size();
      held.erase(std::remove_if(held.begin() + kFloorKeys, held.end(),
                                [&](const Held& h) {
                                  return h.mask.in_port == ~0u && h.match.in_port == s.match.in_port;
                                }),
                 held.end());
      CHECK_EQ(cls.Delete(s), before - held.size());
    }
    cls.Publish();
    const uint64_t target = epoch.fetch_add(1, std::memory_order_seq_cst) + 1;
    for (auto& sl : slots) {
      for (;;) {
        const uint64_t e = sl.load(std::memory_order_seq_cst);
        if (e == 0 || e >= target) break;
        std::this_thread::yield();
      }
    }
    cls.ReleaseRetired();
    CHECK_EQ(cls.size(), held.size());
    for (int i = 0; i < 200; i++) {
      const FlowKey key = RandomKey(rng);
      const ofl::Rule* got = cls.Lookup(key);
      const Held* want = OracleLookup(held, key);
      CHECK(got != nullptr && want != nullptr);
      CHECK_MSG(got->id == want->id, "round " << round << ": classifier id " << got->id
                                              << " priority " << got->priority << ", linear scan id "
                                              << want->id << " priority " << want->priority);
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  msw_test::CheckThreads();
  CHECK(lookups.load() > 0);
}
