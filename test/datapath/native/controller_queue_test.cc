// Tests of the controller queue on its own (core/controller_queue.h): the
// lease contract (out-of-order commits publish in order, a lease committed
// without a copy reads as nothing), entries that wrap the buffer's end,
// truncated views keeping the full length, and a stress run with several
// producer threads and a consumer that sleeps on Arm/Notify, checking that
// every entry arrives once, byte-exact, in each producer's order, and that
// no wake-up is lost.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "check.h"
#include "core/controller_queue.h"
#include "fake_port.h"

namespace msw_test {
namespace {

using msw::ControllerEntry;
using msw::ControllerQueue;

constexpr uint32_t kHdr = sizeof(msw_to_controller);

// One entry to enqueue: a header and a frame, of which 'keep' bytes are
// offered (the fabric's truncation), the frame as one source segment.
struct Entry {
  Entry(uint64_t cookie, uint32_t len, uint32_t keep) : frame(len) {
    std::memset(&hdr, 0, sizeof hdr);
    hdr.magic = MSW_TO_CONTROLLER_MAGIC;
    hdr.hdr_len = kHdr;
    hdr.cookie = cookie;
    hdr.in_port = uint32_t(cookie >> 32);
    hdr.max_len = uint16_t(keep);
    for (uint32_t i = 0; i < len; i++) frame[i] = uint8_t(cookie * 31 + i * 7);
    seg = msw::Segment{frame.data(), len};
    view = msw::FrameView{reinterpret_cast<const uint8_t*>(&hdr), kHdr, &seg, 1, 0, kHdr + keep};
  }
  msw_to_controller hdr;
  Bytes frame;
  msw::Segment seg;
  msw::FrameView view;
};

struct Seen {
  uint64_t cookie;
  uint32_t in_port;
  uint32_t total_len;
  Bytes data;
};

std::vector<Seen> ReadAll(ControllerQueue& q, uint32_t max = 1u << 20) {
  std::vector<Seen> out;
  q.Read(max, [&](const ControllerEntry& e) {
    Seen s{e.hdr.cookie, e.hdr.in_port, e.total_len, Bytes(e.data, e.data + e.data_len)};
    s.data.insert(s.data.end(), e.data2, e.data2 + e.data2_len);
    out.push_back(std::move(s));
  });
  return out;
}

// Reserves, copies and commits one entry; false if it did not fit.
bool Put(ControllerQueue& q, const Entry& e, msw::PortCounters& ctr) {
  const uint32_t slots = q.TxSlotsFor(e.view.len);
  msw::TxLease lease;
  if (q.TxReserve(0, &slots, 1, lease) == 0) return false;
  q.TxCopy(lease, &e.view, 1, ctr);
  q.TxCommit(lease);
  return true;
}

void CheckSeen(const Seen& s, const Entry& e) {
  CHECK_EQ(s.cookie, e.hdr.cookie);
  CHECK_EQ(s.total_len, uint32_t(e.frame.size()));
  CHECK_EQ(s.data.size(), size_t(e.hdr.max_len));
  CHECK_MSG(std::equal(s.data.begin(), s.data.end(), e.frame.begin()),
            "entry " << e.hdr.cookie << " bytes differ");
}

}  // namespace

MSW_TEST(controller_queue_publishes_leases_in_reservation_order) {
  ControllerQueue q(512);
  msw::PortCounters ctr;
  Entry a(1, 100, 100), b(2, 3000, 3000);
  const uint32_t sa = q.TxSlotsFor(a.view.len), sb = q.TxSlotsFor(b.view.len);
  msw::TxLease la, lb;
  CHECK_EQ(q.TxReserve(0, &sa, 1, la), 1u);
  CHECK_EQ(q.TxReserve(0, &sb, 1, lb), 1u);
  q.TxCopy(lb, &b.view, 1, ctr);
  q.TxCommit(lb);
  CHECK_EQ(ReadAll(q).size(), size_t(0));  // b waits behind a
  q.TxCopy(la, &a.view, 1, ctr);
  q.TxCommit(la);
  std::vector<Seen> got = ReadAll(q);
  CHECK_EQ(got.size(), size_t(2));
  CheckSeen(got[0], a);
  CheckSeen(got[1], b);
  CHECK_EQ(q.QueueStats().used_slots, 0u);
}

MSW_TEST(controller_queue_lease_committed_without_copy_reads_as_nothing) {
  ControllerQueue q(512);
  msw::PortCounters ctr;
  Entry a(1, 600, 600), b(2, 60, 60);
  const uint32_t sa = q.TxSlotsFor(a.view.len);
  msw::TxLease la;
  CHECK_EQ(q.TxReserve(0, &sa, 1, la), 1u);
  q.TxCommit(la);
  CHECK(Put(q, b, ctr));
  std::vector<Seen> got = ReadAll(q);
  CHECK_EQ(got.size(), size_t(1));
  CheckSeen(got[0], b);
  // A view with no room for a header is refused and counted, not stored.
  msw::FrameView bad = b.view;
  bad.head_len = kHdr - 1;
  const uint32_t one = 1;
  msw::TxLease lb;
  CHECK_EQ(q.TxReserve(0, &one, 1, lb), 1u);
  CHECK_EQ(q.TxCopy(lb, &bad, 1, ctr), 0u);
  q.TxCommit(lb);
  CHECK_EQ(ReadAll(q).size(), size_t(0));
  CHECK_EQ(ctr.drops[msw::kBadControllerOutput].load(), 1u);
}

MSW_TEST(controller_queue_entries_wrap_the_buffer_end_and_fill_exactly) {
  ControllerQueue q(512);  // 512 x 256 bytes
  msw::PortCounters ctr;
  uint64_t cookie = 1;
  // Sizes that do not divide the ring: entries land across its end.
  const uint32_t sizes[] = {1514, 9000, 60, 65535, 300, 4000, 128};
  for (int round = 0; round < 40; round++) {
    std::vector<std::unique_ptr<Entry>> in;
    for (uint32_t len : sizes) {
      const uint32_t keep = round % 2 ? std::min<uint32_t>(len, 200) : len;
      in.emplace_back(new Entry(cookie++, len, keep));
      CHECK_MSG(Put(q, *in.back(), ctr), "round " << round << " len " << len);
    }
    std::vector<Seen> got = ReadAll(q);
    CHECK_EQ(got.size(), in.size());
    for (size_t i = 0; i < got.size(); i++) CheckSeen(got[i], *in[i]);
  }
  // Full: exactly floor(slots / per-entry) of one size fit.
  Entry big(7, 1514, 1514);
  const uint32_t per = q.TxSlotsFor(big.view.len);
  uint32_t fit = 0;
  while (Put(q, big, ctr)) fit++;
  CHECK_EQ(fit, q.slots() / per);
  CHECK_EQ(ReadAll(q, 3).size(), size_t(3));
  CHECK(Put(q, big, ctr));  // room again after a partial read
}

MSW_TEST(controller_queue_many_producers_one_sleeping_consumer) {
  constexpr uint32_t kProducers = 4, kPerProducer = 20000;
  ControllerQueue q(1024);
  struct CvNotifier : msw::ControllerNotifier {
    std::mutex mu;
    std::condition_variable cv;
    bool fired = false;
    void Notify() override {
      std::lock_guard<std::mutex> l(mu);
      fired = true;
      cv.notify_one();
    }
  } notifier;
  q.SetNotifier(&notifier);
  std::unique_ptr<msw::PortCounters[]> ctr(new msw::PortCounters[kProducers]);
  std::vector<std::thread> producers;
  std::atomic<uint64_t> refused{0};
  std::atomic<bool> stop{false};
  for (uint32_t p = 0; p < kProducers; p++) {
    producers.emplace_back([&, p] {
      for (uint32_t i = 0; i < kPerProducer; i++) {
        Entry e(uint64_t(p) << 32 | i, 60 + (i * 37) % 1500, 60 + (i * 37) % 1500);
        while (!Put(q, e, ctr[p])) {
          if (stop.load()) return;
          refused.fetch_add(1, std::memory_order_relaxed);
          std::this_thread::yield();
        }
      }
    });
  }
  std::vector<uint32_t> next(kProducers, 0);
  uint64_t total = 0, sleeps = 0;
  // A failed check must not leave the producers running (or joinable).
  struct Joiner {
    std::vector<std::thread>& threads;
    std::atomic<bool>& stop;
    ~Joiner() {
      stop.store(true);
      for (auto& t : threads)
        if (t.joinable()) t.join();
    }
  } joiner{producers, stop};
  while (total < uint64_t{kProducers} * kPerProducer) {
    std::vector<Seen> got = ReadAll(q, 256);
    for (const Seen& s : got) {
      const uint32_t p = s.in_port, i = uint32_t(s.cookie);
      CHECK_MSG(p < kProducers && i == next[p], "producer " << p << " entry " << i << ", expected " << next[p]);
      next[p]++;
      Entry want(s.cookie, 60 + (i * 37) % 1500, 60 + (i * 37) % 1500);
      CheckSeen(s, want);
    }
    total += got.size();
    if (total == uint64_t{kProducers} * kPerProducer) break;
    if (got.size() == 256 || !q.Arm()) continue;
    // Armed on an empty queue: the next commit must wake us.
    std::unique_lock<std::mutex> l(notifier.mu);
    CHECK_MSG(notifier.cv.wait_for(l, std::chrono::seconds(20), [&] { return notifier.fired; }),
              "lost wake-up after " << total << " entries");
    notifier.fired = false;
    sleeps++;
  }
  for (auto& t : producers) t.join();
  const msw::ControllerQueueStats st = q.QueueStats();
  CHECK_EQ(st.dequeued, total);
  CHECK_EQ(st.used_slots, 0u);
  uint64_t enq = 0;
  for (uint32_t p = 0; p < kProducers; p++) enq += ctr[p].tx_packets.load();
  CHECK_EQ(enq, total);
  std::printf("controller queue: %llu entries, %llu consumer sleeps, %llu refused reservations\n",
              (unsigned long long)total, (unsigned long long)sleeps, (unsigned long long)refused.load());
}

}  // namespace msw_test
