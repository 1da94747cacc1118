// mswitch-pkt-gen frames: building the Ethernet/IPv4/UDP template,
// stamping the per-frame fields, recognising our frames on receive, and
// the per-stream sequence check.  The layout is in pkt_gen.h.
//
// Design
//   Transmit at full speed never builds a frame: PrefillTx writes a
//   template into every ring buffer once, and StampFrame rewrites only the
//   8-byte sequence number (plus, with several flows, 12 bytes of
//   addresses and ports and the IP checksum) as each frame is posted.
//
//   SeqCheck keeps the highest number seen and a bitmap of the last
//   kWindow numbers.  A jump ahead provisionally counts the skipped
//   numbers as gaps; a late arrival inside the window is a duplicate if
//   its bit is set, else out-of-order (and one gap fewer).  Arrivals older
//   than the window are counted out-of-order (a duplicate that old cannot
//   be told apart).
#include <arpa/inet.h>

#include <cstring>

#include "tools/pkt_gen.h"

namespace msw {
namespace pktgen {
namespace {

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

void Put32(uint8_t* p, uint32_t v) {
  Put16(p, static_cast<uint16_t>(v >> 16));
  Put16(p + 2, static_cast<uint16_t>(v));
}

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// RFC 1071 checksum of the 20-byte IPv4 header at 'ip' (its checksum
// field must be zero).
uint16_t IpChecksum(const uint8_t* ip) {
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += Get16(ip + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t FlowPort(uint16_t base, uint32_t flow) {
  return static_cast<uint16_t>(1024 + (base - 1024u + flow) % (65536u - 1024u));
}

// Writes the flow's addresses and ports and recomputes the IP checksum.
void WriteFlow(const Options& o, uint8_t* f, uint32_t flow) {
  Put32(f + 26, o.src_ip + flow);
  Put32(f + 30, o.dst_ip + flow);
  Put16(f + 34, FlowPort(o.src_port, flow));
  Put16(f + 36, FlowPort(o.dst_port, flow));
  Put16(f + 24, 0);
  Put16(f + 24, IpChecksum(f + 14));
}

}  // namespace

void BuildFrame(const Options& o, uint32_t stream, uint64_t seq, uint32_t flow,
                uint8_t* buf, uint32_t n, uint32_t frame_len) {
  // Build the headers and marker in a local copy, so 'n' may be shorter
  // than the marker without special cases below.
  uint8_t h[kMarkerEnd] = {};
  memcpy(h, o.dst_mac, 6);
  memcpy(h + 6, o.src_mac, 6);
  Put16(h + 12, 0x0800);
  h[14] = 0x45;                                     // IPv4, 20-byte header
  Put16(h + 16, static_cast<uint16_t>(frame_len - 14));
  h[22] = 64;                                       // TTL
  h[23] = 17;                                       // UDP
  Put16(h + 38, static_cast<uint16_t>(frame_len - 34));
  const uint32_t magic = kMagic;
  memcpy(h + kMarkerOffset, &magic, 4);
  memcpy(h + kMarkerOffset + 4, &stream, 4);
  memcpy(h + kMarkerOffset + 8, &seq, 8);
  WriteFlow(o, h, flow);
  memcpy(buf, h, n < kMarkerEnd ? n : kMarkerEnd);
  for (uint32_t i = kMarkerEnd; i < n; i++) buf[i] = static_cast<uint8_t>(i * 7 + 1);
}

void StampFrame(const Options& o, uint8_t* buf, uint64_t seq, uint32_t flow) {
  memcpy(buf + kMarkerOffset + 8, &seq, 8);
  if (o.flows > 1) WriteFlow(o, buf, flow);
}

void SwapMacs(uint8_t* f) {
  uint8_t t[6];
  memcpy(t, f, 6);
  memcpy(f, f + 6, 6);
  memcpy(f + 6, t, 6);
}

FrameKind ParseFrame(const uint8_t* p, uint32_t len, uint32_t* stream, uint64_t* seq) {
  uint32_t magic;
  if (len < kMarkerEnd || Get16(p + 12) != 0x0800 || p[14] != 0x45 || p[23] != 17) {
    return FrameKind::kForeign;
  }
  memcpy(&magic, p + kMarkerOffset, 4);
  if (magic != kMagic) return FrameKind::kForeign;
  memcpy(stream, p + kMarkerOffset + 4, 4);
  memcpy(seq, p + kMarkerOffset + 8, 8);
  // A truncated or padded chain shows as a length the IP header disagrees with.
  if (Get16(p + 16) + 14u != len) return FrameKind::kBadLength;
  return FrameKind::kOurs;
}

void SeqCheck::Add(uint64_t s) {
  received++;
  if (!started_) {
    started_ = true;
    first = max = s;
    Set(s);
    return;
  }
  if (s > max) {
    const uint64_t d = s - max;
    gaps += d - 1;
    if (d >= kWindow) {
      memset(bits_, 0, sizeof(bits_));
    } else {
      for (uint64_t j = 1; j < d; j++) Clear(max + j);
    }
    max = s;
    Set(s);
  } else if (s < first) {
    out_of_order++;
    gaps += first - s - 1;  // the numbers between it and 'first' are missing
    first = s;
    if (max - s < kWindow) Set(s);
  } else if (max - s < kWindow) {
    if (Test(s)) {
      duplicates++;
    } else {
      Set(s);
      out_of_order++;
      if (gaps) gaps--;
    }
  } else {
    out_of_order++;
    if (gaps) gaps--;
  }
}

void RxChecker::Add(const uint8_t* p, uint32_t len) {
  uint32_t stream;
  uint64_t seq;
  switch (ParseFrame(p, len, &stream, &seq)) {
    case FrameKind::kForeign:
      foreign++;
      return;
    case FrameKind::kBadLength:
      bad_length++;
      return;
    case FrameKind::kOurs:
      break;
  }
  if (stream != last_stream_ || !last_) {
    last_ = &streams[stream];
    last_stream_ = stream;
  }
  last_->Add(seq);
}

}  // namespace pktgen
}  // namespace msw
