// Workers: the interrupt model (sleep when idle, wake on the eventfd kick)
// and the lifetime rules (ports added and removed, logics swapped, while
// traffic flows; QSBR must keep every worker off freed memory).  The churn
// and swap tests are the ones to run under -fsanitize=address.
#include <thread>

#include "check.h"
#include "switch_rig.h"
#include "test_logics.h"

namespace msw_test {
namespace {

// Injects 'frames' on port 'p' once its worker has armed interrupts, until
// an injection finds them armed (and so kicks); returns whether one did.
bool InjectWhileAsleep(FakePort* p, const std::vector<Bytes>& frames) {
  for (int attempt = 0; attempt < 20; attempt++) {
    if (!WaitFor([&] { return p->rx_irq_enabled(); })) return false;
    const uint64_t kicks = p->rx_kicks();
    p->Inject(0, Whole(frames));
    if (p->rx_kicks() > kicks) return true;
    // The worker woke on its own timeout in between: wait for it to settle.
    if (!WaitFor([&] { return p->rx_released() == p->rx_injected(); })) return false;
  }
  return false;
}

}  // namespace

// An idle worker arms interrupts and sleeps (its sleep time grows while it
// forwards nothing); a frame kicks its eventfd and it wakes and forwards.
MSW_TEST(worker_sleeps_when_idle_and_wakes_on_kick) {
  msw::SwitchConfig cfg = RigConfig("test-directed");
  cfg.idle_polls = 16;
  SwitchRig rig(cfg);
  FakePort* p1 = rig.Add(1);
  FakePort* p2 = rig.Add(2);
  CHECK_MSG(WaitFor([&] { return p1->rx_irq_enabled() && p2->rx_irq_enabled(); }),
            "the worker never armed interrupts");
  const msw::WorkerStats s0 = rig.sw().WorkerStatsSnapshot()[0];
  CHECK_EQ(s0.frames, 0u);
  CHECK_EQ(s0.queues, 2u);
  // It wakes by itself now and then (a 1 s timeout); between, it slept.
  msw::WorkerStats s1;
  CHECK_MSG(WaitFor([&] {
    s1 = rig.sw().WorkerStatsSnapshot()[0];
    return s1.wakeups > s0.wakeups;
  }), "the worker never finished a sleep");
  CHECK_MSG(s1.sleep_ns > s0.sleep_ns, "sleep time did not grow: " << s1.sleep_ns);
  CHECK_EQ(s1.frames, 0u);
  CHECK_EQ(s1.batches, 0u);

  // A kick wakes it.
  const std::vector<Bytes> frames = {DirectedFrame(2, 0, 7, 64), DirectedFrame(2, 0, 8, 128)};
  CHECK_MSG(InjectWhileAsleep(p1, frames), "no injection found the worker asleep");
  rig.WaitDrained(p1);
  const std::vector<Bytes> got = p2->Drain();
  CHECK_EQ(got.size(), 2u);
  CHECK(got[0] == frames[0] && got[1] == frames[1]);
  const msw::WorkerStats s2 = rig.sw().WorkerStatsSnapshot()[0];
  CHECK_EQ(s2.frames, 2u);
  CHECK(s2.wakeups > s1.wakeups);
  // And goes back to sleep.
  CHECK_MSG(WaitFor([&] { return p1->rx_irq_enabled(); }), "the worker did not sleep again");
  rig.CheckPorts();
}

namespace {

// Port churn: stable senders keep sending (unicast to a stable sink, to
// churning ports and to missing ones, floods if 'flood') while the test
// thread adds and removes ports 'ops' times, each new port arriving with
// frames of its own to send.  Without floods every frame the switch took
// is accounted for exactly: delivered on some incarnation of some port,
// or dropped with a reason.
void Churn(TestContext& ctx, msw::FabricMode mode, uint32_t workers, bool flood, uint32_t ops) {
  msw::SwitchConfig cfg = RigConfig("test-directed", "", workers);
  cfg.mode = mode;
  SwitchRig rig(cfg);
  Rng rng(ctx.seed + workers * 2 + (flood ? 1 : 0));
  constexpr uint32_t kSources = 3, kSink = 9, kChurnLo = 20, kChurnHi = 31;
  std::vector<FakePort*> sources;
  for (uint32_t s = 1; s <= kSources; s++) sources.push_back(rig.Add(s, FakePortConfig(), int(s % workers)));
  FakePortConfig sink_cfg;
  sink_cfg.ring_size = 1024;
  FakePort* sink = rig.Add(kSink, sink_cfg);

  // Everything the switch took and did, including ports since removed.
  uint64_t taken = 0, delivered = 0, dropped = 0;
  auto account = [&](FakePort& p) {
    const msw::PortStats st = p.Stats();
    taken += p.rx_released_all();
    delivered += st.tx_packets;
    for (uint64_t d : st.drops) dropped += d;
  };
  auto dst_for = [&](Rng& r) -> std::pair<uint32_t, uint8_t> {
    const uint32_t c = r.Range(0, 99);
    if (flood && c < 10) return {0, 1};
    if (c < 40) return {kSink, 0};
    if (c < 90) return {r.Range(kChurnLo, kChurnHi), 0};
    if (c < 95) return {r.Range(1, kSources), 0};
    return {0, 2};
  };

  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::vector<int64_t> last(kSources + 1, -1);
    while (!stop) {
      for (const Bytes& f : sink->Drain()) {
        const uint64_t tag = FrameTag(f);
        const uint32_t s = uint32_t(tag >> 32);
        if (s < 1 || s > kSources) continue;  // from a churning port
        THREAD_CHECK_MSG(int64_t(uint32_t(tag)) > last[s], "source " << s << " out of order");
        last[s] = uint32_t(tag);
      }
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> senders;
  for (uint32_t s = 1; s <= kSources; s++) {
    senders.emplace_back([&, s] {
      Rng r(ctx.seed * 31 + s);
      FakePort* p = sources[s - 1];
      for (uint32_t seq = 0; !stop;) {
        std::vector<Bytes> batch;
        for (uint32_t i = r.Range(1, 32); i > 0; i--, seq++) {
          const auto d = dst_for(r);
          batch.push_back(DirectedFrame(d.first, d.second, (uint64_t(s) << 32) | seq, r.Range(60, 600)));
        }
        p->Inject(0, Whole(batch));
        // Do not run far ahead of the switch.
        WaitFor([&] { return p->rx_injected() - p->rx_released() < 256 || stop; }, 60);
      }
    });
  }

  // The churn itself.
  std::map<uint32_t, FakePort*> live;
  for (uint32_t op = 0; op < ops; op++) {
    const uint32_t idx = rng.Range(kChurnLo, kChurnHi);
    if (live.count(idx)) {
      std::unique_ptr<FakePort> gone = rig.Remove(idx);
      gone->Drain();
      account(*gone);
      CHECK_MSG(gone->violations() == 0, gone->first_violation());
      live.erase(idx);
    } else {
      FakePortConfig pc;
      pc.ring_size = 64;
      pc.rx_irq = rng.Chance(0.8);
      const int worker = rng.Chance(0.5) ? -1 : int(rng.Range(0, workers - 1));
      FakePort* p = rig.Add(idx, pc, worker);
      std::vector<Bytes> own;
      for (uint32_t i = rng.Range(0, 40); i > 0; i--) {
        const auto d = dst_for(rng);
        own.push_back(DirectedFrame(d.first, d.second, (uint64_t(idx) << 32) | i, rng.Range(60, 300)));
      }
      p->Inject(0, Whole(own));
      live[idx] = p;
    }
  }
  stop = true;
  for (std::thread& t : senders) t.join();
  reader.join();
  CheckThreads();
  for (FakePort* p : sources) rig.WaitDrained(p);
  for (auto& kv : live) {
    std::unique_ptr<FakePort> gone = rig.Remove(kv.first);
    account(*gone);
  }
  for (FakePort* p : sources) account(*p);
  account(*sink);
  rig.CheckPorts();
  if (!flood)
    CHECK_MSG(taken == delivered + dropped, "switch took " << taken << " frames; "
                                                          << delivered << " delivered + "
                                                          << dropped << " dropped");
  std::printf("churn %s, %u workers%s: %u port changes, %llu frames taken, %llu delivered, "
              "%llu dropped\n",
              mode == msw::FabricMode::kVale ? "VALE" : "mSwitch", workers,
              flood ? ", floods" : "", ops, (unsigned long long)taken,
              (unsigned long long)delivered, (unsigned long long)dropped);
}

}  // namespace

MSW_TEST(ports_added_and_removed_under_traffic) {
  Churn(ctx, msw::FabricMode::kMSwitch, 2, false, 300);
  Churn(ctx, msw::FabricMode::kVale, 3, false, 300);
  Churn(ctx, msw::FabricMode::kMSwitch, 4, true, 300);
  Churn(ctx, msw::FabricMode::kVale, 2, true, 200);
}

// The logic swapped back and forth (l2-learning <-> static) while two
// workers forward, with control commands in between; then a last swap to
// a static map that must hold exactly.
MSW_TEST(logic_swapped_under_traffic) {
  SwitchRig rig(RigConfig("l2-learning", "", 2));
  FakePort* p1 = rig.Add(1, FakePortConfig(), 0);
  FakePort* p2 = rig.Add(2, FakePortConfig(), 1);
  FakePort* p3 = rig.Add(3, FakePortConfig(), 1);
  const uint64_t kMac[4] = {0, 0x020000000001ull, 0x020000000002ull, 0x020000000003ull};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (uint32_t s = 1; s <= 2; s++) {
    threads.emplace_back([&, s] {
      FakePort* p = s == 1 ? p1 : p2;
      for (uint64_t seq = 0; !stop; seq++) {
        const uint64_t dst = seq % 7 == 0 ? 0xffffffffffffull : kMac[3 - s];
        p->Inject(0, Whole({EthFrame(dst, kMac[s], seq, 60 + seq % 500)}));
        WaitFor([&] { return p->rx_injected() - p->rx_released() < 128 || stop; }, 60);
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop) {
      p1->Drain();
      p2->Drain();
      p3->Drain();
      std::this_thread::yield();
    }
  });
  // Let traffic start, so swaps happen under it.
  CHECK(WaitFor([&] { return p1->rx_released() > 100 && p2->rx_released() > 100; }));
  for (int i = 0; i < 100; i++) {
    rig.SetLogic("static", "1=2,2=1,3=1");
    CHECK_EQ(rig.Control("show"), std::string("1=2,2=1,3=1"));
    rig.Control("set 3 2");
    rig.SetLogic("l2-learning", "aging=300");
    rig.Control("show");
    CHECK_EQ(rig.sw().logic_name(), std::string("l2-learning"));
  }
  stop = true;
  for (std::thread& t : threads) t.join();
  rig.WaitDrained(p1);
  rig.WaitDrained(p2);
  const uint64_t forwarded = rig.sw().WorkerStatsSnapshot()[0].frames +
                             rig.sw().WorkerStatsSnapshot()[1].frames;
  CHECK_MSG(forwarded > 0, "nothing was forwarded during the swaps");
  std::printf("logic swap: 200 swaps while %llu frames were forwarded\n",
              (unsigned long long)forwarded);

  // After the last swap, the new map and only it applies.
  rig.SetLogic("static", "1=3,2=3");
  for (FakePort* p : {p1, p2, p3}) p->Drain();
  std::vector<Bytes> a, b;
  for (uint64_t i = 0; i < 50; i++) {
    a.push_back(EthFrame(kMac[2], kMac[1], 1000 + i, 100));
    b.push_back(EthFrame(kMac[1], kMac[2], 2000 + i, 100));
  }
  p1->Inject(0, Whole(a));
  p2->Inject(0, Whole(b));
  rig.WaitDrained(p1);
  rig.WaitDrained(p2);
  std::vector<Bytes> from1, from2;
  for (Bytes& f : p3->Drain()) (f[11] == 1 ? from1 : from2).push_back(f);
  CHECK(from1 == a);
  CHECK(from2 == b);
  CHECK_EQ(p1->Drain().size(), 0u);
  CHECK_EQ(p2->Drain().size(), 0u);
  rig.CheckPorts();
}

}  // namespace msw_test
