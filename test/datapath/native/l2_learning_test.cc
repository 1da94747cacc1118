// The l2-learning logic: first through its ops table alone (so the clock
// is ours and aging is exact), then through a switch of FakePorts.
#include <cerrno>
#include <cstring>

#include "check.h"
#include "core/logic_registry.h"
#include "switch_rig.h"
#include "test_logics.h"

namespace msw_test {
namespace {

constexpr uint64_t kA = 0x020000000001ull, kB = 0x020000000002ull, kC = 0x020000000003ull,
                   kD = 0x020000000004ull;
constexpr uint64_t kBroadcast = 0xffffffffffffull, kMulticast = 0x01005e000001ull;
constexpr uint64_t kSec = 1000000000ull;

const char* VerdictName(uint32_t v) {
  switch (v) {
    case MSW_VERDICT_DROP: return "DROP";
    case MSW_VERDICT_UNICAST: return "UNICAST";
    case MSW_VERDICT_FLOOD: return "FLOOD";
    case MSW_VERDICT_MULTI: return "MULTI";
    default: return "?";
  }
}

// One l2-learning instance, driven by hand.
class L2 {
 public:
  explicit L2(const std::string& config = "") {
    msw::Status st;
    msw_switch_info info{"t0", 2, MSW_MAX_PORTS};
    li_ = msw::CreateLogicInstance("l2-learning", config, info, &st);
    CHECK_MSG(li_ != nullptr, st.message);
  }
  ~L2() { msw::DestroyLogicInstance(li_); }

  // "UNICAST n", "FLOOD" or "DROP" for a frame dst <- src arriving on 'in'.
  std::string Lookup(uint32_t in, uint64_t dst, uint64_t src, uint64_t now_ns, uint32_t len = 64) {
    Bytes f = EthFrame(dst, src, 0, 64);
    f.resize(len);
    msw_packet pkt{f.data(), std::min<uint32_t>(len, MSW_HEAD_BYTES), len, in, 0, now_ns};
    uint8_t scratch[MSW_SCRATCH_BYTES];
    msw_result res{};
    res.scratch = scratch;
    li_->ops->lookup(li_->instance, &pkt, &res);
    std::string s = VerdictName(res.verdict);
    if (res.verdict == MSW_VERDICT_UNICAST) s += " " + std::to_string(res.port);
    return s;
  }

  int Control(const std::string& cmd, std::string* reply) {
    char buf[4096];
    const int rc = li_->ops->control(li_->instance, cmd.c_str(), buf, sizeof buf);
    *reply = buf;
    return rc;
  }

  void Removed(uint32_t port) {
    msw_port_info info{port, 0, "gone"};
    li_->ops->port_changed(li_->instance, MSW_PORT_REMOVED, &info);
  }

 private:
  msw::LogicInstance* li_;
};

}  // namespace

MSW_TEST(l2_learning_learns_floods_and_unicasts) {
  L2 l2;
  const uint64_t t = NowNs();
  CHECK_EQ(l2.Lookup(1, kB, kA, t), std::string("FLOOD"));      // B unknown; A learned on 1
  CHECK_EQ(l2.Lookup(2, kA, kB, t), std::string("UNICAST 1"));  // B learned on 2
  CHECK_EQ(l2.Lookup(1, kB, kA, t), std::string("UNICAST 2"));
  CHECK_EQ(l2.Lookup(3, kBroadcast, kC, t), std::string("FLOOD"));
  CHECK_EQ(l2.Lookup(3, kMulticast, kC, t), std::string("FLOOD"));
  CHECK_EQ(l2.Lookup(1, kC, kA, t), std::string("UNICAST 3"));  // learned from a broadcast
  CHECK_EQ(l2.Lookup(1, kD, kA, t), std::string("FLOOD"));
  // A moves to port 4.
  CHECK_EQ(l2.Lookup(4, kD, kA, t), std::string("FLOOD"));
  CHECK_EQ(l2.Lookup(2, kA, kB, t), std::string("UNICAST 4"));
  // A group source address is never learned.
  CHECK_EQ(l2.Lookup(3, kA, kMulticast, t), std::string("UNICAST 4"));
  CHECK_EQ(l2.Lookup(1, kMulticast, kA, t), std::string("FLOOD"));
  // A runt has nothing to switch on.
  CHECK_EQ(l2.Lookup(1, kB, kA, t, 13), std::string("DROP"));
}

// A destination learned on the source port is dropped, never sent back.
MSW_TEST(l2_learning_never_sends_back_to_source) {
  L2 l2;
  const uint64_t t = NowNs();
  l2.Lookup(1, kBroadcast, kA, t);
  l2.Lookup(1, kBroadcast, kB, t);  // A and B both behind port 1
  CHECK_EQ(l2.Lookup(1, kB, kA, t), std::string("DROP"));
  CHECK_EQ(l2.Lookup(2, kB, kC, t), std::string("UNICAST 1"));
}

MSW_TEST(l2_learning_forgets_removed_port) {
  L2 l2;
  const uint64_t t = NowNs();
  l2.Lookup(1, kBroadcast, kA, t);
  l2.Lookup(2, kBroadcast, kB, t);
  l2.Lookup(2, kBroadcast, kC, t);
  l2.Removed(2);
  CHECK_EQ(l2.Lookup(1, kB, kA, t), std::string("FLOOD"));
  CHECK_EQ(l2.Lookup(1, kC, kA, t), std::string("FLOOD"));
  CHECK_EQ(l2.Lookup(3, kA, kD, t), std::string("UNICAST 1"));
  std::string reply;
  CHECK_EQ(l2.Control("show", &reply), 0);
  CHECK_MSG(reply.find("02:00:00:00:00:02") == std::string::npos, reply);
}

// Entries age out after the aging time: 300 s by default, then whatever
// "aging N" (or the config "aging=N") says.  Clock is whole seconds apart
// from the learning, so the ~1.07 s stamp granularity cannot flip a result.
MSW_TEST(l2_learning_ages_entries) {
  {
    L2 l2;
    const uint64_t t = NowNs();
    l2.Lookup(1, kBroadcast, kA, t);
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 298 * kSec), std::string("UNICAST 1"));
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 302 * kSec), std::string("FLOOD"));
  }
  {
    L2 l2;
    const uint64_t t = NowNs();
    std::string reply;
    CHECK_EQ(l2.Control("aging 5", &reply), 0);
    l2.Lookup(1, kBroadcast, kA, t);
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 3 * kSec), std::string("UNICAST 1"));
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 7 * kSec), std::string("FLOOD"));
    // Traffic from A refreshes it.
    l2.Lookup(1, kBroadcast, kA, t + 7 * kSec);
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 10 * kSec), std::string("UNICAST 1"));
  }
  {
    L2 l2("aging=20");
    const uint64_t t = NowNs();
    l2.Lookup(1, kBroadcast, kA, t);
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 18 * kSec), std::string("UNICAST 1"));
    CHECK_EQ(l2.Lookup(2, kA, kB, t + 23 * kSec), std::string("FLOOD"));
  }
}

MSW_TEST(l2_learning_config_and_commands) {
  for (const char* bad : {"aging=", "aging=0", "aging=x", "aging=1000001", "aging=5x", "age=5"}) {
    msw::Status st;
    msw_switch_info info{"t0", 1, MSW_MAX_PORTS};
    msw::LogicInstance* li = msw::CreateLogicInstance("l2-learning", bad, info, &st);
    CHECK_MSG(li == nullptr, "config '" << bad << "' accepted");
    CHECK_EQ(st.code, EINVAL);
    CHECK_MSG(st.message.find("aging=SECONDS") != std::string::npos &&
                  st.message.find(bad) != std::string::npos,
              st.message);
  }
  L2 l2("aging=60");
  const uint64_t t = NowNs();
  l2.Lookup(1, kBroadcast, kA, t);
  l2.Lookup(7, kBroadcast, kB, t);
  std::string reply;
  CHECK_EQ(l2.Control("show", &reply), 0);
  CHECK_MSG(reply.find("02:00:00:00:00:01 1 ") != std::string::npos &&
                reply.find("02:00:00:00:00:02 7 ") != std::string::npos,
            reply);
  CHECK_EQ(std::count(reply.begin(), reply.end(), '\n'), 2);
  CHECK_EQ(l2.Control("flush", &reply), 0);
  CHECK_EQ(l2.Control("show", &reply), 0);
  CHECK_EQ(reply, std::string(""));
  CHECK_EQ(l2.Lookup(2, kA, kB, t), std::string("FLOOD"));
  for (const char* bad : {"aging 0", "aging", "aging x", "aging 1000001"}) {
    CHECK_EQ(l2.Control(bad, &reply), EINVAL);
    CHECK_MSG(reply.find("aging SECONDS") != std::string::npos, reply);
  }
  CHECK_EQ(l2.Control("frob", &reply), EINVAL);
  CHECK_MSG(reply.find("unknown command 'frob'") != std::string::npos, reply);
}

// The same behaviour end to end: frames through workers into FakePorts.
MSW_TEST(l2_learning_through_the_switch) {
  SwitchRig rig(RigConfig("l2-learning", "", 2));
  std::map<uint32_t, FakePort*> p;
  for (uint32_t i = 1; i <= 4; i++) p[i] = rig.Add(i);
  uint64_t tag = 0;
  // Sends one frame dst <- src into port 'in'; returns the ports that got
  // it (checking it arrived intact).
  auto send = [&](uint32_t in, uint64_t dst, uint64_t src) {
    const Bytes f = EthFrame(dst, src, ++tag, 100);
    p[in]->Inject(0, Whole({f}));
    rig.WaitDrained(p[in]);
    std::string got;
    for (auto& kv : p) {
      for (const Bytes& g : kv.second->Drain()) {
        CHECK_MSG(g == f, "port " << kv.first << " got a different frame");
        got += (got.empty() ? "" : ",") + std::to_string(kv.first);
      }
    }
    return got;
  };
  CHECK_EQ(send(1, kB, kA), std::string("2,3,4"));  // unknown: flood, not back to 1
  CHECK_EQ(send(2, kA, kB), std::string("1"));
  CHECK_EQ(send(1, kB, kA), std::string("2"));
  CHECK_EQ(send(3, kBroadcast, kC), std::string("1,2,4"));
  CHECK_EQ(send(2, kC, kB), std::string("3"));
  // Never back to the source: D behind port 1 too, so A -> D is dropped.
  CHECK_EQ(send(1, kBroadcast, kD), std::string("2,3,4"));
  CHECK_EQ(send(1, kD, kA), std::string(""));
  CHECK_EQ(p[1]->Stats().drops[msw::kLogicDrop], 1u);
  // Port 2 goes away: B is forgotten, frames to it flood the others.
  std::unique_ptr<FakePort> gone = rig.Remove(2);
  p.erase(2);
  CHECK_EQ(send(1, kB, kA), std::string("3,4"));
  p[2] = rig.Add(2);
  CHECK_EQ(send(1, kB, kA), std::string("2,3,4"));
  CHECK_EQ(send(2, kA, kB), std::string("1"));
  CHECK_EQ(send(1, kB, kA), std::string("2"));
  // Aging, on the workers' real clock: with "aging 1" an entry is gone
  // once more than two ~1.07 s stamps passed since it was last seen.
  CHECK_EQ(rig.Control("aging 1"), std::string(""));
  SleepMs(2400);
  CHECK_EQ(send(1, kB, kA), std::string("2,3,4"));
  rig.CheckPorts();
}

}  // namespace msw_test
