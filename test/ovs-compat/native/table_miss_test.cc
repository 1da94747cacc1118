// The table-miss mode of the `openflow` logic (table_miss.h): off, a miss
// drops (OpenFlow 1.3); `table_miss controller` turns a miss into a
// no_match packet-in marked MSW_TO_CONTROLLER_TABLE_MISS, naming the table
// that missed and carrying the packet as the tables before it left it; a
// table-miss flow's own packet-in is not so marked; a flip of the mode
// applies to keys the exact-match cache already holds; trace agrees.
#include <cerrno>
#include <cstring>

#include "openflow_harness.h"

using oflt::Decide;
using oflt::Hex;
using oflt::Logic;
using oflt::Pkt;
using oflt::UdpFrame;
using oflt::Value;

namespace {

// The struct msw_to_controller at the head of output 'k'.
msw_to_controller HeaderOf(const Pkt& p, uint32_t k) {
  msw_to_controller h;
  const std::vector<uint8_t> sent = p.Sent(k);
  CHECK(sent.size() >= sizeof h);
  std::memcpy(&h, sent.data(), sizeof h);
  return h;
}

// The frame output 'k' carries to the controller, without its header.
std::vector<uint8_t> PacketInFrame(const Pkt& p, uint32_t k) {
  std::vector<uint8_t> sent = p.Sent(k);
  sent.erase(sent.begin(), sent.begin() + sizeof(msw_to_controller));
  return sent;
}

uint64_t EmcHits(Logic& l, uint32_t table) {
  const std::string stats = l.Ok("table_stats");
  return std::stoull(Value(stats, "table=" + std::to_string(table) + " ", "emc_hits"));
}

// Checks that 'p' went to the controller and nowhere else, as an implicit
// miss of 'table' on 'in_port' whose packet is 'frame'.
void CheckMissPacketIn(const Pkt& p, uint32_t table, uint32_t in_port,
                       const std::vector<uint8_t>& frame) {
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_MULTI));
  CHECK_EQ(p.res.n_outputs, 1u);
  CHECK_EQ(p.res.outputs[0].port, MSW_PORT_CONTROLLER);
  const msw_to_controller h = HeaderOf(p, 0);
  CHECK_EQ(h.magic, MSW_TO_CONTROLLER_MAGIC);
  CHECK_EQ(h.hdr_len, uint16_t(sizeof h));
  CHECK_EQ(unsigned(h.reason), 0u);  // OFPR_NO_MATCH
  CHECK_EQ(unsigned(h.table_id), table);
  CHECK_EQ(h.flags, uint16_t(MSW_TO_CONTROLLER_TABLE_MISS));
  CHECK_EQ(h.cookie, uint64_t{0});  // OVS's internal miss rule's
  CHECK_EQ(h.in_port, in_port);
  CHECK_EQ(h.max_len, uint16_t(0xffff));
  CHECK_EQ(Hex(PacketInFrame(p, 0)), Hex(frame));
}

}  // namespace

MSW_TEST(table_miss_drops_by_default_and_goes_to_the_controller_when_on) {
  Logic l;
  CHECK_EQ(l.Ok("table_miss"), std::string("table_miss drop"));
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 3);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));

  CHECK_EQ(l.Ok("table_miss controller"), std::string("table_miss controller"));
  CHECK_EQ(l.Ok("table_miss"), std::string("table_miss controller"));
  Decide(l, &p, 3);
  CheckMissPacketIn(p, 0, 3, p.frame);
  // A big frame goes whole: the head the logic saw and the rest.
  Pkt big;
  big.frame = UdpFrame(2, 53);
  big.frame.resize(1500, 0x5a);
  Decide(l, &big, 7);
  CheckMissPacketIn(big, 0, 7, big.frame);
  // A matching flow is not a miss.
  l.Ok("add in_port=3 apply=output:4");
  Decide(l, &p, 3);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_UNICAST));
  CHECK_EQ(p.res.port, 4u);

  CHECK_EQ(l.Ok("table_miss drop"), std::string("table_miss drop"));
  Decide(l, &p, 5);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
}

MSW_TEST(table_miss_names_the_table_that_missed_with_the_packet_as_modified) {
  Logic l("tables=8");
  l.Ok("table_miss controller");
  // Table 0 rewrites eth_dst and goes to table 5, which has no flow.
  l.Ok("add in_port=1 apply=set_field:eth_dst=02:00:00:00:00:99 goto_table=5");
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  std::vector<uint8_t> want = p.frame;
  const uint8_t mac[6] = {2, 0, 0, 0, 0, 0x99};
  std::memcpy(want.data(), mac, 6);
  CheckMissPacketIn(p, 5, 1, want);
  // Metadata written on the way is in the packet-in.
  l.Ok("add in_port=2 write_metadata=0x77 goto_table=6");
  Decide(l, &p, 2);
  CHECK_EQ(HeaderOf(p, 0).metadata, uint64_t{0x77});
  CHECK_EQ(unsigned(HeaderOf(p, 0).table_id), 6u);
}

MSW_TEST(table_miss_flow_packet_in_is_not_marked_as_an_implicit_miss) {
  Logic l;
  l.Ok("table_miss controller");
  // A table-miss flow (priority 0, match all) decides instead of the mode.
  l.Ok("add priority=0 cookie=0x42 apply=output:controller");
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.n_outputs, 1u);
  msw_to_controller h = HeaderOf(p, 0);
  CHECK_EQ(unsigned(h.reason), 0u);  // no_match, from the flow (OpenFlow 1.3 §6.4)
  CHECK_EQ(h.flags, uint16_t(0));
  CHECK_EQ(h.cookie, uint64_t{0x42});
  // A table-miss flow that drops: nothing goes to the controller.
  l.Ok("add priority=0 cookie=0x42 apply=drop");
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
}

MSW_TEST(table_miss_mode_flips_apply_to_keys_the_emc_already_holds) {
  Logic l("", 1);
  Pkt p;
  p.frame = UdpFrame(9, 99);
  Decide(l, &p, 2);  // fills the worker's EMC with the miss
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  const uint64_t hits0 = EmcHits(l, 0);
  Decide(l, &p, 2);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  CHECK_EQ(EmcHits(l, 0), hits0 + 1);  // the key is cached

  l.Ok("table_miss controller");
  Decide(l, &p, 2);
  CheckMissPacketIn(p, 0, 2, p.frame);
  const uint64_t hits1 = EmcHits(l, 0);
  Decide(l, &p, 2);  // cached again under the new mode
  CHECK_EQ(EmcHits(l, 0), hits1 + 1);
  CheckMissPacketIn(p, 0, 2, p.frame);

  l.Ok("table_miss drop");
  Decide(l, &p, 2);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  Decide(l, &p, 2);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
  // Setting the mode it already has is accepted and changes nothing.
  CHECK_EQ(l.Ok("table_miss drop"), std::string("table_miss drop"));
}

MSW_TEST(table_miss_batched_lookup_sends_each_miss) {
  Logic l("", 1);
  l.Ok("table_miss controller");
  l.Ok("add in_port=1 eth_type=0x800 ip_proto=17 udp_dst=1 apply=output:2");
  Pkt pk[6];
  msw_packet* pkts[6];
  msw_result* res[6];
  for (int i = 0; i < 6; i++) {
    pk[i].frame = UdpFrame(2, uint16_t(i));  // udp_dst 1 matches; the rest miss
    pk[i].pkt.data = pk[i].frame.data();
    pk[i].pkt.head_len = uint32_t(std::min<size_t>(pk[i].frame.size(), MSW_HEAD_BYTES));
    pk[i].pkt.len = uint32_t(pk[i].frame.size());
    pk[i].pkt.src_port = 1;
    pk[i].pkt.now_ns = 1;
    pk[i].res.scratch = pk[i].scratch;
    pkts[i] = &pk[i].pkt;
    res[i] = &pk[i].res;
  }
  l.ops->lookup_batch(l.inst, pkts, res, 6);
  for (int i = 0; i < 6; i++) {
    if (i == 1) {
      CHECK_EQ(pk[i].res.verdict, uint32_t(MSW_VERDICT_UNICAST));
      CHECK_EQ(pk[i].res.port, 2u);
    } else {
      CheckMissPacketIn(pk[i], 0, 1, pk[i].frame);
    }
  }
}

MSW_TEST(table_miss_trace_reports_the_packet_in_and_bad_lines_are_refused) {
  Logic l("tables=4");
  const std::vector<uint8_t> f = UdpFrame(2, 53);
  const std::string cmd = "trace in_port=3 hex=" + Hex(f);
  CHECK_EQ(l.Ok(cmd), std::string("table=0 miss\ndrop\n"));
  l.Ok("table_miss controller");
  l.Ok("add in_port=3 goto_table=2");
  const std::string t = l.Ok(cmd);
  CHECK_MSG(t.find("table=2 miss\n") != std::string::npos, t);
  CHECK_MSG(t.find("packet_in reason=no_match table=2 cookie=0x0 in_port=3 "
                   "metadata=0x0 total_len=64 table_miss=1 hex=" + Hex(f) + "\n") != std::string::npos,
            t);
  // packet_out's output:table misses the same way.
  const std::string po = l.Ok("packet_out in_port=5 actions=output:table hex=" + Hex(f));
  CHECK_MSG(po.find("packet_in reason=no_match table=0 cookie=0x0 in_port=5 metadata=0x0 "
                    "total_len=64 table_miss=1 hex=") != std::string::npos,
            po);
  // From the controller itself too (the controller is no port to skip).
  const std::string from_ctl = l.Ok("packet_out in_port=controller actions=output:table hex=" + Hex(f));
  CHECK_MSG(from_ctl.find("packet_in reason=no_match table=0 cookie=0x0 in_port=4294967294 "
                          "metadata=0x0 total_len=64 table_miss=1 hex=") != std::string::npos,
            from_ctl);
  // A table-miss flow's packet-in is no implicit miss.
  l.Ok("add table=2 priority=0 apply=output:controller");
  const std::string flowed = l.Ok(cmd);
  CHECK_MSG(flowed.find("packet_in reason=no_match table=2 cookie=0x0 in_port=3 metadata=0x0 "
                        "total_len=64 hex=") != std::string::npos,
            flowed);
  std::string r;
  CHECK_EQ(l.Run("table_miss maybe", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_request.bad_type") == 0, r);
  CHECK_EQ(l.Run("table_miss drop now", &r), EINVAL);
  CHECK_EQ(l.Ok("table_miss"), std::string("table_miss controller"));  // unchanged
}
