// SwitchRig: a msw::Switch with FakePorts, for tests.  Owns nothing but
// the switch; the switch owns the ports (FakePort pointers stay valid until
// the port is removed or the rig destroyed).
#ifndef MSWITCH_TEST_NATIVE_SWITCH_RIG_H_
#define MSWITCH_TEST_NATIVE_SWITCH_RIG_H_

#include <map>
#include <memory>
#include <string>

#include "check.h"
#include "core/switch.h"
#include "fake_port.h"
#include "test_logics.h"

namespace msw_test {

class SwitchRig {
 public:
  explicit SwitchRig(const msw::SwitchConfig& cfg) {
    RegisterTestLogics();
    msw::Status st;
    sw_ = msw::Switch::Create(cfg, &st);
    CHECK_MSG(sw_ != nullptr, st.message);
  }

  msw::Switch& sw() { return *sw_; }

  // Adds a FakePort as port 'index' (pinned to 'worker' if >= 0).
  FakePort* Add(uint32_t index, const FakePortConfig& cfg = FakePortConfig(), int worker = -1) {
    CHECK_EQ(sw_->ReserveIndex(index), index);
    auto* p = new FakePort(index, "fake" + std::to_string(index), cfg);
    msw::Status st = sw_->AddPort(std::unique_ptr<msw::Port>(p), worker);
    CHECK_MSG(st.ok(), st.message);
    ports_[index] = p;
    return p;
  }

  // Removes port 'index' and hands it back (the caller may still read it).
  std::unique_ptr<FakePort> Remove(uint32_t index) {
    std::unique_ptr<msw::Port> p = sw_->RemovePort(index);
    CHECK_MSG(p != nullptr, "no port " << index);
    ports_.erase(index);
    return std::unique_ptr<FakePort>(static_cast<FakePort*>(p.release()));
  }

  // Remove() without checks, for helper threads: null if there is no port.
  std::unique_ptr<FakePort> TryRemove(uint32_t index) {
    std::unique_ptr<msw::Port> p = sw_->RemovePort(index);
    if (!p) return nullptr;
    ports_.erase(index);
    return std::unique_ptr<FakePort>(static_cast<FakePort*>(p.release()));
  }

  FakePort* port(uint32_t index) { return ports_.at(index); }
  const std::map<uint32_t, FakePort*>& ports() const { return ports_; }

  // Waits until 'p' has handed every frame injected on 'q' to the fabric
  // and got it back (the fabric is done with them).
  void WaitDrained(FakePort* p, uint32_t q = 0) {
    CHECK_MSG(WaitFor([&] { return p->rx_released(q) == p->rx_injected(q); }),
              p->name() << ": the switch took " << p->rx_released(q) << " of "
                        << p->rx_injected(q) << " frames");
  }

  void SetLogic(const std::string& name, const std::string& config = "") {
    msw::Status st = sw_->SetLogic(name, config);
    CHECK_MSG(st.ok(), st.message);
  }

  std::string Control(const std::string& cmd) {
    std::string reply;
    msw::Status st = sw_->LogicControl(cmd, &reply);
    CHECK_MSG(st.ok(), "'" << cmd << "': " << st.message);
    return reply;
  }

  // Every port's contract violations must be zero.
  void CheckPorts() {
    for (auto& kv : ports_)
      CHECK_MSG(kv.second->violations() == 0, kv.second->first_violation());
  }

 private:
  std::unique_ptr<msw::Switch> sw_;
  std::map<uint32_t, FakePort*> ports_;
};

inline msw::SwitchConfig RigConfig(const std::string& logic, const std::string& logic_config = "",
                                   uint32_t workers = 1) {
  msw::SwitchConfig c;
  c.name = "t0";
  c.n_workers = workers;
  c.logic = logic;
  c.logic_config = logic_config;
  return c;
}

inline std::vector<InFrame> Whole(const std::vector<Bytes>& frames) {
  std::vector<InFrame> out;
  for (const Bytes& f : frames) out.push_back(InFrame{{f}});
  return out;
}

}  // namespace msw_test

#endif  // MSWITCH_TEST_NATIVE_SWITCH_RIG_H_
