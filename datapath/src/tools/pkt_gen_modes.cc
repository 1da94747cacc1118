// mswitch-pkt-gen per-mode loops.  Each runs on its own thread for one
// queue (ping: queue 0) until its quota is met or Run::stop is set by the
// main thread (duration, signal, disconnect) or by a receive loop that saw
// its count.
//
// Design
//   tx posts prefilled frames (MemifClient::SendPrefilled): per frame only
//   the sequence number (and flow fields) is stamped, no copy and no
//   system call; at most one kick per batch.  memif has no "buffers
//   returned" interrupt, so when the ring is full tx spins briefly, then
//   (without --busy) naps 10 µs at a time.  Rate limiting is by schedule:
//   frame k is due at start + k / rate, so a late batch is caught up.
//
//   rx drains a queue in batches and, when it is empty, sleeps in
//   WaitRx (--busy: keeps polling).  Every frame goes through the thread's
//   RxChecker.
//
//   ping sends one frame (copy path), waits for the same stream and
//   sequence number to come back and records the round trip; a reply not
//   seen within a second counts as lost.  pong copies each received frame
//   out of the ring, swaps its MACs and sends it back.
//
// Threads
//   A loop touches only its queue's counters and checker and reads the
//   options; Run::rtt_us and the ping/pong totals belong to the single
//   ping/pong thread until it has been joined.
#include <emmintrin.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "tools/pkt_gen.h"

namespace msw {
namespace pktgen {
namespace {

void SleepNs(int64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  nanosleep(&ts, nullptr);
}

}  // namespace

// Waits for ring space in the style the options ask: --busy spins,
// otherwise a few spins, then 10 µs naps ('spins' counts the attempts).
void Backoff(const Options& o, uint32_t* spins) {
  if (o.busy || ++*spins < 64) {
    _mm_pause();
    return;
  }
  SleepNs(10000);
}

// Sleeps (or spins, when close) until absolute time 'due_ns' or 'stop'.
void SleepUntil(int64_t due_ns, const std::atomic<bool>& stop) {
  for (;;) {
    int64_t left = due_ns - NowNs();
    if (left <= 0 || stop.load(std::memory_order_relaxed)) return;
    if (left > 40000) {
      SleepNs(std::min<int64_t>(left - 30000, 50000000));  // wakes ~30 µs early
    } else {
      _mm_pause();
    }
  }
}

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

void TxLoop(Run* run, uint32_t q, uint64_t quota, double rate) {
  const Options& o = *run->opt;
  MemifClient* c = run->client;
  const uint32_t stream = o.stream + q;
  c->PrefillTx(q, [&](uint32_t slot, uint8_t* buf, uint32_t cap) {
    BuildFrame(o, stream, 0, 0, buf, std::min(cap, o.len), o.len);
  });
  uint64_t seq = 0;
  uint32_t flow = 0;  // (seq + i) % flows, without a division per frame
  const MemifClient::TxStamp stamp = [&](uint8_t* buf, uint32_t i) {
    StampFrame(o, buf, seq + i, flow);
    if (++flow == o.flows) flow = 0;
  };
  const int64_t start = NowNs();
  // Rate-limited, frames go out in bursts of about 200 µs worth (at most
  // a batch), each as soon as its last frame is due.
  const uint64_t burst =
      rate > 0 ? std::max<uint64_t>(1, std::min<uint64_t>(o.batch, rate * 200e-6)) : o.batch;
  uint32_t spins = 0;
  while (!run->stop.load(std::memory_order_relaxed)) {
    if (seq >= quota) break;
    const uint64_t want = std::min<uint64_t>(burst, quota - seq);
    if (rate > 0) {
      SleepUntil(start + static_cast<int64_t>((seq + want - 1) / rate * 1e9), run->stop);
    }
    const uint32_t n = c->SendPrefilled(q, static_cast<uint32_t>(want), o.len, stamp);
    if (n == 0) {
      Backoff(o, &spins);
      continue;
    }
    spins = 0;
    seq += n;
    run->tx[q].Add(n, uint64_t{n} * o.len, NowNs());
  }
  // Let the master take what is still on the ring before we go (bounded).
  const int64_t give_up = NowNs() + 1000000000;
  while (c->TxPending(q) > 0 && c->Connected() && NowNs() < give_up) SleepNs(100000);
  run->tx_running.fetch_sub(1);
}

void RxLoop(Run* run, uint32_t q) {
  const Options& o = *run->opt;
  MemifClient* c = run->client;
  RxChecker& check = run->checkers[q];
  uint64_t bytes = 0;
  const MemifClient::RxFn fn = [&](const uint8_t* p, uint32_t len) {
    bytes += len;
    check.Add(p, len);
  };
  while (!run->stop.load(std::memory_order_relaxed)) {
    bytes = 0;
    const uint32_t n = c->Recv(q, o.batch, fn);
    if (n == 0) {
      if (o.busy) {
        _mm_pause();
      } else if (!c->WaitRx(q, 100) && !c->Connected()) {
        break;
      }
      continue;
    }
    run->rx[q].Add(n, bytes, NowNs());
    if (o.count && run->rx_total.fetch_add(n) + n >= o.count &&
        o.mode == Mode::kRx) {
      run->stop.store(true);
    }
  }
}

void PingLoop(Run* run) {
  const Options& o = *run->opt;
  MemifClient* c = run->client;
  std::unique_ptr<uint8_t[]> frame(new uint8_t[o.len]);
  BuildFrame(o, o.stream, 0, 0, frame.get(), o.len, o.len);
  const uint8_t* frames[1] = {frame.get()};
  const uint32_t lens[1] = {o.len};
  uint64_t seq = 0;
  int64_t sent_at = 0;
  bool echoed = false;
  uint64_t bytes = 0;
  // Recognises the echo of the frame in flight; anything else is ignored.
  const MemifClient::RxFn fn = [&](const uint8_t* p, uint32_t len) {
    bytes += len;
    uint32_t stream;
    uint64_t s;
    if (ParseFrame(p, len, &stream, &s) == FrameKind::kOurs && stream == o.stream &&
        s == seq && !echoed) {
      echoed = true;
      run->rtt_us.push_back((NowNs() - sent_at) / 1000.0);
    }
  };
  const int64_t start = NowNs();
  while (!run->stop.load(std::memory_order_relaxed) && (!o.count || seq < o.count)) {
    if (o.rate > 0) SleepUntil(start + static_cast<int64_t>(seq / o.rate * 1e9), run->stop);
    StampFrame(o, frame.get(), seq, static_cast<uint32_t>(seq % o.flows));
    echoed = false;
    uint32_t spins = 0;
    sent_at = NowNs();
    while (c->Send(0, frames, lens, 1) == 0 && !run->stop.load(std::memory_order_relaxed)) {
      Backoff(o, &spins);
    }
    run->tx[0].Add(1, o.len, NowNs());
    const int64_t deadline = sent_at + 1000000000;
    while (!echoed && !run->stop.load(std::memory_order_relaxed)) {
      bytes = 0;
      const uint32_t n = c->Recv(0, o.batch, fn);
      if (n) run->rx[0].Add(n, bytes, NowNs());
      if (echoed) break;
      const int64_t now = NowNs();
      if (now >= deadline) break;
      if (o.busy) {
        _mm_pause();
      } else if (!c->WaitRx(0, static_cast<int>((deadline - now) / 1000000) + 1) &&
                 !c->Connected()) {
        break;
      }
    }
    // A round trip cut short by the end of the run (-T, a signal) is not
    // a loss: only one that waited its full second is.
    if (!echoed && NowNs() >= deadline) run->ping_lost++;
    seq++;
  }
  run->tx_running.fetch_sub(1);
}

void PongLoop(Run* run, uint32_t q) {
  const Options& o = *run->opt;
  MemifClient* c = run->client;
  // Received frames are copied here (they must leave the ring before the
  // buffers are handed back), their MACs swapped, then sent as one batch.
  const size_t cap = size_t{o.batch} * kMemifMaxFrame;
  std::unique_ptr<uint8_t[]> arena(new uint8_t[cap]);
  std::vector<const uint8_t*> ptrs(o.batch);
  std::vector<uint32_t> lens(o.batch);
  uint32_t n = 0;
  size_t used = 0;
  const MemifClient::RxFn fn = [&](const uint8_t* p, uint32_t len) {
    uint8_t* dst = arena.get() + used;
    memcpy(dst, p, len);
    SwapMacs(dst);
    ptrs[n] = dst;
    lens[n] = len;
    used += len;
    n++;
  };
  while (!run->stop.load(std::memory_order_relaxed)) {
    n = 0;
    used = 0;
    const uint32_t got = c->Recv(q, o.batch, fn);
    if (got == 0) {
      if (o.busy) {
        _mm_pause();
      } else if (!c->WaitRx(q, 100) && !c->Connected()) {
        break;
      }
      continue;
    }
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < got; i++) bytes += lens[i];
    run->rx[q].Add(got, bytes, NowNs());
    // Send everything back; give up on what the master has not taken
    // room for within 100 ms.
    uint32_t done = 0, spins = 0;
    const int64_t give_up = NowNs() + 100000000;
    while (done < got && !run->stop.load(std::memory_order_relaxed) && NowNs() < give_up) {
      const uint32_t k = c->Send(q, ptrs.data() + done, lens.data() + done, got - done);
      if (k == 0) {
        Backoff(o, &spins);
        continue;
      }
      uint64_t b = 0;
      for (uint32_t i = done; i < done + k; i++) b += lens[i];
      run->tx[q].Add(k, b, NowNs());
      done += k;
    }
    run->pong_dropped += got - done;
  }
}

}  // namespace pktgen
}  // namespace msw
