// Flow-mod semantics of the `openflow` logic (OpenFlow 1.3 §6.4) through
// its control form: add replacing an identical flow (counters kept or
// reset), check_overlap, table full, mod never adding, del and mod
// filters (cookie/mask, out_port, out_group, strict, table=all), flows
// deleted with their groups and meters, and the batch semantics of errors
// (control-text.md: lines before a failing one applied, none after).
#include "openflow_harness.h"

using oflt::Decide;
using oflt::Logic;
using oflt::Pkt;
using oflt::UdpFrame;
using oflt::Value;

namespace {

// Sends 'n' UDP frames from port 1.
void Send(Logic& l, int n, uint8_t dst_host = 2, uint64_t now_ns = 1) {
  Pkt p;
  p.frame = UdpFrame(dst_host, 53);
  for (int i = 0; i < n; i++) Decide(l, &p, 1, 0, now_ns);
}

}  // namespace

MSW_TEST(flow_mods_add_replaces_keeping_or_resetting_counters) {
  Logic l;
  l.Ok("add priority=5 in_port=1 apply=output:2");
  const std::string id = Value(l.Ok("dump"), "in_port=1", "id");
  Send(l, 3);
  // Same match and priority: replaced, counters and id kept, instructions new.
  CHECK_EQ(l.Ok("add priority=5 in_port=1 cookie=0x7 apply=output:3"),
           std::string("added 0 replaced 1 modified 0 deleted 0"));
  std::string dump = l.Ok("dump");
  CHECK_EQ(Value(dump, "in_port=1", "n_packets"), std::string("3"));
  CHECK_EQ(Value(dump, "in_port=1", "id"), id);
  CHECK_EQ(Value(dump, "in_port=1", "cookie"), std::string("0x7"));
  CHECK_EQ(Value(dump, "in_port=1", "apply"), std::string("output:3"));
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 3u);
  // reset_counts on the replacing add zeroes them.
  l.Ok("add priority=5 in_port=1 reset_counts apply=output:3");
  CHECK_EQ(Value(l.Ok("dump"), "in_port=1", "n_packets"), std::string("0"));
  // A different priority is another flow.
  CHECK_EQ(l.Ok("add priority=6 in_port=1 apply=output:4"),
           std::string("added 1 replaced 0 modified 0 deleted 0"));
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(2));
}

MSW_TEST(flow_mods_check_overlap) {
  Logic l;
  l.Ok("add priority=10 in_port=1 apply=output:2");
  std::string r;
  // Same priority, a packet could match both (in_port=1 and udp): overlap.
  CHECK_EQ(l.Run("add priority=10 check_overlap eth_type=0x800 apply=output:3", &r), EEXIST);
  CHECK_MSG(r.find("line 1: flow_mod_failed.overlap") == 0, r);
  // An identical flow overlaps too.
  CHECK_EQ(l.Run("add priority=10 check_overlap in_port=1 apply=output:3", &r), EEXIST);
  // Disjoint (another in_port) or another priority: no overlap.
  l.Ok("add priority=10 check_overlap in_port=2 eth_type=0x800 apply=output:3");
  l.Ok("add priority=11 check_overlap eth_type=0x800 apply=output:3");
  // Without check_overlap the overlapping flow is simply added.
  l.Ok("add priority=10 eth_type=0x800 apply=output:3");
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(4));
}

MSW_TEST(flow_mods_table_full_and_batch_semantics) {
  Logic l("tables=2 max_flows=3");
  std::string r;
  // Lines 1-3 fill table 0; line 4 fails; line 5 is never applied.
  CHECK_EQ(l.Run("add in_port=1 apply=output:2\nadd in_port=2 apply=output:1\n"
                 "add in_port=3 apply=output:1\nadd in_port=4 apply=output:1\n"
                 "add table=1 in_port=4 apply=output:1",
                 &r),
           ENOSPC);
  CHECK_MSG(r.find("line 4: flow_mod_failed.table_full") == 0, r);
  std::string dump = l.Ok("dump");
  CHECK_EQ(oflt::CountLines(dump, "id="), size_t(3));
  CHECK_EQ(oflt::CountLines(dump, "table=1 "), size_t(0));
  // Replacing a flow of a full table is no growth: allowed.
  l.Ok("add in_port=3 apply=output:2");
  // Other tables have their own limit.
  l.Ok("add table=1 in_port=4 apply=output:1");
  // A parse error anywhere: nothing of the batch, not even line 1.
  CHECK_EQ(l.Run("del in_port=1\nadd in_port=9 apply=output:bogus", &r), EINVAL);
  CHECK_MSG(r.find("line 2: bad_action.") == 0, r);
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "in_port=1 "), size_t(1));
}

MSW_TEST(flow_mods_mod_never_adds_and_reset_counts) {
  Logic l;
  CHECK_EQ(l.Ok("mod in_port=1 apply=output:2"), std::string("added 0 replaced 0 modified 0 deleted 0"));
  CHECK_EQ(l.Ok("dump"), std::string(""));
  l.Ok("add priority=10 in_port=1 idle_timeout=30 send_flow_rem apply=output:2\n"
       "add priority=20 in_port=1 eth_type=0x800 apply=output:3");
  Send(l, 2);
  // Non-strict: every flow at least as specific as in_port=1 (both).
  CHECK_EQ(l.Ok("mod in_port=1 apply=output:4"), std::string("added 0 replaced 0 modified 2 deleted 0"));
  std::string dump = l.Ok("dump");
  CHECK_EQ(Value(dump, "priority=20", "n_packets"), std::string("2"));  // counters kept
  CHECK_EQ(Value(dump, "priority=10", "idle_timeout"), std::string("30"));  // so are timeouts
  CHECK_MSG(dump.find("send_flow_rem") != std::string::npos, dump);          // and flags
  // Strict: only the flow of that match and priority; reset_counts zeroes it.
  CHECK_EQ(l.Ok("mod strict priority=20 in_port=1 eth_type=0x800 reset_counts apply=output:5"),
           std::string("added 0 replaced 0 modified 1 deleted 0"));
  dump = l.Ok("dump");
  CHECK_EQ(Value(dump, "priority=20", "n_packets"), std::string("0"));
  CHECK_EQ(Value(dump, "priority=20", "apply"), std::string("output:5"));
  CHECK_EQ(Value(dump, "priority=10", "apply"), std::string("output:4"));
  // A more specific selector does not select a less specific flow.
  CHECK_EQ(l.Ok("mod in_port=1 eth_type=0x800 apply=output:6"),
           std::string("added 0 replaced 0 modified 1 deleted 0"));
}

MSW_TEST(flow_mods_del_filters) {
  Logic l("tables=4");
  l.Ok("add table=0 priority=1 cookie=0x11 in_port=1 apply=output:2\n"
       "add table=0 priority=2 cookie=0x12 in_port=2 apply=output:3\n"
       "add table=1 priority=3 cookie=0x21 in_port=3 apply=output:2\n"
       "add table=2 priority=4 cookie=0x22 in_port=4 apply=output:flood\n"
       "add table=3 priority=5 cookie=0x31 in_port=5 write=output:2");
  // cookie/mask: 0x10/0xf0 selects 0x11 and 0x12 (every table by default).
  CHECK_EQ(l.Ok("aggregate cookie=0x10/0xf0"), std::string("flows=2 n_packets=0 n_bytes=0\n"));
  // out_port looks into apply and write lists.
  CHECK_EQ(l.Ok("aggregate out_port=2"), std::string("flows=3 n_packets=0 n_bytes=0\n"));
  CHECK_EQ(l.Ok("aggregate out_port=flood"), std::string("flows=1 n_packets=0 n_bytes=0\n"));
  CHECK_EQ(l.Ok("del table=1 out_port=2"), std::string("added 0 replaced 0 modified 0 deleted 1"));
  CHECK_EQ(l.Ok("del cookie=0x12"), std::string("added 0 replaced 0 modified 0 deleted 1"));
  // strict needs the exact priority.
  CHECK_EQ(l.Ok("del strict table=all priority=9 in_port=5"),
           std::string("added 0 replaced 0 modified 0 deleted 0"));
  CHECK_EQ(l.Ok("del strict table=all priority=5 in_port=5"),
           std::string("added 0 replaced 0 modified 0 deleted 1"));
  const std::string dump = l.Ok("dump");
  CHECK_EQ(oflt::CountLines(dump, "id="), size_t(2));
  CHECK(dump.find("cookie=0x11") != std::string::npos && dump.find("cookie=0x22") != std::string::npos);
}

// Deleting a group deletes the flows that use it (OpenFlow 1.3 §6.5),
// each with a flow_removed of reason group_delete if it asked; out_group
// filters select them.
MSW_TEST(flow_mods_group_delete_takes_its_flows) {
  Logic l;
  std::string r;
  // A flow naming a group that does not exist is refused at apply time...
  CHECK_EQ(l.Run("add in_port=1 apply=group:7", &r), ENOENT);
  CHECK_MSG(r.find("line 1: bad_action.bad_out_group") == 0, r);
  // ...but one line earlier in the same batch may create it.
  l.Ok("group_add group_id=7 type=all bucket=actions=output:2 bucket=actions=output:3\n"
       "add in_port=1 send_flow_rem apply=group:7\n"
       "add in_port=2 apply=output:3");
  CHECK_EQ(l.Ok("aggregate out_group=7"), std::string("flows=1 n_packets=0 n_bytes=0\n"));
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.n_outputs, 2u);
  CHECK_EQ(l.Ok("group_del group_id=7"), std::string("added 0 replaced 0 modified 0 deleted 1"));
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  const std::string ev = l.Ok("events");
  CHECK_MSG(ev.find("flow_removed reason=group_delete table=0 priority=32768 ") == 0, ev);
  CHECK_EQ(Value(ev, "group_delete", "n_packets"), std::string("1"));
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(1));
}

MSW_TEST(flow_mods_meter_delete_takes_its_flows) {
  Logic l;
  std::string r;
  CHECK_EQ(l.Run("add in_port=1 meter=3 apply=output:2", &r), ENOENT);
  CHECK_MSG(r.find("line 1: meter_mod_failed.unknown_meter") == 0, r);
  l.Ok("meter_add meter_id=3 pktps band=type=drop,rate=1000\n"
       "add in_port=1 send_flow_rem meter=3 apply=output:2\nadd in_port=2 apply=output:1");
  CHECK_EQ(l.Ok("meter_del meter_id=3"), std::string("added 0 replaced 0 modified 0 deleted 1"));
  CHECK_MSG(l.Ok("events").find("flow_removed reason=meter_delete ") == 0, "");
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(1));
}

// Every del with send_flow_rem reports reason delete, with the counters.
MSW_TEST(flow_mods_del_reports_flow_removed) {
  Logic l;
  l.Ok("add priority=7 cookie=0xab idle_timeout=9 hard_timeout=99 send_flow_rem in_port=1 "
       "apply=output:2\nadd priority=8 in_port=2 apply=output:1");
  Send(l, 4);
  l.Ok("del");
  const std::string ev = l.Ok("events");
  CHECK_EQ(oflt::CountLines(ev, "flow_removed"), size_t(1));  // the other did not ask
  CHECK_MSG(ev.find("flow_removed reason=delete table=0 priority=7 cookie=0xab idle_timeout=9 "
                    "hard_timeout=99 duration_ns=") == 0, ev);
  const std::string tail = " n_packets=4 n_bytes=256 in_port=1\n";
  CHECK_MSG(ev.size() > tail.size() && ev.compare(ev.size() - tail.size(), tail.size(), tail) == 0, ev);
  CHECK_EQ(l.Ok("events"), std::string(""));  // drained
}
