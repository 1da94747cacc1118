// The `openflow` logic through its ABI ops, as the fabric calls it: control
// lines in the contract's form (control-text.md), priority, goto_table,
// VLAN push/pop variants, counters, dump, and lookups running on other
// threads while rules change.  Flow-mod semantics, timeouts, the EMC and
// trace have their own files (flow_mods_test.cc, flow_timeouts_test.cc,
// flow_queries_test.cc).
#include <atomic>

#include "openflow_harness.h"

using oflt::Decide;
using oflt::Hex;
using oflt::Logic;
using oflt::Pkt;
using oflt::UdpFrame;
using oflt::Value;

MSW_TEST(openflow_priority_and_miss) {
  Logic l;
  l.Ok("add priority=10 in_port=1 apply=output:2\n"
       "add priority=20 in_port=1 eth_type=0x800 ip_proto=17 udp_dst=53 apply=output:3");
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_UNICAST));
  CHECK_EQ(p.res.port, 3u);
  p.frame = UdpFrame(2, 54);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 2u);
  Decide(l, &p, 4);  // no rule for in_port 4: table-miss drops
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  // Deleting the high-priority rule (strict) uncovers the other.
  l.Ok("del strict priority=20 in_port=1 eth_type=0x800 ip_proto=17 udp_dst=53");
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 2u);
  const std::string dump = l.Ok("dump");
  CHECK_EQ(oflt::CountLines(dump, "id="), size_t(1));
  const std::string tail = "importance=0 n_packets=2 n_bytes=128 in_port=1 apply=output:2\n";
  CHECK_MSG(dump.size() > tail.size() && dump.compare(dump.size() - tail.size(), tail.size(), tail) == 0,
            dump);
  CHECK_EQ(dump.compare(0, 3, "id="), 0);
  CHECK_EQ(Value(dump, "in_port=1", "table"), std::string("0"));
  CHECK_EQ(Value(dump, "in_port=1", "priority"), std::string("10"));
  CHECK_EQ(Value(dump, "in_port=1", "cookie"), std::string("0x0"));
}

MSW_TEST(openflow_rejects_bad_commands_atomically) {
  Logic l("tables=4");
  std::string r;
  CHECK_EQ(l.Run("add priority=1 tcp_dst=80 apply=output:2", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_match.bad_prereq: ") == 0, r);
  CHECK_EQ(l.Run("add in_port=1 apply=output:2\nadd in_port=2 frobnicate", &r), EINVAL);
  CHECK_MSG(r.find("line 2: bad_request.bad_type: ") == 0 && r.find("frobnicate") != std::string::npos, r);
  CHECK_EQ(l.Run("add in_port=1 apply=output:2\nadd in_port=2 no_such_field=3", &r), EINVAL);
  CHECK_MSG(r.find("line 2: bad_match.bad_field: ") == 0, r);
  CHECK_EQ(l.Run("add table=2 in_port=1 goto_table=1", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_instruction.bad_table_id") == 0, r);
  CHECK_EQ(l.Run("add in_port=1 goto_table=1 table=2", &r), EINVAL);  // either order
  CHECK_MSG(r.find("line 1: bad_instruction.bad_table_id") == 0, r);
  CHECK_EQ(l.Run("add table=4 in_port=1", &r), EINVAL);
  CHECK_MSG(r.find("line 1: flow_mod_failed.bad_table_id") == 0, r);
  CHECK_EQ(l.Run("add table=all in_port=1", &r), EINVAL);
  CHECK_MSG(r.find("line 1: flow_mod_failed.bad_table_id") == 0, r);
  CHECK_EQ(l.Run("add idle_timeout=70000 in_port=1", &r), EINVAL);
  CHECK_MSG(r.find("line 1: flow_mod_failed.bad_timeout") == 0, r);
  CHECK_EQ(l.Run("add cookie=1/1 in_port=1", &r), EINVAL);
  CHECK_EQ(l.Run("del in_port=1 apply=output:2", &r), EINVAL);  // del takes no instructions
  CHECK_EQ(l.Run("del out_port=0", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_action.bad_out_port") == 0, r);
  CHECK_EQ(l.Run("frob in_port=1", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_request.bad_type") == 0, r);
  CHECK_EQ(l.Run("dump", &r), 0);
  CHECK_EQ(r, std::string(""));  // nothing of the bad batches was applied
  msw_switch_info sw{"br0", 1, MSW_MAX_PORTS, nullptr};
  void* inst = nullptr;
  char err[128];
  CHECK_EQ(l.ops->create(&sw, "tables=0", &inst, err, sizeof err), EINVAL);
}

MSW_TEST(openflow_vlan_push_pop_and_goto) {
  Logic l;
  // Table 0 tags port 1's traffic with VID 100 and sends it on to table 1,
  // which outputs the tagged copy to 2 and a copy with a new source MAC,
  // tag popped again, to 3.
  l.Ok("add table=0 in_port=1 apply=push_vlan:0x8100,set_field:vlan_vid=0x1064 goto_table=1\n"
       "add table=1 vlan_vid=0x1064 apply=output:2,pop_vlan,set_field:eth_src=02:00:00:00:00:99,"
       "output:3");
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_MULTI));
  CHECK_EQ(p.res.n_outputs, 2u);
  CHECK_EQ(p.res.outputs[0].port, 2u);
  CHECK_EQ(Hex(p.Sent(0)), Hex(UdpFrame(2, 53, 100)));
  CHECK_EQ(p.res.outputs[1].port, 3u);
  std::vector<uint8_t> want = UdpFrame(2, 53);
  want[11] = 0x99;
  CHECK_EQ(Hex(p.Sent(1)), Hex(want));
  // A tagged frame from port 5 is untagged on its way to 6.
  l.Ok("add in_port=5 vlan_vid=0x1000/0x1000 apply=pop_vlan,output:6");
  p.frame = UdpFrame(2, 53, 7);
  Decide(l, &p, 5);
  CHECK_EQ(p.res.n_outputs, 1u);
  CHECK_EQ(p.res.outputs[0].port, 6u);
  CHECK_EQ(Hex(p.Sent(0)), Hex(UdpFrame(2, 53)));
  const std::string dump = l.Ok("dump table=1");
  CHECK_EQ(Value(dump, "vlan_vid=0x1064", "n_packets"), std::string("1"));
  CHECK_MSG(dump.find("vlan_vid=0x1064 apply=output:2,pop_vlan,set_field:eth_src=02:00:00:00:00:99,"
                      "output:3") != std::string::npos,
            dump);
}

MSW_TEST(openflow_flood_in_port_and_modify) {
  Logic l;
  l.Ok("add cookie=0x5 in_port=1 apply=output:flood\nadd cookie=0x6 in_port=2 apply=output:in_port");
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_FLOOD));
  Decide(l, &p, 2);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_UNICAST));
  CHECK_EQ(p.res.port, 2u);
  CHECK(p.res.flags & MSW_OUT_ALLOW_IN_PORT);
  CHECK_EQ(l.Ok("mod cookie=0x5/0xff apply=output:9"),
           std::string("added 0 replaced 0 modified 1 deleted 0"));
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 9u);
  CHECK_EQ(l.Ok("flush"), std::string("added 0 replaced 0 modified 0 deleted 2"));
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
}

// Workers look up while the control thread keeps replacing rules: every
// answer is one a published version gives, counters add up exactly, and
// the grace periods let nothing be freed under a reader (run under ASan
// to see that part).  The EMC is in play: the same key every time.
MSW_TEST(openflow_lookups_during_updates) {
  Logic l("", 2);
  l.Ok("add priority=100 in_port=1 apply=output:2");
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> looked[2] = {{0}, {0}};
  std::vector<std::thread> workers;
  for (uint32_t w = 0; w < 2; w++) {
    workers.emplace_back([&, w] {
      Pkt p;
      p.frame = UdpFrame(2, 53);
      while (!stop.load()) {
        Decide(l, &p, 1, w);
        const bool ok = p.res.verdict == MSW_VERDICT_UNICAST &&
                        (p.res.port == 2 || p.res.port == 3);
        THREAD_CHECK_MSG(ok, "verdict " << p.res.verdict << " port " << p.res.port);
        looked[w]++;
      }
    });
  }
  for (int i = 0; i < 1000; i++) {
    l.Ok(std::string("add priority=100 in_port=1 apply=output:") + (i % 2 ? "2" : "3") +
         "\nadd priority=50 in_port=1 eth_type=0x800 ipv4_dst=10.0.0." + std::to_string(i % 250) +
         "\ndel strict priority=50 in_port=1 eth_type=0x800 ipv4_dst=10.0.0." +
         std::to_string((i + 100) % 250));
  }
  stop = true;
  for (auto& t : workers) t.join();
  msw_test::CheckThreads();
  const std::string dump = l.Ok("dump");
  const uint64_t total = looked[0] + looked[1];
  CHECK_MSG(Value(dump, "priority=100 ", "n_packets") == std::to_string(total),
            "want n_packets=" << total << " in:\n" << dump.substr(0, 300));
  const std::string stats = l.Ok("table_stats");
  CHECK_EQ(Value(stats, "table=0 ", "lookups"), std::to_string(total));
  CHECK_EQ(Value(stats, "table=0 ", "matched"), std::to_string(total));
  const uint64_t hits = std::stoull(Value(stats, "table=0 ", "emc_hits"));
  const uint64_t misses = std::stoull(Value(stats, "table=0 ", "emc_misses"));
  CHECK_EQ(hits + misses, total);
}
