// Frames on their way through the fabric, without owning their bytes.
//
// A received frame is a list of segments in the sender's memory (a memif
// client's region, a kernel ring), valid until the port's ReleaseRx.  What
// goes out is a FrameView: first 'head_len' bytes from a private buffer
// (the copy the logic saw and may have rewritten, or a variant it built),
// then the source bytes from 'src_off' to the end.  CopyFrame walks a view
// in contiguous chunks so a port can scatter it into its own buffers.
#ifndef MSWITCH_CORE_FRAME_H_
#define MSWITCH_CORE_FRAME_H_

#include <cstdint>
#include <cstring>

namespace msw {

constexpr uint32_t kMaxFrameLen = 65535;
// Most buffers one received frame may span (64 KiB in 2 KiB buffers = 32).
constexpr uint32_t kMaxChain = 64;

struct Segment {
  const uint8_t* data;
  uint32_t len;
};

struct RxFrame {
  uint32_t len;        // total bytes over all segments
  uint32_t first_seg;  // index into RxBatch::segs
  uint32_t nsegs;
};

// The worker's receive batch: fixed arrays allocated once per worker.
struct RxBatch {
  RxFrame* frames = nullptr;
  uint32_t n_frames = 0;
  uint32_t cap_frames = 0;
  Segment* segs = nullptr;
  uint32_t n_segs = 0;
  uint32_t cap_segs = 0;

  void Clear() { n_frames = 0; n_segs = 0; }
  // Room for one more frame of up to 'nsegs' segments.
  bool HasRoom(uint32_t nsegs) const {
    return n_frames < cap_frames && n_segs + nsegs <= cap_segs;
  }
};

// One frame to transmit (see the file comment).
struct FrameView {
  const uint8_t* head;
  uint32_t head_len;
  const Segment* segs;  // the source frame's segments
  uint32_t nsegs;
  uint32_t src_off;     // source bytes before this are replaced by head
  uint32_t len;         // bytes this view produces in all

  // 'len' for a head followed by source[src_off..src_len).
  static uint32_t Length(uint32_t head_len, uint32_t src_len, uint32_t src_off) {
    return head_len + (src_len > src_off ? src_len - src_off : 0);
  }
};

// Calls 'sink(const uint8_t* p, uint32_t n)' for each contiguous chunk of
// the view, in order.
template <typename Sink>
inline void ForEachChunk(const FrameView& f, Sink&& sink) {
  if (f.head_len) sink(f.head, f.head_len);
  uint32_t skip = f.src_off;
  for (uint32_t i = 0; i < f.nsegs; i++) {
    const Segment& s = f.segs[i];
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    sink(s.data + skip, s.len - skip);
    skip = 0;
  }
}

// Copies the first 'n' bytes of a segment list into 'dst' (n <= total).
inline void GatherPrefix(const Segment* segs, uint32_t nsegs, uint8_t* dst,
                         uint32_t n) {
  for (uint32_t i = 0; i < nsegs && n; i++) {
    uint32_t c = segs[i].len < n ? segs[i].len : n;
    std::memcpy(dst, segs[i].data, c);
    dst += c;
    n -= c;
  }
}

}  // namespace msw

#endif  // MSWITCH_CORE_FRAME_H_
