// The density benchmark's ports; see bench_ports.h.
#include "bench_ports.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace msw_bench {

SinkPort::SinkPort(uint32_t index, uint32_t slots)
    : msw::Port(index, "sink" + std::to_string(index), "bench-sink"),
      slots_(slots),
      // Left uninitialised: a sink no frame reaches costs no memory.
      ring_(new uint8_t[size_t{slots} * kSlotBytes + msw::kMaxFrameLen]) {
  set_up(true);
}

uint32_t SinkPort::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                             msw::TxLease& lease) {
  if (n == 0) return 0;
  lock_.lock();
  lease.queue = q;
  lease.start = reserved_;
  lease.count = cum_slots[n - 1];
  lease.id = 0;
  reserved_ += lease.count;
  lock_.unlock();
  return n;
}

uint32_t SinkPort::TxCopy(const msw::TxLease& lease, const msw::FrameView* frames, uint32_t n,
                          msw::PortCounters& counters) {
  uint32_t pos = 0;
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < n; i++) {
    const msw::FrameView& f = frames[i];
    uint8_t* dst = ring_.get() + size_t{(lease.start + pos) % slots_} * kSlotBytes;
    msw::ForEachChunk(f, [&dst](const uint8_t* p, uint32_t len) {
      std::memcpy(dst, p, len);
      dst += len;
    });
    pos += TxSlotsFor(f.len);
    bytes += f.len;
  }
  counters.Add(counters.tx_packets, n);
  counters.Add(counters.tx_bytes, bytes);
  return n;
}

// Single sender, in-order leases: publishing is moving the tail.  The
// release store pairs with a client's acquire load before it would read
// the slots (no client reads them here, but the cost is the real one).
void SinkPort::TxCommit(const msw::TxLease& lease) {
  lock_.lock();
  published_.store(lease.start + lease.count, std::memory_order_release);
  lock_.unlock();
}

SourcePort::SourcePort(uint32_t index)
    : msw::Port(index, "source" + std::to_string(index), "bench-source") {
  set_up(true);
}

SourceBatch::SourceBatch(uint32_t n, uint32_t len)
    : len_(len),
      bufs_(new uint8_t[size_t{n} * SinkPort::kSlotBytes]()),
      frames_(n),
      segs_(n) {
  static const uint8_t kHeader[] = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // dst MAC
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // src MAC
      0x08, 0x00,                          // IPv4
      0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
      10, 0, 0, 1, 10, 0, 0, 2,            // src, dst address
      0x04, 0xd2, 0x16, 0x2e,              // UDP ports 1234 -> 5678
  };
  for (uint32_t i = 0; i < n; i++) {
    uint8_t* p = bufs_.get() + size_t{i} * SinkPort::kSlotBytes;
    std::memcpy(p, kHeader, std::min<size_t>(sizeof kHeader, len));
    for (uint32_t k = sizeof kHeader; k < len; k++) p[k] = uint8_t(i + k);
    segs_[i] = msw::Segment{p, len};
    frames_[i] = msw::RxFrame{len, i, 1};
  }
  batch_.frames = frames_.data();
  batch_.n_frames = n;
  batch_.cap_frames = n;
  batch_.segs = segs_.data();
  batch_.n_segs = n;
  batch_.cap_segs = n;
}

}  // namespace msw_bench
