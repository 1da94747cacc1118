// Frame offload completion: see frame_offload.h for the design.
#include "ports/frame_offload.h"

#include <cstring>

namespace msw {

namespace {

constexpr uint32_t kEthHdr = 14;
constexpr uint32_t kIpv6Hdr = 40;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpCwr = 0x80;

uint16_t Be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t Be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void PutBe16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void PutBe32(uint8_t* p, uint32_t v) {
  PutBe16(p, uint16_t(v >> 16));
  PutBe16(p + 2, uint16_t(v));
}

// Stores the complemented folded sum where the checksum field is; the
// bytes come out right because the sum was taken in native order too.
// UDP sends an all-zero result as 0xffff (0 means "no checksum").
void StoreChecksum(uint8_t* field, uint64_t sum, bool udp) {
  uint16_t c = uint16_t(~ChecksumFold(sum));
  if (udp && c == 0) c = 0xffff;
  std::memcpy(field, &c, 2);
}

// The pseudo-header of an L4 segment of 'l4_len' bytes, summed.
uint64_t PseudoHeaderSum(const uint8_t* ip, bool ipv4, uint8_t proto, uint32_t l4_len) {
  uint8_t tail[8] = {};
  if (ipv4) {
    tail[1] = proto;
    PutBe16(tail + 2, uint16_t(l4_len));
    return ChecksumAdd(tail, 4, ChecksumAdd(ip + 12, 8, 0));
  }
  PutBe32(tail, l4_len);
  tail[7] = proto;
  return ChecksumAdd(tail, 8, ChecksumAdd(ip + 8, 32, 0));
}

}  // namespace

uint64_t ChecksumAdd(const uint8_t* p, uint32_t n, uint64_t acc) {
  while (n >= 16) {
    uint32_t w[4];
    std::memcpy(w, p, 16);
    acc += uint64_t(w[0]) + w[1] + w[2] + w[3];
    p += 16;
    n -= 16;
  }
  while (n >= 4) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    acc += w;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    acc += h;
    p += 2;
    n -= 2;
  }
  if (n) {
    uint8_t last[2] = {p[0], 0};
    uint16_t h;
    std::memcpy(&h, last, 2);
    acc += h;
  }
  return acc;
}

uint16_t ChecksumFold(uint64_t acc) {
  acc = (acc & 0xffffffffu) + (acc >> 32);
  acc = (acc & 0xffffffffu) + (acc >> 32);
  uint32_t s = uint32_t(acc);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return uint16_t(s);
}

// The field already holds the pseudo-header sum (CHECKSUM_PARTIAL), so
// summing from csum_start over it gives the whole checksum.
bool CompleteChecksum(uint8_t* frame, uint32_t len, uint32_t csum_start, uint32_t csum_offset) {
  if (csum_start < kEthHdr || csum_start >= len || uint64_t(csum_start) + csum_offset + 2 > len)
    return false;
  const uint64_t sum = ChecksumAdd(frame + csum_start, len - csum_start, 0);
  StoreChecksum(frame + csum_start + csum_offset, sum, csum_offset == 6);
  return true;
}

// Walks Ethernet and up to two VLAN tags to the IP header the GSO type
// names, then checks the L4 header lies where the kernel said it does.
bool ParseGso(const uint8_t* data, uint32_t len, const VnetHdr& vh, GsoFrame* out) {
  const uint8_t type = vh.gso_type & uint8_t(~VnetHdr::kGsoEcn);
  GsoFrame g;
  g.data = data;
  g.len = len;
  if (type == VnetHdr::kGsoTcpV4 || type == VnetHdr::kGsoTcpV6) g.tcp = true;
  else if (type != VnetHdr::kGsoUdpL4) return false;
  if (len < kEthHdr || vh.gso_size == 0) return false;
  uint32_t l3 = 12;
  uint16_t ethertype = Be16(data + l3);
  for (int tags = 0; tags < 2 && (ethertype == 0x8100 || ethertype == 0x88a8); tags++) {
    l3 += 4;
    if (l3 + 2 > len) return false;
    ethertype = Be16(data + l3);
  }
  l3 += 2;
  const uint8_t proto = g.tcp ? kProtoTcp : kProtoUdp;
  if (ethertype == 0x0800) {
    if (type == VnetHdr::kGsoTcpV6 || l3 + 20 > len || (data[l3] >> 4) != 4) return false;
    const uint32_t ihl = uint32_t(data[l3] & 0x0f) * 4;
    if (ihl < 20 || data[l3 + 9] != proto) return false;
    g.ipv4 = true;
    g.l4 = l3 + ihl;
  } else if (ethertype == 0x86dd) {
    if (type == VnetHdr::kGsoTcpV4 || l3 + kIpv6Hdr > len || (data[l3] >> 4) != 6) return false;
    if (data[l3 + 6] != proto) return false;  // extension headers: refused
    g.l4 = l3 + kIpv6Hdr;
  } else {
    return false;
  }
  g.l3 = l3;
  if ((vh.flags & VnetHdr::kNeedsCsum) && vh.csum_start != g.l4) return false;
  const uint32_t l4_hdr = g.tcp ? (g.l4 + 13 <= len ? uint32_t(data[g.l4 + 12] >> 4) * 4 : 0) : 8;
  if (l4_hdr < 8 || (g.tcp && l4_hdr < 20)) return false;
  g.payload = g.l4 + l4_hdr;
  if (g.payload >= len || g.payload + 4 > kMaxSegmentHead) return false;
  g.gso_size = vh.gso_size;
  g.segments = (len - g.payload + g.gso_size - 1) / g.gso_size;
  *out = g;
  return true;
}

uint32_t BuildSegment(const GsoFrame& g, uint32_t i, const uint8_t* vlan, uint8_t* head,
                      const uint8_t** payload, uint32_t* payload_len) {
  const uint32_t off = i * g.gso_size;
  const uint32_t total = g.len - g.payload;
  const uint32_t plen = total - off < g.gso_size ? total - off : g.gso_size;
  const bool last = i + 1 == g.segments;
  // Headers, with the stripped tag back after the MACs.
  uint32_t shift = 0;
  if (vlan) {
    std::memcpy(head, g.data, 12);
    std::memcpy(head + 12, vlan, 4);
    std::memcpy(head + 16, g.data + 12, g.payload - 12);
    shift = 4;
  } else {
    std::memcpy(head, g.data, g.payload);
  }
  uint8_t* ip = head + g.l3 + shift;
  uint8_t* l4 = head + g.l4 + shift;
  const uint32_t l4_len = (g.payload - g.l4) + plen;
  if (g.ipv4) {
    const uint32_t ihl = g.l4 - g.l3;
    PutBe16(ip + 2, uint16_t(ihl + l4_len));
    PutBe16(ip + 4, uint16_t(Be16(ip + 4) + i));
    ip[10] = ip[11] = 0;
    StoreChecksum(ip + 10, ChecksumAdd(ip, ihl, 0), false);
  } else {
    PutBe16(ip + 4, uint16_t(l4_len));
  }
  uint8_t* field;
  if (g.tcp) {
    PutBe32(l4 + 4, Be32(l4 + 4) + off);
    if (!last) l4[13] &= uint8_t(~(kTcpFin | kTcpPsh));
    if (i) l4[13] &= uint8_t(~kTcpCwr);
    field = l4 + 16;
  } else {
    PutBe16(l4 + 4, uint16_t(l4_len));
    field = l4 + 6;
  }
  field[0] = field[1] = 0;
  uint64_t sum = PseudoHeaderSum(ip, g.ipv4, g.tcp ? kProtoTcp : kProtoUdp, l4_len);
  sum = ChecksumAdd(l4, g.payload - g.l4, sum);
  sum = ChecksumAdd(g.data + g.payload + off, plen, sum);
  StoreChecksum(field, sum, !g.tcp);
  *payload = g.data + g.payload + off;
  *payload_len = plen;
  return g.payload + shift;
}

}  // namespace msw
