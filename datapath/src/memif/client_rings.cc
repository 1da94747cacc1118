// MemifClient data path: putting frames on S2M rings, taking them from M2S
// rings, and sleeping until the master fills one.
//
// Design
//   Transmit is reserve / copy / commit in one call: compute the free slots
//   from our head and the master's tail, write buffers and descriptors for
//   as many whole frames as fit, then publish them all with one release
//   store of head and at most one kick.  SendPrefilled skips the copy: slot
//   s always owns buffer s, so a template written once by PrefillTx is still
//   there whenever the slot comes round again; only the descriptors (and
//   whatever the per-frame stamp rewrites) change.
//
//   Receive walks [last_tail, ring->tail) once.  Each descriptor is copied
//   into a local before use and checked against the region, so a master
//   that rewrites descriptors while we read cannot make us touch memory
//   outside it.  A single-buffer frame is handed to the callback in place;
//   a chain is gathered into the queue's scratch buffer.  A chain whose
//   last descriptor the master has not published yet is left for the next
//   call (unless the whole ring is one unfinished chain: then it is
//   dropped).  Every consumed slot is offered back at once (refill: the
//   descriptor again names its own buffer at full capacity, then head
//   moves with a release store).  A master whose tail runs past the head
//   we offered has overwritten frames we had not read; Recv counts one
//   error, discards the ring and offers a whole ring from the master's
//   tail, which puts both sides back on consistent indices.
//
//   Interrupts, the lost-wakeup guard.  The sender's sequence is "store
//   head/tail; full fence; load flags, kick if unmasked", the sleeper's is
//   "clear MASK_INT; full fence; load tail, sleep only if nothing new".  With
//   both fences one side always sees the other's store: either the sender
//   kicks or the sleeper finds the frames.  Not every master fences (DPDK's
//   transmit does not), so WaitRx also watches the ring for 2 µs after
//   unmasking, which covers a tail store still in flight, and sleeps at
//   most 10 ms at a time, which bounds the cost of a wakeup lost anyway.
//
// Threads
//   See the header: per queue, Send/SendPrefilled/TxPending/KickTx on one
//   thread, Recv/WaitRx on one (possibly other) thread.
#include <emmintrin.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "memif/client_queue.h"
#include "memif/protocol.h"
#include "mswitch/memif_client.h"

namespace msw {
namespace {

inline memif::Desc MakeDesc(uint16_t flags, uint32_t len, uint32_t off) {
  memif::Desc d;
  d.flags = flags;
  d.region = 0;
  d.length = len;
  d.offset = off;
  d.metadata = 0;
  return d;
}

// Free S2M slots: the ring size minus what the master still holds.  A
// tail beyond our head (a broken master) leaves no room rather than a
// negative one.
inline uint32_t FreeSlots(const memif::Ring* r, uint32_t ring_size,
                          uint16_t head) {
  // Acquire pairs with the master's release store of tail: the buffers
  // it gave back are no longer read when we overwrite them.
  uint16_t used = static_cast<uint16_t>(head - MemifLoadAcquire(&r->tail));
  return used > ring_size ? 0 : ring_size - used;
}

// WaitRx: how long to watch the ring after unmasking, and the longest
// single sleep.
constexpr int64_t kUnmaskWatchNs = 2000;
constexpr int64_t kMaxSleepNs = 10 * 1000000;

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Publishes S2M descriptors up to 'head' on 'r' and kicks the master
// through 'fd' unless it masked the ring.
inline void PublishTx(memif::Ring* r, int fd, MemifClientCounter* kicks,
                      uint16_t head) {
  // Release pairs with the master's acquire load of head: descriptors and
  // buffer contents are written before it sees them.
  MemifStoreRelease(&r->head, head);
  // Orders the head store before the flags load (see the essay).
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if ((__atomic_load_n(&r->flags, __ATOMIC_RELAXED) & memif::kRingFlagMaskInt) == 0) {
    uint64_t one = 1;
    if (write(fd, &one, sizeof(one)) == sizeof(one)) kicks->Add(1);
  }
}

}  // namespace

uint32_t MemifClient::Send(uint32_t q, const uint8_t* const* frames,
                           const uint32_t* lens, uint32_t n) {
  if (q >= q_.size() || !connected_.load(std::memory_order_relaxed)) return 0;
  Queue* x = q_[q].get();
  memif::Ring* r = x->s2m;
  const uint32_t mask = ring_size_ - 1;
  // We are head's only writer: a relaxed load sees our own last store.
  uint16_t head = MemifLoadRelaxed(&r->head);
  uint32_t free = FreeSlots(r, ring_size_, head);
  uint32_t done = 0, sent = 0, invalid = 0;
  uint64_t bytes = 0;
  for (; done < n; done++) {
    const uint32_t len = lens[done];
    const uint32_t slots = (len + buffer_size_ - 1) / buffer_size_;
    if (len == 0 || len > kMemifMaxFrame || slots > ring_size_) {
      invalid++;
      continue;
    }
    if (slots > free) break;
    // Copy the frame buffer by buffer; every descriptor but the last of
    // the chain carries NEXT.
    const uint8_t* src = frames[done];
    uint32_t off = 0;
    for (uint32_t k = 0; k < slots; k++, head++) {
      const uint32_t seg = std::min(buffer_size_, len - off);
      const uint32_t boff = x->s2m_buf0 + (head & mask) * buffer_size_;
      memcpy(base_ + boff, src + off, seg);
      r->desc[head & mask] =
          MakeDesc(k + 1 < slots ? memif::kDescFlagNext : 0, seg, boff);
      off += seg;
    }
    free -= slots;
    sent++;
    bytes += len;
  }
  if (sent) PublishTx(r, x->s2m_fd, &x->tx_kicks, head);
  x->tx_packets.Add(sent);
  x->tx_bytes.Add(bytes);
  if (invalid) x->tx_invalid.Add(invalid);
  return done;
}

void MemifClient::PrefillTx(uint32_t q, const PrefillFn& fill) {
  if (q >= q_.size()) return;
  const Queue& x = *q_[q];
  for (uint32_t s = 0; s < ring_size_; s++) {
    fill(s, base_ + x.s2m_buf0 + s * buffer_size_, buffer_size_);
  }
}

uint32_t MemifClient::SendPrefilled(uint32_t q, uint32_t n, uint32_t len,
                                    const TxStamp& stamp) {
  if (q >= q_.size() || !connected_.load(std::memory_order_relaxed)) return 0;
  Queue* x = q_[q].get();
  const uint32_t slots = (len + buffer_size_ - 1) / buffer_size_;
  if (len == 0 || len > kMemifMaxFrame || slots > ring_size_) {
    x->tx_invalid.Add(n);
    return 0;
  }
  memif::Ring* r = x->s2m;
  const uint32_t mask = ring_size_ - 1;
  uint16_t head = MemifLoadRelaxed(&r->head);
  const uint32_t frames = std::min(n, FreeSlots(r, ring_size_, head) / slots);
  if (frames == 0) return 0;

  if (slots == 1) {
    // The common case, kept tight: one descriptor per frame.
    for (uint32_t i = 0; i < frames; i++, head++) {
      const uint32_t boff = x->s2m_buf0 + (head & mask) * buffer_size_;
      r->desc[head & mask] = MakeDesc(0, len, boff);
      if (stamp) stamp(base_ + boff, i);
    }
  } else {
    const uint32_t last = len - (slots - 1) * buffer_size_;
    for (uint32_t i = 0; i < frames; i++) {
      const uint32_t first = x->s2m_buf0 + (head & mask) * buffer_size_;
      for (uint32_t k = 0; k < slots; k++, head++) {
        const uint32_t boff = x->s2m_buf0 + (head & mask) * buffer_size_;
        r->desc[head & mask] = k + 1 < slots
                                   ? MakeDesc(memif::kDescFlagNext, buffer_size_, boff)
                                   : MakeDesc(0, last, boff);
      }
      if (stamp) stamp(base_ + first, i);
    }
  }
  PublishTx(r, x->s2m_fd, &x->tx_kicks, head);
  x->tx_packets.Add(frames);
  x->tx_bytes.Add(uint64_t{frames} * len);
  return frames;
}

uint32_t MemifClient::TxPending(uint32_t q) const {
  if (q >= q_.size()) return 0;
  const memif::Ring* r = q_[q]->s2m;
  uint16_t used = static_cast<uint16_t>(MemifLoadRelaxed(&r->head) -
                                        MemifLoadAcquire(&r->tail));
  return used > ring_size_ ? ring_size_ : used;
}

// Offers the master every M2S slot up to 'from' + ring size, each
// descriptor naming its own buffer at full capacity.
void MemifClient::Refill(Queue* x, uint16_t from) {
  memif::Ring* r = x->m2s;
  const uint32_t mask = ring_size_ - 1;
  uint16_t head = MemifLoadRelaxed(&r->head);  // ours alone
  const uint16_t end = static_cast<uint16_t>(from + ring_size_);
  if (static_cast<uint16_t>(end - head) > ring_size_) head = from;  // resync
  for (; head != end; head++) {
    r->desc[head & mask] = MakeDesc(0, buffer_size_, x->m2s_buf0 + (head & mask) * buffer_size_);
  }
  // Release pairs with the master's acquire load of head: the
  // descriptors are rewritten before it may fill them.
  MemifStoreRelease(&r->head, head);
}

void MemifClient::KickTx(uint32_t q) {
  if (q >= q_.size()) return;
  uint64_t one = 1;
  if (write(q_[q]->s2m_fd, &one, sizeof(one)) == sizeof(one)) q_[q]->tx_kicks.Add(1);
}

uint32_t MemifClient::Recv(uint32_t q, uint32_t max, const RxFn& fn) {
  if (q >= q_.size() || !connected_.load(std::memory_order_relaxed)) return 0;
  Queue* x = q_[q].get();
  memif::Ring* r = x->m2s;
  const uint32_t mask = ring_size_ - 1;
  uint16_t cur = x->last_tail;
  // Acquire pairs with the master's release store of tail: the
  // descriptors and buffers before it are filled.
  const uint16_t tail = MemifLoadAcquire(&r->tail);
  uint16_t avail = static_cast<uint16_t>(tail - cur);
  if (avail > ring_size_) {
    // The master filled slots we never offered (DPDK 22.11's copy-mode
    // transmit does this with chains when the ring is nearly full), so
    // it overwrote frames we had not read.  Nothing on the ring can be
    // trusted: skip to its tail and offer a whole ring from there, which
    // gives the master consistent indices again.
    x->rx_errors.Add(1);
    x->last_tail = tail;
    Refill(x, tail);
    return 0;
  }
  uint32_t delivered = 0, errors = 0;
  uint64_t bytes = 0;
  uint8_t* const scratch = x->scratch.data();
  const uint32_t scratch_cap = static_cast<uint32_t>(x->scratch.size());

  while (avail > 0 && delivered < max) {
    // Gather one frame starting at 'cur'; 'used' counts its descriptors.
    uint32_t used = 0;
    uint64_t total = 0;
    bool bad = false, complete = false;
    const uint8_t* single = nullptr;
    while (used < avail) {
      const memif::Desc d = r->desc[(cur + used) & mask];  // read once
      used++;
      if (d.region != 0 || d.length > buffer_size_ ||
          uint64_t{d.offset} + d.length > region_size_) {
        bad = true;
      } else if (!bad) {
        if (used == 1 && !(d.flags & memif::kDescFlagNext)) {
          single = base_ + d.offset;
        } else if (total + d.length <= scratch_cap) {
          memcpy(scratch + total, base_ + d.offset, d.length);
        } else {
          bad = true;  // chain longer than any frame
        }
      }
      total += d.length;
      if (!(d.flags & memif::kDescFlagNext)) {
        complete = true;
        break;
      }
    }
    if (!complete && avail < ring_size_) break;  // rest of the chain to come
    if (!complete || bad || total == 0 || total > kMemifMaxFrame) {
      errors++;
    } else {
      fn(single ? single : scratch, static_cast<uint32_t>(total));
      delivered++;
      bytes += total;
    }
    cur = static_cast<uint16_t>(cur + used);
    avail = static_cast<uint16_t>(avail - used);
  }

  if (cur != x->last_tail) {
    x->last_tail = cur;
    Refill(x, cur);
  }
  x->rx_packets.Add(delivered);
  x->rx_bytes.Add(bytes);
  if (errors) x->rx_errors.Add(errors);
  return delivered;
}

bool MemifClient::WaitRx(uint32_t q, int timeout_ms) {
  if (q >= q_.size()) return false;
  Queue* x = q_[q].get();
  memif::Ring* r = x->m2s;
  const uint16_t* tail = &r->tail;
  const int64_t deadline = timeout_ms < 0 ? -1 : NowNs() + timeout_ms * 1000000LL;
  for (;;) {
    if (!connected_.load(std::memory_order_acquire)) return false;
    // Unmask, then look again (see the essay's lost-wakeup guard).
    __atomic_store_n(&r->flags, uint16_t{0}, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool ready = MemifLoadAcquire(tail) != x->last_tail;
    // A master without the fence (DPDK's transmit stores tail, then reads
    // flags) can read the old mask while its tail store is still in its
    // store buffer: such a store lands within well under a microsecond,
    // so watch for it briefly before sleeping.
    for (int64_t until = NowNs() + kUnmaskWatchNs; !ready && NowNs() < until;) {
      _mm_pause();
      ready = MemifLoadAcquire(tail) != x->last_tail;
    }
    if (ready) {
      __atomic_store_n(&r->flags, memif::kRingFlagMaskInt, __ATOMIC_RELAXED);
      return true;
    }
    // Sleep in slices, so that a wakeup lost anyway costs one slice.
    int64_t wait_ns = kMaxSleepNs;
    if (deadline >= 0) wait_ns = std::max<int64_t>(0, std::min(wait_ns, deadline - NowNs()));
    pollfd fds[2] = {{x->m2s_fd, POLLIN, 0}, {control_fd_, POLLIN, 0}};
    const int rc = poll(fds, 2, static_cast<int>((wait_ns + 999999) / 1000000));
    __atomic_store_n(&r->flags, memif::kRingFlagMaskInt, __ATOMIC_RELAXED);
    if (rc > 0 && (fds[0].revents & POLLIN)) {
      uint64_t v;
      if (read(x->m2s_fd, &v, sizeof(v)) == sizeof(v)) x->rx_wakeups.Add(1);
    }
    if (rc > 0 && fds[1].revents) {
      std::lock_guard<std::mutex> lock(control_mu_);
      if (!ProcessControl()) return false;
    }
    if (MemifLoadAcquire(tail) != x->last_tail) return true;
    if (deadline >= 0 && NowNs() >= deadline) return false;
  }
}

}  // namespace msw
