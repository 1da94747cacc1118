// FakePort; see fake_port.h.
#include "fake_port.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

namespace msw_test {

FakePort::FakePort(uint32_t index, std::string name, const FakePortConfig& cfg)
    : msw::Port(index, std::move(name), "fake"), cfg_(cfg) {
  for (uint32_t q = 0; q < cfg_.rx_queues; q++) {
    rx_.emplace_back(new RxQueue);
    if (cfg_.rx_irq) rx_.back()->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  }
  for (uint32_t q = 0; q < cfg_.tx_queues; q++) {
    auto* t = new TxQueue;
    t->bufs.reset(new uint8_t[size_t(cfg_.ring_size) * cfg_.buf_size]);
    t->slots.reset(new Slot[cfg_.ring_size]());
    t->leases.reset(new Lease[cfg_.ring_size]());
    t->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    tx_.emplace_back(t);
  }
  set_up(true);
}

FakePort::~FakePort() {
  CheckAlive();
  for (auto& r : rx_)
    if (r->fd >= 0) close(r->fd);
  for (auto& t : tx_) close(t->kick_fd);
  magic_ = 0;
}

void FakePort::CheckAlive() const {
  if (magic_ != kAlive) {
    std::fprintf(stderr, "FakePort %p used after destruction\n", static_cast<const void*>(this));
    std::abort();
  }
}

void FakePort::Violation(const std::string& what) {
  std::lock_guard<std::mutex> lock(violation_mu_);
  if (violations_.fetch_add(1) == 0) first_violation_ = name() + ": " + what;
}

std::string FakePort::first_violation() const {
  std::lock_guard<std::mutex> lock(violation_mu_);
  return first_violation_;
}

// ---- receive side ----

uint32_t FakePort::Inject(uint32_t q, std::vector<InFrame> frames) {
  RxQueue& r = *rx_[q];
  uint32_t n = 0;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    for (InFrame& f : frames) {
      if (r.pending.size() + r.held.size() >= cfg_.rx_capacity) break;
      r.pending.emplace_back(new InFrame(std::move(f)));
      n++;
    }
    r.injected.fetch_add(n);
  }
  // Pairs with the worker's RxIrqEnable(true) then RxPending(): either it
  // saw our frames under the lock, or we see its flag now.
  if (n && r.irq.load() && r.fd >= 0) {
    uint64_t one = 1;
    (void)!write(r.fd, &one, sizeof one);
    r.kicks.fetch_add(1);
  }
  return n;
}

uint32_t FakePort::Receive(uint32_t q, msw::RxBatch& batch, uint32_t max,
                           msw::PortCounters& counters) {
  CheckAlive();
  RxQueue& r = *rx_[q];
  if (r.receivers.fetch_add(1) != 0) Violation("two threads in Receive on one queue");
  uint32_t n = 0;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    if (!r.held.empty()) Violation("Receive before ReleaseRx of the previous batch");
    uint64_t bytes = 0;
    while (n < max && !r.pending.empty()) {
      InFrame& f = *r.pending.front();
      const uint32_t nsegs = uint32_t(f.segs.size());
      if (!batch.HasRoom(nsegs)) break;
      msw::RxFrame& rf = batch.frames[batch.n_frames++];
      rf.first_seg = batch.n_segs;
      rf.nsegs = nsegs;
      rf.len = 0;
      for (const Bytes& s : f.segs) {
        batch.segs[batch.n_segs++] = msw::Segment{s.data(), uint32_t(s.size())};
        rf.len += uint32_t(s.size());
      }
      bytes += rf.len;
      r.held.push_back(std::move(r.pending.front()));
      r.pending.pop_front();
      n++;
    }
    if (n) {
      r.batch_log.push_back(n);
      r.received.fetch_add(n);
      counters.Add(counters.rx_packets, n);
      counters.Add(counters.rx_bytes, bytes);
    }
  }
  r.receivers.fetch_sub(1);
  return n;
}

void FakePort::ReleaseRx(uint32_t q) {
  CheckAlive();
  RxQueue& r = *rx_[q];
  std::lock_guard<std::mutex> lock(r.mu);
  // Poison before freeing: a fabric still reading these bytes produces
  // frames the oracle rejects even without AddressSanitizer.
  for (auto& f : r.held)
    for (Bytes& s : f->segs) std::memset(s.data(), 0xDD, s.size());
  r.released.fetch_add(r.held.size());
  r.held.clear();
}

int FakePort::RxIrqFd(uint32_t q) const {
  CheckAlive();
  return rx_[q]->fd;
}

void FakePort::RxIrqEnable(uint32_t q, bool enable) {
  CheckAlive();
  rx_[q]->irq.store(enable);
}

bool FakePort::RxPending(uint32_t q) const {
  CheckAlive();
  std::lock_guard<std::mutex> lock(rx_[q]->mu);
  return !rx_[q]->pending.empty();
}

void FakePort::RxIrqAck(uint32_t q) {
  CheckAlive();
  uint64_t v;
  if (rx_[q]->fd >= 0) (void)!read(rx_[q]->fd, &v, sizeof v);
}

uint64_t FakePort::rx_released_all() const {
  uint64_t n = 0;
  for (const auto& r : rx_) n += r->released.load();
  return n;
}

std::vector<uint32_t> FakePort::TakeBatchLog(uint32_t q) {
  std::lock_guard<std::mutex> lock(rx_[q]->mu);
  std::vector<uint32_t> out;
  out.swap(rx_[q]->batch_log);
  return out;
}

// ---- transmit side ----

uint32_t FakePort::TxSlotsFor(uint32_t len) const {
  CheckAlive();
  return len <= cfg_.buf_size ? 1 : (len + cfg_.buf_size - 1) / cfg_.buf_size;
}

uint32_t FakePort::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                             msw::TxLease& lease) {
  CheckAlive();
  if (q >= tx_.size()) {
    Violation("TxReserve on queue " + std::to_string(q));
    return 0;
  }
  TxQueue& t = *tx_[q];
  std::lock_guard<std::mutex> lock(t.mu);
  const uint32_t room = cfg_.ring_size - (t.reserved - t.consumed);
  uint32_t k = 0;
  for (uint32_t prev = 0; k < n; k++) {
    if (cum_slots[k] <= prev) Violation("cum_slots not increasing");
    prev = cum_slots[k];
    if (cum_slots[k] > room) break;
  }
  if (k == 0) return 0;
  lease.queue = q;
  lease.start = t.reserved;
  lease.count = cum_slots[k - 1];
  lease.id = t.lease_tail % cfg_.ring_size;
  t.leases[lease.id] = Lease{lease.start, lease.count, true, false};
  t.lease_tail++;
  t.reserved += lease.count;
  return k;
}

uint32_t FakePort::TxCopy(const msw::TxLease& lease, const msw::FrameView* frames, uint32_t n,
                          msw::PortCounters& counters) {
  CheckAlive();
  TxQueue& t = *tx_[lease.queue];
  const uint32_t now = t.copiers.fetch_add(1) + 1;
  for (uint32_t m = t.max_copiers.load(); now > m && !t.max_copiers.compare_exchange_weak(m, now);) {
  }
  uint32_t pos = 0;  // slots of the lease used so far
  uint64_t bytes = 0;
  uint32_t written = 0;
  for (uint32_t i = 0; i < n; i++) {
    const msw::FrameView& f = frames[i];
    const uint32_t need = TxSlotsFor(f.len);
    if (pos + need > lease.count) {
      Violation("TxCopy overruns its lease");
      break;
    }
    uint32_t slot = lease.start + pos, fill = 0, total = 0;
    Slot* s = &t.slots[slot % cfg_.ring_size];
    s->len = 0;
    s->flags = kFirst;
    msw::ForEachChunk(f, [&](const uint8_t* p, uint32_t len) {
      while (len) {
        if (fill == cfg_.buf_size) {  // chain into the next slot
          s->flags |= kMore;
          slot++;
          s = &t.slots[slot % cfg_.ring_size];
          s->len = 0;
          s->flags = 0;
          fill = 0;
        }
        const uint32_t c = std::min(len, cfg_.buf_size - fill);
        std::memcpy(&t.bufs[size_t(slot % cfg_.ring_size) * cfg_.buf_size + fill], p, c);
        fill += c;
        s->len = fill;
        p += c;
        len -= c;
        total += c;
      }
    });
    if (total != f.len) Violation("FrameView chunks do not add up to its len");
    if (slot - (lease.start + pos) + 1 != need) Violation("frame used an unexpected slot count");
    pos += need;
    bytes += f.len;
    written++;
  }
  for (; pos < lease.count; pos++) t.slots[(lease.start + pos) % cfg_.ring_size] = Slot{0, kEmpty};
  if (cfg_.slow_copy_every && lease.id % cfg_.slow_copy_every == 0) {
    for (int i = 0; i < 20; i++) std::this_thread::yield();
  }
  counters.Add(counters.tx_packets, written);
  counters.Add(counters.tx_bytes, bytes);
  t.copiers.fetch_sub(1);
  return written;
}

void FakePort::TxCommit(const msw::TxLease& lease) {
  CheckAlive();
  TxQueue& t = *tx_[lease.queue];
  bool kick = false;
  {
    std::lock_guard<std::mutex> lock(t.mu);
    Lease& l = t.leases[lease.id % cfg_.ring_size];
    if (!l.live || l.done || l.start != lease.start || l.count != lease.count) {
      Violation("TxCommit of a lease not outstanding");
      return;
    }
    l.done = true;
    if (lease.id != t.lease_head % cfg_.ring_size) t.ooo_commits.fetch_add(1);
    const uint32_t before = t.published;
    while (t.lease_head != t.lease_tail) {
      Lease& h = t.leases[t.lease_head % cfg_.ring_size];
      if (!h.done) break;
      t.published = h.start + h.count;
      h.live = h.done = false;
      t.lease_head++;
    }
    kick = t.published != before && t.want_kick.load();
  }
  if (kick) {
    uint64_t one = 1;
    (void)!write(t.kick_fd, &one, sizeof one);
  }
}

std::vector<Bytes> FakePort::Drain(uint32_t q, uint32_t max) {
  TxQueue& t = *tx_[q];
  uint32_t from, to;
  {
    std::lock_guard<std::mutex> lock(t.mu);
    from = t.consumed;
    to = t.published;
  }
  // Published slots are ours to read without the lock, as a client would.
  std::vector<Bytes> out;
  uint32_t s = from;
  while (s != to && out.size() < max) {
    const Slot& first = t.slots[s % cfg_.ring_size];
    if (first.flags & kEmpty) {
      s++;
      continue;
    }
    if (!(first.flags & kFirst)) Violation("published slot is not the start of a frame");
    Bytes f;
    for (;;) {
      const Slot& sl = t.slots[s % cfg_.ring_size];
      const uint8_t* p = &t.bufs[size_t(s % cfg_.ring_size) * cfg_.buf_size];
      f.insert(f.end(), p, p + sl.len);
      s++;
      if (!(sl.flags & kMore)) break;
      if (s == to) {
        Violation("a published frame runs past the published slots");
        break;
      }
    }
    out.push_back(std::move(f));
  }
  std::lock_guard<std::mutex> lock(t.mu);
  t.consumed = s;
  return out;
}

uint32_t FakePort::TxPendingFrames(uint32_t q) {
  TxQueue& t = *tx_[q];
  std::lock_guard<std::mutex> lock(t.mu);
  uint32_t n = 0;
  for (uint32_t s = t.consumed; s != t.published; s++)
    if (t.slots[s % cfg_.ring_size].flags & kFirst) n++;
  return n;
}

uint64_t FakePort::out_of_order_commits() const {
  uint64_t n = 0;
  for (const auto& t : tx_) n += t->ooo_commits.load();
  return n;
}

uint32_t FakePort::max_concurrent_copiers() const {
  uint32_t n = 0;
  for (const auto& t : tx_) n = std::max(n, t->max_copiers.load());
  return n;
}

InFrame SplitFrame(const Bytes& bytes, uint32_t max_segs, uint64_t rnd) {
  std::mt19937_64 gen(rnd);
  const uint32_t len = uint32_t(bytes.size());
  uint32_t nsegs = 1 + uint32_t(gen() % std::max<uint32_t>(1, max_segs));
  nsegs = std::min(nsegs, std::max<uint32_t>(1, len));
  std::vector<uint32_t> cuts;
  while (cuts.size() + 1 < nsegs) {
    const uint32_t c = 1 + uint32_t(gen() % (len - 1));
    if (std::find(cuts.begin(), cuts.end(), c) == cuts.end()) cuts.push_back(c);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(len);
  InFrame f;
  uint32_t at = 0;
  for (uint32_t c : cuts) {
    f.segs.emplace_back(bytes.begin() + at, bytes.begin() + c);
    at = c;
  }
  return f;
}

}  // namespace msw_test
