// The controller queue's reserve / copy / commit and its wake-up; see
// controller_queue.h.
#include "core/controller_queue.h"

#include <algorithm>

namespace msw {

namespace {

uint32_t RoundSlots(uint32_t want) {
  uint32_t n = ControllerQueue::kMinSlots;
  while (n < want && n < ControllerQueue::kMaxSlots) n <<= 1;
  return n;
}

}  // namespace

ControllerQueue::ControllerQueue(uint32_t slots)
    : Port(0, "controller", "controller"),
      n_slots_(RoundSlots(slots)),
      mask_(n_slots_ - 1),
      // Not value-initialised: pages the queue never fills stay untouched.
      buf_(new uint8_t[size_t{n_slots_} * kSlotBytes]),
      desc_(new Desc[n_slots_]()) {
  set_up(true);
}

// Grants the longest prefix of the frames that fits in the free slots, and
// marks the whole grant as one skipped entry until TxCopy describes it: a
// lease committed without a copy then reads as nothing.
uint32_t ControllerQueue::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                                    TxLease& lease) {
  lease.queue = 0;
  lease.start = 0;
  lease.count = 0;
  lease.id = kMaxLeases;  // none
  if (n == 0) return 0;
  lock_.lock();
  // Pairs with the release store of consumed_ in Read: the reader is done
  // with every slot before it.
  const uint32_t used = reserved_ - consumed_.load(std::memory_order_acquire);
  const uint32_t room = n_slots_ - used;
  uint32_t fit = 0;
  if (lease_next_ - lease_first_ < kMaxLeases)
    fit = uint32_t(std::upper_bound(cum_slots, cum_slots + n, room) - cum_slots);
  if (fit) {
    lease.start = reserved_;
    lease.count = cum_slots[fit - 1];
    lease.id = lease_next_ % kMaxLeases;
    reserved_ += lease.count;
    leases_[lease.id] = LeaseRecord{reserved_, false};
    lease_next_++;
    desc_[lease.start & mask_] = Desc{lease.count, 0, 0, 0};
  }
  lock_.unlock();
  return fit;
}

void ControllerQueue::CopyIn(size_t pos, const uint8_t* p, uint32_t n) {
  const size_t cap = size_t{n_slots_} * kSlotBytes;
  const size_t first = std::min<size_t>(n, cap - pos);
  std::memcpy(buf_.get() + pos, p, first);
  if (first < n) std::memcpy(buf_.get(), p + first, n - first);
}

// Each view is header + frame, already cut to what is kept ('len'); the
// frame's full length is recomputed from the view's source segments.
uint32_t ControllerQueue::TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                                 PortCounters& counters) {
  const uint32_t hdr = sizeof(msw_to_controller);
  const size_t cap = size_t{n_slots_} * kSlotBytes;
  uint32_t slot = lease.start;
  uint32_t written = 0;
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < n; i++) {
    const FrameView& f = frames[i];
    const uint32_t slots = TxSlotsFor(f.len);
    if (slot + slots - lease.start > lease.count) break;  // a caller bug: never overrun
    uint32_t src_len = 0;
    for (uint32_t s = 0; s < f.nsegs; s++) src_len += f.segs[s].len;
    const uint32_t full = FrameView::Length(f.head_len, src_len, f.src_off);
    if (f.head_len < hdr || f.len < hdr || f.len > full) {
      desc_[slot & mask_] = Desc{slots, 0, 0, 0};
      counters.Drop(kBadControllerOutput);
      slot += slots;
      continue;
    }
    // Walk the view's chunks, storing bytes until 'len' are in.
    size_t pos = size_t{slot & mask_} * kSlotBytes;
    uint32_t left = f.len;
    ForEachChunk(f, [&](const uint8_t* p, uint32_t len) {
      const uint32_t c = std::min(len, left);
      if (c == 0) return;
      CopyIn(pos, p, c);
      pos = (pos + c) % cap;
      left -= c;
    });
    desc_[slot & mask_] = Desc{slots, full - hdr, f.len - hdr, 1};
    bytes += f.len - hdr;
    written++;
    slot += slots;
  }
  if (slot - lease.start < lease.count)
    desc_[slot & mask_] = Desc{lease.count - (slot - lease.start), 0, 0, 0};
  counters.Add(counters.tx_packets, written);
  counters.Add(counters.tx_bytes, bytes);
  return written;
}

// Publishes every leading completed lease; the first publish after the
// reader armed the queue tells the notifier (once).
void ControllerQueue::TxCommit(const TxLease& lease) {
  if (lease.id >= kMaxLeases || lease.count == 0) return;
  lock_.lock();
  leases_[lease.id].done = true;
  uint32_t pub = published_.load(std::memory_order_relaxed);
  const uint32_t before = pub;
  while (lease_first_ != lease_next_) {
    const LeaseRecord& r = leases_[lease_first_ % kMaxLeases];
    if (!r.done) break;
    pub = r.end;
    lease_first_++;
  }
  // seq_cst: the Dekker pairing with Arm (see the file comment); also the
  // release that makes the copied bytes visible to Read.
  if (pub != before) published_.store(pub, std::memory_order_seq_cst);
  lock_.unlock();
  if (pub == before) return;
  if (armed_.load(std::memory_order_seq_cst) && armed_.exchange(false, std::memory_order_seq_cst)) {
    ControllerNotifier* n = notifier_.load(std::memory_order_acquire);
    if (n) n->Notify();
  }
}

bool ControllerQueue::Arm() {
  armed_.store(true, std::memory_order_seq_cst);
  if (published_.load(std::memory_order_seq_cst) != consumed_.load(std::memory_order_relaxed)) {
    armed_.store(false, std::memory_order_seq_cst);
    return false;
  }
  return true;
}

ControllerQueueStats ControllerQueue::QueueStats() const {
  ControllerQueueStats s;
  const PortStats p = Stats();
  s.enqueued = p.tx_packets;
  s.bytes = p.tx_bytes;
  s.dropped = p.drops[kControllerQueue];
  s.invalid = p.drops[kBadControllerOutput];
  s.dequeued = dequeued_.load(std::memory_order_relaxed);
  s.pending = s.enqueued > s.dequeued ? uint32_t(s.enqueued - s.dequeued) : 0;
  s.slots = n_slots_;
  s.used_slots = published_.load(std::memory_order_acquire) -
                 consumed_.load(std::memory_order_acquire);
  return s;
}

}  // namespace msw
