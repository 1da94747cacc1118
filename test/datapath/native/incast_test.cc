// Incast (the paper's §3.3 destination-port parallelism): senders pinned to
// different workers all forward into ONE destination port at once, every
// worker reserving, copying and committing on the same transmit ring.
//
// With room (a credit scheme keeps frames in flight below the ring size):
// every frame arrives, none twice, each sender's in order, bytes intact.
// With a small ring and a reader that pauses: every frame is either read
// or counted as a no-space drop, exactly; still no duplicate, and each
// sender's frames that arrive do so in order.
#include <poll.h>
#include <unistd.h>

#include <thread>

#include "check.h"
#include "switch_rig.h"
#include "test_logics.h"

namespace msw_test {
namespace {

constexpr uint32_t kDst = 100;

uint64_t Tag(uint32_t src, uint32_t seq) { return (uint64_t(src) << 32) | seq; }

struct IncastConfig {
  uint32_t workers;
  uint32_t senders;
  uint32_t per_sender;
  uint32_t ring_size;
  bool credits;       // keep in-flight frames below the ring size
  bool pause_reader;  // reader waits until half the frames were forwarded
};

struct IncastResult {
  uint64_t sent = 0, received = 0, no_space = 0;
  uint32_t max_copiers = 0;
  uint64_t ooo_commits = 0;
};

IncastResult RunIncast(const IncastConfig& ic, uint64_t seed) {
  std::string map;
  for (uint32_t s = 1; s <= ic.senders; s++)
    map += (map.empty() ? "" : ",") + std::to_string(s) + "=" + std::to_string(kDst);
  SwitchRig rig(RigConfig("static", map, ic.workers));
  std::vector<FakePort*> src;
  for (uint32_t s = 1; s <= ic.senders; s++)
    src.push_back(rig.Add(s, FakePortConfig(), int((s - 1) % ic.workers)));
  FakePortConfig dc;
  dc.ring_size = ic.ring_size;
  dc.slow_copy_every = 3;  // some copies dawdle, so commits come out of order
  FakePort* dst = rig.Add(kDst, dc, 0);
  dst->SetTxIrq(0, true);

  const uint64_t total = uint64_t(ic.senders) * ic.per_sender;
  std::atomic<int64_t> credits{int64_t(ic.ring_size)};
  std::atomic<uint64_t> received{0};
  std::atomic<bool> stop_reader{false};

  // The reader: sleeps on the kick eventfd, drains, checks every frame.
  std::thread reader([&] {
    std::vector<int64_t> next(ic.senders + 1, 0);  // next sequence expected
    if (ic.pause_reader)
      WaitFor([&] {
        uint64_t done = 0;
        for (FakePort* p : src) done += p->rx_released();
        return done >= total / 2;
      }, 60);
    for (;;) {
      pollfd pfd{dst->TxKickFd(0), POLLIN, 0};
      poll(&pfd, 1, 2);
      uint64_t v;
      if (pfd.revents & POLLIN) (void)!read(pfd.fd, &v, sizeof v);
      const std::vector<Bytes> got = dst->Drain();
      for (const Bytes& f : got) {
        const uint64_t tag = FrameTag(f);
        const uint32_t s = uint32_t(tag >> 32), seq = uint32_t(tag);
        THREAD_CHECK_MSG(s >= 1 && s <= ic.senders, "frame from unknown sender " << s);
        if (s < 1 || s > ic.senders) continue;
        THREAD_CHECK_MSG(f == DirectedFrame(0, 0, tag, uint32_t(f.size())),
                         "sender " << s << " frame " << seq << " corrupted");
        if (ic.credits)
          THREAD_CHECK_MSG(seq == next[s], "sender " << s << ": got " << seq << ", expected "
                                                     << next[s] << " (lost or reordered)");
        else
          THREAD_CHECK_MSG(int64_t(seq) >= next[s], "sender " << s << ": got " << seq
                                                              << " after " << next[s] - 1
                                                              << " (duplicate or reordered)");
        next[s] = int64_t(seq) + 1;
      }
      received += got.size();
      credits += int64_t(got.size());
      if (stop_reader && dst->TxPendingFrames() == 0) break;
    }
  });

  // One injector per sender, in batches of 1..64.
  std::vector<std::thread> injectors;
  for (uint32_t s = 1; s <= ic.senders; s++) {
    injectors.emplace_back([&, s] {
      Rng rng(seed + s);
      FakePort* p = src[s - 1];
      for (uint32_t seq = 0; seq < ic.per_sender;) {
        const uint32_t n = std::min(rng.Range(1, 64), ic.per_sender - seq);
        if (ic.credits) {
          const bool ok = WaitFor([&] {
            int64_t c = credits.load();
            return c >= n && credits.compare_exchange_weak(c, c - n);
          }, 60);
          THREAD_CHECK_MSG(ok, "sender " << s << " starved of credits");
          if (!ok) return;
        }
        std::vector<Bytes> batch;
        for (uint32_t i = 0; i < n; i++)
          batch.push_back(DirectedFrame(0, 0, Tag(s, seq + i), rng.Range(60, 1500)));
        p->Inject(0, Whole(batch));
        seq += n;
      }
    });
  }
  for (std::thread& t : injectors) t.join();
  for (FakePort* p : src) rig.WaitDrained(p);
  stop_reader = true;
  reader.join();
  CheckThreads();

  IncastResult r;
  r.sent = total;
  r.received = received.load();
  const msw::PortStats ds = dst->Stats();
  r.no_space = ds.drops[msw::kNoSpace];
  for (uint32_t reason = 0; reason < msw::kNumDropReasons; reason++)
    if (reason != msw::kNoSpace)
      CHECK_MSG(ds.drops[reason] == 0, ds.drops[reason] << " " << msw::DropReasonName(reason));
  CHECK_EQ(ds.tx_packets, r.received);
  for (FakePort* p : src) {
    const msw::PortStats ss = p->Stats();
    CHECK_EQ(ss.rx_packets, uint64_t(ic.per_sender));
    for (uint32_t reason = 0; reason < msw::kNumDropReasons; reason++)
      CHECK_MSG(ss.drops[reason] == 0, p->name() << ": " << ss.drops[reason] << " "
                                                 << msw::DropReasonName(reason));
  }
  // Every worker forwarded its senders' frames.
  const std::vector<msw::WorkerStats> ws = rig.sw().WorkerStatsSnapshot();
  for (uint32_t w = 0; w < ic.workers; w++) CHECK_MSG(ws[w].frames > 0, "worker " << w << " idle");
  r.max_copiers = dst->max_concurrent_copiers();
  r.ooo_commits = dst->out_of_order_commits();
  rig.CheckPorts();
  return r;
}

}  // namespace

MSW_TEST(incast_with_room_loses_nothing_and_keeps_order) {
  for (uint32_t workers = 2; workers <= 4; workers++) {
    IncastConfig ic{workers, 2 * workers, 6000, 1024, true, false};
    const IncastResult r = RunIncast(ic, ctx.seed + workers);
    CHECK_EQ(r.received, r.sent);
    CHECK_EQ(r.no_space, 0u);
    std::printf("incast %u workers, %u senders: %llu frames, all received; up to %u copying "
                "at once, %llu commits out of order\n",
                workers, ic.senders, (unsigned long long)r.sent, r.max_copiers,
                (unsigned long long)r.ooo_commits);
  }
}

MSW_TEST(incast_small_ring_counts_every_loss) {
  for (uint32_t workers = 2; workers <= 4; workers++) {
    IncastConfig ic{workers, 2 * workers, 4000, 32, false, true};
    const IncastResult r = RunIncast(ic, ctx.seed + workers);
    CHECK_MSG(r.received + r.no_space == r.sent, r.received << " received + " << r.no_space
                                                            << " no-space != " << r.sent << " sent");
    CHECK_MSG(r.no_space > 0, "the reader paused, yet nothing overflowed");
    std::printf("incast %u workers, ring 32: %llu sent = %llu received + %llu no-space\n", workers,
                (unsigned long long)r.sent, (unsigned long long)r.received,
                (unsigned long long)r.no_space);
  }
}

}  // namespace msw_test
