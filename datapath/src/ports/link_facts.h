// Link facts: what the control plane reports about the Linux interface
// under a port (its speed) and what decides how a port may attach to it
// (the driver, and whether the interface leaves transmit checksums to
// "hardware").
//
// What?
//   LinkSpeedMbps reads /sys/class/net/<if>/speed (the kernel's
//   ETHTOOL_GLINKSETTINGS answer: veth says 10000, tun/tap 10, a NIC its
//   negotiated rate); 0 when the kernel does not know (a NIC without
//   carrier answers -1 or EINVAL).
//   ReadTxOffload asks SIOCETHTOOL for the driver (ETHTOOL_GDRVINFO) and
//   transmit checksum offload (ETHTOOL_GTXCSUM).  On a veth both ends
//   default to offload on, and a veth's transmit offload means the frames
//   its peer receives carry CHECKSUM_PARTIAL: the afxdp port cannot see
//   that (ports/afxdp_port.h), so it asks about its own end as the best
//   proxy for the peer, which usually lives in another network namespace
//   where this process cannot ask.
//
// Thread-safety
//   Control threads (syscalls, small allocations); never on the packet
//   path.
#ifndef MSWITCH_PORTS_LINK_FACTS_H_
#define MSWITCH_PORTS_LINK_FACTS_H_

#include <cstdint>
#include <string>

namespace msw {

uint32_t LinkSpeedMbps(const std::string& ifname);

struct TxOffloadFacts {
  bool known = false;      // the ioctls answered
  bool tx_csum = false;    // ETHTOOL_GTXCSUM: transmit checksum offload on
  std::string driver;      // ETHTOOL_GDRVINFO's driver, e.g. "veth"
  bool is_veth() const { return driver == "veth"; }
};
TxOffloadFacts ReadTxOffload(const std::string& ifname);

}  // namespace msw

#endif  // MSWITCH_PORTS_LINK_FACTS_H_
