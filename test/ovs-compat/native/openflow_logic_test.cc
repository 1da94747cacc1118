// The `openflow` logic through its ABI ops, as the fabric calls it: control
// commands, priority, goto_table, VLAN push/pop variants, counters, dump,
// and lookups running on other threads while rules change.
#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../../datapath/native/check.h"
#include "mswitch/logic.h"

extern "C" const msw_logic_ops* msw_openflow_ops(void);

namespace {

struct Logic {
  const msw_logic_ops* ops = msw_openflow_ops();
  void* inst = nullptr;
  explicit Logic(const char* config = "", uint32_t workers = 2) {
    msw_switch_info sw{"br0", workers, MSW_MAX_PORTS};
    char err[256];
    CHECK_MSG(ops->create(&sw, config, &inst, err, sizeof err) == 0, err);
  }
  ~Logic() { ops->destroy(inst); }
  // Runs a command; returns the errno and puts the reply in '*reply'.
  int Run(const std::string& cmd, std::string* reply = nullptr) {
    std::string buf(65536, '\0');
    const int rc = ops->control(inst, cmd.c_str(), &buf[0], buf.size());
    if (reply) *reply = buf.c_str();
    return rc;
  }
  void Ok(const std::string& cmd) {
    std::string r;
    CHECK_MSG(Run(cmd, &r) == 0, cmd << ": " << r);
  }
};

struct Pkt {
  std::vector<uint8_t> frame;
  uint8_t scratch[MSW_SCRATCH_BYTES];
  msw_packet pkt{};
  msw_result res{};
  // The frame output 'k' sends, as the fabric would assemble it.
  std::vector<uint8_t> Sent(size_t k) const {
    const msw_output& o = res.outputs[k];
    if (!(o.flags & MSW_OUT_VARIANT)) return frame;
    std::vector<uint8_t> out(scratch + o.head_off, scratch + o.head_off + o.head_len);
    out.insert(out.end(), frame.begin() + o.strip, frame.end());
    return out;
  }
};

// A 64-byte UDP/IPv4 frame 10.0.0.1 -> 10.0.0.'dst_host', port 'dport';
// with 'vid', the same with an 802.1Q tag inserted (68 bytes).
std::vector<uint8_t> UdpFrame(uint8_t dst_host, uint16_t dport, int vid = -1) {
  std::vector<uint8_t> f = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
  const std::vector<uint8_t> rest = {0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
                                     10, 0, 0, 1, 10, 0, 0, dst_host, 0x30, 0x39,
                                     uint8_t(dport >> 8), uint8_t(dport), 0, 8, 0, 0};
  f.insert(f.end(), rest.begin(), rest.end());
  f.resize(64, 0xab);
  if (vid >= 0) f.insert(f.begin() + 12, {0x81, 0x00, uint8_t(vid >> 8), uint8_t(vid)});
  return f;
}

std::string Hex(const std::vector<uint8_t>& b) {
  std::string out;
  char x[4];
  for (uint8_t c : b) {
    std::snprintf(x, sizeof x, "%02x", c);
    out += x;
  }
  return out;
}

void Decide(Logic& l, Pkt* p, uint32_t in_port, uint32_t worker = 0) {
  p->pkt.data = p->frame.data();
  p->pkt.head_len = uint32_t(std::min<size_t>(p->frame.size(), MSW_HEAD_BYTES));
  p->pkt.len = uint32_t(p->frame.size());
  p->pkt.src_port = in_port;
  p->pkt.worker = worker;
  p->res = msw_result{};
  p->res.scratch = p->scratch;
  l.ops->lookup(l.inst, &p->pkt, &p->res);
}

}  // namespace

MSW_TEST(openflow_priority_and_miss) {
  Logic l;
  l.Ok("add priority=10 in_port=1 actions=output:2\n"
       "add priority=20 in_port=1 eth_type=0x800 ip_proto=17 udp_dst=53 actions=output:3");
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
  std::string dump;
  CHECK_EQ(l.Run("dump", &dump), 0);
  CHECK_EQ(dump, std::string("table=0 priority=10 cookie=0x0 n_packets=2 n_bytes=128 in_port=1 "
                             "actions=output:2\n"));
}

MSW_TEST(openflow_rejects_bad_commands_atomically) {
  Logic l("tables=4");
  std::string r;
  CHECK_EQ(l.Run("add priority=1 tcp_dst=80 actions=output:2", &r), EINVAL);
  CHECK_MSG(r.find("prerequisite") != std::string::npos, r);
  CHECK_EQ(l.Run("add in_port=1 actions=output:2\nadd in_port=2 actions=frobnicate", &r), EINVAL);
  CHECK_MSG(r.find("line 2") != std::string::npos && r.find("frobnicate") != std::string::npos, r);
  CHECK_EQ(l.Run("add table=2 in_port=1 actions=goto_table:1", &r), EINVAL);
  CHECK_EQ(l.Run("add table=4 in_port=1 actions=drop", &r), EINVAL);
  CHECK_EQ(l.Run("dump", &r), 0);
  CHECK_EQ(r, std::string(""));  // nothing of the bad batch was applied
  msw_switch_info sw{"br0", 1, MSW_MAX_PORTS};
  void* inst = nullptr;
  char err[128];
  CHECK_EQ(l.ops->create(&sw, "tables=0", &inst, err, sizeof err), EINVAL);
}

MSW_TEST(openflow_vlan_push_pop_and_goto) {
  Logic l;
  // Table 0 tags port 1's traffic with VID 100 and sends it on to table 1,
  // which outputs the tagged copy to 2 and a copy with a new source MAC,
  // tag popped again, to 3.
  l.Ok("add table=0 in_port=1 actions=push_vlan:0x8100,set_vlan_vid:100,goto_table:1\n"
       "add table=1 vlan_vid=0x1064 actions=output:2,pop_vlan,set_eth_src:02:00:00:00:00:99,"
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
  l.Ok("add in_port=5 vlan_vid=0x1000/0x1000 actions=pop_vlan,output:6");
  p.frame = UdpFrame(2, 53, 7);
  Decide(l, &p, 5);
  CHECK_EQ(p.res.n_outputs, 1u);
  CHECK_EQ(p.res.outputs[0].port, 6u);
  CHECK_EQ(Hex(p.Sent(0)), Hex(UdpFrame(2, 53)));
  std::string dump;
  CHECK_EQ(l.Run("dump table=1", &dump), 0);
  CHECK_MSG(dump.find("n_packets=1 ") != std::string::npos &&
                dump.find("vlan_vid=0x1064 actions=output:2,pop_vlan,set_eth_src:02:00:00:00:00:99,"
                          "output:3") != std::string::npos,
            dump);
}

MSW_TEST(openflow_flood_in_port_and_modify) {
  Logic l;
  l.Ok("add cookie=0x5 in_port=1 actions=flood\nadd cookie=0x6 in_port=2 actions=in_port");
  Pkt p;
  p.frame = UdpFrame(2, 53);
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_FLOOD));
  Decide(l, &p, 2);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_UNICAST));
  CHECK_EQ(p.res.port, 2u);
  CHECK(p.res.flags & MSW_OUT_ALLOW_IN_PORT);
  std::string r;
  CHECK_EQ(l.Run("mod cookie=0x5/0xff actions=output:9", &r), 0);
  CHECK_EQ(r, std::string("added 0 replaced 0 modified 1 deleted 0"));
  Decide(l, &p, 1);
  CHECK_EQ(p.res.port, 9u);
  CHECK_EQ(l.Run("flush", &r), 0);
  CHECK_EQ(r, std::string("added 0 replaced 0 modified 0 deleted 2"));
  Decide(l, &p, 1);
  CHECK_EQ(p.res.verdict, uint32_t(MSW_VERDICT_DROP));
}

// Workers look up while the control thread keeps replacing rules: every
// answer is one a published version gives, counters add up exactly, and
// the grace periods let nothing be freed under a reader (run under ASan
// to see that part).
MSW_TEST(openflow_lookups_during_updates) {
  Logic l("", 2);
  l.Ok("add priority=100 in_port=1 actions=output:2");
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
    l.Ok(std::string("add priority=100 in_port=1 actions=output:") + (i % 2 ? "2" : "3") +
         "\nadd priority=50 in_port=1 eth_type=0x800 ipv4_dst=10.0.0." + std::to_string(i % 250) +
         " actions=drop\ndel priority=50 in_port=1 eth_type=0x800 ipv4_dst=10.0.0." +
         std::to_string((i + 100) % 250));
  }
  stop = true;
  for (auto& t : workers) t.join();
  msw_test::CheckThreads();
  std::string dump;
  CHECK_EQ(l.Run("dump", &dump), 0);
  const uint64_t total = looked[0] + looked[1];
  const std::string want = "priority=100 cookie=0x0 n_packets=" + std::to_string(total) + " ";
  CHECK_MSG(dump.find(want) != std::string::npos, "want '" << want << "' in:\n" << dump.substr(0, 300));
}
