// The static logic (a fixed in-port -> out-port map) and the logic
// registry's checks, plus how a switch refuses a logic it cannot use.
#include <cerrno>

#include "check.h"
#include "core/logic_registry.h"
#include "switch_rig.h"
#include "test_logics.h"

namespace msw_test {

// A bad config is refused with EINVAL and a message quoting where it
// went wrong; good ones, spaces and commas included, are taken.
MSW_TEST(static_config_errors_are_named) {
  msw_switch_info info{"t0", 1, MSW_MAX_PORTS};
  const struct {
    const char* config;
    const char* at;  // the text the message must quote
  } kBad[] = {
      {"1=", "'1='"},           {"=2", "'=2'"},         {"0=1", "'0=1'"},
      {"1=4096", "'1=4096'"},   {"a=b", "'a=b'"},       {"1=2;3=4", "';3=4'"},
      {"1-2", "'1-2'"},         {"1=2x", "'x'"},        {"1=2,3", "'3'"},
      {"99999999999=1", "'99999999999=1'"},
  };
  for (const auto& b : kBad) {
    msw::Status st;
    msw::LogicInstance* li = msw::CreateLogicInstance("static", b.config, info, &st);
    CHECK_MSG(li == nullptr, "config '" << b.config << "' accepted");
    CHECK_EQ(st.code, EINVAL);
    CHECK_MSG(st.message.find("expected IN=OUT") != std::string::npos &&
                  st.message.find(std::string("at ") + b.at) != std::string::npos,
              "config '" << b.config << "': " << st.message);
  }
  for (const char* good : {"", "1=2", "1=2,2=1", " 1=2  3=4 ", "4095=1,1=4095", ",,1=2,"}) {
    msw::Status st;
    msw::LogicInstance* li = msw::CreateLogicInstance("static", good, info, &st);
    CHECK_MSG(li != nullptr, "config '" << good << "': " << st.message);
    msw::DestroyLogicInstance(li);
  }
}

MSW_TEST(static_commands_set_del_show) {
  SwitchRig rig(RigConfig("static", "1=2,2=1"));
  CHECK_EQ(rig.Control("show"), std::string("1=2,2=1"));
  CHECK_EQ(rig.Control("set 3 1"), std::string(""));
  CHECK_EQ(rig.Control("show"), std::string("1=2,2=1,3=1"));
  CHECK_EQ(rig.Control("set 1 3"), std::string(""));
  CHECK_EQ(rig.Control("del 2"), std::string(""));
  CHECK_EQ(rig.Control("show"), std::string("1=3,3=1"));
  CHECK_EQ(rig.Control("del 2"), std::string(""));  // already absent
  const struct {
    const char* cmd;
    const char* says;
  } kBad[] = {
      {"set 1", "usage: set IN OUT"},      {"set 0 1", "usage: set IN OUT"},
      {"set 1 4096", "usage: set IN OUT"}, {"set x y", "usage: set IN OUT"},
      {"set 1 2x", "usage: set IN OUT"},   {"set 1 2 3", "usage: set IN OUT"},
      {"del", "unknown command"},          {"del x", "usage: del IN"},
      {"del 1x", "usage: del IN"},         {"frob", "unknown command 'frob' (set, del, show)"},
  };
  for (const auto& b : kBad) {
    std::string reply;
    msw::Status st = rig.sw().LogicControl(b.cmd, &reply);
    CHECK_MSG(st.code == EINVAL, "'" << b.cmd << "' gave code " << st.code << ": " << st.message);
    CHECK_MSG(st.message.find(b.says) != std::string::npos, "'" << b.cmd << "': " << st.message);
  }
  CHECK_EQ(rig.Control("show"), std::string("1=3,3=1"));  // nothing changed by the bad ones
}

// Frames follow the map; what the map cannot do is counted: no entry
// (logic-drop), a missing port (bad-dest), the source itself (hairpin).
MSW_TEST(static_forwards_through_the_switch) {
  SwitchRig rig(RigConfig("static", "1=2,2=1,3=9,4=4"));
  std::map<uint32_t, FakePort*> p;
  for (uint32_t i = 1; i <= 5; i++) p[i] = rig.Add(i);
  auto send = [&](uint32_t in, uint64_t tag) {
    p[in]->Inject(0, Whole({DirectedFrame(0, 0, tag, 80), DirectedFrame(0, 0, tag + 1, 9000)}));
    rig.WaitDrained(p[in]);
  };
  send(1, 10);
  send(2, 20);
  send(3, 30);
  send(4, 40);
  send(5, 50);
  std::vector<Bytes> at2 = p[2]->Drain(), at1 = p[1]->Drain();
  CHECK_EQ(at2.size(), 2u);
  CHECK_EQ(at1.size(), 2u);
  CHECK(FrameTag(at2[0]) == 10 && FrameTag(at2[1]) == 11 && at2[1].size() == 9000);
  CHECK(FrameTag(at1[0]) == 20 && FrameTag(at1[1]) == 21);
  CHECK_EQ(p[3]->Stats().drops[msw::kBadDest], 2u);
  CHECK_EQ(p[4]->Stats().drops[msw::kHairpin], 2u);
  CHECK_EQ(p[5]->Stats().drops[msw::kLogicDrop], 2u);
  for (uint32_t i : {3u, 4u, 5u}) CHECK_EQ(p[i]->Drain().size(), 0u);
  // A command changes the map for the very next batch.
  rig.Control("set 1 5");
  send(1, 60);
  CHECK_EQ(p[5]->Drain().size(), 2u);
  CHECK_EQ(p[2]->Drain().size(), 0u);
  rig.CheckPorts();
}

// A switch refuses a logic it does not know or that refuses its config,
// and keeps forwarding with the one it had.
MSW_TEST(switch_keeps_its_logic_when_a_swap_fails) {
  SwitchRig rig(RigConfig("static", "1=2"));
  FakePort* p1 = rig.Add(1);
  FakePort* p2 = rig.Add(2);
  msw::Status st = rig.sw().SetLogic("no-such-logic", "");
  CHECK_EQ(st.code, ENOENT);
  CHECK_MSG(st.message.find("no-such-logic") != std::string::npos, st.message);
  st = rig.sw().SetLogic("static", "1=");
  CHECK_EQ(st.code, EINVAL);
  st = rig.sw().SetLogic("l2-learning", "aging=-1");
  CHECK_EQ(st.code, EINVAL);
  CHECK_EQ(rig.sw().logic_name(), std::string("static"));
  CHECK_EQ(rig.Control("show"), std::string("1=2"));
  p1->Inject(0, Whole({DirectedFrame(0, 0, 1, 60)}));
  rig.WaitDrained(p1);
  CHECK_EQ(p2->Drain().size(), 1u);
  // Logics without a control member answer ENOTSUP.
  rig.SetLogic("test-directed");
  std::string reply;
  CHECK_EQ(rig.sw().LogicControl("show", &reply).code, ENOTSUP);
}

namespace {
void NopLookup(void*, msw_packet*, msw_result*) {}
}  // namespace

// Registration checks the ABI version, the name and the required lookup.
MSW_TEST(logic_registry_checks_registrations) {
  RegisterTestLogics();
  CHECK(msw::FindLogic("static") != nullptr);  // built-ins register on first use
  static const msw_logic_ops kOldAbi = {MSW_LOGIC_ABI_VERSION + 1, "future-logic", nullptr,
                                        nullptr, NopLookup, nullptr, nullptr, nullptr};
  static const msw_logic_ops kNoLookup = {MSW_LOGIC_ABI_VERSION, "no-lookup", nullptr, nullptr,
                                          nullptr, nullptr, nullptr};
  static const msw_logic_ops kBadName = {MSW_LOGIC_ABI_VERSION, "Bad_Name", nullptr, nullptr,
                                         NopLookup, nullptr, nullptr};
  static const msw_logic_ops kNoName = {MSW_LOGIC_ABI_VERSION, nullptr, nullptr, nullptr,
                                        NopLookup, nullptr, nullptr};
  static const msw_logic_ops kTaken = {MSW_LOGIC_ABI_VERSION, "static", nullptr, nullptr,
                                       NopLookup, nullptr, nullptr};
  CHECK_EQ(msw::RegisterLogic(&kOldAbi).code, EPROTO);
  CHECK_EQ(msw::RegisterLogic(&kNoLookup).code, EINVAL);
  CHECK_EQ(msw::RegisterLogic(&kBadName).code, EINVAL);
  CHECK_EQ(msw::RegisterLogic(&kNoName).code, EINVAL);
  CHECK_EQ(msw::RegisterLogic(&kTaken).code, EEXIST);
  CHECK_EQ(msw::RegisterLogic(nullptr).code, EINVAL);
  CHECK(msw::FindLogic("future-logic") == nullptr);
  const std::vector<std::string> names = msw::LogicNames();
  for (const char* n : {"l2-learning", "static", "test-oracle", "test-directed"})
    CHECK_MSG(std::find(names.begin(), names.end(), n) != names.end(), n << " not listed");
  std::string name;
  CHECK_EQ(msw::LoadLogicLibrary("/nonexistent/logic.so", &name).code, ENOENT);
}

namespace {
void NopBatch(void*, msw_packet* const*, msw_result* const*, uint32_t) {}
}  // namespace

// ABI versions 2 and 3 register, 1 does not; an instance of a version-2
// logic never gets a lookup_batch, whatever lies where version 3 has that
// member (here a real function: a switch that read it would call it).
MSW_TEST(logic_registry_accepts_abi_versions_2_and_3) {
  RegisterTestLogics();
  static const msw_logic_ops kV1 = {1, "abi-one", nullptr, nullptr, NopLookup, nullptr, nullptr,
                                    nullptr};
  static const msw_logic_ops kV2 = {2, "abi-two", nullptr, nullptr, NopLookup, nullptr, nullptr,
                                    NopBatch};
  static const msw_logic_ops kV3 = {3, "abi-three", nullptr, nullptr, NopLookup, nullptr,
                                    nullptr, NopBatch};
  CHECK_EQ(msw::RegisterLogic(&kV1).code, EPROTO);
  CHECK(msw::RegisterLogic(&kV2).ok());
  CHECK(msw::RegisterLogic(&kV3).ok());
  msw_switch_info info{"t", 1, MSW_MAX_PORTS, nullptr};
  msw::Status st;
  msw::LogicInstance* two = msw::CreateLogicInstance("abi-two", "", info, &st);
  CHECK_MSG(two != nullptr, st.message);
  CHECK(two->lookup_batch == nullptr);
  msw::DestroyLogicInstance(two);
  msw::LogicInstance* three = msw::CreateLogicInstance("abi-three", "", info, &st);
  CHECK_MSG(three != nullptr, st.message);
  CHECK(three->lookup_batch == &NopBatch);
  msw::DestroyLogicInstance(three);
  // The in-tree openflow logic offers the batch path.
  const msw_logic_ops* of = msw::FindLogic("openflow");
  CHECK(of != nullptr && of->abi_version == MSW_LOGIC_ABI_VERSION && of->lookup_batch != nullptr);
}

}  // namespace msw_test
