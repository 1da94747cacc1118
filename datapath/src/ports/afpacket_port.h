// AfPacketPort: a switch port on an existing Linux interface (a veth end,
// a NIC) through an AF_PACKET socket with mmap'ed rings.  It works on every
// kernel and driver; AF_XDP (issue 5) is the faster kind where available.
//
// What?
//   One packet socket bound to the interface (ETH_P_ALL), promiscuous, with
//   PACKET_VERSION = TPACKET_V3 and two rings mapped in one mmap:
//     RX  block-based (TPACKET_V3): the kernel fills a block with frames and
//         hands the whole block to us (block_status TP_STATUS_USER) when it
//         is full or its retire timer (kRxBlockTimeoutMs) fires.  Receive
//         walks the frames of user-owned blocks in order; RxBatch segments
//         point straight into the block (no copy) until ReleaseRx gives
//         finished blocks back (block_status = TP_STATUS_KERNEL).
//     TX  a frame ring (TPACKET_V3 tx frames are tpacket3_hdr + data, one
//         frame per slot, tp_next_offset 0).  We chose the TX ring over
//         batched sendmmsg because the ring gives the fabric slots it can
//         reserve and fill without a lock, like every other port kind, and
//         one send() flushes a whole batch.
//   PACKET_QDISC_BYPASS (straight to the driver), PACKET_IGNORE_OUTGOING
//   (our own transmissions are not received back), PACKET_LOSS (a frame
//   the kernel refuses is skipped, not a ring stuck on it).
//
// Design
//   Receive (one queue, owned by one worker, no lock): 'cur_block' is the
//   next block to read; 'pkts_left'/'next_frame' say how far into it we are
//   when a batch filled up mid-block.  A block read to its end is queued
//   for release; ReleaseRx (after the fabric copied the batch) hands every
//   such block back, so segments never outlive their block.  RxPending is
//   exact: frames left in the current block or the next block is ours.
//   Frames the kernel truncated (tp_snaplen < tp_len) drop as too-long.
//   A VLAN tag the kernel moved to tp_vlan_tci is put back in front of the
//   payload through a per-frame head segment (dst, src, 802.1Q).
//
//   Offloads (PACKET_VNET_HDR): a veth whose peer has transmit checksum
//   offload or TSO/GSO on (the default, containers included) hands frames
//   on with the L4 checksum unfinished and as super-frames of up to 64 KiB.
//   The kernel puts a virtio_net_hdr in front of each frame in the ring
//   saying so, and Receive finishes the work a NIC would have done
//   (ports/frame_offload.h): a NEEDS_CSUM frame gets its checksum computed
//   in place in the ring block (ours until released); a TCP or UDP
//   super-frame becomes gso_size segments, each a rebuilt head segment
//   (headers with lengths, ids, sequence numbers and checksums of its own)
//   plus its slice of the payload, which stays in the block.  A batch that
//   fills up in the middle of a super-frame resumes at the next segment
//   ('gso_next_').  So every port downstream sees frames as the wire would
//   carry them, of at most the sender's MSS.  A super-frame of a kind we
//   do not segment (IPv6 extension headers, old UFO) drops as
//   'offload-unsupported': turn tso/gso off on the sender for such
//   traffic.  Kinds the kernel itself cannot describe in a virtio_net_hdr
//   (tunnel GSO) it drops before the ring.  Transmit slots carry a zeroed
//   header (no offload asked): we only ever send finished frames.
//
//   Interrupts: RxIrqFd is the socket: the kernel wakes pollers when it
//   retires a block, whatever we ask, so RxIrqEnable is a no-op.
//   RxIrqAck reads SO_ERROR: an error (interface down or gone) is counted
//   and cleared, so a level-triggered epoll does not spin on it.
//
//   Transmit follows the lease contract of core/port.h under one SpinLock:
//   TxReserve grants contiguous ring slots (one per frame, TxSlotsFor is
//   always 1) between 'reserve_cursor' and the oldest slot the kernel has
//   not yet finished ('reclaimed', advanced over slots whose tp_status went
//   back to TP_STATUS_AVAILABLE); TxCopy fills them with no lock; TxCommit
//   marks its lease done and sets TP_STATUS_SEND_REQUEST, in ring order,
//   on every slot of every leading finished lease (the kernel sends slots
//   strictly in order and stops at the first that is not requested), then
//   calls send(fd, NULL, 0, MSG_DONTWAIT) once: one syscall per batch.
//   Frames longer than MTU + Ethernet header + one VLAN tag drop as
//   too-long, leaving an empty slot (tp_len 0) the kernel skips under
//   PACKET_LOSS.
//
//   Errors: nothing on the data path throws, allocates or logs.  A failing
//   flush is counted (socket_errors()); ENXIO/ENODEV (the interface is
//   gone) takes the port down, so the fabric stops sending to it until the
//   control plane removes it.  While the link is down (ENETDOWN) the
//   requested slots stay in the ring and go out with the first flush after
//   it comes back; meanwhile a full ring drops as no-space.
//
//   Latency: TPACKET_V3 wakes the reader per block, so on a quiet link a
//   frame waits for the block's retire timer (1 ms, the smallest the
//   kernel takes): ping through two afpacket ports measured 0.5-0.9 ms min,
//   1.0-1.7 ms average on veths here.  Under load blocks fill and retire
//   at once.  Low latency at low rates is AF_XDP's job (issue 5).
//
//   up() is the interface's link state (admin up with carrier), set by the
//   switch's netlink monitor through SetLinkUp, and false for good once
//   the interface is gone.  SetMtu follows the interface's MTU (the
//   netlink monitor's reports): frames longer than MTU + Ethernet header +
//   one VLAN tag drop as too-long, up to what a transmit slot, sized for
//   the MTU at attach time, holds; raising the MTU past that needs the
//   port attached again (MtuCapacity says how far it goes).  Fanout
//   (several queues) is a later step of issue 5.
//
// Threads
//   Receive/ReleaseRx/RxIrq*: the worker owning queue 0.  Tx*: any worker.
//   Open, destructor: a control thread (the destructor only after
//   Switch::RemovePort returned).
#ifndef MSWITCH_PORTS_AFPACKET_PORT_H_
#define MSWITCH_PORTS_AFPACKET_PORT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/port.h"
#include "core/spinlock.h"
#include "core/status.h"

namespace msw {

struct AfPacketConfig {
  std::string ifname;
  uint32_t rx_block_size = 1u << 17;  // 128 KiB: a 64 KiB frame always fits
  uint32_t rx_blocks = 32;
  uint32_t tx_frames = 512;
};

class AfPacketPort : public Port {
 public:
  // Retire timer of a partly filled RX block: the latency floor of a
  // quiet link (TPACKET_V3 only wakes the reader per block).
  static constexpr uint32_t kRxBlockTimeoutMs = 1;
  static constexpr uint32_t kMaxLeases = 64;
  static constexpr uint32_t kMaxRxFrames = 1024;  // >= the largest batch

  // Opens the socket and rings on 'cfg.ifname'.  On error returns nullptr
  // and sets 'status' (EPERM without CAP_NET_RAW, ENODEV for no interface).
  static std::unique_ptr<AfPacketPort> Open(uint32_t index, std::string name,
                                            const AfPacketConfig& cfg, Status* status);
  ~AfPacketPort() override;

  // ---- Port ----
  uint32_t num_rx_queues() const override { return 1; }
  uint32_t Receive(uint32_t q, RxBatch& batch, uint32_t max,
                   PortCounters& counters) override;
  void ReleaseRx(uint32_t q) override;
  int RxIrqFd(uint32_t q) const override { return fd_; }
  void RxIrqEnable(uint32_t q, bool enable) override {}
  bool RxPending(uint32_t q) const override;
  void RxIrqAck(uint32_t q) override;

  uint32_t num_tx_queues() const override { return 1; }
  uint32_t TxSlotsFor(uint32_t len) const override { return 1; }
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                     TxLease& lease) override;
  uint32_t TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                  PortCounters& counters) override;
  void TxCommit(const TxLease& lease) override;

  // ---- any thread ----
  const std::string& ifname() const { return ifname_; }
  int ifindex() const { return ifindex_; }
  uint32_t mtu() const { return mtu_.load(std::memory_order_relaxed); }
  // The largest MTU the transmit slots chosen at attach time carry.
  uint32_t MtuCapacity() const;
  // The interface's MTU changed to 'mtu' (control threads).
  void SetMtu(uint32_t mtu);
  uint64_t socket_errors() const { return socket_errors_.load(std::memory_order_relaxed); }
  // The interface's link state as the switch's netlink monitor saw it
  // (ports/netlink_monitor.h: admin up with carrier); control threads.
  void SetLinkUp(bool up) { set_up(up); }

 private:
  AfPacketPort(uint32_t index, std::string name);
  Status Setup(const AfPacketConfig& cfg);
  void SocketError(int err);
  void ReleaseBlocks();

  struct LeaseRecord {
    uint32_t start;
    uint32_t end;
    uint32_t written;  // slots TxCopy filled (set by the lease holder)
    bool done;
  };

  std::string ifname_;
  int ifindex_ = 0;
  int fd_ = -1;
  std::atomic<uint32_t> mtu_{1500};
  uint8_t* map_ = nullptr;
  size_t map_len_ = 0;
  std::atomic<uint64_t> socket_errors_{0};

  // RX (the owning worker only).
  uint8_t* rx_base_ = nullptr;
  uint32_t rx_block_size_ = 0;
  uint32_t rx_blocks_ = 0;
  uint32_t cur_block_ = 0;
  uint32_t pkts_left_ = 0;        // frames of cur_block_ not yet read
  uint32_t next_off_ = 0;         // offset of the next frame in cur_block_
  uint32_t release_from_ = 0;     // first finished block not yet released
  uint32_t to_release_ = 0;       // finished blocks awaiting ReleaseRx
  uint32_t gso_next_ = 0;         // next segment of the super-frame at next_off_
  // kMaxRxFrames heads of kMaxSegmentHead bytes: a frame's VLAN tag put
  // back (dst, src, TPID, TCI) or a segment's rebuilt headers; reused from
  // the start each batch.
  std::unique_ptr<uint8_t[]> heads_;
  uint32_t heads_used_ = 0;

  // TX (under tx_lock_ unless noted).
  alignas(64) SpinLock tx_lock_;
  uint8_t* tx_base_ = nullptr;    // immutable after Setup
  uint32_t tx_frame_size_ = 0;
  uint32_t tx_frames_ = 0;
  uint32_t tx_data_off_ = 0;
  uint32_t tx_slot_room_ = 0;     // frame bytes a slot holds (immutable after Setup)
  std::atomic<uint32_t> tx_max_len_{0};  // min(slot room, MTU + 18): SetMtu
  uint32_t reserve_cursor_ = 0;   // next slot to grant (free-running)
  uint32_t published_ = 0;        // slots handed to the kernel so far
  uint32_t reclaimed_ = 0;        // slots the kernel gave back so far
  uint32_t lease_first_ = 0;
  uint32_t lease_next_ = 0;
  LeaseRecord leases_[kMaxLeases];
};

}  // namespace msw

#endif  // MSWITCH_PORTS_AFPACKET_PORT_H_
