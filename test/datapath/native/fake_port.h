// FakePort: an in-memory msw::Port for testing the fabric and the workers
// without memif.
//
// What?
//   The test plays the port's client.  Receive side: it injects frames
//   (each a list of segments, so multi-segment frames arrive as such) into
//   a queue's receive ring; the worker owning the queue takes them with
//   Receive and gives the memory back with ReleaseRx (released frames are
//   poisoned and freed, so a fabric that reads after release shows up).
//   Transmit side: a ring of 'ring_size' slots of 'buf_size' bytes per
//   queue; a frame longer than a slot takes a chain of slots.  The test
//   reads delivered frames back, in ring order, with Drain.
//
// Design: the transmit contract of core/port.h, exactly
//   TxReserve  under the queue lock: grants the longest prefix of the
//              frames whose slots fit in the free room and records a lease
//              (start, count) in a FIFO of leases; a zero grant records
//              nothing.
//   TxCopy     without the lock: writes the frames into the lease's slots
//              (and counts how many threads copy into one queue at once).
//   TxCommit   under the lock: marks the lease done and moves 'published'
//              over every leading done lease; a lease done behind an
//              unfinished one stays invisible until that one commits.
//   Drain reads only published slots.  Every breach of the contract by
//   the caller (commit of an unknown or finished lease, a copy overrunning
//   its lease, a second Receive before ReleaseRx, two threads receiving on
//   one queue) is counted and described: tests require violations() == 0.
//
// Interrupts: RxIrqFd is an eventfd; Inject writes it when the worker has
// enabled interrupts, so a sleeping worker wakes.  The transmit side has
// its own eventfd (TxKickFd) a reading thread may sleep on.
//
// Thread-safety: Inject, Drain and the accessors may be called from any
// test thread, concurrently with the workers.
#ifndef MSWITCH_TEST_NATIVE_FAKE_PORT_H_
#define MSWITCH_TEST_NATIVE_FAKE_PORT_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/port.h"

namespace msw_test {

using Bytes = std::vector<uint8_t>;

struct FakePortConfig {
  uint32_t rx_queues = 1;
  uint32_t tx_queues = 1;
  uint32_t ring_size = 256;     // transmit slots per queue
  uint32_t buf_size = 2048;     // bytes per transmit slot
  uint32_t rx_capacity = 1u << 16;  // frames a receive ring holds
  bool rx_irq = true;           // RxIrqFd is an eventfd (else -1)
  // If nonzero, TxCopy dawdles on every lease whose id is a multiple of
  // this, so concurrent senders complete out of order.
  uint32_t slow_copy_every = 0;
};

// A frame as the client hands it over: its bytes, in segments.
struct InFrame {
  std::vector<Bytes> segs;
  uint32_t len() const {
    uint32_t n = 0;
    for (const Bytes& s : segs) n += uint32_t(s.size());
    return n;
  }
};

class FakePort : public msw::Port {
 public:
  FakePort(uint32_t index, std::string name, const FakePortConfig& cfg = FakePortConfig());
  ~FakePort() override;

  // ---- the client's side (tests) ----

  // Appends 'frames' to queue 'q's receive ring in one step (a worker sees
  // all of them or none).  Returns how many fit ('rx_capacity').
  uint32_t Inject(uint32_t q, std::vector<InFrame> frames);
  // Reads back up to 'max' delivered frames of transmit queue 'q', oldest
  // first, and frees their slots.
  std::vector<Bytes> Drain(uint32_t q = 0, uint32_t max = ~0u);
  // Frames published on queue 'q' and not drained yet.
  uint32_t TxPendingFrames(uint32_t q = 0);
  void SetUp(bool up) { set_up(up); }
  int TxKickFd(uint32_t q) const { return tx_[q]->kick_fd; }
  // Whether the client wants a kick when frames are published.
  void SetTxIrq(uint32_t q, bool on) { tx_[q]->want_kick.store(on); }

  // Frames injected / handed to a worker / given back on queue 'q'.
  uint64_t rx_injected(uint32_t q = 0) const { return rx_[q]->injected.load(); }
  uint64_t rx_received(uint32_t q = 0) const { return rx_[q]->received.load(); }
  uint64_t rx_released(uint32_t q = 0) const { return rx_[q]->released.load(); }
  uint64_t rx_released_all() const;
  bool rx_irq_enabled(uint32_t q = 0) const { return rx_[q]->irq.load(); }
  uint64_t rx_kicks(uint32_t q = 0) const { return rx_[q]->kicks.load(); }
  // Frame counts of each Receive call that returned frames, oldest first
  // (the batch boundaries the fabric saw).  Clears the log.
  std::vector<uint32_t> TakeBatchLog(uint32_t q = 0);

  uint64_t out_of_order_commits() const;
  uint32_t max_concurrent_copiers() const;
  uint64_t violations() const { return violations_.load(); }
  std::string first_violation() const;
  const FakePortConfig& config() const { return cfg_; }

  // ---- msw::Port ----

  uint32_t num_rx_queues() const override { return cfg_.rx_queues; }
  uint32_t Receive(uint32_t q, msw::RxBatch& batch, uint32_t max,
                   msw::PortCounters& counters) override;
  void ReleaseRx(uint32_t q) override;
  int RxIrqFd(uint32_t q) const override;
  void RxIrqEnable(uint32_t q, bool enable) override;
  bool RxPending(uint32_t q) const override;
  void RxIrqAck(uint32_t q) override;

  uint32_t num_tx_queues() const override { return cfg_.tx_queues; }
  uint32_t TxSlotsFor(uint32_t len) const override;
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                     msw::TxLease& lease) override;
  uint32_t TxCopy(const msw::TxLease& lease, const msw::FrameView* frames, uint32_t n,
                  msw::PortCounters& counters) override;
  void TxCommit(const msw::TxLease& lease) override;

 private:
  struct RxQueue {
    mutable std::mutex mu;
    std::deque<std::unique_ptr<InFrame>> pending;  // injected, not received
    std::vector<std::unique_ptr<InFrame>> held;    // out with the worker
    std::vector<uint32_t> batch_log;
    std::atomic<bool> irq{false};
    std::atomic<int> receivers{0};
    std::atomic<uint64_t> injected{0}, received{0}, released{0}, kicks{0};
    int fd = -1;
  };
  struct Slot {
    uint32_t len;
    uint32_t flags;
  };
  struct Lease {
    uint32_t start;
    uint32_t count;
    bool live;
    bool done;
  };
  struct TxQueue {
    std::mutex mu;                 // reserve, commit, drain bookkeeping
    std::unique_ptr<uint8_t[]> bufs;
    std::unique_ptr<Slot[]> slots;
    std::unique_ptr<Lease[]> leases;  // ring_size entries
    uint32_t reserved = 0;   // next slot to grant (free-running)
    uint32_t published = 0;  // slots the client may read
    uint32_t consumed = 0;   // slots the client has read
    uint32_t lease_head = 0, lease_tail = 0;  // FIFO of leases, free-running
    uint32_t pending_frames = 0;
    std::atomic<uint64_t> ooo_commits{0};
    std::atomic<uint32_t> copiers{0}, max_copiers{0};
    std::atomic<bool> want_kick{false};
    int kick_fd = -1;
  };
  static constexpr uint32_t kMore = 1;   // the frame continues in the next slot
  static constexpr uint32_t kEmpty = 2;  // slot granted but not filled
  static constexpr uint32_t kFirst = 4;  // first slot of a frame
  static constexpr uint64_t kAlive = 0xFA4EF00DFA4EF00Dull;

  void Violation(const std::string& what);
  void CheckAlive() const;

  uint64_t magic_ = kAlive;
  const FakePortConfig cfg_;
  std::vector<std::unique_ptr<RxQueue>> rx_;
  std::vector<std::unique_ptr<TxQueue>> tx_;
  std::atomic<uint64_t> violations_{0};
  mutable std::mutex violation_mu_;
  std::string first_violation_;
};

// Splits 'bytes' into 1..'max_segs' segments at random points.
InFrame SplitFrame(const Bytes& bytes, uint32_t max_segs, uint64_t rnd);

}  // namespace msw_test

#endif  // MSWITCH_TEST_NATIVE_FAKE_PORT_H_
