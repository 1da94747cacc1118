// AfXdpPort: a switch port on an existing Linux interface (a veth end, a
// NIC) through AF_XDP sockets, one per queue, fed by our own XDP program.
//
// What?
//   Open counts the interface's receive queues, attaches the redirect
//   program (xdp_prog.h: native mode where the driver has it, veth
//   included, else generic), opens an XskSocket (afxdp_socket.h: UMEM,
//   fill/completion/RX/TX rings) bound to each queue and puts it in the
//   program's map.  Port queue q is interface queue q, both ways: the
//   worker owning RX queue q reads XSK q, and transmit queue q (workers
//   pick worker % queues) sends through XSK q.
//
// Design
//   Receive (queue q, its worker, no lock): takes up to 'max' descriptors
//   from the RX ring, each read once into locals and checked to lie inside
//   one receive chunk; segments point straight into the UMEM (no copy).
//   The chunks' addresses are kept, and ReleaseRx hands them to the fill
//   ring and publishes the RX consumer in one go, after the fabric copied
//   the batch.  RxPending is exact (RX producer against our consumer).
//
//   Sleeping: RxIrqFd is the XSK fd.  The kernel wakes its pollers every
//   time it flushes frames into the RX ring, whatever we ask, so
//   RxIrqEnable only kicks (recvfrom) a zero-copy driver that set the fill
//   ring's need-wakeup flag.  An XSK never reports EPOLLERR, so a dead
//   interface does not spin an idle worker; RxIrqAck reads and clears
//   SO_ERROR anyway.
//
//   Transmit follows the lease contract of core/port.h, per queue, under
//   that queue's SpinLock.  TX buffers are a free stack of chunk
//   addresses: TxReserve first takes back every chunk the completion ring
//   returned (by address, so completions in any order are fine), then
//   grants min(frames, free TX ring slots, free chunks) slots and pops a
//   chunk for each.  TxCopy fills them with no lock, packing good frames at
//   the front of the lease; TxCommit gives unused slots back (the newest
//   lease) or marks them invalid (addr past the UMEM, len 0: the kernel
//   skips and counts them, no completion), returns their chunks, and
//   publishes the TX producer over every leading finished lease.  Then,
//   outside the lock, one sendto when the TX ring's need-wakeup flag asks
//   for it (always in copy mode): one syscall per batch.  Copy mode's
//   per-call budget (32 descriptors before Linux 6.17's
//   XDP_MAX_TX_SKB_BUDGET, the TX ring size after) can make sendto answer
//   EAGAIN with work left: the kick repeats while the kernel's consumer
//   moves.  Frames longer than MTU + Ethernet header + one VLAN tag, or
//   than a chunk, drop as too-long.
//
//   Frame size: a 4096-byte chunk holds 3840 bytes of frame after the
//   kernel's XDP headroom (256).  Multi-buffer AF_XDP (XDP_USE_SG) is not
//   used, so Open refuses an interface whose MTU needs more (EMSGSIZE,
//   naming the afpacket port as the way to carry jumbo frames).  Later
//   MTU changes (netlink, SetMtu) are followed: the transmit limit moves
//   with the MTU, and an MTU over MaxMtu() takes the port down with a
//   reason (MtuDownReason) until the MTU fits again, rather than leave a
//   port up that would silently lose every frame larger than a buffer
//   (the kernel drops those before the socket; native XDP on a veth
//   usually refuses such an MTU on the peer in the first place).
//
//   Checksum offload: a frame comes out of the XSK exactly as the wire
//   would carry it, but a veth peer hands TCP/UDP frames on with the
//   checksum left for "hardware" to fill (CHECKSUM_PARTIAL), and no XDP
//   metadata says so.  Forwarded, such frames arrive with a bad checksum
//   and are dropped by the receiving stack; so, as with Open vSwitch's
//   AF_XDP ports, veths whose peers send through the switch need transmit
//   checksum offload off on the peer (`ethtool -K <peer> tx off`).  NICs
//   compute checksums before the wire and are not affected.  Neither
//   native nor generic XDP on a veth finishes such checksums (generic
//   mode linearizes the skb but leaves it CHECKSUM_PARTIAL, and XDP has
//   no metadata saying so), so this is not fixable here: the afpacket
//   port, which the kernel tells, finishes them.  Open therefore looks at
//   the interface (ports/link_facts.h): a veth with transmit checksum
//   offload on gets 'csum_warning()', and with 'refuse_partial_csum' (the
//   daemon's type detection) Open refuses it (ENOTSUP) so the
//   caller attaches it with afpacket instead.
//
//   up() is the interface's link state (admin up with carrier), set by the
//   switch's netlink monitor through SetLinkUp, and false for good once
//   the interface is gone.
//
//   Errors: nothing on the data path throws, allocates or logs.  A kick
//   failing with ENXIO (the interface is gone: the socket was unbound) or
//   ENODEV takes the port down; ENETDOWN leaves the frames in the ring for
//   the first kick after the link comes back, like the afpacket port.
//
// Threads
//   Receive/ReleaseRx/RxIrq*: the worker owning that queue.  Tx*: any
//   worker.  Open, XdpStats, destructor: a control thread (the destructor
//   only after Switch::RemovePort returned).
#ifndef MSWITCH_PORTS_AFXDP_PORT_H_
#define MSWITCH_PORTS_AFXDP_PORT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/port.h"
#include "core/spinlock.h"
#include "core/status.h"
#include "ports/afxdp_socket.h"
#include "ports/xdp_prog.h"

namespace msw {

struct AfXdpConfig {
  std::string ifname;
  uint32_t queues = 0;         // 0: every receive queue of the interface
  uint32_t rx_frames = 2048;   // per queue, power of two
  uint32_t tx_frames = 2048;   // per queue, power of two
  XdpModeRequest mode = XdpModeRequest::kAuto;
  bool zerocopy = true;        // let the kernel pick zero-copy where it can
  // Refuse (ENOTSUP) a veth with transmit checksum offload on.
  bool refuse_partial_csum = false;
};

// The kernel's per-socket drop counters (XDP_STATISTICS), summed.
struct AfXdpStats {
  uint64_t rx_dropped = 0, rx_invalid_descs = 0, tx_invalid_descs = 0;
  uint64_t rx_ring_full = 0, rx_fill_ring_empty = 0, tx_ring_empty = 0;
};

class AfXdpPort : public Port {
 public:
  static constexpr uint32_t kFrameSize = 4096;
  static constexpr uint32_t kXdpHeadroom = 256;  // XDP_PACKET_HEADROOM
  static constexpr uint32_t kMaxLeases = 64;
  static constexpr uint32_t kMaxRxBatch = 1024;  // >= the largest batch

  // Opens the port on 'cfg.ifname'.  On error returns nullptr and sets
  // 'status' (ENODEV no interface, EMSGSIZE MTU too large, EPERM without
  // CAP_NET_ADMIN/CAP_BPF, EBUSY another XDP program attached).
  static std::unique_ptr<AfXdpPort> Open(uint32_t index, std::string name, const AfXdpConfig& cfg,
                                         Status* status);
  ~AfXdpPort() override;

  // ---- Port ----
  uint32_t num_rx_queues() const override { return n_queues_; }
  uint32_t Receive(uint32_t q, RxBatch& batch, uint32_t max, PortCounters& counters) override;
  void ReleaseRx(uint32_t q) override;
  int RxIrqFd(uint32_t q) const override { return queues_[q].xsk->fd(); }
  void RxIrqEnable(uint32_t q, bool enable) override;
  bool RxPending(uint32_t q) const override;
  void RxIrqAck(uint32_t q) override;

  uint32_t num_tx_queues() const override { return n_queues_; }
  uint32_t TxSlotsFor(uint32_t len) const override { return 1; }
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n, TxLease& lease) override;
  uint32_t TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                  PortCounters& counters) override;
  void TxCommit(const TxLease& lease) override;

  // ---- any thread ----
  const std::string& ifname() const { return ifname_; }
  int ifindex() const { return ifindex_; }
  uint32_t mtu() const { return mtu_.load(std::memory_order_relaxed); }
  // The largest MTU whose frames fit an AF_XDP buffer (3822).
  static constexpr uint32_t MaxMtu() { return kFrameSize - kXdpHeadroom - 18; }
  // Non-empty when the port is down because the MTU is over MaxMtu().
  std::string MtuDownReason() const;
  // Set at Open: why forwarded frames from this interface may carry
  // unfinished checksums (a veth with tx checksum offload on), or empty.
  const std::string& csum_warning() const { return csum_warning_; }
  XdpMode xdp_mode() const { return redirect_->mode(); }
  const std::string& native_refusal() const { return redirect_->native_refusal(); }
  bool zerocopy() const { return zerocopy_; }
  uint32_t tx_budget() const { return tx_budget_; }
  uint64_t socket_errors() const { return socket_errors_.load(std::memory_order_relaxed); }
  // Control thread: the kernel's counters of every queue's socket.
  AfXdpStats XdpStats() const;
  // The interface's link state as the switch's netlink monitor saw it
  // (ports/netlink_monitor.h: admin up with carrier); control threads.
  void SetLinkUp(bool up);
  // The interface's MTU changed (control threads): the transmit limit
  // follows it, and an MTU over MaxMtu() takes the port down.
  void SetMtu(uint32_t mtu);

 private:
  struct LeaseRecord {
    uint32_t start;
    uint32_t end;
    uint32_t written;  // good frames TxCopy packed at the front
    bool done;
  };
  struct Queue {
    std::unique_ptr<XskSocket> xsk;
    // RX: the owning worker only.
    alignas(64) uint32_t rx_cons = 0;    // next RX entry to read (published at release)
    uint32_t fill_prod = 0;              // next fill entry to write
    uint32_t held = 0;                   // chunks taken by Receive, not yet refilled
    std::unique_ptr<uint64_t[]> held_addrs;
    // TX: under tx_lock.
    alignas(64) SpinLock tx_lock;
    uint32_t reserve_cursor = 0;   // next TX slot to grant (free-running)
    uint32_t published = 0;        // TX producer as last published
    uint32_t comp_cons = 0;        // completion ring consumer
    uint32_t n_free = 0;           // chunks on the free stack
    std::unique_ptr<uint64_t[]> free_addrs;  // tx_frames entries
    std::unique_ptr<uint64_t[]> slot_addr;   // chunk lent to each TX slot
    uint32_t lease_first = 0;
    uint32_t lease_next = 0;
    LeaseRecord leases[kMaxLeases];
  };

  AfXdpPort(uint32_t index, std::string name);
  Status Setup(const AfXdpConfig& cfg);
  void Refill(Queue& qu);
  void Kick(Queue& qu);
  void SocketError(int err);

  std::string ifname_;
  int ifindex_ = 0;
  std::atomic<uint32_t> mtu_{1500};
  std::atomic<bool> link_up_{true};
  std::string csum_warning_;
  uint32_t n_queues_ = 0;
  uint32_t rx_frames_ = 0;
  uint32_t tx_frames_ = 0;
  std::atomic<uint32_t> tx_max_len_{0};
  bool zerocopy_ = false;
  uint32_t tx_budget_ = 32;
  std::atomic<uint64_t> socket_errors_{0};
  std::unique_ptr<Queue[]> queues_;          // destroyed after redirect_
  std::unique_ptr<XskRedirect> redirect_;
};

}  // namespace msw

#endif  // MSWITCH_PORTS_AFXDP_PORT_H_
