// MemifPort on its own (no switch, no socket): the client side of the
// rings is a RawClient writing into the same memfd, so each test can put
// exactly the descriptors it wants in front of the port, hostile ones
// included, and read back exactly what the port wrote.
#include <sys/uio.h>

#include <thread>

#include "check.h"
#include "memif/memif_port.h"
#include "memif_raw_client.h"

namespace msw_test {
namespace {

using msw::memif::Desc;

// A port over a RawClient's memory plus a worker-sized receive batch.
struct PortRig {
  explicit PortRig(const RawLayout& l = RawLayout()) : client(l) {
    port.reset(new msw::MemifPort(7, "memif7", client.MakeShared()));
    batch.frames = frames;
    batch.cap_frames = 256;
    batch.segs = segs;
    batch.cap_segs = 256 + msw::kMaxChain;
  }
  uint32_t Receive(uint32_t max = 256) {
    batch.Clear();
    return port->Receive(0, batch, max, port->counters(0));
  }
  Bytes Frame(uint32_t i) const {
    Bytes out;
    const msw::RxFrame& f = batch.frames[i];
    for (uint32_t s = 0; s < f.nsegs; s++) {
      const msw::Segment& g = batch.segs[f.first_seg + s];
      out.insert(out.end(), g.data, g.data + g.len);
    }
    return out;
  }
  uint64_t Drops(msw::DropReason r) { return port->Stats().drops[r]; }
  // Sends 'frames' through reserve / copy / commit on queue 0.
  uint32_t Send(const std::vector<Bytes>& frames) {
    std::vector<msw::Segment> seg(frames.size());
    std::vector<msw::FrameView> v(frames.size());
    std::vector<uint32_t> cum(frames.size());
    uint32_t total = 0;
    for (size_t i = 0; i < frames.size(); i++) {
      seg[i] = msw::Segment{frames[i].data(), uint32_t(frames[i].size())};
      v[i] = msw::FrameView{nullptr, 0, &seg[i], 1, 0, uint32_t(frames[i].size())};
      total += port->TxSlotsFor(v[i].len);
      cum[i] = total;
    }
    msw::TxLease lease;
    const uint32_t fit = port->TxReserve(0, cum.data(), uint32_t(frames.size()), lease);
    if (fit) {
      port->TxCopy(lease, v.data(), fit, port->counters(0));
      port->TxCommit(lease);
    }
    return fit;
  }

  RawClient client;
  std::unique_ptr<msw::MemifPort> port;
  msw::RxFrame frames[256];
  msw::Segment segs[256 + msw::kMaxChain];
  msw::RxBatch batch;
};

Bytes Pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; i++) b[i] = uint8_t(seed + i * 7);
  return b;
}

uint64_t ReadEventFd(int fd) {
  uint64_t v = 0;
  return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

MSW_TEST(MemifPortReceivesFramesAndChains) {
  PortRig rig;
  CHECK(rig.port->up());
  CHECK_EQ(rig.port->num_rx_queues(), 1u);
  CHECK_EQ(rig.port->tx_buf_size(), 2048u);
  const std::vector<Bytes> sent = {Pattern(60, 1), Pattern(2048, 2), Pattern(5000, 3), Pattern(65535, 4)};
  for (const Bytes& f : sent) CHECK(rig.client.SendFrame(0, f));
  CHECK(rig.port->RxPending(0));
  CHECK_EQ(rig.Receive(), 4u);
  CHECK_EQ(rig.batch.frames[2].nsegs, 3u);
  for (uint32_t i = 0; i < 4; i++) CHECK(rig.Frame(i) == sent[i]);
  CHECK_EQ(rig.client.s2m(0)->tail, 0);  // not before ReleaseRx
  rig.port->ReleaseRx(0);
  CHECK_EQ(rig.client.s2m(0)->tail, rig.client.s2m(0)->head);
  CHECK(!rig.port->RxPending(0));
  const msw::PortStats s = rig.port->Stats();
  CHECK_EQ(s.rx_packets, 4u);
  CHECK_EQ(s.rx_bytes, 60u + 2048 + 5000 + 65535);
}

MSW_TEST(MemifPortRespectsBatchLimits) {
  PortRig rig;
  for (int i = 0; i < 10; i++) CHECK(rig.client.SendFrame(0, Pattern(100, uint8_t(i))));
  CHECK_EQ(rig.Receive(3), 3u);  // 'max'
  rig.port->ReleaseRx(0);
  rig.batch.Clear();
  rig.batch.cap_frames = 2;  // HasRoom
  CHECK_EQ(rig.port->Receive(0, rig.batch, 256, rig.port->counters(0)), 2u);
  CHECK(rig.Frame(1) == Pattern(100, 4));
  rig.port->ReleaseRx(0);
  rig.batch.cap_frames = 256;
  CHECK_EQ(rig.Receive(), 5u);
}

// One hostile frame per case between two good ones: the good ones come
// through, the bad one is consumed and counted under its reason.
MSW_TEST(MemifPortDropsHostileDescriptors) {
  struct Case {
    const char* what;
    msw::DropReason reason;
    std::vector<Desc> descs;  // offsets relative to slot 0's buffer unless huge
  };
  const uint32_t big = 0xfffffff0u;
  const std::vector<Case> cases = {
      {"unknown region", msw::kBadRegion, {{0, 1, 64, 0, 0}}},
      {"zero length", msw::kBadLength, {{0, 0, 0, 0, 0}}},
      {"length beyond region", msw::kBadLength, {{0, 0, big, 0, 0}}},
      {"offset past the end", msw::kBadOffset, {{0, 0, 64, big, 0}}},
      {"offset+length wraps 32 bits", msw::kBadOffset, {{0, 0, 0x20, 0xfffffff0u, 0}}},
      {"chain longer than kMaxChain", msw::kBadChain,
       std::vector<Desc>(msw::kMaxChain + 1, Desc{msw::memif::kDescFlagNext, 0, 16, 0, 0})},
      {"chain over 65535 bytes", msw::kTooLong,
       {{msw::memif::kDescFlagNext, 0, 60000, 0, 0}, {0, 0, 6000, 0, 0}}},
      {"bad region inside a chain", msw::kBadRegion,
       {{msw::memif::kDescFlagNext, 0, 64, 0, 0}, {msw::memif::kDescFlagNext, 9, 64, 0, 0},
        {0, 0, 64, 0, 0}}},
  };
  for (const Case& c : cases) {
    PortRig rig(RawLayout{1, 1, 8, 2048, true});
    CHECK(rig.client.SendFrame(0, Pattern(70, 1)));
    msw::memif::Ring* r = rig.client.s2m(0);
    uint16_t head = r->head;
    std::vector<Desc> descs = c.descs;
    if (descs.size() > 1) descs.back().flags &= uint16_t(~msw::memif::kDescFlagNext);
    for (const Desc& d : descs) r->desc[head++ & 255] = d;
    rig.client.Publish(0, head);
    CHECK(rig.client.SendFrame(0, Pattern(80, 2)));
    CHECK_MSG(rig.Receive() == 2, c.what);
    CHECK_MSG(rig.Frame(0) == Pattern(70, 1) && rig.Frame(1) == Pattern(80, 2), c.what);
    CHECK_MSG(rig.Drops(c.reason) == 1, c.what << ": " << msw::DropReasonName(c.reason) << " = "
                                               << rig.Drops(c.reason));
    uint64_t total = 0;
    const msw::PortStats s = rig.port->Stats();
    for (uint32_t k = 0; k < msw::kNumDropReasons; k++) total += s.drops[k];
    CHECK_MSG(total == 1, c.what << ": " << total << " drops");
    rig.port->ReleaseRx(0);
    CHECK_MSG(r->tail == r->head, c.what);
  }
}

// A NEXT that runs into head: the partial chain is consumed, counted once,
// and the tail is handed back even though no frame came out.
MSW_TEST(MemifPortDropsChainPastHead) {
  PortRig rig;
  msw::memif::Ring* r = rig.client.s2m(0);
  r->desc[0] = Desc{msw::memif::kDescFlagNext, 0, 64, rig.client.DefaultOffset(0, 0), 0};
  rig.client.Publish(0, 1);
  CHECK_EQ(rig.Receive(), 0u);
  CHECK_EQ(rig.Drops(msw::kBadChain), 1u);
  CHECK_EQ(r->tail, 1);
}

MSW_TEST(MemifPortIgnoresHostileHeads) {
  PortRig rig;
  msw::memif::Ring* s2m = rig.client.s2m(0);
  rig.client.Publish(0, uint16_t(rig.client.ring_size() + 1));
  CHECK(!rig.port->RxPending(0));
  CHECK_EQ(rig.Receive(), 0u);
  CHECK_EQ(rig.Drops(msw::kBadRing), 1u);
  CHECK_EQ(s2m->tail, 0);
  rig.client.Publish(0, 0);  // the client recovers
  CHECK(rig.client.SendFrame(0, Pattern(64, 9)));
  CHECK_EQ(rig.Receive(), 1u);

  // M2S: a head claiming more than a ring of buffers offers nothing.
  msw::memif::Ring* m2s = rig.client.m2s(0);
  m2s->head = uint16_t(rig.client.ring_size() + 5);
  CHECK_EQ(rig.Send({Pattern(64, 1)}), 0u);
  m2s->head = 3;
  CHECK_EQ(rig.Send({Pattern(64, 1), Pattern(64, 2), Pattern(64, 3), Pattern(64, 4)}), 3u);
  m2s->head = 1;  // moved back below what we already used
  CHECK_EQ(rig.Send({Pattern(64, 1)}), 0u);
}

MSW_TEST(MemifPortTransmitsChainsAndKicks) {
  PortRig rig;
  rig.client.Offer(0);
  const std::vector<Bytes> frames = {Pattern(60, 1), Pattern(3000, 2), Pattern(65535, 3)};
  CHECK_EQ(rig.port->TxSlotsFor(3000), 2u);
  CHECK_EQ(rig.port->TxSlotsFor(65535), 32u);
  CHECK_EQ(rig.Send(frames), 3u);
  const msw::memif::Ring* r = rig.client.m2s(0);
  CHECK_EQ(r->tail, 35);
  CHECK_EQ(r->desc[1].length, 2048u);
  CHECK_EQ(r->desc[1].flags, msw::memif::kDescFlagNext);
  CHECK_EQ(r->desc[2].length, 3000u - 2048);
  CHECK_EQ(r->desc[2].flags, 0);
  CHECK(rig.client.Take(0) == frames);
  CHECK_EQ(ReadEventFd(rig.client.m2s_fd(0)), 1u);  // one kick per commit
  rig.client.m2s(0)->flags = msw::memif::kRingFlagMaskInt;  // the client polls
  rig.client.Offer(0);
  CHECK_EQ(rig.Send({Pattern(100, 4)}), 1u);
  CHECK_EQ(ReadEventFd(rig.client.m2s_fd(0)), 0u);
  const msw::PortStats s = rig.port->Stats();
  CHECK_EQ(s.tx_packets, 4u);
  CHECK_EQ(s.tx_bytes, 60u + 3000 + 65535 + 100);
  // A frame that does not fit whole is not granted at all.
  rig.client.m2s(0)->head = uint16_t(r->tail + 1);
  CHECK_EQ(rig.Send({Pattern(3000, 5)}), 0u);
}

// Two leases committed in reverse order: the tail waits for the first.
MSW_TEST(MemifPortCommitsOutOfOrder) {
  PortRig rig;
  rig.client.Offer(0);
  msw::Port& p = *rig.port;
  const Bytes a = Pattern(100, 1), b = Pattern(200, 2);
  msw::Segment sa{a.data(), 100}, sb{b.data(), 200};
  msw::FrameView va{nullptr, 0, &sa, 1, 0, 100}, vb{nullptr, 0, &sb, 1, 0, 200};
  const uint32_t one = 1;
  msw::TxLease la, lb;
  CHECK_EQ(p.TxReserve(0, &one, 1, la), 1u);
  CHECK_EQ(p.TxReserve(0, &one, 1, lb), 1u);
  CHECK_EQ(lb.start, la.start + 1);
  CHECK_EQ(p.TxCopy(lb, &vb, 1, p.counters(1)), 1u);
  p.TxCommit(lb);
  CHECK_EQ(rig.client.m2s(0)->tail, 0);
  CHECK_EQ(p.TxCopy(la, &va, 1, p.counters(0)), 1u);
  p.TxCommit(la);
  CHECK_EQ(rig.client.m2s(0)->tail, 2);
  CHECK(rig.client.Take(0) == (std::vector<Bytes>{a, b}));
  // A lease committed unused: returned if newest, published empty if not.
  msw::TxLease lc, ld;
  CHECK_EQ(p.TxReserve(0, &one, 1, lc), 1u);
  CHECK_EQ(p.TxReserve(0, &one, 1, ld), 1u);
  p.TxCommit(lc);  // not newest: one empty buffer once ld is done
  p.TxCommit(ld);  // newest: given back
  CHECK_EQ(rig.client.m2s(0)->tail, 3);
  CHECK(rig.client.Take(0) == std::vector<Bytes>{Bytes()});
}

// A bad offered buffer costs its frame only: the frame's slots go out
// empty, the next frame is intact.
MSW_TEST(MemifPortCountsBadOfferedBuffers) {
  PortRig rig;
  rig.client.Offer(0);
  msw::memif::Ring* r = rig.client.m2s(0);
  r->desc[1].region = 3;     // bad region
  r->desc[4].length = 1000;  // smaller than the frame's second piece needs
  const std::vector<Bytes> frames = {Pattern(64, 1), Pattern(64, 2), Pattern(64, 3),
                                     Pattern(4000, 4), Pattern(64, 5)};
  CHECK_EQ(rig.Send(frames), 5u);
  CHECK_EQ(rig.Drops(msw::kTxBadDesc), 2u);
  CHECK_EQ(rig.port->Stats().tx_packets, 3u);
  const std::vector<Bytes> got = rig.client.Take(0);
  CHECK_EQ(got.size(), 6u);  // 1, empty, 3, empty, empty, 5
  CHECK(got[0] == frames[0] && got[2] == frames[2] && got[5] == frames[4]);
  CHECK(got[1].empty() && got[3].empty() && got[4].empty());
  CHECK_EQ(r->desc[1].region, 3);  // never rewritten to something else
}

// Oracle: several threads send numbered frames into one port at once,
// while a reader thread plays the client; every frame must arrive exactly
// once, intact, and each sender's frames in its own order.
MSW_TEST(MemifPortConcurrentSendersOracle) {
  PortRig rig(RawLayout{1, 1, 10, 2048, true});
  rig.client.m2s(0)->flags = msw::memif::kRingFlagMaskInt;
  rig.client.Offer(0);
  constexpr uint32_t kSenders = 3, kPerSender = 20000;
  std::atomic<bool> done{false};
  std::vector<uint32_t> next(kSenders, 0);
  uint64_t got = 0;
  std::thread reader([&] {
    uint64_t last_progress = NowNs();
    while (got < uint64_t(kSenders) * kPerSender && !ThreadFailed()) {
      const std::vector<Bytes> frames = rig.client.Take(0);
      for (const Bytes& f : frames) {
        uint32_t s, n;
        std::memcpy(&s, f.data(), 4);
        std::memcpy(&n, f.data() + 4, 4);
        THREAD_CHECK_MSG(s < kSenders && n == next[s], "sender " << s << " frame " << n);
        THREAD_CHECK_MSG(f.size() == 64 + (n % 5) * 1000u, "frame length " << f.size());
        if (s < kSenders) next[s] = n + 1;
        got++;
      }
      rig.client.Offer(0);
      if (!frames.empty()) last_progress = NowNs();
      if (done.load() && NowNs() - last_progress > 5000000000ull) break;  // lost frames
    }
  });
  std::vector<std::thread> senders;
  for (uint32_t s = 0; s < kSenders; s++) {
    senders.emplace_back([&, s] {
      Rng rng(ctx.seed + s);
      uint32_t n = 0;
      while (n < kPerSender && !ThreadFailed()) {
        const uint32_t burst = std::min<uint32_t>(rng.Range(1, 8), kPerSender - n);
        std::vector<Bytes> frames;
        for (uint32_t k = 0; k < burst; k++) {
          Bytes f = Pattern(64 + ((n + k) % 5) * 1000, uint8_t(n + k));
          const uint32_t id = n + k;
          std::memcpy(f.data(), &s, 4);
          std::memcpy(f.data() + 4, &id, 4);
          frames.push_back(f);
        }
        // Same slot as the fabric would use: worker s's counters.
        std::vector<msw::Segment> seg(burst);
        std::vector<msw::FrameView> v(burst);
        std::vector<uint32_t> cum(burst);
        uint32_t total = 0;
        for (uint32_t k = 0; k < burst; k++) {
          seg[k] = msw::Segment{frames[k].data(), uint32_t(frames[k].size())};
          v[k] = msw::FrameView{nullptr, 0, &seg[k], 1, 0, uint32_t(frames[k].size())};
          total += rig.port->TxSlotsFor(v[k].len);
          cum[k] = total;
        }
        msw::TxLease lease;
        const uint32_t fit = rig.port->TxReserve(0, cum.data(), burst, lease);
        if (fit) {
          rig.port->TxCopy(lease, v.data(), fit, rig.port->counters(s));
          rig.port->TxCommit(lease);
        }
        n += fit;
        if (!fit) std::this_thread::yield();
      }
    });
  }
  for (auto& t : senders) t.join();
  done.store(true);
  reader.join();
  CheckThreads();
  CHECK_EQ(got, uint64_t(kSenders) * kPerSender);
  CHECK_EQ(rig.port->Stats().tx_packets, uint64_t(kSenders) * kPerSender);
}

// A client that saturates its M2S eventfd and makes it blocking parks the
// kicking thread in write(); the watchdog sees it and Disconnect frees it.
MSW_TEST(MemifPortWatchdogReleasesBlockedKick) {
  PortRig rig;
  rig.client.Offer(0);
  const int efd = rig.client.m2s_fd(0);
  fcntl(efd, F_SETFL, fcntl(efd, F_GETFL) & ~O_NONBLOCK);
  const uint64_t max = 0xfffffffffffffffeull;
  CHECK(write(efd, &max, sizeof(max)) == sizeof(max));
  std::atomic<bool> returned{false};
  std::thread sender([&] {
    rig.Send({Pattern(64, 1)});
    returned.store(true);
  });
  SleepMs(100);
  CHECK(!returned.load());  // really stuck in the kick
  bool stalled = false;
  for (int tick = 0; tick < 8 && !stalled; tick++) stalled = rig.port->KickStalled(3);
  CHECK(stalled);
  rig.port->Disconnect();
  CHECK(returned.load() || WaitFor([&] { return returned.load(); }, 5));
  sender.join();
  CHECK(!rig.port->up());
  CHECK_EQ(rig.client.m2s(0)->tail, 1);  // the frame itself went out
}

// Interrupt plumbing on the receive side: the flag is ours to set, the
// client kicks only when it is clear, RxIrqAck consumes without blocking.
MSW_TEST(MemifPortRxInterrupts) {
  PortRig rig;
  msw::memif::Ring* r = rig.client.s2m(0);
  CHECK_EQ(r->flags, 0);  // a new port asks for kicks until polled
  rig.port->RxIrqEnable(0, false);
  CHECK_EQ(r->flags, msw::memif::kRingFlagMaskInt);
  CHECK(rig.client.SendFrame(0, Pattern(64, 1)));
  CHECK_EQ(ReadEventFd(rig.port->RxIrqFd(0)), 0u);
  rig.port->RxIrqEnable(0, true);
  CHECK_EQ(r->flags, 0);
  CHECK(rig.port->RxPending(0));
  CHECK(rig.client.SendFrame(0, Pattern(64, 2)));
  rig.port->RxIrqAck(0);
  rig.port->RxIrqAck(0);  // nothing left: must not block
  // Even with the shared file made blocking by the client.
  const int fd = rig.port->RxIrqFd(0);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  rig.port->RxIrqAck(0);
  CHECK_EQ(rig.Receive(), 2u);
}

}  // namespace
}  // namespace msw_test
