// MemifPort: a switch port whose other end is a memif client (our client
// library, DPDK's net_memif, VPP's libmemif).  The switch is the memif
// master; MemifMaster (master.h) runs the handshake and builds one of these
// from what the client shared.
//
// What?
//   The client owns all memory: regions (memfds) holding its rings and its
//   packet buffers.  Receive queue q of the port is the client's S2M ring q
//   (client -> switch), transmit queue q is its M2S ring q (switch ->
//   client).  Nothing is copied on receive: RxBatch segments point straight
//   into the client's buffers until ReleaseRx hands them back.  On transmit
//   the fabric copies frames into buffers the client offered.
//
// Design
//   Shared memory is untrusted: the client may rewrite a descriptor or an
//   index while we read it.  Every descriptor is copied once into a local
//   memif::Desc (LoadDesc) and only the copy is checked and used; ring
//   indices are read once per call.  Nothing a client writes can make us
//   read or write outside the regions it registered, loop without bound,
//   or block a worker:
//     - receive: a head more than one ring ahead of our cursor is counted
//       (bad-ring) and the ring treated as empty for that call; RxPending
//       says "nothing pending" for it, so a hostile head cannot keep a
//       worker spinning either.  Bad descriptors drop their whole frame
//       under one named reason (drop_reasons.h).
//     - transmit: the offered head is clamped (a head claiming more than a
//       ring of buffers beyond our tail offers nothing: the fabric counts
//       no-space); each offered buffer is checked before it is written.
//     - interrupts: reading a kick uses preadv2(RWF_NOWAIT), which never
//       blocks even if the client clears O_NONBLOCK on the shared file.
//       Writing a kick (eventfd write) cannot be made non-blocking that way:
//       a client that saturates its eventfd counter and clears O_NONBLOCK
//       could park a worker in write().  Every kick is therefore bracketed
//       by per-queue begun/ended counters; the master samples them
//       (KickStalled) and disconnects a client whose kicks stop completing,
//       and Disconnect drains the eventfds until no kick is in flight
//       before the port is removed, so the grace period always ends.
//
//   Transmit follows the port contract (core/port.h): TxReserve grants a
//   lease of ring slots for the longest prefix of the frames that fits,
//   under the queue's SpinLock; TxCopy fills them with no lock; TxCommit
//   marks the lease done and publishes ring->tail over every leading
//   finished lease (several workers copy into one port at once and finish
//   out of order).  Should a lease be committed with fewer slots written
//   than granted (the contract allows committing an unused lease), the
//   spare slots are given back if it is the newest lease, else published
//   as zero-length buffers.
//
//   Buffer size: TxSlotsFor must answer without looking at the ring, so
//   the port takes the capacity the client wrote in descriptor 0 of its M2S
//   rings at connect (DPDK and libmemif initialise every descriptor to the
//   buffer size), the smallest over all M2S rings, clamped to
//   [kMinTxBufSize, kMaxFrameLen].  A frame puts min(buf_size, bytes left)
//   into each slot; an offered buffer smaller than that is a bad one.
//
// Invariants (per transmit queue, under its lock)
//   published_ <= each lease's [start, end) <= reserve_cursor_ <= head, in
//   uint16 ring arithmetic; leases are granted and retired in FIFO order.
//
// Threads
//   Receive/ReleaseRx/RxIrq* for queue q: the worker owning q.  Tx*: any
//   worker.  Constructor, Disconnect, KickStalled, destructor: the master's
//   control thread (the destructor only after Switch::RemovePort returned).
#ifndef MSWITCH_MEMIF_MEMIF_PORT_H_
#define MSWITCH_MEMIF_MEMIF_PORT_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/port.h"
#include "core/spinlock.h"
#include "memif/protocol.h"

namespace msw {
namespace memif {

// One region a client shared: its memfd, mapped MAP_SHARED (the fd itself
// is closed once mapped; the mapping keeps the memory).
struct Region {
  uint8_t* base = nullptr;
  uint64_t size = 0;  // bytes the client declared (<= the file's size)
};

// One ring a client announced with ADD_RING.
struct RingSpec {
  bool present = false;
  uint16_t region = 0;
  uint32_t offset = 0;
  uint8_t log2_size = 0;
  int fd = -1;  // the ring's interrupt eventfd
};

// Everything a client shared during its handshake.  Owns the mappings and
// the fds: the destructor unmaps and closes whatever it still holds.
struct SharedMemory {
  std::vector<Region> regions;
  RingSpec s2m[kMaxRingsPerDir];
  RingSpec m2s[kMaxRingsPerDir];
  uint32_t n_s2m = 0;  // rings 0..n_s2m-1 present (checked at CONNECT)
  uint32_t n_m2s = 0;

  SharedMemory() = default;
  SharedMemory(SharedMemory&& o) noexcept;
  SharedMemory& operator=(SharedMemory&& o) noexcept;
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;
  ~SharedMemory() { Release(); }

  // The ring header 'r' describes (its bounds were checked at ADD_RING).
  Ring* RingOf(const RingSpec& r) const {
    return reinterpret_cast<Ring*>(regions[r.region].base + r.offset);
  }
  void Release();  // unmaps every region and closes every fd
};

}  // namespace memif

class MemifPort : public Port {
 public:
  static constexpr uint32_t kMinTxBufSize = 128;
  // Leases one transmit queue may have outstanding (one per worker that is
  // between TxReserve and TxCommit, with room to spare).
  static constexpr uint32_t kMaxLeases = 64;

  // Builds a port over what a client shared.  'shm' must have passed the
  // master's checks: at least one ring each way, rings 0..n-1 present and
  // inside their regions, cookies valid.  Resets the rings' head and tail
  // (as DPDK's server does at CONNECT) and reports up().
  MemifPort(uint32_t index, std::string name, memif::SharedMemory shm);
  ~MemifPort() override;

  // ---- Port ----
  uint32_t num_rx_queues() const override { return n_rx_; }
  uint32_t Receive(uint32_t q, RxBatch& batch, uint32_t max,
                   PortCounters& counters) override;
  void ReleaseRx(uint32_t q) override;
  int RxIrqFd(uint32_t q) const override;
  void RxIrqEnable(uint32_t q, bool enable) override;
  bool RxPending(uint32_t q) const override;
  void RxIrqAck(uint32_t q) override;

  uint32_t num_tx_queues() const override { return n_tx_; }
  uint32_t TxSlotsFor(uint32_t len) const override {
    return len <= buf_size_ ? 1 : (len + buf_size_ - 1) / buf_size_;
  }
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                     TxLease& lease) override;
  uint32_t TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                  PortCounters& counters) override;
  void TxCommit(const TxLease& lease) override;

  // ---- control thread ----

  // The client is going away: reports down, stops kicking it and returns
  // once no worker is inside a kick (draining the M2S eventfds to release
  // one a hostile client blocked).  Call before Switch::RemovePort.
  void Disconnect();

  // Watchdog, sampled by the master every tick: true once some transmit
  // queue had a kick in flight and none completed for 'ticks' samples.
  bool KickStalled(uint32_t ticks);

  uint32_t tx_buf_size() const { return buf_size_; }

 private:
  struct alignas(64) RxQueue {
    memif::Ring* ring = nullptr;
    uint16_t size = 0;
    uint16_t mask = 0;
    uint16_t cursor = 0;       // next descriptor to read
    bool outstanding = false;  // frames handed out, not yet released
    int fd = -1;
  };

  struct LeaseRecord {
    uint16_t start;
    uint16_t end;
    uint16_t written;  // slots TxCopy filled (set by the lease holder)
    bool done;
  };

  struct alignas(64) TxQueue {
    SpinLock lock;
    memif::Ring* ring = nullptr;
    uint16_t size = 0;
    uint16_t mask = 0;
    int fd = -1;
    // Under 'lock':
    uint16_t reserve_cursor = 0;  // next slot to grant
    uint16_t published = 0;       // ring->tail as we last stored it
    uint32_t lease_first = 0;     // oldest live lease (sequence number)
    uint32_t lease_next = 0;      // next lease sequence number
    LeaseRecord leases[kMaxLeases];
    // Kick watchdog (see the file comment).
    alignas(64) std::atomic<uint32_t> kicks_begun{0};
    std::atomic<uint32_t> kicks_ended{0};
    uint32_t seen_ended = 0;  // control thread only
    uint32_t stalled_ticks = 0;
  };

  static constexpr uint32_t kNoLease = ~uint32_t{0};

  // Checks a local descriptor copy against the registered regions; 'need'
  // is the least length it must have.  Returns false and sets '*why'.
  bool DescOk(const memif::Desc& d, uint32_t need, DropReason* why) const;
  uint8_t* BufferOf(const memif::Desc& d) const {
    return region_base_[d.region] + d.offset;
  }
  bool CopyFrame(TxQueue& tq, uint16_t slot, uint32_t nslots,
                     const FrameView& f, PortCounters& counters);
  void WriteEmpty(TxQueue& tq, uint16_t slot, uint32_t n);
  void Kick(TxQueue& tq);

  memif::SharedMemory shm_;
  uint8_t* region_base_[memif::kMaxRegions] = {};
  uint64_t region_size_[memif::kMaxRegions] = {};
  uint32_t n_regions_ = 0;
  uint32_t n_rx_ = 0;
  uint32_t n_tx_ = 0;
  uint32_t buf_size_ = kMinTxBufSize;
  std::atomic<bool> kick_enabled_{true};
  RxQueue rx_[memif::kMaxRingsPerDir];
  TxQueue tx_[memif::kMaxRingsPerDir];
};

static_assert(memif::kMaxRingsPerDir <= kMaxQueues,
              "a memif port has at most kMaxQueues queues each way");

}  // namespace msw

#endif  // MSWITCH_MEMIF_MEMIF_PORT_H_
