// TapPort: the host-stack port.  The switch creates a TAP device, so the
// host's own network stack sits on the switch as one more port (OpenFlow's
// LOCAL port when the TAP is named like the switch, which is the default).
//
// What?
//   A TAP opened on /dev/net/tun with IFF_TAP | IFF_NO_PI: every read()
//   returns one Ethernet frame the host stack sent out of the device,
//   every write() hands one frame to the host stack as if it had arrived
//   on it.  The device is not persistent: it exists while the port holds
//   its fd, so removing the port (or closing the switch) deletes it.
//   Name, MAC and MTU are set at creation; the device is left
//   administratively down unless 'bring_up' (as Open vSwitch leaves its
//   LOCAL port: the host decides when its stack uses it).
//
// Design
//   Receive (one queue, owned by one worker, no lock): read() until EAGAIN
//   or the batch is full, each frame into its own slot of a private
//   buffer area (kRxSlots slots of kSlotBytes, so a frame of any MTU up to
//   64 KiB fits whatever MTU the host sets later); segments point into the
//   slots until the next Receive, which is after ReleaseRx.  The area is
//   mapped anonymous and untouched, so only the slots that held frames,
//   and only as far as the frames went, ever cost memory.
//
//   One read() per received frame and one write per sent frame is the TAP
//   API: a tun fd has no ring, no recvmmsg/sendmmsg, and a writev() is one
//   frame (its iovecs are the pieces of that frame).  So these are the
//   syscalls of this port kind's packet path, batched only in that a
//   worker drains every waiting frame per wake-up.  Nothing else there
//   allocates, locks or logs.
//
//   Interrupts: RxIrqFd is the tun fd (level-triggered: readable while a
//   frame waits), so RxIrqEnable/RxIrqAck have nothing to do and
//   RxPending is false (the epoll readiness covers the race it closes).
//
//   Transmit: the kernel serialises concurrent writers of one tun fd, so
//   the lease contract of core/port.h is met without a ring or a lock:
//   TxReserve grants every frame (TxSlotsFor is 1), TxCopy writes each
//   frame with one writev() straight from the fabric's chunks (no copy
//   into a buffer of ours), TxCommit has nothing to publish.  A write the
//   kernel refuses (EAGAIN/ENOBUFS: its queue is full; EIO: the device is
//   down) drops as no-space or port-down.
//
//   Large frames: no virtio-net header (IFF_VNET_HDR) and no offloads
//   (TUNSETOFFLOAD).  With offloads the host stack would hand us GSO
//   super-frames that every other port kind would have to segment in
//   software; without them frames are at most the TAP's MTU, which can be
//   set up to 65521 for jumbo frames.  Frames beyond kMaxFrameLen drop.
//
//   Link state: up() follows the device's operational state, reported by
//   the switch's netlink monitor through SetLinkUp (netlink_monitor.h).
//   It starts as the state at creation (down, or up with 'bring_up').
//
// Threads
//   Receive/ReleaseRx/RxIrq*: the worker owning queue 0.  Tx*: any worker.
//   Open, SetLinkUp, destructor: control threads (the destructor only
//   after Switch::RemovePort returned).
#ifndef MSWITCH_PORTS_TAP_PORT_H_
#define MSWITCH_PORTS_TAP_PORT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/port.h"
#include "core/status.h"

namespace msw {

struct TapConfig {
  std::string ifname;       // the device to create (1..15 characters)
  uint8_t mac[6] = {};      // its MAC address, if 'has_mac'
  bool has_mac = false;     // else the kernel picks a random one
  uint32_t mtu = 0;         // 0: the kernel's default (1500)
  bool bring_up = false;    // set IFF_UP once created
};

class TapPort : public Port {
 public:
  static constexpr uint32_t kRxSlots = 256;
  static constexpr uint32_t kSlotBytes = 65536;

  // Creates the TAP 'cfg.ifname'.  On error returns nullptr and sets
  // 'status' (EPERM without CAP_NET_ADMIN, EBUSY/EEXIST when a device of
  // that name exists and is not a free TAP).
  static std::unique_ptr<TapPort> Open(uint32_t index, std::string name, const TapConfig& cfg,
                                       Status* status);
  ~TapPort() override;

  // ---- Port ----
  uint32_t num_rx_queues() const override { return 1; }
  uint32_t Receive(uint32_t q, RxBatch& batch, uint32_t max, PortCounters& counters) override;
  void ReleaseRx(uint32_t q) override {}
  int RxIrqFd(uint32_t q) const override { return fd_; }
  void RxIrqEnable(uint32_t q, bool enable) override {}
  bool RxPending(uint32_t q) const override { return false; }
  void RxIrqAck(uint32_t q) override {}

  uint32_t num_tx_queues() const override { return 1; }
  uint32_t TxSlotsFor(uint32_t len) const override { return 1; }
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n, TxLease& lease) override;
  uint32_t TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                  PortCounters& counters) override;
  void TxCommit(const TxLease& lease) override {}

  // ---- control threads ----
  const std::string& ifname() const { return ifname_; }
  int ifindex() const { return ifindex_; }
  // The link state the netlink monitor saw (IFF_UP and IFF_RUNNING).
  void SetLinkUp(bool up) { set_up(up); }

 private:
  TapPort(uint32_t index, std::string name);
  Status Setup(const TapConfig& cfg);

  std::string ifname_;
  int ifindex_ = 0;
  int fd_ = -1;
  uint8_t* slots_ = nullptr;  // kRxSlots * kSlotBytes, anonymous mapping
};

}  // namespace msw

#endif  // MSWITCH_PORTS_TAP_PORT_H_
