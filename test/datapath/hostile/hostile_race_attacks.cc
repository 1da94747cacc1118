// The two attacks whose outcome per frame is not fixed in advance.
//
// rewrite: a second thread rewrites random descriptors' region, offset and
//   length, field by field, all the time, while the attack thread posts
//   frames and the switch reads them.  Whatever the switch sees, each
//   posted slot is one single-descriptor frame (the rewriter never touches
//   flags), so per frame it must either forward it or drop it as
//   bad-region, bad-offset or bad-length: rxPackets + those drops == racy.
//   The values are chosen so that every combination the switch can read
//   (even one torn between two writes) is either out of bounds or inside
//   one of our S2M buffers: an "in bounds" offset is a buffer's start and
//   an in-bounds length is at most a buffer, an out-of-bounds offset is so
//   close to the region's end that no non-zero length fits.  So anything
//   forwarded is the pattern; anything else proves a check-then-reread.
//
// tx-bad-buffers: the client offers the switch M2S buffers (its receive
//   buffers) that are all bad: unregistered regions, offsets past the end
//   or overflowing 32 bits, lengths of 0 and 16 (smaller than any frame a
//   peer sends, those being at least 60 bytes).  Every frame the switch
//   routes to us must then count tx-bad-desc (or no-space when nothing is
//   offered) and none may count as sent.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "hostile.h"

namespace msw {
namespace hostile {

using memif::Desc;

namespace {

// Field addresses inside a shared descriptor (16-byte aligned in the
// ring, so each field is naturally aligned).
volatile uint16_t* RegionField(Desc* d) {
  return reinterpret_cast<volatile uint16_t*>(reinterpret_cast<uint8_t*>(d) + 2);
}
volatile uint32_t* LengthField(Desc* d) {
  return reinterpret_cast<volatile uint32_t*>(reinterpret_cast<uint8_t*>(d) + 4);
}
volatile uint32_t* OffsetField(Desc* d) {
  return reinterpret_cast<volatile uint32_t*>(reinterpret_cast<uint8_t*>(d) + 8);
}

// The value sets of the file comment.  Each field is drawn independently,
// so any mix of fields (a torn read included) stays in the sets.
struct RacyValues {
  explicit RacyValues(Rig* rig)
      : c(rig->client()), buf(rig->buffer_size()), size(rig->region_size()),
        far(size - 59) {}
  uint16_t Region(uint64_t v) const {
    return (v & 1) ? 0 : static_cast<uint16_t>(1 + (v >> 1) % 0xFFFF);
  }
  uint32_t Length(uint64_t v) const {
    switch (v & 3) {
      case 0: return 0;
      case 1: return static_cast<uint32_t>(size + 1 + (v >> 2) % (0xFFFFFFFFull - size));
      default: return 60 + static_cast<uint32_t>((v >> 2) % (buf - 59));
    }
  }
  uint32_t Offset(uint64_t v) const {
    return (v & 1) ? c->BufferOffset(0, true, static_cast<uint32_t>(v >> 1))
                   : static_cast<uint32_t>(far + (v >> 1) % (0x100000000ull - far));
  }
  MemifClient* c;
  uint32_t buf;
  uint64_t size;
  uint64_t far;  // + any length >= 60 is past the region's end
};

uint64_t XorShift(uint64_t* x) {
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return *x * 0x2545F4914F6CDD1Dull;
}

// The rewriting thread's loop.  Mostly it aims at the last 'window'
// slots before the published head (what the switch is reading), one time
// in eight anywhere on the ring; each rewrite stores one, two or all three
// fields, one plain store each.
void RewriteLoop(Rig* rig, uint64_t seed, uint32_t window, const std::atomic<bool>* stop,
                 uint64_t* rewrites) {
  const RacyValues val(rig);
  memif::Ring* ring = rig->s2m();
  const uint32_t mask = rig->ring_size() - 1;
  uint64_t x = seed | 1, count = 0;
  while (!stop->load(std::memory_order_relaxed)) {
    for (int k = 0; k < 256; k++, count++) {
      const uint64_t r = XorShift(&x);
      const uint16_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
      const uint32_t slot = (r & 7) ? static_cast<uint16_t>(head - 1 - (r >> 3) % window)
                                    : static_cast<uint32_t>(r >> 3);
      Desc* d = &ring->desc[slot & mask];
      const unsigned fields = 1 + (r >> 32) % 7;  // which of the three to write
      if (fields & 1) *RegionField(d) = val.Region(XorShift(&x));
      if (fields & 2) *LengthField(d) = val.Length(XorShift(&x));
      if (fields & 4) *OffsetField(d) = val.Offset(XorShift(&x));
    }
    sched_yield();  // share the CPU with the switch on small machines
  }
  *rewrites = count;
}

}  // namespace

// Posts rounds of descriptors drawn from the same sets (so some frames
// are bad even if the rewriter never wins a race) while RewriteLoop runs.
void Rewrite(Rig* rig, Counts* n) {
  const RacyValues val(rig);
  const uint32_t batch = std::min<uint32_t>(64, rig->ring_size() / 2);
  std::atomic<bool> stop{false};
  uint64_t rewrites = 0;
  std::thread rewriter(RewriteLoop, rig, rig->options().seed * 7919, batch, &stop, &rewrites);
  while (rig->More(*n)) {
    std::vector<Desc> v;
    for (uint32_t i = 0; i < batch; i++) {
      v.push_back(Desc{0, val.Region(rig->Random()), val.Length(rig->Random()),
                       val.Offset(rig->Random()), 0});
    }
    if (!rig->Post(v, n)) break;
    n->racy += v.size();
    n->rounds++;
    rig->Pause();
  }
  stop.store(true);
  rewriter.join();
  n->rewrites += rewrites;
}

void TxBadBuffers(Rig* rig, Counts* n) {
  memif::Ring* m2s = rig->m2s();
  const uint32_t ring = rig->ring_size(), mask = ring - 1, buf = rig->buffer_size();
  const uint32_t size = static_cast<uint32_t>(rig->region_size());
  uint32_t variant = 0;
  auto bad = [&](uint16_t idx) {
    const uint32_t own = rig->client()->BufferOffset(0, false, idx);
    switch (variant++ % 8) {
      case 0: return Desc{0, 1, buf, own, 0};
      case 1: return Desc{0, 0xFFFF, buf, own, 0};
      case 2: return Desc{0, memif::kMaxRegions - 1, buf, own, 0};
      case 3: return Desc{0, 0, buf, size, 0};
      case 4: return Desc{0, 0, buf, size - 100, 0};
      case 5: return Desc{0, 0, buf, 0xFFFFFFFFu - 100, 0};
      case 6: return Desc{0, 0, 0, own, 0};
      default: return Desc{0, 0, 16, own, 0};
    }
  };
  uint16_t last_tail = LoadAcquire(&m2s->tail);
  while (rig->More(*n)) {
    // Offer everything from our head up to a full ring beyond the
    // switch's tail, each slot a bad buffer.  Slots below our old head
    // were offered before and may be leased: never touch those.
    const uint16_t tail = LoadAcquire(&m2s->tail);
    n->tx_bad_taken += static_cast<uint16_t>(tail - last_tail);
    last_tail = tail;
    const uint16_t end = static_cast<uint16_t>(tail + ring);
    uint16_t head = m2s->head;  // ours alone
    if (static_cast<uint16_t>(end - head) > ring) head = tail;
    for (; head != end; head++) {
      m2s->desc[head & mask] = bad(head);
      n->tx_bad_offered++;
    }
    // Release pairs with the switch's acquire load of head in TxReserve.
    StoreRelease(&m2s->head, end);
    n->rounds++;
    rig->Pause();
  }
  const uint16_t tail = LoadAcquire(&m2s->tail);
  n->tx_bad_taken += static_cast<uint16_t>(tail - last_tail);
}

}  // namespace hostile
}  // namespace msw
