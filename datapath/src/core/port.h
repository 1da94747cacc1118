// A switch port as the fabric and the workers see it: the contract every
// port kind (memif, and later afxdp, afpacket, tap) implements.
//
// Design
//   A port has 1..kMaxQueues receive queues and as many transmit queues.
//   Receive queues are owned by exactly one worker each (assigned by the
//   switch); that worker alone calls Receive / ReleaseRx / the Irq* calls
//   for the queue, so they need no lock.  Transmit queues are shared: any
//   worker may be sending to any port at once, which is the paper's
//   destination-port parallelism (§3.3).  Sending is three steps, as in
//   DPDK's ring (reserve / copy / commit):
//     TxReserve  takes the queue's lock, grants contiguous slots for as
//                many of the frames as fit (never part of a frame),
//                releases it;
//     TxCopy     copies frames into the granted slots without any lock;
//     TxCommit   takes the lock again, marks the lease done and publishes
//                every leading completed lease to the receiver (leases may
//                complete out of order), then kicks the receiver if it
//                asked for interrupts.
//   A granted lease must always be committed, even if nothing was copied.
//
// Lifetime
//   Ports are reached through the switch's port table.  A port is taken
//   out of the table and its receive queues out of their workers before it
//   is destroyed, and the switch waits for a grace period (every worker
//   passed a quiescent point) in between, so a worker never touches a
//   freed port.  A port whose client went away stays in the table but
//   reports up() == false; its Tx* calls are not made then.
//
// Counters are per worker (slot = worker index, the last slot for control
// threads): a worker only ever writes its own slot, readers sum them.
#ifndef MSWITCH_CORE_PORT_H_
#define MSWITCH_CORE_PORT_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "core/drop_reasons.h"
#include "core/frame.h"

namespace msw {

constexpr uint32_t kMaxWorkers = 16;
constexpr uint32_t kCounterSlots = kMaxWorkers + 1;  // + control threads
constexpr uint32_t kControlSlot = kMaxWorkers;
constexpr uint32_t kMaxQueues = 16;

// One slot of a port's counters.  Written by one thread only (relaxed
// atomics so concurrent readers see whole values), summed on read.
struct alignas(64) PortCounters {
  std::atomic<uint64_t> rx_packets{0};
  std::atomic<uint64_t> rx_bytes{0};
  std::atomic<uint64_t> tx_packets{0};
  std::atomic<uint64_t> tx_bytes{0};
  std::atomic<uint64_t> drops[kNumDropReasons] = {};

  void Add(std::atomic<uint64_t>& c, uint64_t v) {
    c.store(c.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  }
  void Drop(DropReason r, uint64_t n = 1) { Add(drops[r], n); }
};

// A plain snapshot of a port's counters, summed over all slots.
struct PortStats {
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  uint64_t drops[kNumDropReasons] = {};

  PortStats& operator+=(const PortStats& o) {
    rx_packets += o.rx_packets;
    rx_bytes += o.rx_bytes;
    tx_packets += o.tx_packets;
    tx_bytes += o.tx_bytes;
    for (uint32_t r = 0; r < kNumDropReasons; r++) drops[r] += o.drops[r];
    return *this;
  }
};

// A granted run of transmit slots on one queue.
struct TxLease {
  uint32_t queue = 0;
  uint32_t start = 0;    // first slot (free-running index)
  uint32_t count = 0;    // slots granted
  uint32_t id = 0;       // lease bookkeeping index, the port's own
};

class Port {
 public:
  Port(uint32_t index, std::string name, std::string kind)
      : index_(index), name_(std::move(name)), kind_(std::move(kind)) {}
  virtual ~Port() = default;
  Port(const Port&) = delete;
  Port& operator=(const Port&) = delete;

  uint32_t index() const { return index_; }
  const std::string& name() const { return name_; }
  const std::string& kind() const { return kind_; }
  bool up() const { return up_.load(std::memory_order_acquire); }

  // ---- receive side: called only by the worker owning queue 'q' ----

  virtual uint32_t num_rx_queues() const = 0;

  // Appends up to 'max' received frames to 'batch' (frames and segments
  // pointing into memory that stays valid until ReleaseRx).  Descriptors
  // are read once and checked; bad ones are skipped and counted on
  // 'counters' (the worker's slot of this port).  Returns frames appended.
  virtual uint32_t Receive(uint32_t q, RxBatch& batch, uint32_t max,
                           PortCounters& counters) = 0;

  // Hands the buffers of the frames returned by the last Receive back to
  // the sender.  Called once the fabric finished copying them.
  virtual void ReleaseRx(uint32_t q) = 0;

  // The fd that becomes readable when queue 'q' gets frames while its
  // interrupts are enabled, or -1 if the queue cannot interrupt (then the
  // worker never sleeps on it for long).
  virtual int RxIrqFd(uint32_t q) const = 0;

  // Asks the sender to kick (true) or not to bother (false, we are busy
  // polling).  After enabling, the worker calls RxPending to close the race
  // with a frame that arrived just before.
  virtual void RxIrqEnable(uint32_t q, bool enable) = 0;

  // Whether queue 'q' holds frames not yet received.
  virtual bool RxPending(uint32_t q) const = 0;

  // Consumes a pending kick on RxIrqFd (read of the eventfd).
  virtual void RxIrqAck(uint32_t q) = 0;

  // ---- transmit side: called by any worker ----

  virtual uint32_t num_tx_queues() const = 0;

  // Slots one frame of 'len' bytes takes on this port (>= 1).
  virtual uint32_t TxSlotsFor(uint32_t len) const = 0;

  // See the header comment.  'cum_slots[i]' is the slot count of frames
  // 0..i together (TxSlotsFor summed), so a grant never splits a frame:
  // grants the longest prefix of the 'n' frames that fits in the free
  // room, sets lease.count to its slot total and returns its frame count.
  virtual uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                             TxLease& lease) = 0;

  // Copies 'n' frames, in order, into the lease's slots (their TxSlotsFor
  // sum never exceeds lease.count).  Frames that cannot be written because
  // the receiver offered a bad buffer are counted (kTxBadDesc) on
  // 'counters' and leave empty slots.  Returns frames written.
  virtual uint32_t TxCopy(const TxLease& lease, const FrameView* frames,
                          uint32_t n, PortCounters& counters) = 0;

  // Publishes the lease (see header comment) and kicks if asked to.
  virtual void TxCommit(const TxLease& lease) = 0;

  // ---- counters ----

  PortCounters& counters(uint32_t slot) { return counters_[slot]; }

  PortStats Stats() const {
    PortStats s;
    for (const PortCounters& c : counters_) {
      s.rx_packets += c.rx_packets.load(std::memory_order_relaxed);
      s.rx_bytes += c.rx_bytes.load(std::memory_order_relaxed);
      s.tx_packets += c.tx_packets.load(std::memory_order_relaxed);
      s.tx_bytes += c.tx_bytes.load(std::memory_order_relaxed);
      for (uint32_t r = 0; r < kNumDropReasons; r++)
        s.drops[r] += c.drops[r].load(std::memory_order_relaxed);
    }
    return s;
  }

 protected:
  void set_up(bool up) { up_.store(up, std::memory_order_release); }

 private:
  const uint32_t index_;
  const std::string name_;
  const std::string kind_;
  std::atomic<bool> up_{false};
  PortCounters counters_[kCounterSlots];
};

}  // namespace msw

#endif  // MSWITCH_CORE_PORT_H_
