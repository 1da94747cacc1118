// The pipeline: instructions across tables (write/clear, metadata,
// goto), the action set's §5.10 order, packet-ins (invalid TTL, max_len,
// table-miss reason), the answer's output and scratch limits, groups
// through a GroupTable, meters through a MeterTable, and packet-out.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "actions.h"
#include "groups.h"
#include "meters.h"
#include "normal.h"
#include "pipeline_harness.h"
#include "worker_counters.h"

extern "C" const msw_logic_ops* msw_l2_learning_ops(void);  // datapath/src/logics

namespace {

using pht::Bytes;
using pht::FrameSpec;
using pht::MakeFrame;

struct Env {
  pht::Tables tables;
  ofl::PortState ports;
  ofl::GroupTable groups{1};
  ofl::MeterTable meters{1};
  ofl::WorkerCounters lost{2};
  ofl::PipelineEnv env;
  Env() {
    env.n_tables = tables.n_tables;
    env.lookup = &pht::Tables::Lookup;
    env.lookup_ctx = &tables;
    env.groups = &groups;
    env.meters = &meters;
    env.ports = &ports;
    env.lost_outputs = &lost;
  }
  void Add(uint32_t table, int32_t prio, uint64_t cookie, const std::string& text) {
    tables.Add(table, prio, cookie, text, &groups, &meters);
  }
  std::unique_ptr<pht::Run> Send(const Bytes& frame, uint32_t in_port = 1) {
    auto run = std::make_unique<pht::Run>(frame, in_port);
    ofl::RunPipeline(env, &run->pkt, &run->res);
    return run;
  }
  void Group(const std::string& line) {
    ofl::GroupMod mod;
    std::string err = groups.Parse(line, ofl::ParseEnv(), &mod);
    if (err.empty()) err = groups.Apply(mod, nullptr);
    CHECK_EQ(err, std::string(""));
    groups.Publish();
  }
  void Meter(const std::string& line) {
    ofl::MeterMod mod;
    std::string err = meters.Parse(line, ofl::ParseEnv(), &mod);
    if (err.empty()) err = meters.Apply(mod, nullptr);
    CHECK_EQ(err, std::string(""));
    meters.Publish();
  }
  uint64_t Lost() {
    uint64_t p, b;
    lost.Sum(&p, &b);
    return p;
  }
};

std::vector<uint32_t> Ports(const pht::Run& run) {
  std::vector<uint32_t> v;
  for (uint32_t i = 0; i < run.res.n_outputs; i++) v.push_back(run.res.outputs[i].port);
  return v;
}

}  // namespace

MSW_TEST(pipeline_action_set_runs_in_spec_order) {
  Env e;
  // Written set-field first, push second: §5.10 pushes first, so the new
  // outer tag gets VID 7 and the inner one keeps VID 5.
  e.Add(0, 1, 0, "write=set_field:vlan_vid=0x1007,push_vlan:0x8100,output:2");
  FrameSpec s;
  s.vlan = 5 + 1;
  const Bytes in = MakeFrame(s);
  auto run = e.Send(in);
  CHECK_EQ(run->res.n_outputs, 1u);
  const Bytes out = run->Out(0);
  CHECK_EQ(pht::Get16(out, 12), 0x8100u);
  CHECK_EQ(pht::Get16(out, 14), 0x6007u);
  CHECK_EQ(pht::Get16(out, 18), 0x6005u);

  // dec_nw_ttl before set_field; pop before push; a group outranks output.
  Env g;
  g.Group("group_add group_id=3 type=all bucket=actions=output:3");
  g.Add(0, 1, 0, "write=output:2,group:3,set_field:ip_ttl=9,dec_nw_ttl,push_vlan:0x8100,"
                 "pop_vlan");
  run = g.Send(in);
  CHECK(Ports(*run) == std::vector<uint32_t>{3});
  const Bytes o = run->Out(0);
  // pop (the old tag) then push (a zero tag): one tag, VID 0.
  CHECK_EQ(pht::Get16(o, 12), 0x8100u);
  CHECK_EQ(pht::Get16(o, 14), 0x0000u);
  CHECK_EQ(pht::Get16(o, 16), 0x0800u);
  CHECK_EQ(o[18 + 8], 9);  // set after dec: 9, not 8
  CHECK_EQ(pht::CheckSums(o), std::string(""));
}

MSW_TEST(pipeline_write_clear_and_metadata_across_tables) {
  Env e;
  e.Add(0, 1, 0, "write=output:3,set_field:eth_dst=02:00:00:00:00:99 "
                 "write_metadata=0xab00/0xff00 goto_table=1");
  e.Add(1, 5, 0, "metadata=0xab00/0xff00 apply=output:4 goto_table=2");
  e.Add(1, 1, 0, "apply=output:5");
  e.Add(2, 1, 0, "write_metadata=0x12/0xff write=output:6 goto_table=3");
  e.Add(3, 9, 0, "metadata=0xab12 apply=output:7");
  const Bytes in = MakeFrame(FrameSpec());
  auto run = e.Send(in);
  // table 1 saw metadata 0xab00, table 3 saw 0xab12 (masks keep the rest);
  // the later write of output replaced output:3, the set_field stayed.
  CHECK(Ports(*run) == (std::vector<uint32_t>{4, 7, 6}));
  CHECK_EQ(run->Out(2)[5], 0x99);
  CHECK_EQ(run->Out(0)[5], in[5]);
  CHECK(e.tables.lookups == (std::vector<std::string>{"0:1", "1:5", "2:1", "3:9"}));

  Env c;
  c.Add(0, 1, 0, "write=output:3,set_field:eth_dst=02:00:00:00:00:99 goto_table=1");
  c.Add(1, 1, 0, "clear_actions write=output:4");
  run = c.Send(in);
  CHECK(Ports(*run) == std::vector<uint32_t>{4});
  CHECK(!(run->res.outputs[0].flags & MSW_OUT_VARIANT));

  // A miss in a later table drops, action set and all.
  Env m;
  m.Add(0, 1, 0, "write=output:3 goto_table=1");
  run = m.Send(in);
  CHECK_EQ(run->res.n_outputs, 0u);
}

MSW_TEST(pipeline_invalid_ttl_packet_in) {
  Env e;
  e.Add(0, 1, 0, "write_metadata=0x77 goto_table=2");
  e.Add(2, 1, 0xc0ffee, "apply=output:2,dec_nw_ttl,output:3");
  FrameSpec s;
  s.ttl = 1;
  const Bytes in = MakeFrame(s);
  auto run = e.Send(in, 9);
  CHECK(Ports(*run) == (std::vector<uint32_t>{2, MSW_PORT_CONTROLLER}));
  const msw_to_controller h = run->Header(1);
  CHECK_EQ(h.magic, MSW_TO_CONTROLLER_MAGIC);
  CHECK_EQ(h.hdr_len, sizeof(msw_to_controller));
  CHECK_EQ(h.reason, 2u);  // OFPR_INVALID_TTL
  CHECK_EQ(h.table_id, 2u);
  CHECK_EQ(h.cookie, 0xc0ffeeu);
  CHECK_EQ(h.metadata, 0x77u);
  CHECK_EQ(h.in_port, 9u);
  CHECK_EQ(h.max_len, 0xffffu);
  CHECK(run->Out(1) == in);  // the packet as it was, TTL 1
  // MPLS too.
  Env m;
  m.Add(0, 1, 0, "apply=push_mpls:0x8847,set_mpls_ttl:1,dec_mpls_ttl,output:3");
  run = m.Send(MakeFrame(FrameSpec()));
  CHECK(Ports(*run) == std::vector<uint32_t>{MSW_PORT_CONTROLLER});
  CHECK_EQ(run->Header(0).reason, 2u);
  CHECK_EQ(pht::Get16(run->Out(0), 12), 0x8847u);
  // An action set with no output and no group drops the packet without
  // running: its dec_ttl raises no packet-in (found against Open vSwitch).
  Env d;
  d.Add(0, 1, 0, "write=dec_nw_ttl goto_table=1");
  d.Add(1, 1, 0, "write=set_field:ipv4_dst=10.0.0.9");
  run = d.Send(in, 9);
  CHECK_EQ(run->res.n_outputs, 0u);
  // With an output it runs, and the expiry is reported.
  Env o;
  o.Add(0, 1, 0, "write=dec_nw_ttl,output:3");
  run = o.Send(in, 9);
  CHECK(Ports(*run) == std::vector<uint32_t>{MSW_PORT_CONTROLLER});
  CHECK_EQ(run->Header(0).reason, 2u);
}

MSW_TEST(pipeline_controller_output_header) {
  Env e;
  e.Add(0, 1, 0x77, "goto_table=1");
  e.Add(1, 10, 0x1234, "tcp_dst=80 eth_type=0x800 ip_proto=6 "
                       "apply=set_field:eth_src=02:00:00:00:00:42,output:controller:128");
  e.Add(1, 5, 0x55, "eth_type=0x800 ip_proto=1 write=output:controller");
  e.Add(1, 0, 0x99, "apply=output:controller");  // the table-miss flow
  const Bytes in = MakeFrame(FrameSpec());
  auto run = e.Send(in, 4);
  CHECK_EQ(run->res.n_outputs, 1u);
  msw_to_controller h = run->Header(0);
  CHECK_EQ(h.reason, 1u);  // OFPR_ACTION
  CHECK_EQ(h.table_id, 1u);
  CHECK_EQ(h.cookie, 0x1234u);
  CHECK_EQ(h.max_len, 0xffffu);  // never buffered: the whole packet, max_len 128 or not
  CHECK_EQ(h.in_port, 4u);
  Bytes want = in;
  want[11] = 0x42;
  CHECK(run->Out(0) == want);
  // Only the changed bytes follow the header; the rest is the frame.
  CHECK_EQ(run->res.outputs[0].head_len, sizeof(msw_to_controller) + 12);
  CHECK_EQ(run->res.outputs[0].strip, 12u);

  FrameSpec udp;
  udp.proto = 17;
  run = e.Send(MakeFrame(udp), 4);
  h = run->Header(0);
  CHECK_EQ(h.reason, 0u);  // OFPR_NO_MATCH: from the table-miss flow
  CHECK_EQ(h.cookie, 0x99u);
  CHECK_EQ(h.max_len, 0xffffu);
  CHECK(run->Out(0) == MakeFrame(udp));

  // From the action set: reason action, table 0 and table 0's cookie, as
  // OVS reports them.
  FrameSpec icmp;
  icmp.proto = 1;
  run = e.Send(MakeFrame(icmp), 4);
  h = run->Header(0);
  CHECK_EQ(h.reason, 1u);
  CHECK_EQ(h.table_id, 0u);
  CHECK_EQ(h.cookie, 0x77u);
}

MSW_TEST(pipeline_output_and_scratch_limits_are_counted) {
  Env e;
  e.Add(0, 1, 0, "apply=output:1,output:2,output:3,output:4,output:5,output:6,output:7,"
                 "output:8,output:9,output:10");
  const Bytes in = MakeFrame(FrameSpec());
  auto run = e.Send(in, 20);
  CHECK_EQ(run->res.n_outputs, MSW_MAX_OUTPUTS);
  CHECK_EQ(e.Lost(), 2u);
  // From port 3: output:3 is not sent (only output:in_port may), so one
  // output fewer is lost.
  run = e.Send(in, 3);
  CHECK(Ports(*run) == (std::vector<uint32_t>{1, 2, 4, 5, 6, 7, 8, 9}));
  CHECK_EQ(e.Lost(), 3u);

  // IPv6 with a 40-byte hop-by-hop header: a TCP edit changes bytes up to
  // 14 + 40 + 40 + 18 = 112, so a packet-in takes 32 + 112 = 144 bytes of
  // scratch: seven fit in 1024, the eighth does not.
  Env s;
  std::string acts;
  for (int i = 1; i <= 8; i++)
    acts += (i > 1 ? "," : "") + std::string("set_field:tcp_dst=") + std::to_string(i) +
            ",output:controller";
  s.Add(0, 1, 0, "apply=" + acts);
  FrameSpec v6;
  v6.v6 = true;
  v6.v6_hbh = 40;
  const Bytes in6 = MakeFrame(v6);
  run = s.Send(in6);
  CHECK_EQ(run->res.n_outputs, 7u);
  CHECK_EQ(s.Lost(), 1u);
  for (uint32_t i = 0; i < 7; i++) {
    const msw_output& o = run->res.outputs[i];
    CHECK_EQ(o.head_len, 144u);
    CHECK(o.head_off + o.head_len <= MSW_SCRATCH_BYTES);
    const Bytes out = run->Out(i);
    CHECK_EQ(pht::Get16(out, pht::Locate(out).l4 + 2), i + 1);
    CHECK_EQ(pht::CheckSums(out), std::string(""));
  }
}

MSW_TEST(pipeline_groups_all_select_ff) {
  Env e;
  e.Group("group_add group_id=1 type=all bucket=actions=output:2 "
          "bucket=actions=set_field:eth_dst=02:00:00:00:00:33,output:3");
  e.Group("group_add group_id=2 type=select bucket=actions=output:4 bucket=actions=output:5 "
          "bucket=actions=output:6");
  e.Group("group_add group_id=3 type=ff bucket=watch_port=7,actions=output:7 "
          "bucket=watch_port=8,actions=output:8");
  e.Add(0, 3, 0, "eth_type=0x800 ip_proto=6 apply=group:1,output:9");
  e.Add(0, 2, 0, "eth_type=0x800 ip_proto=17 write=group:2");
  e.Add(0, 1, 0, "apply=group:3");
  const Bytes tcp = MakeFrame(FrameSpec());
  auto run = e.Send(tcp);
  // Each bucket on its own copy: the set_field of bucket 2 shows in
  // neither bucket 1's output nor the output after the group.
  CHECK(Ports(*run) == (std::vector<uint32_t>{2, 3, 9}));
  CHECK(run->Out(0) == tcp);
  CHECK_EQ(run->Out(1)[5], 0x33);
  CHECK(run->Out(2) == tcp);

  // select: one bucket, the same for every packet of a flow, and different
  // flows spread over all three.
  std::vector<int> seen(10, 0);
  for (uint16_t sport = 0; sport < 60; sport++) {
    FrameSpec u;
    u.proto = 17;
    Bytes f = MakeFrame(u);
    const pht::Offsets off = pht::Locate(f);
    f[off.l4] = uint8_t(sport >> 8), f[off.l4 + 1] = uint8_t(sport);
    auto a = e.Send(f), b = e.Send(f);
    CHECK_EQ(a->res.n_outputs, 1u);
    CHECK_EQ(a->res.outputs[0].port, b->res.outputs[0].port);
    seen[a->res.outputs[0].port]++;
  }
  CHECK_MSG(seen[4] > 0 && seen[5] > 0 && seen[6] > 0, seen[4] << " " << seen[5] << " " << seen[6]);

  // fast failover: the first live bucket; none live: nothing.
  FrameSpec arp_like;
  arp_like.proto = 1;
  const Bytes icmp = MakeFrame(arp_like);
  e.ports.up[7].store(1);
  e.ports.up[8].store(1);
  CHECK(Ports(*e.Send(icmp)) == std::vector<uint32_t>{7});
  e.ports.up[7].store(0);
  CHECK(Ports(*e.Send(icmp)) == std::vector<uint32_t>{8});
  e.ports.up[8].store(0);
  CHECK_EQ(e.Send(icmp)->res.n_outputs, 0u);
}

MSW_TEST(pipeline_meters_drop_and_remark) {
  Env e;
  e.Meter("meter_add meter_id=1 pktps burst band=type=drop,rate=1000,burst_size=4");
  e.Meter("meter_add meter_id=2 pktps burst band=type=dscp_remark,rate=1000,burst_size=1,"
          "prec_level=1");
  e.Add(0, 2, 0, "eth_type=0x800 ip_proto=6 meter=1 apply=output:2");
  e.Add(0, 1, 0, "meter=2 apply=output:3");
  // 20 packets at one instant: the burst passes, then the band drops.
  const Bytes tcp = MakeFrame(FrameSpec());
  int passed = 0;
  for (int i = 0; i < 20; i++) passed += int(e.Send(tcp)->res.n_outputs);
  CHECK_MSG(passed >= 1 && passed <= 6, passed);
  // AF11 (DSCP 10) above the rate is remarked AF12 (DSCP 12), checksum kept.
  FrameSpec u;
  u.proto = 17;
  u.tos = 10 << 2;
  const Bytes udp = MakeFrame(u);
  int remarked = 0;
  for (int i = 0; i < 10; i++) {
    auto run = e.Send(udp);
    CHECK_EQ(run->res.n_outputs, 1u);
    const Bytes out = run->Out(0);
    CHECK_EQ(pht::CheckSums(out), std::string(""));
    const uint8_t dscp = out[14 + 1] >> 2;
    CHECK(dscp == 10 || dscp == 12);
    remarked += dscp == 12;
  }
  CHECK_MSG(remarked >= 8, remarked);
}

MSW_TEST(pipeline_packet_out) {
  Env e;
  e.Add(0, 1, 0, "in_port=5 apply=output:6");
  ofl::ParseEnv penv;
  penv.packet_out = true;
  penv.n_tables = 4;
  ofl::ActionList list;
  CHECK_EQ(ofl::ParseActions("set_field:eth_src=02:00:00:00:00:07,output:table,output:in_port,"
                             "output:controller",
                             penv, &list),
           std::string(""));
  const Bytes in = MakeFrame(FrameSpec());
  pht::Run run(in, 5);
  ofl::RunPacketOut(e.env, list, &run.pkt, &run.res);
  CHECK(Ports(run) == (std::vector<uint32_t>{6, 5, MSW_PORT_CONTROLLER}));
  CHECK_EQ(run.Out(0)[11], 7);
  CHECK(run.res.outputs[1].flags & MSW_OUT_ALLOW_IN_PORT);
  CHECK_EQ(run.Header(2).cookie, ~uint64_t{0});
  // From the controller: in_port has nowhere to go.
  pht::Run ctl(in, MSW_PORT_CONTROLLER);
  ofl::RunPacketOut(e.env, list, &ctl.pkt, &ctl.res);
  CHECK(Ports(ctl) == std::vector<uint32_t>{MSW_PORT_CONTROLLER});
  // output:local goes to the LOCAL port if there is one.
  CHECK(ofl::ParseActions("output:local", penv, &list).empty());
  pht::Run loc(in, 5);
  ofl::RunPacketOut(e.env, list, &loc.pkt, &loc.res);
  CHECK_EQ(loc.res.n_outputs, 0u);
  e.ports.local_port.store(11);
  pht::Run loc2(in, 5);
  ofl::RunPacketOut(e.env, list, &loc2.pkt, &loc2.res);
  CHECK(Ports(loc2) == std::vector<uint32_t>{11});
}

namespace {
const msw_logic_ops* FindL2(const char* name) {
  return std::strcmp(name, "l2-learning") == 0 ? msw_l2_learning_ops() : nullptr;
}
}  // namespace

MSW_TEST(pipeline_normal_runs_l2_learning_and_rekeys_after_edits) {
  Env e;
  // Table 0 tags the packet; table 1 matches the tag it now has (the key
  // is extracted again after the edit) and hands it to NORMAL.
  e.Add(0, 1, 0, "apply=push_vlan:0x8100,set_field:vlan_vid=0x1064 goto_table=1");
  e.Add(1, 5, 0, "vlan_vid=0x1064 apply=output:normal");
  e.Add(1, 1, 0, "apply=output:9");
  const Bytes in = MakeFrame(FrameSpec());
  // No NORMAL instance: dropped.
  auto run = e.Send(in, 1);
  CHECK_EQ(run->res.n_outputs, 0u);
  CHECK(e.tables.lookups.back() == "1:5");

  const msw_host host = {FindL2};
  msw_switch_info sw{};
  sw.switch_name = "t";
  sw.n_workers = 1;
  sw.max_ports = 16;
  sw.host = &host;
  std::string err;
  auto normal = ofl::NormalAction::Create(&sw, &err);
  CHECK_MSG(normal != nullptr, err);
  e.env.normal = normal.get();
  // Unknown destination: flood, tagged.
  run = e.Send(in, 1);
  CHECK(Ports(*run) == std::vector<uint32_t>{MSW_PORT_FLOOD});
  CHECK_EQ(pht::Get16(run->Out(0), 14), 0x0064u);
  // The reply from the destination teaches where it is; the source learnt
  // on port 1 is then reached by unicast.
  Bytes reply = in;
  for (int i = 0; i < 6; i++) std::swap(reply[i], reply[6 + i]);
  run = e.Send(reply, 4);
  CHECK(Ports(*run) == std::vector<uint32_t>{1});
}
