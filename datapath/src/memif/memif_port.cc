// MemifPort: the data path over a connected memif client's rings.  The
// design, the hostile-client rules and the thread rules are in the essay
// atop memif_port.h; this file follows it step by step.  Nothing here
// allocates, logs or throws; the only system calls are the interrupt
// kicks (one eventfd write per commit that moved the tail, when the client
// asked for interrupts) and their acknowledgements.
#include "memif/memif_port.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace msw {

using memif::Desc;
using memif::Ring;

namespace {

// Reads a descriptor from shared memory exactly once and returns a private
// copy.  Two volatile 8-byte loads: the compiler may neither re-read the
// shared descriptor later (a client could change it between a check and a
// use) nor split the read further.  Descriptors are 8-byte aligned: the
// master requires 8-aligned ring offsets and regions are page-aligned.
inline Desc LoadDesc(const Desc* shared) {
  const volatile uint64_t* p = reinterpret_cast<const volatile uint64_t*>(shared);
  const uint64_t w[2] = {p[0], p[1]};
  Desc d;
  std::memcpy(&d, w, sizeof(d));
  return d;
}

// Writes a descriptor's flags, region and length (its first 8 bytes) in one
// store; offset and metadata stay as the client wrote them.
inline void StoreDescHead(Desc* shared, uint16_t flags, uint16_t region,
                          uint32_t length) {
  Desc d{};
  d.flags = flags;
  d.region = region;
  d.length = length;
  uint64_t w;
  std::memcpy(&w, &d, sizeof(w));
  *reinterpret_cast<volatile uint64_t*>(shared) = w;
}

inline uint16_t LoadIndex(const uint16_t* p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
inline void StoreIndex(uint16_t* p, uint16_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

// Consumes an eventfd's counter without ever blocking, whatever the
// client did to the shared file's O_NONBLOCK.  preadv2(RWF_NOWAIT) does
// that on eventfds (Linux 5.10+); older kernels answer EOPNOTSUPP and we
// fall back to read(), relying on the O_NONBLOCK the master set.
std::atomic<bool> g_nowait_unsupported{false};

inline void DrainEventFd(int fd) {
  uint64_t v;
  if (!g_nowait_unsupported.load(std::memory_order_relaxed)) {
    struct iovec io = {&v, sizeof(v)};
    if (preadv2(fd, &io, 1, -1, RWF_NOWAIT) >= 0 || errno != EOPNOTSUPP)
      return;
    g_nowait_unsupported.store(true, std::memory_order_relaxed);
  }
  ssize_t r = read(fd, &v, sizeof(v));
  (void)r;
}

}  // namespace

// ---- SharedMemory ----

namespace memif {

SharedMemory::SharedMemory(SharedMemory&& o) noexcept { *this = std::move(o); }

SharedMemory& SharedMemory::operator=(SharedMemory&& o) noexcept {
  if (this == &o) return *this;
  Release();
  regions = std::move(o.regions);
  o.regions.clear();
  for (uint32_t i = 0; i < kMaxRingsPerDir; i++) {
    s2m[i] = o.s2m[i];
    m2s[i] = o.m2s[i];
    o.s2m[i] = RingSpec{};
    o.m2s[i] = RingSpec{};
  }
  n_s2m = o.n_s2m;
  n_m2s = o.n_m2s;
  o.n_s2m = o.n_m2s = 0;
  return *this;
}

void SharedMemory::Release() {
  for (Region& r : regions)
    if (r.base) munmap(r.base, r.size);
  regions.clear();
  for (uint32_t i = 0; i < kMaxRingsPerDir; i++) {
    if (s2m[i].fd >= 0) close(s2m[i].fd);
    if (m2s[i].fd >= 0) close(m2s[i].fd);
    s2m[i] = RingSpec{};
    m2s[i] = RingSpec{};
  }
  n_s2m = n_m2s = 0;
}

}  // namespace memif

// ---- construction ----

// Takes the rings over as DPDK's server does at CONNECT: head and tail
// back to 0 on every ring, and interrupts requested on the S2M rings (a
// freshly added port is not yet polled, so the first frame must wake its
// worker; the worker masks them while it busy-polls).  The transmit buffer
// size is read here, once (see the header comment).
MemifPort::MemifPort(uint32_t index, std::string name, memif::SharedMemory shm)
    : Port(index, std::move(name), "memif"), shm_(std::move(shm)) {
  n_regions_ = static_cast<uint32_t>(shm_.regions.size());
  for (uint32_t i = 0; i < n_regions_; i++) {
    region_base_[i] = shm_.regions[i].base;
    region_size_[i] = shm_.regions[i].size;
  }
  n_rx_ = shm_.n_s2m;
  n_tx_ = shm_.n_m2s;
  for (uint32_t q = 0; q < n_rx_; q++) {
    RxQueue& rq = rx_[q];
    rq.ring = shm_.RingOf(shm_.s2m[q]);
    rq.size = static_cast<uint16_t>(1u << shm_.s2m[q].log2_size);
    rq.mask = static_cast<uint16_t>(rq.size - 1);
    rq.fd = shm_.s2m[q].fd;
    __atomic_store_n(&rq.ring->head, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&rq.ring->tail, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&rq.ring->flags, 0, __ATOMIC_RELAXED);
  }
  uint32_t buf = kMaxFrameLen;
  for (uint32_t q = 0; q < n_tx_; q++) {
    TxQueue& tq = tx_[q];
    tq.ring = shm_.RingOf(shm_.m2s[q]);
    tq.size = static_cast<uint16_t>(1u << shm_.m2s[q].log2_size);
    tq.mask = static_cast<uint16_t>(tq.size - 1);
    tq.fd = shm_.m2s[q].fd;
    __atomic_store_n(&tq.ring->head, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&tq.ring->tail, 0, __ATOMIC_RELAXED);
    buf = std::min(buf, LoadDesc(&tq.ring->desc[0]).length);
  }
  buf_size_ = std::max(kMinTxBufSize, std::min<uint32_t>(buf, kMaxFrameLen));
  // Our stores above must reach the rings before a worker can see the port.
  std::atomic_thread_fence(std::memory_order_release);
  set_up(true);
}

MemifPort::~MemifPort() = default;  // shm_ unmaps and closes

// ---- checks ----

bool MemifPort::DescOk(const Desc& d, uint32_t need, DropReason* why) const {
  if (d.region >= n_regions_) {
    *why = kBadRegion;
    return false;
  }
  const uint64_t size = region_size_[d.region];
  if (d.length < need || d.length > size) {  // need >= 1: zero is bad
    *why = kBadLength;
    return false;
  }
  if (uint64_t{d.offset} + d.length > size) {
    *why = kBadOffset;
    return false;
  }
  return true;
}

// ---- receive ----

// Walks frames from our cursor up to the head read once at entry.  Each
// frame is a chain of descriptors linked by MEMIF_DESC_FLAG_NEXT; its
// segments are written into the batch as they are checked and only
// counted in (n_segs, n_frames) once the whole chain proved good, so a bad
// frame leaves no trace but its drop count.  A bad frame is walked to its
// end (bounded by head) and consumed; the first fault names the reason.
uint32_t MemifPort::Receive(uint32_t q, RxBatch& batch, uint32_t max,
                            PortCounters& counters) {
  RxQueue& rq = rx_[q];
  // Pairs with the client's release store of head after it wrote the
  // descriptors and the packet bytes they point to.
  const uint16_t head = LoadIndex(&rq.ring->head);
  if (static_cast<uint16_t>(head - rq.cursor) > rq.size) {
    counters.Drop(kBadRing);  // hostile head: treat the ring as empty
    return 0;
  }
  uint16_t cur = rq.cursor;
  uint32_t got = 0;
  uint64_t bytes = 0;
  bool skipped = false;
  while (cur != head && got < max && batch.HasRoom(1)) {
    const uint32_t seg_base = batch.n_segs;
    uint16_t s = cur;
    uint64_t len = 0;
    uint32_t nsegs = 0;
    bool bad = false, no_room = false;
    DropReason why = kBadChain;
    for (;;) {
      if (s == head) {  // NEXT ran past the last published descriptor
        if (!bad) why = kBadChain;
        bad = true;
        break;
      }
      const Desc d = LoadDesc(&rq.ring->desc[s & rq.mask]);
      s++;
      if (!bad) {
        if (nsegs == kMaxChain) {
          bad = true;
          why = kBadChain;
        } else if (!DescOk(d, 1, &why)) {
          bad = true;
        } else if (len + d.length > kMaxFrameLen) {
          bad = true;
          why = kTooLong;
        } else {
          if (seg_base + nsegs < batch.cap_segs)
            batch.segs[seg_base + nsegs] = Segment{BufferOf(d), d.length};
          else
            no_room = true;
          nsegs++;
          len += d.length;
        }
      }
      if (!(d.flags & memif::kDescFlagNext)) break;
    }

    if (bad) {
      counters.Drop(why);
      cur = s;
      skipped = true;
      continue;
    }
    if (no_room) {
      // More segments than the batch has left.  Wait for the next batch,
      // unless even an empty batch could never hold this frame.
      if (batch.n_frames != 0) break;
      counters.Drop(kBadChain);
      cur = s;
      skipped = true;
      continue;
    }
    batch.frames[batch.n_frames++] =
        RxFrame{static_cast<uint32_t>(len), seg_base, nsegs};
    batch.n_segs += nsegs;
    bytes += len;
    got++;
    cur = s;
  }
  rq.cursor = cur;
  if (got) {
    rq.outstanding = true;
    counters.Add(counters.rx_packets, got);
    counters.Add(counters.rx_bytes, bytes);
  } else if (skipped && !rq.outstanding) {
    StoreIndex(&rq.ring->tail, cur);  // only dropped frames: give them back now
  }
  return got;
}

// Pairs with the client's acquire load of tail before it reuses buffers:
// the fabric finished reading them before this store.
void MemifPort::ReleaseRx(uint32_t q) {
  RxQueue& rq = rx_[q];
  StoreIndex(&rq.ring->tail, rq.cursor);
  rq.outstanding = false;
}

int MemifPort::RxIrqFd(uint32_t q) const { return rx_[q].fd; }

// We are the S2M ring's reader, so its flags are ours to set.  Enabling is
// one half of a Dekker pattern with the client (it stores head, then reads
// flags): the fence orders our flags store before the head load in the
// RxPending call that follows, so either it sees our flag and kicks, or we
// see its head.
void MemifPort::RxIrqEnable(uint32_t q, bool enable) {
  RxQueue& rq = rx_[q];
  __atomic_store_n(&rq.ring->flags,
                   static_cast<uint16_t>(enable ? 0 : memif::kRingFlagMaskInt),
                   __ATOMIC_RELAXED);
  if (enable) std::atomic_thread_fence(std::memory_order_seq_cst);
}

// A head out of range is not "pending": Receive would refuse it, and a
// worker must not spin on a ring a client broke.
bool MemifPort::RxPending(uint32_t q) const {
  const RxQueue& rq = rx_[q];
  const uint16_t n = static_cast<uint16_t>(LoadIndex(&rq.ring->head) - rq.cursor);
  return n != 0 && n <= rq.size;
}

void MemifPort::RxIrqAck(uint32_t q) { DrainEventFd(rx_[q].fd); }

// ---- transmit ----

// Grants slots for the longest prefix of the 'n' frames ('cum_slots' is
// their running slot total) that fits in the buffers the client offered
// beyond what is already leased.  The client offers [tail, head); a head
// more than a ring ahead of our tail, or behind what we already leased,
// offers nothing (the fabric then counts no-space).  Returns the frames
// granted; lease.count is their slots.
uint32_t MemifPort::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                              TxLease& lease) {
  TxQueue& tq = tx_[q];
  lease.queue = q;
  lease.start = 0;
  lease.count = 0;
  lease.id = kNoLease;
  if (n == 0) return 0;
  tq.lock.lock();
  // Pairs with the client's release store of head after it wrote the
  // offered descriptors.
  const uint16_t head = LoadIndex(&tq.ring->head);
  const uint16_t offered = static_cast<uint16_t>(head - tq.published);
  const uint16_t leased = static_cast<uint16_t>(tq.reserve_cursor - tq.published);
  uint32_t fit = 0;
  if (offered <= tq.size && offered > leased &&
      tq.lease_next - tq.lease_first < kMaxLeases) {
    const uint32_t room = offered - leased;
    // cum_slots is non-decreasing: binary search for the last frame that fits.
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      if (cum_slots[mid] <= room) lo = mid + 1;
      else hi = mid;
    }
    fit = lo;
  }
  if (fit) {
    const uint32_t grant = cum_slots[fit - 1];
    const uint32_t id = tq.lease_next % kMaxLeases;
    const uint16_t start = tq.reserve_cursor;
    tq.leases[id] = LeaseRecord{start, static_cast<uint16_t>(start + grant), 0, false};
    tq.lease_next++;
    tq.reserve_cursor = static_cast<uint16_t>(start + grant);
    lease.start = start;
    lease.count = grant;
    lease.id = id;
  }
  tq.lock.unlock();
  return fit;
}

// Writes frame 'f' into 'nslots' consecutive slots from 'slot': each slot
// carries min(buf_size_, bytes left), so the count matches TxSlotsFor.
// Every descriptor is read once, checked, then written back with its
// length and NEXT on all but the last.  A bad offered buffer turns all the
// frame's slots into empty ones (so no half frame reaches the client) and
// counts one tx-bad-desc.  Returns whether the frame went out.
bool MemifPort::CopyFrame(TxQueue& tq, uint16_t slot, uint32_t nslots,
                              const FrameView& f, PortCounters& counters) {
  Ring* ring = tq.ring;
  uint32_t left = f.len;
  uint16_t s = slot;
  uint8_t* dst = nullptr;
  uint32_t room = 0, fill = 0;
  uint16_t region = 0;
  bool bad = false;
  if (left == 0) {  // an empty frame is one empty buffer
    WriteEmpty(tq, slot, nslots);
    return true;
  }
  ForEachChunk(f, [&](const uint8_t* p, uint32_t n) {
    while (n && !bad) {
      if (room == 0) {  // open the next slot
        if (left == 0 || static_cast<uint16_t>(s - slot) == nslots) {
          bad = true;  // the view holds more bytes than its 'len'
          return;
        }
        const Desc d = LoadDesc(&ring->desc[s & tq.mask]);
        const uint32_t want = std::min(buf_size_, left);
        DropReason why;
        if (!DescOk(d, want, &why)) {
          bad = true;
          return;
        }
        dst = BufferOf(d);
        region = d.region;
        room = want;
        fill = 0;
      }
      const uint32_t c = std::min(n, room);
      std::memcpy(dst + fill, p, c);
      fill += c;
      room -= c;
      left -= c;
      p += c;
      n -= c;
      if (room == 0) {
        StoreDescHead(&ring->desc[s & tq.mask],
                      left ? memif::kDescFlagNext : 0, region, fill);
        s++;
      }
    }
  });
  if (bad || left != 0) {
    counters.Drop(kTxBadDesc);
    WriteEmpty(tq, slot, nslots);
    return false;
  }
  return true;
}

// Turns 'n' slots from 'slot' into empty buffers: length 0, no NEXT.
void MemifPort::WriteEmpty(TxQueue& tq, uint16_t slot, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    Desc* shared = &tq.ring->desc[static_cast<uint16_t>(slot + i) & tq.mask];
    StoreDescHead(shared, 0, LoadDesc(shared).region, 0);
  }
}

uint32_t MemifPort::TxCopy(const TxLease& lease, const FrameView* frames,
                           uint32_t n, PortCounters& counters) {
  if (lease.id == kNoLease || lease.count == 0) return 0;
  TxQueue& tq = tx_[lease.queue];
  uint32_t used = 0, sent = 0;
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < n; i++) {
    const uint32_t k = TxSlotsFor(frames[i].len);
    if (used + k > lease.count) break;  // never write outside the lease
    if (CopyFrame(tq, static_cast<uint16_t>(lease.start + used), k, frames[i],
                  counters)) {
      sent++;
      bytes += frames[i].len;
    }
    used += k;
  }
  // Only the lease holder touches its record between reserve and commit.
  tq.leases[lease.id].written = static_cast<uint16_t>(used);
  counters.Add(counters.tx_packets, sent);
  counters.Add(counters.tx_bytes, bytes);
  return sent;
}

// Marks the lease done and publishes every leading finished lease.  Spare
// slots (granted, not written) are given back when this is the newest
// lease, else published empty: a later lease already owns the slots
// after them.
void MemifPort::TxCommit(const TxLease& lease) {
  if (lease.id == kNoLease || lease.count == 0) return;
  TxQueue& tq = tx_[lease.queue];
  tq.lock.lock();
  LeaseRecord& r = tq.leases[lease.id];
  if (r.written < lease.count) {
    if (r.end == tq.reserve_cursor) {
      r.end = static_cast<uint16_t>(r.start + r.written);
      tq.reserve_cursor = r.end;
    } else {
      WriteEmpty(tq, static_cast<uint16_t>(r.start + r.written),
                 lease.count - r.written);
    }
  }
  r.done = true;
  uint16_t tail = tq.published;
  while (tq.lease_first != tq.lease_next) {
    const LeaseRecord& first = tq.leases[tq.lease_first % kMaxLeases];
    if (!first.done) break;
    tail = first.end;
    tq.lease_first++;
  }
  const bool moved = tail != tq.published;
  if (moved) {
    tq.published = tail;
    // Pairs with the client's acquire load of tail before it reads the
    // descriptors and bytes we wrote.
    StoreIndex(&tq.ring->tail, tail);
  }
  tq.lock.unlock();
  if (moved) Kick(tq);
}

// Kicks the client if it asked for interrupts on this ring.  The fence is
// our half of the Dekker pattern with the client (it sets or clears
// MASK_INT, then re-reads tail): our tail store is visible before we read
// its flags.  The begun/ended counters let the master see a kick a hostile
// client blocked (see the header comment); kick_enabled_ is read after
// 'begun' is raised so Disconnect, which clears it first, can wait for
// every kick that might still start.
void MemifPort::Kick(TxQueue& tq) {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (__atomic_load_n(&tq.ring->flags, __ATOMIC_RELAXED) & memif::kRingFlagMaskInt)
    return;
  tq.kicks_begun.fetch_add(1, std::memory_order_seq_cst);
  if (kick_enabled_.load(std::memory_order_seq_cst)) {
    const uint64_t one = 1;
    ssize_t r = write(tq.fd, &one, sizeof(one));
    (void)r;  // a full counter (EAGAIN) already means "wake up"
  }
  tq.kicks_ended.fetch_add(1, std::memory_order_release);
}

// ---- control thread ----

void MemifPort::Disconnect() {
  set_up(false);
  kick_enabled_.store(false, std::memory_order_seq_cst);
  for (;;) {
    bool in_flight = false;
    for (uint32_t q = 0; q < n_tx_; q++) {
      TxQueue& tq = tx_[q];
      if (tq.kicks_begun.load(std::memory_order_seq_cst) !=
          tq.kicks_ended.load(std::memory_order_acquire)) {
        in_flight = true;
        DrainEventFd(tq.fd);  // a zeroed counter lets a blocked write finish
      }
    }
    if (!in_flight) return;
    usleep(1000);
  }
}

bool MemifPort::KickStalled(uint32_t ticks) {
  bool stalled = false;
  for (uint32_t q = 0; q < n_tx_; q++) {
    TxQueue& tq = tx_[q];
    const uint32_t ended = tq.kicks_ended.load(std::memory_order_acquire);
    const uint32_t begun = tq.kicks_begun.load(std::memory_order_acquire);
    if (begun != ended && ended == tq.seen_ended) {
      if (++tq.stalled_ticks >= ticks) stalled = true;
    } else {
      tq.stalled_ticks = 0;
    }
    tq.seen_ended = ended;
  }
  return stalled;
}

}  // namespace msw
