// The attacks on the switch's receive side whose outcome is fixed in
// advance: each frame posted carries one fault, so the switch must count
// exactly one drop under the reason Counts::frames names (the checks are
// in MemifPort::DescOk and MemifPort::Receive).  Frames that are valid on
// purpose (the limits' good side, the frame after a head jump) must be
// forwarded, byte for byte the pattern (hostile.h).
//
// Ring size is at least 128 and buffers at least 2048 bytes (the options
// enforce it), so every round below fits the ring and 65536 bytes of
// buffers.
#include <unistd.h>

#include <vector>

#include "hostile.h"

namespace msw {
namespace hostile {

using memif::Desc;
using memif::kDescFlagNext;

namespace {

Desc Raw(uint16_t region, uint32_t offset, uint32_t length, uint16_t flags = 0) {
  return Desc{flags, region, length, offset, 0};
}

// 'k' descriptors from head on, each naming its own slot's buffer with
// 'len' bytes; NEXT on all but the last, or on all of them ('open').
std::vector<Desc> Chain(const Rig& rig, uint32_t k, uint32_t len, bool open = false) {
  std::vector<Desc> v;
  const uint16_t head = rig.s2m()->head;
  for (uint32_t i = 0; i < k; i++) {
    const bool next = open || i + 1 < k;
    v.push_back(rig.Own(static_cast<uint16_t>(head + i), len, next ? kDescFlagNext : 0));
  }
  return v;
}

// Posts one frame's descriptors and books it under 'reason' ("" = valid).
bool One(Rig* rig, Counts* n, const std::vector<Desc>& d, const char* reason) {
  if (!rig->Post(d, n)) return false;
  if (*reason) n->frames[reason]++;
  else n->valid++;
  return true;
}

}  // namespace

// Region indices the client never registered: just past the one it did,
// the last index a region table of kMaxRegions could hold, one past that,
// and the largest.
void BadRegion(Rig* rig, Counts* n) {
  static const uint16_t kRegions[] = {1, 2, memif::kMaxRegions - 1, memif::kMaxRegions, 255,
                                      0xFFFF};
  while (rig->More(*n)) {
    std::vector<Desc> v;
    for (uint16_t r : kRegions) {
      Desc d = rig->Own(static_cast<uint16_t>(rig->s2m()->head + v.size()), 60);
      d.region = r;
      v.push_back(d);
    }
    if (!rig->Post(v, n)) return;
    n->frames["bad-region"] += v.size();
    n->rounds++;
    rig->Pause();
  }
}

// Offsets at and past the region's end, straddling it, and two whose
// offset + length overflows 32 bits (to 39, and to exactly 0): a switch
// that adds in 32 bits would accept them.
void BadOffset(Rig* rig, Counts* n) {
  const uint32_t size = static_cast<uint32_t>(rig->region_size());
  while (rig->More(*n)) {
    const std::vector<Desc> v = {
        Raw(0, size, 60),
        Raw(0, size - 30, 60),
        Raw(0, size - 1, 2),
        Raw(0, 0xFFFFFFFFu - 20, 60),
        Raw(0, 0xFFFFFFC4u, 60),
        Raw(0, 0x80000000u, 60),
    };
    if (!rig->Post(v, n)) return;
    n->frames["bad-offset"] += v.size();
    n->rounds++;
    rig->Pause();
  }
}

// Zero, one past the region, and huge lengths (two of which wrap a 32-bit
// offset + length back into the region).
void BadLength(Rig* rig, Counts* n) {
  const uint32_t size = static_cast<uint32_t>(rig->region_size());
  while (rig->More(*n)) {
    const uint16_t head = rig->s2m()->head;
    const std::vector<Desc> v = {
        rig->Own(head, 0),
        Raw(0, 0, size + 1),
        Raw(0, 0, 0xFFFFFFFFu),
        Raw(0, 0x10, 0xFFFFFFF0u),
        rig->Own(static_cast<uint16_t>(head + 4), 0x80000000u),
    };
    if (!rig->Post(v, n)) return;
    n->frames["bad-length"] += v.size();
    n->rounds++;
    rig->Pause();
  }
}

// Chains that never end: the whole ring with NEXT on every descriptor
// (the walk must stop at head, not wrap round to where it started), a
// short open chain and a single descriptor with NEXT.  Rounds advance head
// by ring size + 4, so the whole-ring chain starts at a different slot
// each time and wraps the slot index.
void LoopChain(Rig* rig, Counts* n) {
  while (rig->More(*n)) {
    if (!One(rig, n, Chain(*rig, rig->ring_size(), 60, true), "bad-chain") ||
        !One(rig, n, Chain(*rig, 3, 60, true), "bad-chain") ||
        !One(rig, n, Chain(*rig, 1, 60, true), "bad-chain")) {
      return;
    }
    n->rounds++;
    rig->Pause();
  }
}

// Both limits of a frame (65535 bytes, 64 buffers), from both sides.
void LongChain(Rig* rig, Counts* n) {
  const uint32_t b = rig->buffer_size();
  while (rig->More(*n)) {
    // 32 buffers of 2048 bytes make 65536: one byte too many.
    std::vector<Desc> over = Chain(*rig, 65536 / b + (65536 % b ? 1 : 0), b);
    over.back().length = 65536 - (static_cast<uint32_t>(over.size()) - 1) * b;
    // 65535 bytes exactly, the same buffers one byte shorter.
    std::vector<Desc> max = over;
    max.back().length -= 1;
    // One descriptor of 65536 bytes, inside the region (it spans buffers).
    const std::vector<Desc> single = {Raw(0, rig->client()->BufferOffset(0, true, 0), 65536)};
    if (!One(rig, n, over, "too-long") ||
        !One(rig, n, Chain(*rig, 40, b), "too-long") ||
        !One(rig, n, single, "too-long") ||
        !One(rig, n, Chain(*rig, 65, 64), "bad-chain") ||
        !One(rig, n, Chain(*rig, 64, 64), "") ||
        !One(rig, n, max, "")) {
      return;
    }
    n->rounds++;
    rig->Pause();
  }
}

// Head moved out of range: just over a ring ahead, a quarter and half of
// the index space ahead, and one behind.  Each is held for kHoldMs with
// kicks (the switch must count bad-ring and keep its cursor); then head
// goes back and one valid frame proves the ring still works.
void HeadJump(Rig* rig, Counts* n) {
  constexpr int kHoldMs = 20;
  const uint16_t jumps[] = {static_cast<uint16_t>(rig->ring_size() + 1), 0x4000, 0x8000, 0xFFFF};
  while (rig->More(*n)) {
    const uint16_t head = rig->s2m()->head;
    for (uint16_t j : jumps) {
      StoreRelease(&rig->s2m()->head, static_cast<uint16_t>(head + j));
      for (int t = 0; t < kHoldMs; t += 5) {
        rig->client()->KickTx(0);
        usleep(5000);
      }
      n->ring_jumps++;
    }
    StoreRelease(&rig->s2m()->head, head);
    if (!One(rig, n, Chain(*rig, 1, 60), "")) return;
    n->rounds++;
    rig->Pause();
  }
}

}  // namespace hostile
}  // namespace msw
