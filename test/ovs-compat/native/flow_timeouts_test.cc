// Timeouts and the exact-match cache of the `openflow` logic: idle
// timeouts refreshed by traffic (the packets' now_ns), hard timeouts not,
// expiry by `events now_ns=N` with its reasons; and the EMC never answering
// with a rule that was deleted or modified.
#include <ctime>

#include "openflow_harness.h"

using oflt::Decide;
using oflt::Logic;
using oflt::Pkt;
using oflt::UdpFrame;
using oflt::Value;

namespace {

uint64_t Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

constexpr uint64_t kMs = 1000000;

std::string EventsAt(Logic& l, uint64_t now_ns) {
  return l.Ok("events now_ns=" + std::to_string(now_ns));
}

}  // namespace

MSW_TEST(flow_timeouts_idle_refreshed_by_traffic_hard_not) {
  Logic l;
  l.Ok("add priority=1 in_port=1 idle_timeout=2 send_flow_rem apply=output:2\n"   // A
       "add priority=2 in_port=2 hard_timeout=3 send_flow_rem apply=output:1\n"   // B
       "add priority=3 in_port=3 idle_timeout=2 send_flow_rem apply=output:1\n"   // C
       "add priority=4 in_port=4 idle_timeout=1 apply=output:1");                 // D: silent
  const uint64_t t = Now();  // >= every flow's creation time
  Pkt p;
  p.frame = UdpFrame(2, 53);
  CHECK_EQ(EventsAt(l, t + 1500 * kMs), std::string(""));
  Decide(l, &p, 1, 0, t + 1500 * kMs);  // refreshes A
  Decide(l, &p, 2, 1, t + 1500 * kMs);  // B: hard timeouts ignore traffic
  // t+2.5 s: C (idle, never used) and D (no send_flow_rem: gone silently).
  std::string ev = EventsAt(l, t + 2500 * kMs);
  CHECK_EQ(oflt::CountLines(ev, "flow_removed"), size_t(1));
  CHECK_MSG(ev.find("flow_removed reason=idle_timeout table=0 priority=3 ") == 0, ev);
  CHECK_EQ(Value(ev, "priority=3", "n_packets"), std::string("0"));
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(2));
  Decide(l, &p, 2, 0, t + 2900 * kMs);
  // t+3.2 s: B by its hard timeout, though used 0.3 s ago; A was used 1.7 s ago.
  ev = EventsAt(l, t + 3200 * kMs);
  CHECK_MSG(ev.find("flow_removed reason=hard_timeout table=0 priority=2 ") == 0 &&
                oflt::CountLines(ev, "flow_removed") == 1,
            ev);
  CHECK_EQ(Value(ev, "priority=2", "n_packets"), std::string("2"));  // two workers counted
  CHECK_EQ(Value(ev, "priority=2", "hard_timeout"), std::string("3"));
  // t+3.6 s: A, 2.1 s after its last packet.
  ev = EventsAt(l, t + 3600 * kMs);
  CHECK_MSG(ev.find("flow_removed reason=idle_timeout table=0 priority=1 ") == 0, ev);
  CHECK_EQ(Value(ev, "priority=1", "n_packets"), std::string("1"));
  CHECK_EQ(l.Ok("dump"), std::string(""));
  // Expired flows forward nothing any more.
  Decide(l, &p, 1, 0, t + 3700 * kMs);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
}

MSW_TEST(flow_timeouts_events_max_and_bad_tokens) {
  Logic l;
  l.Ok("add in_port=1 send_flow_rem apply=output:2\nadd in_port=2 send_flow_rem apply=output:1\n"
       "add in_port=3 send_flow_rem apply=output:1");
  l.Ok("del");
  CHECK_EQ(oflt::CountLines(l.Ok("events max=2"), "flow_removed"), size_t(2));
  CHECK_EQ(oflt::CountLines(l.Ok("events"), "flow_removed"), size_t(1));
  std::string r;
  CHECK_EQ(l.Run("events sometimes", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_request.bad_type") == 0, r);
}

// The EMC caches answers, hits and misses alike, per (table, key); a
// publish invalidates them all, so no packet after a del sees the rule.
MSW_TEST(flow_timeouts_emc_never_answers_with_a_stale_rule) {
  Logic l("", 1);
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);  // a miss, cached
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  l.Ok("add in_port=1 apply=output:2");
  for (int i = 0; i < 5; i++) {
    Decide(l, &p, 1);
    CHECK_EQ(p.res.port, 2u);
  }
  std::string stats = l.Ok("table_stats");
  CHECK_EQ(Value(stats, "table=0 ", "emc_hits"), std::string("4"));
  CHECK_EQ(Value(stats, "table=0 ", "emc_misses"), std::string("2"));
  CHECK_EQ(Value(stats, "table=0 ", "lookups"), std::string("6"));
  CHECK_EQ(Value(stats, "table=0 ", "matched"), std::string("5"));
  CHECK_EQ(Value(stats, "table=0 ", "active"), std::string("1"));
  l.Ok("mod in_port=1 apply=output:3");
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 3u);
  l.Ok("del in_port=1");
  for (int i = 0; i < 3; i++) {
    Decide(l, &p, 1);
    CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  }
  // A more specific flow added later wins over what the cache held.
  l.Ok("add priority=1 in_port=1 apply=output:4");
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 4u);
  l.Ok("add priority=2 in_port=1 eth_type=0x800 apply=output:5");
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 5u);
  // Expiry publishes too.
  l.Ok("add priority=3 in_port=1 eth_type=0x800 ip_proto=17 hard_timeout=1 apply=output:6");
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 6u);
  l.Ok("events now_ns=" + std::to_string(Now() + 2000 * kMs));
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 5u);
}

// Expiry walks only the flows that have a timeout: that set must follow
// every add, replace, modify and delete, or a flow would outlive its
// timeout (or a permanent one expire).
MSW_TEST(flow_timeouts_follow_replace_modify_and_delete) {
  Logic l;
  l.Ok("add priority=1 in_port=1 apply=output:2\n"                  // P: permanent
       "add priority=1 in_port=2 idle_timeout=1 apply=output:1\n"   // T: timed
       "add priority=1 in_port=3 hard_timeout=1 apply=output:1\n"   // M: timed, modified below
       "add priority=1 in_port=4 hard_timeout=1 apply=output:1");   // D: deleted below
  l.Ok("add priority=1 in_port=2 apply=output:3\n"                  // T replaced by a permanent flow
       "add priority=1 in_port=1 hard_timeout=1 apply=output:3\n"   // P replaced by a timed flow
       "mod table=0 strict priority=1 in_port=3 apply=output:4\n"   // M keeps its hard timeout
       "del table=0 strict priority=1 in_port=4");
  const uint64_t later = Now() + 10000 * kMs;
  CHECK_EQ(EventsAt(l, later), std::string(""));  // no send_flow_rem: silent
  const std::string left = l.Ok("dump");
  CHECK_EQ(oflt::CountLines(left, "id="), size_t(1));
  CHECK_MSG(left.find("in_port=2") != std::string::npos && left.find("output:3") != std::string::npos, left);
  CHECK_EQ(EventsAt(l, later + 10000 * kMs), std::string(""));
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(1));
}
