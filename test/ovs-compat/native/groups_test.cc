// The group table: its text form and errors (exact TYPE.CODE), select's
// weighted and stable spread, fast failover following port liveness,
// chaining checks, publication and counters.
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "../../datapath/native/check.h"
#include "groups.h"

namespace {

using ofl::Bucket;
using ofl::Group;
using ofl::GroupMod;
using ofl::GroupTable;
using ofl::GroupType;
using ofl::ParseEnv;
using ofl::PortState;

// The TYPE.CODE part of an error ("" for success).
std::string Code(const std::string& err) { return err.substr(0, err.find(':')); }

// Parses and applies one line; the TYPE.CODE of whichever step failed.
std::string Run(GroupTable* t, const std::string& line, std::vector<uint32_t>* deleted = nullptr) {
  ParseEnv env;
  env.groups = t;
  GroupMod mod;
  std::string err = t->Parse(line, env, &mod);
  if (err.empty()) err = t->Apply(mod, deleted);
  return Code(err);
}

void SetUp(PortState* ports, uint32_t port, bool up) { ports->up[port].store(up ? 1 : 0); }

uint64_t g_clock = 0;
uint64_t TestClock() { return g_clock; }

MSW_TEST(groups_parse_errors_carry_openflow_codes) {
  GroupTable t(1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"group_add type=all bucket=actions=output:1", "group_mod_failed.invalid_group"},
      {"group_add group_id=1 bucket=actions=output:1", "group_mod_failed.bad_type"},
      {"group_add group_id=1 type=round_robin bucket=actions=output:1", "group_mod_failed.bad_type"},
      {"group_add group_id=0xffffff01 type=all bucket=actions=output:1",
       "group_mod_failed.invalid_group"},
      {"group_add group_id=all type=all bucket=actions=output:1", "group_mod_failed.invalid_group"},
      {"group_add group_id=1 type=ff bucket=actions=output:1", "group_mod_failed.bad_watch"},
      {"group_add group_id=1 type=ff bucket=watch_port=0,actions=output:1",
       "group_mod_failed.bad_watch"},
      {"group_add group_id=1 type=ff bucket=watch_port=4096,actions=output:1",
       "group_mod_failed.bad_watch"},
      {"group_add group_id=1 type=ff bucket=watch_group=0xffffff01,actions=output:1",
       "group_mod_failed.bad_watch"},
      {"group_add group_id=1 type=all bucket=weight=2,actions=output:1",
       "group_mod_failed.bad_bucket"},
      {"group_add group_id=1 type=select bucket=weight=65536,actions=output:1",
       "group_mod_failed.bad_bucket"},
      {"group_add group_id=1 type=select bucket=weight=1", "group_mod_failed.bad_bucket"},
      {"group_add group_id=1 type=select bucket=colour=red,actions=output:1",
       "group_mod_failed.bad_bucket"},
      {"group_add group_id=1 type=indirect", "group_mod_failed.invalid_group"},
      {"group_add group_id=1 type=indirect bucket=actions=output:1 bucket=actions=output:2",
       "group_mod_failed.invalid_group"},
      {"group_add group_id=1 type=all bucket=actions=output:1 frobnicate",
       "group_mod_failed.invalid_group"},
      {"group_add group_id=1 type=all bucket=actions=group:7", "bad_action.bad_out_group"},
      {"group_frob group_id=1", "bad_request.bad_type"},
  };
  for (const auto& c : cases) {
    GroupMod mod;
    ParseEnv env;
    env.groups = &t;
    CHECK_MSG(Code(t.Parse(c.first, env, &mod)) == c.second,
              "'" << c.first << "' gave '" << t.Parse(c.first, env, &mod) << "', want " << c.second);
  }
  std::string many = "group_add group_id=1 type=all";
  for (uint32_t i = 0; i <= ofl::kMaxBuckets; i++) many += " bucket=actions=output:1";
  GroupMod mod;
  CHECK_EQ(Code(t.Parse(many, ParseEnv(), &mod)), std::string("group_mod_failed.out_of_buckets"));
  // A bad action inside a bucket keeps the action parser's own code.
  CHECK_EQ(Code(t.Parse("group_add group_id=1 type=all bucket=actions=output:0", ParseEnv(), &mod))
               .substr(0, 11),
           std::string("bad_action."));
}

MSW_TEST(groups_apply_errors_and_deletes) {
  GroupTable t(1);
  CHECK_EQ(Run(&t, "group_add group_id=5 type=all bucket=actions=output:1"), std::string(""));
  CHECK_EQ(Run(&t, "group_add group_id=5 type=all bucket=actions=output:2"),
           std::string("group_mod_failed.group_exists"));
  CHECK_EQ(Run(&t, "group_mod group_id=6 type=all bucket=actions=output:2"),
           std::string("group_mod_failed.unknown_group"));
  CHECK_EQ(Run(&t, "group_add group_id=6 type=indirect bucket=actions=output:3"), std::string(""));
  // Deleting a group that does not exist is no error and deletes nothing.
  std::vector<uint32_t> deleted;
  CHECK_EQ(Run(&t, "group_del group_id=99", &deleted), std::string(""));
  CHECK(deleted.empty());
  CHECK_EQ(Run(&t, "group_del group_id=5", &deleted), std::string(""));
  CHECK(deleted == std::vector<uint32_t>({5}));
  CHECK(!t.Exists(5) && t.Exists(6));
  CHECK_EQ(Run(&t, "group_add group_id=7 type=all bucket=actions=output:1"), std::string(""));
  deleted.clear();
  CHECK_EQ(Run(&t, "group_del group_id=all", &deleted), std::string(""));
  CHECK(deleted == std::vector<uint32_t>({6, 7}));
  CHECK_EQ(t.size(), size_t(0));
}

MSW_TEST(groups_publish_makes_changes_visible_at_once) {
  GroupTable t(1);
  CHECK_EQ(Run(&t, "group_add group_id=1 type=all bucket=actions=output:1"), std::string(""));
  CHECK(t.Find(1) == nullptr);  // not yet published
  t.Publish();
  const Group* g = t.Find(1);
  CHECK(g != nullptr && g->id == 1 && g->buckets.size() == 1);
  CHECK(t.Find(2) == nullptr);
  // Many groups: every one found through the open-addressed index.
  for (uint32_t id = 100; id < 1100; id++)
    CHECK_EQ(Run(&t, "group_add group_id=" + std::to_string(id) +
                         " type=indirect bucket=actions=output:2"),
             std::string(""));
  t.Publish();
  CHECK(g == t.Find(1));  // unchanged groups keep their object
  t.ReleaseRetired();
  for (uint32_t id = 100; id < 1100; id++) CHECK(t.Find(id) && t.Find(id)->id == id);
  CHECK(t.Find(1100) == nullptr && t.Find(99) == nullptr);
  CHECK_EQ(Run(&t, "group_del group_id=1"), std::string(""));
  CHECK(t.Find(1) != nullptr);
  t.Publish();
  CHECK(t.Find(1) == nullptr);
  t.ReleaseRetired();
}

MSW_TEST(groups_select_spreads_by_weight_and_is_stable) {
  GroupTable t(1);
  PortState ports;
  CHECK_EQ(Run(&t, "group_add group_id=1 type=select bucket=weight=1,actions=output:1 "
                   "bucket=weight=3,actions=output:2 bucket=weight=6,actions=output:3 "
                   "bucket=weight=0,actions=output:4"),
           std::string(""));
  t.Publish();
  const Group& g = *t.Find(1);
  msw_test::Rng rng(ctx.seed);
  const uint32_t kFlows = 100000;
  std::vector<uint64_t> hashes(kFlows);
  std::vector<int> first(kFlows);
  int counts[4] = {0, 0, 0, 0};
  for (uint32_t f = 0; f < kFlows; f++) {
    hashes[f] = rng.Next();
    const Bucket* out[4];
    CHECK_EQ(t.Choose(g, hashes[f], ports, 0, 100, out, 4), 1u);
    first[f] = int(out[0] - g.buckets.data());
    counts[first[f]]++;
  }
  // Expected 10%, 30%, 60%, 0%; the binomial deviation is under 160, so
  // 1500 is a bound no correct implementation misses.
  CHECK_MSG(std::abs(counts[0] - 10000) < 1500 && std::abs(counts[1] - 30000) < 1500 &&
                std::abs(counts[2] - 60000) < 1500 && counts[3] == 0,
            counts[0] << " " << counts[1] << " " << counts[2] << " " << counts[3]);
  // Stable: the same flow picks the same bucket every time.
  for (uint32_t f = 0; f < kFlows; f += 97) {
    const Bucket* out[1];
    t.Choose(g, hashes[f], ports, 0, 100, out, 1);
    CHECK_EQ(int(out[0] - g.buckets.data()), first[f]);
  }
}

MSW_TEST(groups_select_moves_only_the_flows_of_a_dead_bucket) {
  GroupTable t(1);
  PortState ports;
  for (uint32_t p = 1; p <= 3; p++) SetUp(&ports, p, true);
  CHECK_EQ(Run(&t, "group_add group_id=1 type=select bucket=watch_port=1,actions=output:1 "
                   "bucket=watch_port=2,actions=output:2 bucket=watch_port=3,actions=output:3"),
           std::string(""));
  t.Publish();
  const Group& g = *t.Find(1);
  msw_test::Rng rng(ctx.seed);
  std::vector<uint64_t> hashes(30000);
  std::vector<int> before(hashes.size());
  for (size_t f = 0; f < hashes.size(); f++) {
    hashes[f] = rng.Next();
    const Bucket* out[1];
    CHECK_EQ(t.Choose(g, hashes[f], ports, 0, 64, out, 1), 1u);
    before[f] = int(out[0] - g.buckets.data());
  }
  SetUp(&ports, 2, false);
  int moved_to[3] = {0, 0, 0};
  for (size_t f = 0; f < hashes.size(); f++) {
    const Bucket* out[1];
    CHECK_EQ(t.Choose(g, hashes[f], ports, 0, 64, out, 1), 1u);
    const int now = int(out[0] - g.buckets.data());
    CHECK(now != 1);
    if (before[f] != 1) CHECK_EQ(now, before[f]);
    else moved_to[now]++;
  }
  // The dead bucket's flows spread over the two live ones.
  CHECK_MSG(moved_to[0] > 3500 && moved_to[2] > 3500, moved_to[0] << " " << moved_to[2]);
  SetUp(&ports, 1, false);
  SetUp(&ports, 3, false);
  const Bucket* out[1];
  CHECK_EQ(t.Choose(g, hashes[0], ports, 0, 64, out, 1), 0u);
}

MSW_TEST(groups_fast_failover_follows_port_liveness) {
  GroupTable t(1);
  PortState ports;
  SetUp(&ports, 1, true);
  SetUp(&ports, 2, true);
  CHECK_EQ(Run(&t, "group_add group_id=1 type=ff bucket=watch_port=1,actions=output:1 "
                   "bucket=watch_port=2,actions=output:2"),
           std::string(""));
  t.Publish();
  const Group& g = *t.Find(1);
  auto pick = [&]() -> int {
    const Bucket* out[2];
    const uint32_t n = t.Choose(g, 42, ports, 0, 64, out, 2);
    CHECK(n <= 1);
    return n ? int(out[0] - g.buckets.data()) : -1;
  };
  CHECK_EQ(pick(), 0);
  CHECK(t.IsLive(g, ports));
  SetUp(&ports, 1, false);
  CHECK_EQ(pick(), 1);
  SetUp(&ports, 2, false);
  CHECK_EQ(pick(), -1);
  CHECK(!t.IsLive(g, ports));
  SetUp(&ports, 2, true);
  CHECK_EQ(pick(), 1);
  SetUp(&ports, 1, true);
  CHECK_EQ(pick(), 0);
}

MSW_TEST(groups_fast_failover_watches_groups) {
  GroupTable t(1);
  PortState ports;
  SetUp(&ports, 3, true);
  SetUp(&ports, 4, true);
  CHECK_EQ(Run(&t, "group_add group_id=10 type=ff bucket=watch_port=3,actions=output:3"),
           std::string(""));
  CHECK_EQ(Run(&t, "group_add group_id=20 type=ff bucket=watch_group=10,actions=output:5 "
                   "bucket=watch_port=4,actions=output:4"),
           std::string(""));
  t.Publish();
  const Group& g = *t.Find(20);
  const Bucket* out[1];
  CHECK_EQ(t.Choose(g, 1, ports, 0, 64, out, 1), 1u);
  CHECK(out[0] == &g.buckets[0]);
  SetUp(&ports, 3, false);  // group 10 has no live bucket: so is bucket 0
  CHECK_EQ(t.Choose(g, 1, ports, 0, 64, out, 1), 1u);
  CHECK(out[0] == &g.buckets[1]);
  // A watched group that is deleted counts as dead.
  SetUp(&ports, 3, true);
  CHECK_EQ(Run(&t, "group_del group_id=10"), std::string(""));
  t.Publish();
  CHECK_EQ(t.Choose(*t.Find(20), 1, ports, 0, 64, out, 1), 1u);
  CHECK(out[0] == &t.Find(20)->buckets[1]);
  t.ReleaseRetired();
}

MSW_TEST(groups_all_and_indirect_take_their_buckets) {
  GroupTable t(1);
  PortState ports;  // every port down: all and indirect ignore liveness
  CHECK_EQ(Run(&t, "group_add group_id=1 type=all bucket=actions=output:1 bucket=actions=output:2 "
                   "bucket=watch_port=9,actions=output:3"),
           std::string(""));
  CHECK_EQ(Run(&t, "group_add group_id=2 type=indirect bucket=actions=output:7"), std::string(""));
  t.Publish();
  const Group& all = *t.Find(1);
  const Bucket* out[8];
  CHECK_EQ(t.Choose(all, 5, ports, 0, 64, out, 8), 3u);
  for (int i = 0; i < 3; i++) CHECK(out[i] == &all.buckets[i]);
  CHECK_EQ(t.Choose(all, 5, ports, 0, 64, out, 2), 2u);  // 'max' bounds it
  const Group& ind = *t.Find(2);
  CHECK_EQ(t.Choose(ind, 5, ports, 0, 64, out, 8), 1u);
  CHECK(out[0] == &ind.buckets[0]);
}

// Chains built directly (Bucket::chained), so these checks do not lean on
// the action parser's group:G.
GroupMod Chain(GroupMod::Command cmd, uint32_t id, std::vector<uint32_t> to) {
  GroupMod m;
  m.command = cmd;
  m.id = id;
  m.type = GroupType::kAll;
  Bucket b;
  b.actions = std::make_shared<ofl::ActionList>();
  b.chained = std::move(to);
  m.buckets.push_back(b);
  return m;
}

MSW_TEST(groups_chaining_refuses_loops_and_deep_chains) {
  GroupTable t(1);
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kAdd, 1, {}), nullptr)), std::string(""));
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kAdd, 2, {1}), nullptr)), std::string(""));
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kAdd, 3, {2}), nullptr)), std::string(""));
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kAdd, 4, {9}), nullptr)),
           std::string("bad_action.bad_out_group"));
  // 1 -> 3 -> 2 -> 1 and 1 -> 1.
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kModify, 1, {3}), nullptr)),
           std::string("group_mod_failed.loop"));
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kModify, 1, {1}), nullptr)),
           std::string("group_mod_failed.loop"));
  // A refused change leaves the group as it was.
  CHECK(t.Exists(1));
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kModify, 2, {}), nullptr)), std::string(""));
  CHECK_EQ(Code(t.Apply(Chain(GroupMod::kModify, 1, {3}), nullptr)), std::string(""));
  // A group another forwards to cannot be deleted; the user can.
  // Now 1 -> 3 -> 2.
  GroupMod del;
  del.command = GroupMod::kDelete;
  std::vector<uint32_t> deleted;
  del.id = 2;
  CHECK_EQ(Code(t.Apply(del, &deleted)), std::string("group_mod_failed.chained_group"));
  del.id = 3;
  CHECK_EQ(Code(t.Apply(del, &deleted)), std::string("group_mod_failed.chained_group"));
  CHECK(deleted.empty() && t.Exists(2) && t.Exists(3));
  del.id = 1;  // the head of the chain
  CHECK_EQ(Code(t.Apply(del, &deleted)), std::string(""));
  del.id = 3;
  CHECK_EQ(Code(t.Apply(del, &deleted)), std::string(""));
  CHECK(deleted == std::vector<uint32_t>({1, 3}));

  // Depth: a chain of kMaxChainDepth groups is fine, one more is not,
  // whether the new group is at the head or (by group_mod) in the middle.
  GroupTable d(1);
  CHECK_EQ(Code(d.Apply(Chain(GroupMod::kAdd, 100, {}), nullptr)), std::string(""));
  for (uint32_t i = 1; i < ofl::kMaxChainDepth; i++)
    CHECK_EQ(Code(d.Apply(Chain(GroupMod::kAdd, 100 + i, {100 + i - 1}), nullptr)), std::string(""));
  CHECK_EQ(Code(d.Apply(Chain(GroupMod::kAdd, 200, {100 + ofl::kMaxChainDepth - 1}), nullptr)),
           std::string("group_mod_failed.chaining_unsupported"));
  CHECK_EQ(Code(d.Apply(Chain(GroupMod::kAdd, 300, {}), nullptr)), std::string(""));
  CHECK_EQ(Code(d.Apply(Chain(GroupMod::kModify, 100, {300}), nullptr)),
           std::string("group_mod_failed.chaining_unsupported"));
}

MSW_TEST(groups_chaining_through_the_action_text) {
  GroupTable t(1);
  CHECK_EQ(Run(&t, "group_add group_id=1 type=all bucket=actions=output:1"), std::string(""));
  CHECK_EQ(Run(&t, "group_add group_id=2 type=indirect bucket=actions=group:1"), std::string(""));
  CHECK_EQ(Run(&t, "group_mod group_id=1 type=all bucket=actions=group:2"),
           std::string("group_mod_failed.loop"));
  CHECK_EQ(Run(&t, "group_del group_id=1"), std::string("group_mod_failed.chained_group"));
}

MSW_TEST(groups_count_packets_and_bytes_per_group_and_bucket) {
  GroupTable t(3);  // workers 0..2 and the spare slot 3
  g_clock = 1000;
  t.SetClockForTest(TestClock);
  PortState ports;
  SetUp(&ports, 1, true);
  CHECK_EQ(Run(&t, "group_add group_id=1 type=all bucket=actions=output:1 bucket=actions=output:2"),
           std::string(""));
  CHECK_EQ(Run(&t, "group_add group_id=2 type=ff bucket=watch_port=2,actions=output:2 "
                   "bucket=watch_port=1,actions=output:1"),
           std::string(""));
  t.Publish();
  const Bucket* out[4];
  for (uint32_t w = 0; w <= 3; w++) {
    t.Choose(*t.Find(1), w, ports, w, 100 + w, out, 4);
    t.Choose(*t.Find(2), w, ports, w, 60, out, 4);
  }
  g_clock = 5000;
  // Counters and creation time survive group_mod; the buckets are new.
  CHECK_EQ(t.Stats(),
           std::string("group_id=1 duration_ns=4000 n_packets=4 n_bytes=406 bucket=4:406 "
                       "bucket=4:406\n"
                       "group_id=2 duration_ns=4000 n_packets=4 n_bytes=240 bucket=0:0 "
                       "bucket=4:240\n"));
  CHECK_EQ(Run(&t, "group_mod group_id=2 type=ff bucket=watch_port=1,actions=output:1"),
           std::string(""));
  CHECK_EQ(t.Stats().substr(t.Stats().find("group_id=2")),
           std::string("group_id=2 duration_ns=4000 n_packets=4 n_bytes=240 bucket=0:0\n"));
}

MSW_TEST(groups_dump_reads_back_to_the_same_groups) {
  GroupTable t(1);
  CHECK_EQ(Run(&t, "group_add group_id=3 type=select bucket=weight=2,watch_port=1,actions=output:1 "
                   "bucket=actions=output:2"),
           std::string(""));
  CHECK_EQ(Run(&t, "group_add group_id=4 type=ff bucket=watch_group=3,actions=output:4"),
           std::string(""));
  const std::string dump = t.Dump();
  CHECK_EQ(dump.substr(0, dump.find('\n')),
           std::string("group_id=3 type=select bucket=weight=2,watch_port=1,actions=output:1 "
                       "bucket=weight=1,actions=output:2"));
  GroupTable u(1);
  size_t pos = 0;
  while (pos < dump.size()) {
    const size_t nl = dump.find('\n', pos);
    CHECK_EQ(Run(&u, "group_add " + dump.substr(pos, nl - pos)), std::string(""));
    pos = nl + 1;
  }
  CHECK_EQ(u.Dump(), dump);
}

}  // namespace

namespace {

// A worker looks groups up while the control thread modifies, adds and
// deletes them and publishes after each change (retired versions are freed
// only after the worker stops: the caller's grace period).  Every group the
// worker finds is whole: its id is the one asked for and its buckets are
// one of the two shapes ever installed.
MSW_TEST(groups_workers_see_whole_groups_during_publishes) {
  GroupTable t(1);
  PortState ports;
  SetUp(&ports, 1, true);
  CHECK_EQ(Run(&t, "group_add group_id=1 type=select bucket=actions=output:1"), std::string(""));
  t.Publish();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> seen{0};
  std::thread worker([&] {
    uint64_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (uint32_t id = 1; id <= 3; id++) {
        const Group* g = t.Find(id);
        if (!g) continue;
        if (g->id != id || (g->buckets.size() != 1 && g->buckets.size() != 3)) {
          msw_test::ThreadFail(__FILE__, __LINE__, "a torn group");
          return;
        }
        const Bucket* out[4];
        if (t.Choose(*g, n, ports, 0, 64, out, 4) > 1) {
          msw_test::ThreadFail(__FILE__, __LINE__, "select chose several buckets");
          return;
        }
        n++;
      }
      seen.store(n, std::memory_order_relaxed);
    }
  });
  CHECK(msw_test::WaitFor([&] { return seen.load() > 0; }));
  for (int i = 0; i < 3000; i++) {
    const std::string id = std::to_string(1 + i % 3);
    const std::string three = " bucket=actions=output:1 bucket=actions=output:2 bucket=actions=output:3";
    if (t.Exists(1 + i % 3)) {
      Run(&t, i % 2 ? "group_mod group_id=" + id + " type=select" + three
                    : "group_del group_id=" + id);
    } else {
      CHECK_EQ(Run(&t, "group_add group_id=" + id + " type=select bucket=actions=output:1"),
               std::string(""));
    }
    t.Publish();
  }
  stop = true;
  worker.join();
  msw_test::CheckThreads();
  t.ReleaseRetired();
}

}  // namespace
