// The controller queue: where a switch puts the frames its logic sends to
// MSW_PORT_CONTROLLER (OpenFlow packet-ins) until the agent takes them.
//
// What?
//   One per switch.  To the fabric it is a destination like any port: it
//   implements the Port transmit contract (TxReserve / TxCopy / TxCommit,
//   see port.h), so workers fill it in phase 2 with the same leases, in
//   parallel, and a full queue drops and counts (`controller-queue`) like a
//   full ring.  It has no receive side and no port number: the fabric
//   reaches it through Switch::controller_queue(), never the port table.
//   The agent drains it from the JS thread with Read.
//
// Design
//   A ring of fixed-size slots (kSlotBytes) in one buffer allocated at
//   creation.  An entry is the struct msw_to_controller the logic wrote,
//   then the frame as modified, truncated to the header's max_len
//   (0xffff: all of it): the fabric hands over views already truncated, so
//   no byte is copied that the agent would throw away.  An entry takes
//   the contiguous slots its bytes need (a 64 KiB frame spans many; the
//   last one may wrap around the end of the buffer, which only the copy
//   in and out has to know).  A descriptor per first slot records the
//   entry's slot count, the frame's untruncated length and the bytes
//   kept: the header itself is left exactly as the logic wrote it.
//
//   Indices are free-running uint32 slot counters:
//     consumed_  <= published_ <= reserved_,  reserved_ - consumed_ <= slots
//   Reservations advance reserved_ under 'lock_'; commits may come out of
//   order and advance published_ over every leading completed lease
//   (as a memif transmit ring does); Read advances consumed_.
//
// Wake-ups
//   The reader arms the queue (Arm) when it found it empty and wants to be
//   told; the commit that publishes the next entries disarms it and calls
//   the Notifier once.  So there is at most one notification per batch,
//   and none at all while the reader is busy draining: no system call per
//   packet.  Arm and the commit pair as a Dekker handshake (seq_cst on
//   'armed_' and 'published_'): either the commit sees the reader armed,
//   or Arm sees the entry and reports it.
//
// Thread-safety
//   Tx* from any worker (one lease per worker at a time).  Read, Arm and
//   SetNotifier from one consumer thread at a time (the binding's JS
//   thread); Read is serialised by 'read_mu_' anyway.  A notifier may be
//   replaced only when no worker can be inside TxCommit (the caller runs a
//   grace period, Switch::Synchronize, before freeing the old one).
#ifndef MSWITCH_CORE_CONTROLLER_QUEUE_H_
#define MSWITCH_CORE_CONTROLLER_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/port.h"
#include "core/spinlock.h"
#include "mswitch/logic.h"

namespace msw {

// Told (on a worker thread) that an armed, empty queue got entries.  Must
// not block: the binding's implementation is one uv_async_send.
class ControllerNotifier {
 public:
  virtual ~ControllerNotifier() = default;
  virtual void Notify() = 0;
};

// One entry as Read hands it over.  'data' and 'data2' together are the
// frame bytes kept (two pieces when the entry wraps the buffer's end).
struct ControllerEntry {
  msw_to_controller hdr;
  uint32_t total_len;  // frame length before truncation
  const uint8_t* data;
  uint32_t data_len;
  const uint8_t* data2;
  uint32_t data2_len;
};

struct ControllerQueueStats {
  uint64_t enqueued = 0;  // entries committed
  uint64_t bytes = 0;     // frame bytes kept in them
  uint64_t dequeued = 0;  // entries Read handed over
  uint64_t dropped = 0;   // queue full (`controller-queue`)
  uint64_t invalid = 0;   // a view with no header (`bad-controller-output`)
  uint32_t pending = 0;   // entries published and not yet read
  uint32_t slots = 0;     // capacity
  uint32_t used_slots = 0;
};

class ControllerQueue : public Port {
 public:
  static constexpr uint32_t kSlotBytes = 256;
  static constexpr uint32_t kDefaultSlots = 4096;  // 1 MiB
  // Room for one 64 KiB frame with its header, rounded to a power of two.
  static constexpr uint32_t kMinSlots = 512;
  static constexpr uint32_t kMaxSlots = 1u << 20;
  static constexpr uint32_t kMaxLeases = 32;       // > kCounterSlots

  // 'slots' is rounded up to a power of two within [kMinSlots, kMaxSlots].
  explicit ControllerQueue(uint32_t slots = kDefaultSlots);

  // ---- Port: no receive side ----
  uint32_t num_rx_queues() const override { return 0; }
  uint32_t Receive(uint32_t, RxBatch&, uint32_t, PortCounters&) override { return 0; }
  void ReleaseRx(uint32_t) override {}
  int RxIrqFd(uint32_t) const override { return -1; }
  void RxIrqEnable(uint32_t, bool) override {}
  bool RxPending(uint32_t) const override { return false; }
  void RxIrqAck(uint32_t) override {}

  // ---- Port: transmit side (workers) ----
  uint32_t num_tx_queues() const override { return 1; }
  uint32_t TxSlotsFor(uint32_t len) const override {
    return len == 0 ? 1 : (len + kSlotBytes - 1) / kSlotBytes;
  }
  uint32_t TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                     TxLease& lease) override;
  // Each view must start with a struct msw_to_controller (the fabric
  // checked it) and may be truncated: its 'len' is what is kept.
  uint32_t TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                  PortCounters& counters) override;
  void TxCommit(const TxLease& lease) override;

  // ---- consumer ----

  // Calls 'fn(const ControllerEntry&)' for up to 'max' published entries in
  // order, then frees their slots.  The entry's bytes are valid only
  // during the call.  Returns entries handed over.
  template <typename Fn>
  uint32_t Read(uint32_t max, Fn&& fn);

  // Asks for one Notify when the queue next gets an entry.  Returns false
  // (and stays disarmed) if entries are already waiting: read them.
  bool Arm();
  void Disarm() { armed_.store(false, std::memory_order_seq_cst); }

  // The notifier, or nullptr.  See the thread-safety note.
  void SetNotifier(ControllerNotifier* n) { notifier_.store(n, std::memory_order_release); }

  ControllerQueueStats QueueStats() const;
  uint32_t slots() const { return n_slots_; }

 private:
  struct Desc {
    uint32_t slots;      // slots the entry takes
    uint32_t total_len;  // frame length before truncation
    uint32_t kept;       // frame bytes stored after the header (0 if invalid)
    uint32_t valid;      // 0: TxCopy found no header; Read skips it
  };
  struct LeaseRecord {
    uint32_t end;  // slot counter after the lease
    bool done;
  };

  uint8_t* SlotPtr(uint32_t slot) { return buf_.get() + size_t{slot & mask_} * kSlotBytes; }
  // Copies 'n' bytes to ring byte position 'pos' (wraps at the end).
  void CopyIn(size_t pos, const uint8_t* p, uint32_t n);

  const uint32_t n_slots_;
  const uint32_t mask_;
  std::unique_ptr<uint8_t[]> buf_;
  std::unique_ptr<Desc[]> desc_;  // by first slot & mask_

  SpinLock lock_;                 // guards reserved_, leases_, lease_*
  uint32_t reserved_ = 0;
  LeaseRecord leases_[kMaxLeases];
  uint32_t lease_first_ = 0, lease_next_ = 0;

  alignas(64) std::atomic<uint32_t> published_{0};
  std::atomic<bool> armed_{false};
  std::atomic<ControllerNotifier*> notifier_{nullptr};

  alignas(64) std::atomic<uint32_t> consumed_{0};
  std::atomic<uint64_t> dequeued_{0};
  std::mutex read_mu_;
};

template <typename Fn>
uint32_t ControllerQueue::Read(uint32_t max, Fn&& fn) {
  std::lock_guard<std::mutex> lock(read_mu_);
  uint32_t c = consumed_.load(std::memory_order_relaxed);
  // Pairs with the release store of published_ in TxCommit: the entries'
  // bytes and descriptors are visible once their slots are published.
  const uint32_t pub = published_.load(std::memory_order_acquire);
  uint32_t n = 0;
  while (n < max && c != pub) {
    const Desc d = desc_[c & mask_];
    if (d.valid) {
      ControllerEntry e;
      uint8_t* first = SlotPtr(c);
      const size_t start = size_t{c & mask_} * kSlotBytes;
      const size_t cap = size_t{n_slots_} * kSlotBytes;
      const uint32_t hdr = sizeof(msw_to_controller);
      // The header never wraps: an entry's first slot holds all of it.
      std::memcpy(&e.hdr, first, hdr);
      e.total_len = d.total_len;
      const size_t data_pos = start + hdr;
      const size_t room = cap - data_pos;
      e.data = buf_.get() + data_pos;
      e.data_len = uint32_t(d.kept < room ? d.kept : room);
      e.data2 = buf_.get();
      e.data2_len = d.kept - e.data_len;
      fn(static_cast<const ControllerEntry&>(e));
      n++;
    }
    c += d.slots;
  }
  // Pairs with the acquire load in TxReserve: the slots are free only once
  // we are done reading them.
  consumed_.store(c, std::memory_order_release);
  dequeued_.fetch_add(n, std::memory_order_relaxed);
  return n;
}

}  // namespace msw

#endif  // MSWITCH_CORE_CONTROLLER_QUEUE_H_
