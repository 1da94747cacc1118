// OpenFlow's NORMAL output for the `openflow` logic: the switch's own
// L2 forwarding, here a private instance of the registered `l2-learning`
// logic.
//
// What?
//   output:normal hands the packet to a MAC-learning bridge, as Open
//   vSwitch does.  Rather than a second MAC table, the openflow logic
//   creates its own instance of `l2-learning` through the host service
//   msw_host::find_logic and calls that instance's lookup.
//
// Design
//   Create fails (null, with a reason) when the switch offers no host or
//   no `l2-learning`; the openflow logic then treats NORMAL as a drop.
//   Decide fills a fresh msw_result with l2-learning's answer (UNICAST,
//   FLOOD or DROP); the caller turns it into its own outputs.  Ports are
//   reported to the instance through PortChanged so its flooding and
//   learning follow the switch's ports.
//
// Thread-safety
//   Decide runs on workers, concurrently, as the logic ABI allows a
//   lookup to (l2-learning's table is its own business).  Create,
//   PortChanged and the destructor run on the control thread.
#ifndef MSWITCH_OVS_COMPAT_NORMAL_H_
#define MSWITCH_OVS_COMPAT_NORMAL_H_

#include <memory>
#include <string>

#include "mswitch/logic.h"

namespace ofl {

class NormalAction {
 public:
  // A private `l2-learning` instance for switch 'sw', or null and '*err'.
  static std::unique_ptr<NormalAction> Create(const msw_switch_info* sw, std::string* err);
  ~NormalAction();
  NormalAction(const NormalAction&) = delete;
  NormalAction& operator=(const NormalAction&) = delete;

  // Forwards a port event to the instance (control thread).
  void PortChanged(msw_port_event ev, const msw_port_info* info);
  // l2-learning's decision for 'pkt' in 'tmp' (zeroed here but for
  // 'scratch', which the caller provides).  Worker threads.
  void Decide(msw_packet* pkt, msw_result* tmp);

 private:
  NormalAction(const msw_logic_ops* ops, void* instance) : ops_(ops), instance_(instance) {}
  const msw_logic_ops* ops_;
  void* instance_;
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_NORMAL_H_
