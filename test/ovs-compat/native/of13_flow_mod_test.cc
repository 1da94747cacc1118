// The `of13 HEX` control line (of13_flow_mod.h): OpenFlow 1.3 FLOW_MODs
// built here byte by byte from the spec's layouts (1.3.5 §7.3.4.1, §7.2.3,
// §7.2.4, §7.2.5) install the same flows as the text lines the agent writes
// for them; what the decoder leaves to the agent is refused as not_taken
// with the batch semantics of control-text.md.
#include <cerrno>
#include <initializer_list>

#include "openflow_harness.h"

using oflt::Logic;

namespace {

using Bytes = std::vector<uint8_t>;

void Put(Bytes* b, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; i--) b->push_back(uint8_t(v >> (8 * i)));
}

// One OXM TLV of class OPENFLOW_BASIC.
Bytes Oxm(uint8_t field, std::initializer_list<uint8_t> value, std::initializer_list<uint8_t> mask = {}) {
  Bytes b;
  const bool masked = mask.size() > 0;
  Put(&b, 0x8000u << 16 | uint32_t(field) << 9 | (masked ? 0x100u : 0) |
              uint32_t(value.size() + mask.size()), 4);
  b.insert(b.end(), value);
  b.insert(b.end(), mask);
  return b;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes b;
  for (const Bytes& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}

Bytes Output(uint32_t port, uint16_t max_len = 0xffff) {
  Bytes b;
  Put(&b, 0, 2);
  Put(&b, 16, 2);
  Put(&b, port, 4);
  Put(&b, max_len, 2);
  Put(&b, 0, 6);
  return b;
}

// An 8-byte action whose argument (if any) sits at offset 4 in 'arg_bytes' bytes.
Bytes Simple(uint16_t type, uint64_t arg = 0, int arg_bytes = 0) {
  Bytes b;
  Put(&b, type, 2);
  Put(&b, 8, 2);
  if (arg_bytes) Put(&b, arg, arg_bytes);
  b.resize(8, 0);
  return b;
}

Bytes SetField(const Bytes& oxm) {
  Bytes b;
  Put(&b, 25, 2);
  const size_t len = (4 + oxm.size() + 7) / 8 * 8;
  Put(&b, len, 2);
  b.insert(b.end(), oxm.begin(), oxm.end());
  b.resize(len, 0);
  return b;
}

// An apply (4) or write (3) actions instruction.
Bytes ActionsIns(uint16_t type, const Bytes& actions) {
  Bytes b;
  Put(&b, type, 2);
  Put(&b, 8 + actions.size(), 2);
  Put(&b, 0, 4);
  b.insert(b.end(), actions.begin(), actions.end());
  return b;
}

Bytes Goto(uint8_t table) { return Simple(1, table, 1); }

Bytes WriteMetadata(uint64_t v, uint64_t m) {
  Bytes b;
  Put(&b, 2, 2);
  Put(&b, 24, 2);
  Put(&b, 0, 4);
  Put(&b, v, 8);
  Put(&b, m, 8);
  return b;
}

struct Mod {
  uint64_t cookie = 0, cookie_mask = 0;
  uint8_t table = 0, command = 0;
  uint16_t idle = 0, hard = 0, priority = 0x8000;
  uint32_t buffer = 0xffffffff, out_port = 0xffffffff, out_group = 0xffffffff;
  uint16_t flags = 0;
  Bytes oxms, instructions;
  int length_delta = 0;  // to corrupt the header's length

  std::string Line() const {
    Bytes b;
    Put(&b, 4, 1);
    Put(&b, 14, 1);
    Put(&b, 0, 2);  // length, below
    Put(&b, 0x1234, 4);
    Put(&b, cookie, 8);
    Put(&b, cookie_mask, 8);
    Put(&b, table, 1);
    Put(&b, command, 1);
    Put(&b, idle, 2);
    Put(&b, hard, 2);
    Put(&b, priority, 2);
    Put(&b, buffer, 4);
    Put(&b, out_port, 4);
    Put(&b, out_group, 4);
    Put(&b, flags, 2);
    Put(&b, 0, 2);
    Put(&b, 1, 2);  // OFPMT_OXM
    Put(&b, 4 + oxms.size(), 2);
    b.insert(b.end(), oxms.begin(), oxms.end());
    b.resize((b.size() + 7) / 8 * 8, 0);
    b.insert(b.end(), instructions.begin(), instructions.end());
    const size_t len = b.size() + length_delta;
    b[2] = uint8_t(len >> 8);
    b[3] = uint8_t(len);
    return "of13 " + oflt::Hex(b);
  }
};

// The dump without durations (duration_ns=) (they differ between two logics).
std::string Flows(Logic& l) {
  std::string out, line;
  std::istringstream in(l.Ok("dump"));
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string w, kept;
    while (words >> w)
      if (w.compare(0, 8, "duration") != 0) kept += w + " ";
    out += kept + "\n";
  }
  return out;
}

// Applies 'of13' to one logic and 'text' to another; their flows must agree.
void Same(const std::vector<std::string>& of13, const std::vector<std::string>& text) {
  Logic a("tables=4"), b("tables=4");
  for (const std::string& l : of13) a.Ok(l);
  for (const std::string& l : text) b.Ok(l);
  CHECK_EQ(Flows(a), Flows(b));
  CHECK_MSG(!Flows(a).empty(), "no flows installed");
}

const Bytes kIpv4Tcp80 = Cat({Oxm(5, {0x08, 0x00}), Oxm(10, {6}), Oxm(14, {0, 80})});

}  // namespace

MSW_TEST(of13_add_installs_the_flow_its_text_line_would) {
  Mod m;
  m.table = 1;
  m.priority = 100;
  m.cookie = 0x1122334455667788ull;
  m.cookie_mask = 0xff;  // ignored by add
  m.idle = 10;
  m.hard = 20;
  m.flags = 1 | 8 | 16;  // send_flow_rem, no_pkt_counts, no_byt_counts
  m.oxms = Cat({Oxm(0, {0, 0, 0, 7}), Oxm(3, {2, 0, 0, 0, 0, 0}, {0xff, 0xff, 0xff, 0, 0, 0}),
                Oxm(12, {10, 1, 0, 0}, {255, 255, 255, 0}), kIpv4Tcp80});
  m.instructions = Cat({ActionsIns(4, Cat({SetField(Oxm(4, {2, 0, 0, 0, 0, 0x42})),
                                           Simple(23, 9, 1), Output(2), Output(0xfffffffd, 128),
                                           Output(0xfffffffb)})),
                        WriteMetadata(0x5, 0xff), Goto(3)});
  Same({m.Line()},
       {"add table=1 priority=100 cookie=0x1122334455667788 idle_timeout=10 hard_timeout=20 "
        "send_flow_rem no_packet_counts no_byte_counts in_port=7 eth_dst=02:00:00:00:00:00/"
        "ff:ff:ff:00:00:00 ipv4_dst=10.1.0.0/255.255.255.0 eth_type=0x0800 ip_proto=6 tcp_dst=80 "
        "apply=set_field:eth_src=02:00:00:00:00:42,set_field:ip_ttl=9,output:2,"
        "output:controller:128,output:flood write_metadata=0x5/0xff goto_table=3"});
}

MSW_TEST(of13_vlan_ipv6_mpls_and_write_actions_match_text) {
  Mod v;  // tagged VID 100 with PCP 3; push, set, pop
  v.priority = 7;
  v.oxms = Cat({Oxm(6, {0x10, 0x64}), Oxm(7, {3})});
  v.instructions = Cat({ActionsIns(4, Cat({Simple(17, 0x88a8, 2), SetField(Oxm(6, {0x00, 0x05})),
                                           Simple(18), Output(0xfffffff8)})),
                        Simple(5), ActionsIns(3, Cat({Simple(21, 4, 4), Output(3)}))});
  Mod u;  // untagged only, write list empty
  u.priority = 8;
  u.oxms = Oxm(6, {0, 0});
  u.instructions = ActionsIns(3, {});
  Mod p;  // any tag: masked OFPVID_PRESENT
  p.priority = 9;
  p.oxms = Oxm(6, {0x10, 0}, {0x10, 0});
  p.instructions = ActionsIns(4, Output(4));
  Mod six;
  six.priority = 10;
  const Bytes v6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  six.oxms = Cat({Oxm(5, {0x86, 0xdd}), Oxm(26, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                                                {255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                  Oxm(28, {0, 0x0a, 0xbc, 0xde}, {0, 0x0f, 0xff, 0xff}), Oxm(10, {58}), Oxm(29, {135})});
  six.instructions = ActionsIns(4, Cat({SetField(Cat({Bytes{0x80, 0x00, 0x36, 0x10}, v6})), Output(1)}));
  Mod mpls;
  mpls.priority = 11;
  mpls.oxms = Cat({Oxm(5, {0x88, 0x47}), Oxm(34, {0, 0x01, 0x00, 0x01}), Oxm(36, {1})});
  mpls.instructions = ActionsIns(4, Cat({Simple(16), Simple(15, 30, 1), Simple(20, 0x0800, 2),
                                         Simple(19, 0x8847, 2), Simple(11), Simple(12), Simple(24),
                                         Output(0xfffffffe), Output(0xfffffffa)}));
  Mod arp;
  arp.priority = 12;
  arp.oxms = Cat({Oxm(5, {0x08, 0x06}), Oxm(21, {0, 1}), Oxm(22, {10, 0, 0, 1}),
                  Oxm(24, {2, 0, 0, 0, 1, 0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0})});
  arp.instructions = ActionsIns(4, Cat({SetField(Oxm(23, {10, 0, 0, 9})), Output(5)}));
  Same({v.Line(), u.Line(), p.Line(), six.Line(), mpls.Line(), arp.Line()},
       {"add priority=7 vlan_vid=0x1064 vlan_pcp=3 apply=push_vlan:0x88a8,set_field:vlan_vid=0x1005,"
        "pop_vlan,output:in_port clear_actions write=set_queue:4,output:3",
        "add priority=8 vlan_vid=0 write=drop",
        "add priority=9 vlan_vid=0x1000/0x1000 apply=output:4",
        "add priority=10 eth_type=0x86dd ipv6_src=2001:db8::/32 ipv6_flabel=0xabcde/0xfffff "
        "ip_proto=58 icmpv6_type=135 apply=set_field:ipv6_dst=2001:db8::1,output:1",
        "add priority=11 eth_type=0x8847 mpls_label=65537 mpls_bos=1 apply=dec_mpls_ttl,"
        "set_mpls_ttl:30,pop_mpls:0x0800,push_mpls:0x8847,copy_ttl_out,copy_ttl_in,dec_nw_ttl,"
        "output:local,output:normal",
        "add priority=12 eth_type=0x0806 arp_op=1 arp_spa=10.0.0.1 "
        "arp_sha=02:00:00:00:01:00/ff:ff:ff:ff:ff:00 apply=set_field:arp_tpa=10.0.0.9,output:5"});
}

MSW_TEST(of13_mod_and_del_select_as_their_text_lines) {
  const std::vector<std::string> setup = {
      "add table=0 priority=5 cookie=0x10 in_port=1 apply=output:2",
      "add table=0 priority=6 cookie=0x11 in_port=1 apply=output:3",
      "add table=2 priority=5 cookie=0x20 in_port=1 apply=output:4",
      "add table=2 priority=5 cookie=0x21 in_port=2 apply=output:5"};
  Mod strict;  // MODIFY_STRICT in table 0 at priority 6
  strict.command = 2;
  strict.priority = 6;
  strict.flags = 4;  // reset_counts
  strict.oxms = Oxm(0, {0, 0, 0, 1});
  strict.instructions = ActionsIns(4, Output(7));
  Mod loose;  // MODIFY in table 2 by cookie mask
  loose.command = 1;
  loose.table = 2;
  loose.cookie = 0x20;
  loose.cookie_mask = 0xf0;
  loose.instructions = ActionsIns(4, Output(8));
  Mod del;  // DELETE in table 0 of flows outputting to 2 (its instructions mean nothing)
  del.command = 3;
  del.out_port = 2;
  del.instructions = ActionsIns(4, Output(9));
  Mod del_strict;  // DELETE_STRICT everywhere
  del_strict.command = 4;
  del_strict.table = 0xff;
  del_strict.priority = 5;
  del_strict.oxms = Oxm(0, {0, 0, 0, 2});
  std::vector<std::string> a = setup, b = setup;
  a.insert(a.end(), {strict.Line(), loose.Line(), del.Line(), del_strict.Line()});
  b.insert(b.end(), {"mod table=0 strict priority=6 reset_counts in_port=1 apply=output:7",
                     "mod table=2 cookie=0x20/0xf0 apply=output:8", "del table=0 out_port=2",
                     "del table=all strict priority=5 in_port=2"});
  Same(a, b);
  Logic l("tables=4");
  for (const std::string& s : a) l.Ok(s);
  const std::string dump = l.Ok("dump");
  CHECK_EQ(oflt::CountLines(dump, "id="), size_t(2));
  CHECK_EQ(oflt::Value(dump, "cookie=0x11", "apply"), std::string("output:7"));
  CHECK_EQ(oflt::Value(dump, "cookie=0x20", "apply"), std::string("output:8"));
}

MSW_TEST(of13_refuses_as_not_taken_what_the_agent_must_answer) {
  const auto not_taken = [](const Mod& m, const char* what) {
    Logic l("tables=4");
    std::string r;
    CHECK_MSG(l.Run(m.Line(), &r) == ENOTSUP, what << ": " << r);
    CHECK_MSG(r.find("line 1: not_taken: ") == 0, what << ": " << r);
    CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(0));
  };
  Mod ok;
  ok.oxms = Oxm(0, {0, 0, 0, 1});
  ok.instructions = ActionsIns(4, Output(2));
  {
    Logic l;
    l.Ok(ok.Line());  // the base of every case below is taken
  }
  Mod m = ok;
  m.buffer = 7;
  not_taken(m, "buffer id");
  m = ok;
  m.oxms = Oxm(1, {0, 0, 0, 1});
  not_taken(m, "in_phy_port");
  m = ok;
  m.oxms = Cat({Oxm(0, {0, 0, 0, 1}), Oxm(0, {0, 0, 0, 2})});
  not_taken(m, "duplicate field");
  m = ok;
  m.oxms = Oxm(14, {0, 80});
  not_taken(m, "tcp_dst without its prerequisite");
  m = ok;
  m.oxms = Cat({kIpv4Tcp80, Oxm(16, {0, 53})});
  not_taken(m, "tcp_dst and udp_dst");
  m = ok;
  m.oxms = Oxm(7, {9});
  not_taken(m, "vlan_pcp wider than 3 bits");
  m = ok;
  m.oxms = Oxm(0, {0, 0, 0, 1}, {0, 0, 0, 1});
  not_taken(m, "mask on in_port");
  m = ok;
  m.oxms = Oxm(11, {10, 0, 0, 1}, {255, 255, 255, 0});
  not_taken(m, "value outside its mask");
  m = ok;
  m.table = 4;
  not_taken(m, "table beyond the tables");
  m = ok;
  m.table = 0xff;
  not_taken(m, "add into OFPTT_ALL");
  m.command = 1;
  not_taken(m, "modify into OFPTT_ALL");
  m = ok;
  m.table = 2;
  m.instructions = Goto(1);
  not_taken(m, "goto_table backwards");
  m = ok;
  m.instructions = ActionsIns(4, Simple(26, 0x88e7, 2));
  not_taken(m, "push_pbb");
  m = ok;
  m.instructions = ActionsIns(4, Output(0));
  not_taken(m, "output to port 0");
  m = ok;
  m.instructions = ActionsIns(4, SetField(Oxm(5, {0x08, 0x00})));
  not_taken(m, "set_field of eth_type");
  m = ok;
  m.instructions = ActionsIns(4, Simple(17, 0x0800, 2));
  not_taken(m, "push_vlan of a wrong ethertype");
  m = ok;
  m.instructions = Cat({ActionsIns(4, Output(2)), ActionsIns(4, Output(3))});
  not_taken(m, "apply twice");
  m = ok;
  m.flags = 0x20;
  not_taken(m, "undefined flag");
  m = ok;
  m.command = 5;
  not_taken(m, "unknown command");
  m = ok;
  m.length_delta = -8;
  not_taken(m, "header length short of the message");
  m = ok;
  m.command = 3;
  m.instructions = ActionsIns(4, Simple(26, 0x88e7, 2));
  not_taken(m, "a delete carrying instructions the logic leaves to the agent");
  Logic l;
  std::string r;
  CHECK_EQ(l.Run("of13 04zz", &r), ENOTSUP);
  CHECK_MSG(r.find("line 1: not_taken: not hex") == 0, r);
}

MSW_TEST(of13_not_taken_line_stops_the_batch_after_applying_the_ones_before) {
  Mod a, bad, c;
  a.priority = 1;
  a.oxms = Oxm(0, {0, 0, 0, 1});
  a.instructions = ActionsIns(4, Output(2));
  bad = a;
  bad.buffer = 1;
  c = a;
  c.priority = 3;
  Logic l;
  std::string r;
  CHECK_EQ(l.Run(a.Line() + "\n" + bad.Line() + "\n" + c.Line(), &r), ENOTSUP);
  CHECK_MSG(r.find("line 2: not_taken: a buffer id") == 0, r);
  const std::string dump = l.Ok("dump");
  CHECK_EQ(oflt::CountLines(dump, "id="), size_t(1));
  CHECK_EQ(oflt::Value(dump, "in_port=1", "priority"), std::string("1"));
  // A text line that does not parse still refuses the whole batch first.
  CHECK_EQ(l.Run(c.Line() + "\nadd priority=x\n" + bad.Line(), &r), EINVAL);
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(1));
  // Apply-stage errors are those of the text path: an overlap after an add.
  Mod over = a;
  over.priority = 1;
  over.flags = 2;  // check_overlap
  over.oxms = Oxm(5, {0x08, 0x00});
  CHECK_EQ(l.Run(c.Line() + "\n" + over.Line(), &r), EEXIST);
  CHECK_MSG(r.find("line 2: flow_mod_failed.overlap") == 0, r);
  CHECK_EQ(oflt::CountLines(l.Ok("dump"), "id="), size_t(2));
}
