// The ports of the density benchmark: a source whose batch the bench
// thread forwards itself, and sinks that drain for free.
//
// What?
//   §4.3 of the paper measures the fabric alone: the receivers' rings are
//   drained "right after forwarding, as if packets were immediately
//   consumed", in the sender's context, so only the sender's core works.
//   These ports make that true of our Fabric:
//     SinkPort    a destination whose TxReserve always grants every frame
//                 asked for, whose TxCopy really copies each frame into the
//                 port's own ring of buffers (the copy is part of what the
//                 benchmark measures) and whose TxCommit only publishes the
//                 new tail.  Nobody reads the ring: slots are reused
//                 modulo its size, which is as if a client took each frame
//                 the moment it was published.
//     SourcePort  the sender.  It has no receive queue, so no worker ever
//                 polls it; the bench thread builds a SourceBatch of
//                 synthetic frames once and hands it to Fabric::Forward
//                 again and again.  It is never a destination.
//
// Design
//   A sink takes an uncontended spinlock in TxReserve and TxCommit, as
//   MemifPort does: that per-destination cost is what a batch amortizes
//   over its frames for that port, and what falls as frames spread over
//   more ports (the round-robin curve).
//
//   A sink's ring is 'slots' buffers of kSlotBytes (netmap's 2 KiB),
//   reused modulo its size; its size decides where the copies land.  The
//   paper's free drain means no receiver ever pulls the frames out of the
//   sender's cache, so with rings the size of real ones (256+ slots) the
//   sinks' buffers together outgrow the caches as N grows (250 sinks x
//   256 slots x 1514 B = 97 MB; even 60-byte frames touch 64000 lines,
//   each in the 1/32 of the cache sets a 2 KiB-aligned buffer start maps
//   to), and the round-robin curve then measures DRAM write-allocate
//   traffic for buffers nobody reads, the same for any fabric.  The
//   default, kDefaultSlots, keeps 250 sinks' rings (4 MB) in this VM's
//   share of the last-level cache (here 32 slots already cut 1514-byte
//   round-robin at 250 sinks from ~12.6 to ~3.8 Mpps).  The benchmark runs
//   256 slots as well, to show that cost beside the fabric's.
//
// Thread-safety: only the bench thread sends; the switch's own worker owns
// no queue of these ports and never calls them.
#ifndef MSWITCH_TEST_BENCH_NATIVE_BENCH_PORTS_H_
#define MSWITCH_TEST_BENCH_NATIVE_BENCH_PORTS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/frame.h"
#include "core/port.h"
#include "core/spinlock.h"

namespace msw_bench {

class SinkPort : public msw::Port {
 public:
  static constexpr uint32_t kSlotBytes = 2048;
  static constexpr uint32_t kDefaultSlots = 8;

  // A ring of 'slots' buffers of kSlotBytes.
  SinkPort(uint32_t index, uint32_t slots);

  // No receive side: a sink never sends.
  uint32_t num_rx_queues() const override { return 0; }
  uint32_t Receive(uint32_t, msw::RxBatch&, uint32_t, msw::PortCounters&) override { return 0; }
  void ReleaseRx(uint32_t) override {}
  int RxIrqFd(uint32_t) const override { return -1; }
  void RxIrqEnable(uint32_t, bool) override {}
  bool RxPending(uint32_t) const override { return false; }
  void RxIrqAck(uint32_t) override {}

  uint32_t num_tx_queues() const override { return 1; }
  uint32_t TxSlotsFor(uint32_t len) const override {
    return len <= kSlotBytes ? 1 : (len + kSlotBytes - 1) / kSlotBytes;
  }
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                     msw::TxLease& lease) override;
  uint32_t TxCopy(const msw::TxLease& lease, const msw::FrameView* frames, uint32_t n,
                  msw::PortCounters& counters) override;
  void TxCommit(const msw::TxLease& lease) override;

 private:
  const uint32_t slots_;
  msw::SpinLock lock_;
  uint32_t reserved_ = 0;                 // next slot to grant, lock_ held
  std::atomic<uint32_t> published_{0};    // slots a client could read
  // slots_ x kSlotBytes, plus room for one frame of kMaxFrameLen starting
  // in the last slot, so a frame is always copied in one piece.
  std::unique_ptr<uint8_t[]> ring_;
};

class SourcePort : public msw::Port {
 public:
  explicit SourcePort(uint32_t index);

  uint32_t num_rx_queues() const override { return 0; }
  uint32_t Receive(uint32_t, msw::RxBatch&, uint32_t, msw::PortCounters&) override { return 0; }
  void ReleaseRx(uint32_t) override {}
  int RxIrqFd(uint32_t) const override { return -1; }
  void RxIrqEnable(uint32_t, bool) override {}
  bool RxPending(uint32_t) const override { return false; }
  void RxIrqAck(uint32_t) override {}

  // Never a destination: grants nothing.
  uint32_t num_tx_queues() const override { return 1; }
  uint32_t TxSlotsFor(uint32_t) const override { return 1; }
  uint32_t TxReserve(uint32_t, const uint32_t*, uint32_t, msw::TxLease&) override { return 0; }
  uint32_t TxCopy(const msw::TxLease&, const msw::FrameView*, uint32_t,
                  msw::PortCounters&) override { return 0; }
  void TxCommit(const msw::TxLease&) override {}
};

// 'n' synthetic frames of 'len' bytes (Ethernet/IPv4/UDP, one segment
// each, every frame in its own 2 KiB buffer as in a real ring), as the
// RxBatch a worker would have received.
class SourceBatch {
 public:
  SourceBatch(uint32_t n, uint32_t len);
  const msw::RxBatch& batch() const { return batch_; }
  uint32_t len() const { return len_; }

 private:
  uint32_t len_;
  std::unique_ptr<uint8_t[]> bufs_;
  std::vector<msw::RxFrame> frames_;
  std::vector<msw::Segment> segs_;
  msw::RxBatch batch_;
};

}  // namespace msw_bench

#endif  // MSWITCH_TEST_BENCH_NATIVE_BENCH_PORTS_H_
