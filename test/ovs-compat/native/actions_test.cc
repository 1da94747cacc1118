// Actions one by one: golden before/after frames for every set_field
// (each checksum recomputed from scratch by the test), VLAN and MPLS
// push/pop, TTLs, and the action text (round trip, errors naming the
// token).
#include <string>
#include <vector>

#include "actions.h"
#include "pipeline_harness.h"

namespace {

using pht::Bytes;
using pht::FrameSpec;
using pht::MakeFrame;

// Runs 'apply' (an action list) on 'frame' through a one-rule table 0;
// returns the Run (outputs in run.res).
std::unique_ptr<pht::Run> Apply(const Bytes& frame, const std::string& actions) {
  pht::Tables tables;
  tables.Add(0, 1, 0, "apply=" + actions);
  ofl::PipelineEnv env;
  env.n_tables = tables.n_tables;
  env.lookup = &pht::Tables::Lookup;
  env.lookup_ctx = &tables;
  auto run = std::make_unique<pht::Run>(frame);
  ofl::RunPipeline(env, &run->pkt, &run->res);
  return run;
}

// 'out' equals 'want' in every byte but those of 'skip' (checksum fields,
// which the test recomputes instead), and every checksum is right.
void ExpectEdited(const Bytes& out, const Bytes& want, const std::vector<size_t>& skip) {
  CHECK_EQ(out.size(), want.size());
  for (size_t i = 0; i < out.size(); i++) {
    bool skipped = false;
    for (size_t s : skip) skipped = skipped || i == s || i == s + 1;
    if (!skipped) CHECK_MSG(out[i] == want[i], "byte " << i << ": " << pht::Hex(out));
  }
  CHECK_EQ(pht::CheckSums(out), std::string(""));
}

struct Case {
  FrameSpec spec;
  std::string action;
  size_t at;         // offset from L3 ('l3' true) or L4
  bool l3;
  Bytes value;
};

}  // namespace

MSW_TEST(actions_set_field_golden_frames_with_checksums) {
  FrameSpec tcp4, udp4, icmp4, sctp4, tcp6, udp6, icmp6;
  udp4.proto = 17;
  icmp4.proto = 1;
  sctp4.proto = 132;
  tcp6.v6 = udp6.v6 = icmp6.v6 = true;
  udp6.proto = 17;
  icmp6.proto = 58;
  FrameSpec long_tcp4 = tcp4;
  long_tcp4.payload = 400;  // the payload lies far beyond the 128-byte head
  FrameSpec long_udp6 = udp6;
  long_udp6.payload = 900;
  long_udp6.v6_hbh = 16;
  const std::vector<Case> cases = {
      {tcp4, "set_field:ipv4_src=192.168.1.9", 12, true, {192, 168, 1, 9}},
      {tcp4, "set_field:ipv4_dst=172.16.0.77", 16, true, {172, 16, 0, 77}},
      {long_tcp4, "set_field:ipv4_dst=172.16.0.77", 16, true, {172, 16, 0, 77}},
      {tcp4, "set_field:tcp_src=4242", 0, false, {0x10, 0x92}},
      {tcp4, "set_field:tcp_dst=8080", 2, false, {0x1f, 0x90}},
      {long_tcp4, "set_field:tcp_dst=443", 2, false, {0x01, 0xbb}},
      {udp4, "set_field:udp_dst=5353", 2, false, {0x14, 0xe9}},
      {udp4, "set_field:ipv4_src=1.2.3.4", 12, true, {1, 2, 3, 4}},
      {sctp4, "set_field:sctp_dst=36412", 2, false, {0x8e, 0x3c}},
      {sctp4, "set_field:sctp_src=9", 0, false, {0, 9}},
      {icmp4, "set_field:icmpv4_type=0", 0, false, {0}},
      {icmp4, "set_field:icmpv4_code=3", 1, false, {3}},
      {tcp4, "set_field:ip_ttl=9", 8, true, {9}},
      {tcp4, "set_nw_ttl:200", 8, true, {200}},
      {tcp4, "set_field:ip_dscp=46", 1, true, {46 << 2}},
      {tcp4, "set_field:ip_ecn=3", 1, true, {3}},
      {tcp6, "set_field:ipv6_src=2001:db8::1", 8, true,
       {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
      {udp6, "set_field:ipv6_dst=2001:db8::ff:2", 24, true,
       {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 2}},
      {long_udp6, "set_field:ipv6_dst=2001:db8::ff:2", 24, true,
       {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 2}},
      {icmp6, "set_field:ipv6_src=fe80::9", 8, true,
       {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}},
      {icmp6, "set_field:icmpv6_type=129", 0, false, {129}},
      {icmp6, "set_field:icmpv6_code=4", 1, false, {4}},
      {tcp6, "set_field:ipv6_flabel=0xabcde", 1, true, {0x0a, 0xbc, 0xde}},
      {tcp6, "set_field:ip_dscp=10", 0, true, {0x62, 0x81}},
      {tcp6, "set_field:ip_ttl=7", 7, true, {7}},
  };
  for (const Case& c : cases) {
    const Bytes in = MakeFrame(c.spec);
    auto run = Apply(in, c.action + ",output:2");
    CHECK_MSG(run->res.n_outputs == 1, c.action);
    const msw_output& o = run->res.outputs[0];
    CHECK_MSG(o.flags & MSW_OUT_VARIANT, c.action);
    CHECK_EQ(o.port, 2u);
    // Only the head up to the last changed byte is in scratch.
    CHECK_MSG(o.head_len <= MSW_HEAD_BYTES && o.strip == o.head_len, c.action);
    const pht::Offsets off = pht::Locate(in);
    Bytes want = in;
    const size_t base = (c.l3 ? off.l3 : off.l4) + c.at;
    for (size_t i = 0; i < c.value.size(); i++) want[base + i] = c.value[i];
    std::vector<size_t> skip = {off.l3 + 10};  // IPv4 header checksum
    skip.push_back(off.l4 + (off.proto == 6 ? 16 : off.proto == 17 ? 6 : 2));
    if (off.proto == 132) skip = {off.l4 + 8, off.l4 + 10};
    if (off.v6) skip.erase(skip.begin());
    ExpectEdited(run->Out(0), want, skip);
  }
}

MSW_TEST(actions_udp_zero_checksum_stays_zero) {
  FrameSpec s;
  s.proto = 17;
  s.udp_zero_csum = true;
  const Bytes in = MakeFrame(s);
  auto run = Apply(in, "set_field:ipv4_dst=9.9.9.9,set_field:udp_src=7,output:2");
  const Bytes out = run->Out(0);
  const pht::Offsets off = pht::Locate(out);
  CHECK_EQ(pht::Get16(out, off.l4 + 6), 0u);
  CHECK_EQ(pht::Get16(out, off.l4), 7u);
  CHECK_EQ(pht::CheckSums(out), std::string(""));
}

MSW_TEST(actions_edits_out_of_reach_leave_the_packet_unchanged) {
  // SCTP's CRC32c needs the whole packet: longer than the head, the port
  // is not rewritten.  An IPv6 TCP checksum beyond byte 128 (a 64-byte
  // hop-by-hop header) cannot be updated: the address is not rewritten.
  FrameSpec sctp;
  sctp.proto = 132;
  sctp.payload = 300;
  FrameSpec deep;
  deep.v6 = true;
  deep.v6_hbh = 64;
  for (const auto& c : {std::make_pair(sctp, std::string("set_field:sctp_dst=1")),
                        std::make_pair(deep, std::string("set_field:ipv6_dst=::1")),
                        std::make_pair(deep, std::string("set_field:tcp_dst=1"))}) {
    const Bytes in = MakeFrame(c.first);
    auto run = Apply(in, c.second + ",output:2");
    CHECK_EQ(run->res.n_outputs, 1u);
    CHECK_MSG(!(run->res.outputs[0].flags & MSW_OUT_VARIANT), c.second);
    CHECK(run->Out(0) == in);
  }
}

MSW_TEST(actions_set_field_l2_vlan_arp_mpls) {
  FrameSpec tagged;
  tagged.vlan = 5 + 1;  // VID 5, PCP 3
  Bytes in = MakeFrame(tagged);
  auto run = Apply(in, "set_field:eth_dst=0a:0b:0c:0d:0e:0f,set_field:vlan_vid=0x1007,output:2,"
                       "set_field:vlan_pcp=1,set_field:eth_src=00:00:00:00:00:09,output:3");
  CHECK_EQ(run->res.n_outputs, 2u);
  Bytes want = in;
  for (int i = 0; i < 6; i++) want[i] = uint8_t(0x0a + i);
  want[14] = 0x60, want[15] = 0x07;
  CHECK(run->Out(0) == want);
  for (int i = 6; i < 12; i++) want[i] = i == 11 ? 9 : 0;
  want[14] = 0x20;
  CHECK(run->Out(1) == want);

  // ARP request, every field.
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06,
               0, 1, 0x08, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1,
               0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
  run = Apply(arp, "set_field:arp_op=2,set_field:arp_spa=10.0.0.2,set_field:arp_tpa=10.0.0.1,"
                   "set_field:arp_sha=02:00:00:00:00:02,set_field:arp_tha=02:00:00:00:00:01,"
                   "output:2");
  want = arp;
  const Bytes tail = {0, 2, 2, 0, 0, 0, 0, 2, 10, 0, 0, 2, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1};
  for (size_t i = 0; i < tail.size(); i++) want[20 + i] = tail[i];
  CHECK_EQ(pht::Hex(run->Out(0)), pht::Hex(want));

  // MPLS fields on a pushed label.
  in = MakeFrame(FrameSpec());
  run = Apply(in, "push_mpls:0x8847,set_field:mpls_label=1000,set_field:mpls_tc=5,"
                  "set_field:mpls_bos=0,output:2");
  const Bytes out = run->Out(0);
  CHECK_EQ(pht::Get16(out, 12), 0x8847u);
  // label 1000, TC 5, BoS 0, TTL 64 (copied from IP).
  CHECK_EQ(pht::Get32(out, 14), (1000u << 12) | (5u << 9) | 64u);
}

MSW_TEST(actions_vlan_push_pop) {
  const Bytes in = MakeFrame(FrameSpec());
  auto run = Apply(in, "push_vlan:0x8100,set_field:vlan_vid=0x1064,output:2,push_vlan:0x88a8,"
                       "output:3,pop_vlan,pop_vlan,output:4");
  CHECK_EQ(run->res.n_outputs, 3u);
  Bytes want = in;
  const Bytes tag = {0x81, 0x00, 0x00, 0x64};
  want.insert(want.begin() + 12, tag.begin(), tag.end());
  CHECK_EQ(pht::Hex(run->Out(0)), pht::Hex(want));
  // The outer S-tag copies VID and PCP of the tag it covers (§5.12).
  const Bytes stag = {0x88, 0xa8, 0x00, 0x64};
  want.insert(want.begin() + 12, stag.begin(), stag.end());
  CHECK_EQ(pht::Hex(run->Out(1)), pht::Hex(want));
  CHECK_EQ(pht::Hex(run->Out(2)), pht::Hex(in));
  // Untagged: pop_vlan does nothing, and the output is the frame itself.
  run = Apply(in, "pop_vlan,output:2");
  CHECK_EQ(run->res.outputs[0].flags & MSW_OUT_VARIANT, 0u);
}

MSW_TEST(actions_mpls_push_pop_round_trip_and_ttls) {
  FrameSpec s;
  s.ttl = 33;
  s.tos = 0x2c;  // DSCP 11: TC 3
  const Bytes in = MakeFrame(s);
  auto run = Apply(in, "push_mpls:0x8847,output:2,push_mpls:0x8847,dec_mpls_ttl,output:3,"
                       "copy_ttl_in,pop_mpls:0x8847,output:4,dec_mpls_ttl,copy_ttl_in,"
                       "pop_mpls:0x0800,output:5");
  CHECK_EQ(run->res.n_outputs, 4u);
  Bytes one = run->Out(0);
  CHECK_EQ(pht::Get16(one, 12), 0x8847u);
  CHECK_EQ(pht::Get32(one, 14), (3u << 9) | 0x100u | 33u);  // label 0, TC 3, BoS, TTL 33
  CHECK_EQ(Bytes(one.begin() + 18, one.end()) == Bytes(in.begin() + 14, in.end()), true);
  Bytes two = run->Out(1);
  CHECK_EQ(pht::Get32(two, 14), (3u << 9) | 32u);           // copy of the outer, BoS 0, dec
  CHECK_EQ(pht::Get32(two, 18), (3u << 9) | 0x100u | 33u);
  Bytes three = run->Out(2);  // copy_ttl_in put 32 into the inner label, then pop
  CHECK_EQ(pht::Get32(three, 14), (3u << 9) | 0x100u | 32u);
  Bytes four = run->Out(3);   // dec to 31, copied into IP, popped: IPv4 again, TTL 31
  Bytes want = in;
  want[14 + 8] = 31;
  ExpectEdited(four, want, {14 + 10, 14 + 20 + 16});

  // Tagged: the label goes after the tag, and pop restores the frame.
  FrameSpec t6;
  t6.v6 = true;
  t6.vlan = 9 + 1;
  t6.ttl = 17;
  const Bytes tagged = MakeFrame(t6);
  run = Apply(tagged, "push_mpls:0x8848,output:2,pop_mpls:0x86dd,output:3");
  const Bytes pushed = run->Out(0);
  CHECK_EQ(pht::Get32(pushed, 12), pht::Get32(tagged, 12));  // the tag stays outermost
  CHECK_EQ(pht::Get16(pushed, 16), 0x8848u);
  CHECK_EQ(pht::Get32(pushed, 18), (2u << 12) | 0x100u | 17u);  // IPv6 explicit null
  CHECK(Bytes(pushed.begin() + 22, pushed.end()) == Bytes(tagged.begin() + 18, tagged.end()));
  CHECK(run->Out(1) == tagged);

  // copy_ttl_out: IP TTL into the label.
  run = Apply(in, "push_mpls:0x8847,set_mpls_ttl:5,output:2,copy_ttl_out,output:3");
  CHECK_EQ(run->Out(0)[17], 5);
  CHECK_EQ(run->Out(1)[17], 33);
}

MSW_TEST(actions_text_round_trip_and_errors) {
  ofl::ParseEnv env;
  env.n_tables = 4;
  env.packet_out = true;
  const std::string all =
      "output:7,output:in_port,output:flood,output:all,output:controller,"
      "output:controller:128,output:local,output:normal,output:table,"
      "set_field:eth_dst=02:00:00:00:00:0a,set_field:vlan_vid=0x1064,set_field:vlan_pcp=5,"
      "set_field:ip_dscp=46,set_field:ip_ecn=1,set_field:ip_ttl=4,"
      "set_field:ipv4_src=10.1.2.3,set_field:tcp_dst=80,set_field:udp_src=53,"
      "set_field:sctp_dst=9,set_field:icmpv4_type=8,set_field:icmpv6_code=1,"
      "set_field:arp_op=2,set_field:arp_tha=02:00:00:00:00:01,set_field:arp_spa=1.2.3.4,"
      "set_field:ipv6_dst=2001:db8::1,set_field:ipv6_flabel=12345,"
      "set_field:mpls_label=99,set_field:mpls_tc=2,set_field:mpls_bos=1,"
      "push_vlan:0x88a8,pop_vlan,push_mpls:0x8848,pop_mpls:0x0800,set_mpls_ttl:9,"
      "dec_mpls_ttl,set_nw_ttl:3,dec_nw_ttl,copy_ttl_out,copy_ttl_in,set_queue:4,group:12";
  ofl::ActionList list;
  CHECK_EQ(ofl::ParseActions(all, env, &list), std::string(""));
  CHECK_EQ(list.actions.size(), 41u);
  CHECK_EQ(ofl::FormatActions(list), all);
  CHECK_EQ(ofl::ParseActions("drop", env, &list), std::string(""));
  CHECK_EQ(ofl::FormatActions(list), std::string("drop"));
  CHECK(ofl::ParseActions("output:controller:65535", env, &list).empty());
  CHECK_EQ(ofl::FormatActions(list), std::string("output:controller"));

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"output:0", "bad_action.bad_out_port: 'output:0'"},
      {"output:4096", "bad_action.bad_out_port: 'output:4096'"},
      {"output:any", "bad_action.bad_out_port: 'output:any'"},
      {"output:controller:70000", "bad_action.bad_argument: 'output:controller:70000'"},
      {"push_vlan:0x0800", "bad_action.bad_argument: 'push_vlan:0x0800'"},
      {"push_mpls:0x8100", "bad_action.bad_argument: 'push_mpls:0x8100'"},
      {"set_nw_ttl:256", "bad_action.bad_argument: 'set_nw_ttl:256'"},
      {"set_field:eth_type=0x800", "bad_action.bad_set_type: 'set_field:eth_type=0x800'"},
      {"set_field:in_port=1", "bad_action.bad_set_type: 'set_field:in_port=1'"},
      {"set_field:vlan_pcp=8", "bad_action.bad_set_argument: 'set_field:vlan_pcp=8'"},
      {"set_field:ipv4_dst=10.0.0.0/8", "bad_action.bad_set_argument: "},
      {"group:0xffffff01", "bad_action.bad_out_group: 'group:0xffffff01'"},
      {"output:2,frobnicate", "bad_action.bad_type: unknown action 'frobnicate'"},
      {"output:2,,output:3", "bad_action.bad_type: empty action"},
  };
  for (const auto& b : bad) {
    const std::string err = ofl::ParseActions(b.first, env, &list);
    CHECK_MSG(err.compare(0, b.second.size(), b.second) == 0, b.first << " -> " << err);
  }
  env.packet_out = false;
  CHECK(ofl::ParseActions("output:table", env, &list).find("packet_out only") !=
        std::string::npos);
}
