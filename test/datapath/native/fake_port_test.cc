// Tests of FakePort itself: the oracle and stress tests are only as good as
// the port they run on, so its lease contract is checked here directly,
// without a switch.
#include <memory>

#include "check.h"
#include "fake_port.h"

namespace msw_test {
namespace {

// A FrameView of 'bytes' (whole, no head).
struct View {
  explicit View(const Bytes& b) : seg{b.data(), uint32_t(b.size())} {
    v = msw::FrameView{nullptr, 0, &seg, 1, 0, uint32_t(b.size())};
  }
  msw::Segment seg;
  msw::FrameView v;
};

Bytes Pattern(uint32_t len, uint8_t seed) {
  Bytes b(len);
  for (uint32_t i = 0; i < len; i++) b[i] = uint8_t(seed + i * 7);
  return b;
}

uint32_t Reserve(FakePort& p, const std::vector<Bytes>& frames, msw::TxLease& lease) {
  std::vector<uint32_t> cum;
  uint32_t c = 0;
  for (const Bytes& f : frames) cum.push_back(c += p.TxSlotsFor(uint32_t(f.size())));
  return p.TxReserve(0, cum.data(), uint32_t(cum.size()), lease);
}

void Copy(FakePort& p, const msw::TxLease& lease, const std::vector<Bytes>& frames,
          msw::PortCounters& ctr) {
  std::vector<std::unique_ptr<View>> views;
  std::vector<msw::FrameView> fv;
  for (const Bytes& f : frames) {
    views.emplace_back(new View(f));
    fv.push_back(views.back()->v);
  }
  CHECK_EQ(p.TxCopy(lease, fv.data(), uint32_t(fv.size()), ctr), uint32_t(fv.size()));
}

}  // namespace

// Leases completing out of order: the later one stays invisible until the
// earlier one commits, then both appear in reservation order.
MSW_TEST(fake_port_publishes_only_leading_completed_leases) {
  FakePortConfig cfg;
  cfg.ring_size = 16;
  cfg.buf_size = 100;
  FakePort p(1, "p1", cfg);
  msw::PortCounters ctr;
  const std::vector<Bytes> a = {Pattern(60, 1), Pattern(250, 2)};  // 1 + 3 slots
  const std::vector<Bytes> b = {Pattern(100, 3), Pattern(101, 4)};  // 1 + 2 slots
  msw::TxLease la, lb;
  CHECK_EQ(Reserve(p, a, la), 2u);
  CHECK_EQ(Reserve(p, b, lb), 2u);
  CHECK_EQ(la.count, 4u);
  CHECK_EQ(lb.start, la.start + 4);
  Copy(p, lb, b, ctr);
  p.TxCommit(lb);
  CHECK_EQ(p.Drain().size(), 0u);
  CHECK_EQ(p.out_of_order_commits(), 1u);
  Copy(p, la, a, ctr);
  p.TxCommit(la);
  const std::vector<Bytes> got = p.Drain();
  CHECK_EQ(got.size(), 4u);
  CHECK(got[0] == a[0] && got[1] == a[1] && got[2] == b[0] && got[3] == b[1]);
  CHECK_MSG(p.violations() == 0, p.first_violation());
}

// A grant is the longest prefix of whole frames that fits; a frame never
// splits; the room comes back only when the client drains.
MSW_TEST(fake_port_grants_longest_fitting_prefix) {
  FakePortConfig cfg;
  cfg.ring_size = 8;
  cfg.buf_size = 100;
  FakePort p(1, "p1", cfg);
  msw::PortCounters ctr;
  const std::vector<Bytes> f = {Pattern(50, 1), Pattern(250, 2), Pattern(100, 3),
                                Pattern(500, 4)};  // 1, 3, 1, 5 slots
  msw::TxLease l1;
  CHECK_EQ(Reserve(p, f, l1), 3u);
  CHECK_EQ(l1.count, 5u);
  Copy(p, l1, {f[0], f[1], f[2]}, ctr);
  p.TxCommit(l1);
  msw::TxLease l2;
  CHECK_EQ(Reserve(p, {f[3]}, l2), 0u);  // 5 slots, 3 free
  CHECK_EQ(p.Drain(0, 2).size(), 2u);    // frees 4 slots
  CHECK_EQ(Reserve(p, {f[3]}, l2), 1u);
  Copy(p, l2, {f[3]}, ctr);
  p.TxCommit(l2);
  const std::vector<Bytes> got = p.Drain();
  CHECK_EQ(got.size(), 2u);
  CHECK(got[0] == f[2] && got[1] == f[3]);
  CHECK_EQ(ctr.tx_packets.load(), 4u);
  CHECK_EQ(ctr.tx_bytes.load(), 900u);
  CHECK_MSG(p.violations() == 0, p.first_violation());
}

// Misuse of the contract is counted, not ignored.
MSW_TEST(fake_port_counts_contract_violations) {
  FakePort p(1, "p1");
  msw::PortCounters ctr;
  msw::TxLease l;
  CHECK_EQ(Reserve(p, {Pattern(60, 1)}, l), 1u);
  Copy(p, l, {Pattern(60, 1)}, ctr);
  p.TxCommit(l);
  CHECK_EQ(p.violations(), 0u);
  p.TxCommit(l);  // twice
  CHECK_EQ(p.violations(), 1u);
  msw::RxFrame frames[4];
  msw::Segment segs[8];
  msw::RxBatch batch;
  batch.frames = frames;
  batch.cap_frames = 4;
  batch.segs = segs;
  batch.cap_segs = 8;
  p.Inject(0, {InFrame{{Pattern(60, 1)}}, InFrame{{Pattern(60, 2)}}});
  CHECK_EQ(p.Receive(0, batch, 1, ctr), 1u);
  batch.Clear();
  CHECK_EQ(p.Receive(0, batch, 1, ctr), 1u);  // without ReleaseRx
  CHECK_EQ(p.violations(), 2u);
}

// Receive honours the batch's frame and segment room and logs batch sizes.
MSW_TEST(fake_port_receive_respects_batch_room) {
  FakePort p(1, "p1");
  Rng rng(ctx.seed);
  std::vector<InFrame> in;
  std::vector<Bytes> whole;
  for (int i = 0; i < 10; i++) {
    whole.push_back(Pattern(60 + i * 100, uint8_t(i)));
    in.push_back(SplitFrame(whole.back(), 4, rng.Next()));
  }
  CHECK_EQ(p.Inject(0, in), 10u);
  msw::RxFrame frames[16];
  msw::Segment segs[6];
  msw::RxBatch batch;
  batch.frames = frames;
  batch.cap_frames = 16;
  batch.segs = segs;
  batch.cap_segs = 6;
  msw::PortCounters ctr;
  uint32_t seen = 0;
  while (seen < 10) {
    batch.Clear();
    const uint32_t n = p.Receive(0, batch, 3, ctr);
    CHECK(n >= 1 && n <= 3 && batch.n_segs <= 6);
    for (uint32_t i = 0; i < n; i++) {
      Bytes got;
      const msw::RxFrame& f = batch.frames[i];
      for (uint32_t s = 0; s < f.nsegs; s++)
        got.insert(got.end(), batch.segs[f.first_seg + s].data,
                   batch.segs[f.first_seg + s].data + batch.segs[f.first_seg + s].len);
      CHECK(got == whole[seen + i]);
    }
    p.ReleaseRx(0);
    seen += n;
  }
  uint32_t logged = 0;
  for (uint32_t n : p.TakeBatchLog()) logged += n;
  CHECK_EQ(logged, 10u);
  CHECK_EQ(p.rx_released(), 10u);
  CHECK_MSG(p.violations() == 0, p.first_violation());
}

}  // namespace msw_test
