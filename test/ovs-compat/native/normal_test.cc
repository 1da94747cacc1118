// NORMAL: a private l2-learning instance found through the host services
// of the logic ABI learns source MACs and unicasts to them, floods the
// unknown, forgets removed ports, and is refused cleanly without a host.
#include <cstring>
#include <string>

#include "../../datapath/native/check.h"
#include "normal.h"

extern "C" const msw_logic_ops* msw_l2_learning_ops(void);  // datapath/src/logics

namespace {

using ofl::NormalAction;

const msw_logic_ops* FindBuiltin(const char* name) {
  return std::strcmp(name, "l2-learning") == 0 ? msw_l2_learning_ops() : nullptr;
}
const msw_logic_ops* FindNothing(const char*) { return nullptr; }

const msw_host kHost = {FindBuiltin};
const msw_host kEmptyHost = {FindNothing};

struct Frame {
  uint8_t bytes[64] = {};
  msw_packet pkt{};
  Frame(const uint8_t dst[6], const uint8_t src[6], uint32_t in_port, uint64_t now_ns) {
    std::memcpy(bytes, dst, 6);
    std::memcpy(bytes + 6, src, 6);
    bytes[12] = 0x08;  // IPv4, not that l2-learning looks
    pkt.data = bytes;
    pkt.head_len = pkt.len = sizeof bytes;
    pkt.src_port = in_port;
    pkt.now_ns = now_ns;
  }
};

const uint8_t kA[6] = {0x02, 0, 0, 0, 0, 0x0a};
const uint8_t kB[6] = {0x02, 0, 0, 0, 0, 0x0b};
const uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

msw_result Decide(NormalAction* n, const uint8_t dst[6], const uint8_t src[6], uint32_t in_port) {
  static uint8_t scratch[MSW_SCRATCH_BYTES];
  Frame f(dst, src, in_port, 1000000000ull);
  msw_result res;
  std::memset(&res, 0x5a, sizeof res);  // Decide must clear what it does not set
  res.scratch = scratch;
  n->Decide(&f.pkt, &res);
  CHECK(res.scratch == scratch);
  return res;
}

MSW_TEST(normal_learns_and_unicasts_through_l2_learning) {
  msw_switch_info sw{"br-normal", 2, MSW_MAX_PORTS, &kHost};
  std::string err;
  std::unique_ptr<NormalAction> n = NormalAction::Create(&sw, &err);
  CHECK_MSG(n != nullptr, err);
  // B is unknown: flood; A is learned on port 1 meanwhile.
  msw_result r = Decide(n.get(), kB, kA, 1);
  CHECK_EQ(r.verdict, uint32_t(MSW_VERDICT_FLOOD));
  CHECK_EQ(r.n_outputs, 0u);
  // B answers from port 2: A is known, unicast to 1.
  r = Decide(n.get(), kA, kB, 2);
  CHECK_EQ(r.verdict, uint32_t(MSW_VERDICT_UNICAST));
  CHECK_EQ(r.port, 1u);
  r = Decide(n.get(), kB, kA, 1);
  CHECK_EQ(r.verdict, uint32_t(MSW_VERDICT_UNICAST));
  CHECK_EQ(r.port, 2u);
  r = Decide(n.get(), kBroadcast, kA, 1);
  CHECK_EQ(r.verdict, uint32_t(MSW_VERDICT_FLOOD));
  // A destination learned on the source port goes nowhere.
  r = Decide(n.get(), kB, kA, 2);
  CHECK_EQ(r.verdict, uint32_t(MSW_VERDICT_DROP));
  // Port 2 goes away: B is forgotten, back to flooding.
  msw_port_info p2{2, 0, "p2"};
  n->PortChanged(MSW_PORT_REMOVED, &p2);
  r = Decide(n.get(), kB, kA, 1);
  CHECK_EQ(r.verdict, uint32_t(MSW_VERDICT_FLOOD));
}

MSW_TEST(normal_instances_are_private) {
  msw_switch_info sw{"br-normal", 1, MSW_MAX_PORTS, &kHost};
  std::string err;
  auto one = NormalAction::Create(&sw, &err);
  auto two = NormalAction::Create(&sw, &err);
  CHECK(one && two);
  Decide(one.get(), kB, kA, 3);
  CHECK_EQ(Decide(one.get(), kA, kB, 4).port, 3u);
  CHECK_EQ(Decide(two.get(), kA, kB, 4).verdict, uint32_t(MSW_VERDICT_FLOOD));
}

MSW_TEST(normal_without_l2_learning_is_refused_with_a_reason) {
  std::string err;
  msw_switch_info no_host{"br-x", 1, MSW_MAX_PORTS, nullptr};
  CHECK(NormalAction::Create(&no_host, &err) == nullptr);
  CHECK_MSG(err.find("no host services") != std::string::npos, err);
  msw_switch_info empty{"br-x", 1, MSW_MAX_PORTS, &kEmptyHost};
  err.clear();
  CHECK(NormalAction::Create(&empty, &err) == nullptr);
  CHECK_MSG(err.find("no logic named l2-learning") != std::string::npos, err);
}

}  // namespace
