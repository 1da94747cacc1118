// set_field on the working head: one write per field, with the checksums
// that cover the field updated incrementally (packet_edit.h, checksum.h).
#include <cstring>

#include "checksum.h"
#include "packet_edit.h"

namespace ofl {
namespace {

constexpr uint8_t kTcp = 6, kUdp = 17, kSctp = 132, kIcmp = 1, kIcmpv6 = 58;

bool IsTpid(uint16_t t) { return t == 0x8100 || t == 0x88a8; }

void Changed(WorkHead* w, uint32_t off, uint32_t n) {
  if (off + n > w->changed_end) w->changed_end = off + n;
  w->layout_stale = w->key_stale = true;
}

// Offset of the transport checksum the IP pseudo-header feeds, 0 if none
// (or if it lies beyond the head: then the edit must not happen).
// '*reachable' is false in that last case.
uint32_t PseudoCsumOff(const Layout& lay, const WorkHead& w, bool* udp, bool* reachable) {
  *udp = false;
  *reachable = true;
  if (!lay.l4_off) return 0;
  uint32_t off;
  if (lay.l4_proto == kTcp) {
    off = lay.l4_off + 16u;
  } else if (lay.l4_proto == kUdp) {
    off = lay.l4_off + 6u;
    *udp = true;
  } else if (lay.l4_proto == kIcmpv6 && lay.l3 == 6) {
    off = lay.l4_off + 2u;
  } else {
    return 0;
  }
  if (off + 2 > w.len) {
    *reachable = false;
    return 0;
  }
  return off;
}

// An IP header field at l3 + 'off': the IPv4 header checksum and, when
// the pseudo-header covers it, the transport checksum follow.
bool WriteIpField(WorkHead* w, uint32_t off, const uint8_t* val, uint32_t n, bool pseudo) {
  const Layout lay = GetLayout(w);
  bool udp = false, reachable = true;
  const uint32_t l4c = pseudo ? PseudoCsumOff(lay, *w, &udp, &reachable) : 0;
  if (!reachable) return false;
  const uint32_t d = ReplaceBytes(w->buf + lay.l3_off, off, val, n);
  Changed(w, lay.l3_off + off, n);
  if (lay.l3 == 4) {
    ApplyCsumDelta(w->buf + lay.l3_off + 10, d, false);
    Changed(w, lay.l3_off + 10u, 2);
  }
  if (l4c) {
    ApplyCsumDelta(w->buf + l4c, d, udp);
    Changed(w, l4c, 2);
  }
  return true;
}

// A transport field at l4 + 'off' of protocol 'proto'.
bool WriteL4Field(WorkHead* w, uint8_t proto, uint32_t off, const uint8_t* val, uint32_t n) {
  const Layout lay = GetLayout(w);
  if (!lay.l4_off || lay.l4_proto != proto || lay.l4_off + off + n > w->len) return false;
  if ((proto == kIcmp && lay.l3 != 4) || (proto == kIcmpv6 && lay.l3 != 6)) return false;
  uint8_t* l4 = w->buf + lay.l4_off;
  if (proto == kSctp) {
    // CRC32c covers the whole SCTP packet: only possible when all of it,
    // up to the IP payload's end, is in the head.
    const uint8_t* ip = w->buf + lay.l3_off;
    const uint32_t end = lay.l3 == 4 ? lay.l3_off + LoadBe16(ip + 2)
                                     : lay.l3_off + 40u + LoadBe16(ip + 4);
    if (end > w->len || end < lay.l4_off + 12u) return false;
    memcpy(l4 + off, val, n);
    memset(l4 + 8, 0, 4);
    const uint32_t crc = Crc32c(l4, end - lay.l4_off);
    l4[8] = uint8_t(crc);
    l4[9] = uint8_t(crc >> 8);
    l4[10] = uint8_t(crc >> 16);
    l4[11] = uint8_t(crc >> 24);
    Changed(w, lay.l4_off, 12);
    return true;
  }
  const uint32_t csum = proto == kTcp ? 16u : proto == kUdp ? 6u : 2u;
  if (lay.l4_off + csum + 2 > w->len) return false;
  const uint32_t d = ReplaceBytes(l4, off, val, n);
  ApplyCsumDelta(l4 + csum, d, proto == kUdp);
  Changed(w, lay.l4_off + off, n);
  Changed(w, lay.l4_off + csum, 2);
  return true;
}

bool IsIpNotInMpls(const Layout& lay) {
  return (lay.l3 == 4 || lay.l3 == 6) && !lay.l3_in_mpls;
}

// DSCP or ECN: IPv4's TOS byte, or IPv6's traffic class across two bytes.
bool WriteTos(WorkHead* w, uint8_t value, uint8_t mask) {
  const Layout lay = GetLayout(w);
  if (!IsIpNotInMpls(lay)) return false;
  uint8_t* ip = w->buf + lay.l3_off;
  if (lay.l3 == 4) {
    const uint8_t tos = uint8_t((ip[1] & ~mask) | (value & mask));
    return WriteIpField(w, 1, &tos, 1, false);
  }
  uint8_t tc = uint8_t((ip[0] & 0x0f) << 4 | ip[1] >> 4);
  tc = uint8_t((tc & ~mask) | (value & mask));
  ip[0] = uint8_t((ip[0] & 0xf0) | tc >> 4);
  ip[1] = uint8_t((ip[1] & 0x0f) | tc << 4);
  Changed(w, lay.l3_off, 2);
  return true;
}

bool WriteArp(WorkHead* w, uint32_t off, const uint8_t* val, uint32_t n) {
  const Layout lay = GetLayout(w);
  if (lay.l3 != 'a') return false;
  memcpy(w->buf + lay.l3_off + off, val, n);
  Changed(w, lay.l3_off + off, n);
  return true;
}

// The outermost MPLS label stack entry, with 'mask' bits replaced.
bool WriteLse(WorkHead* w, uint32_t value, uint32_t mask) {
  const Layout lay = GetLayout(w);
  if (!lay.mpls_off) return false;
  uint8_t* p = w->buf + lay.mpls_off;
  StoreBe32(p, (LoadBe32(p) & ~mask) | (value & mask));
  Changed(w, lay.mpls_off, 4);
  return true;
}

bool WriteTci(WorkHead* w, uint16_t value, uint16_t mask) {
  if (w->len < 18 || !IsTpid(LoadBe16(w->buf + 12))) return false;
  StoreBe16(w->buf + 14, uint16_t((LoadBe16(w->buf + 14) & ~mask) | (value & mask)));
  Changed(w, 14, 2);
  return true;
}

}  // namespace

bool SetField(WorkHead* w, const Action& a) {
  uint8_t b[4];
  const uint64_t v = a.num;
  switch (a.field) {
    case SetF::kEthDst:
    case SetF::kEthSrc: {
      if (w->len < 14) return false;
      const uint32_t off = a.field == SetF::kEthDst ? 0 : 6;
      memcpy(w->buf + off, a.bytes, 6);
      Changed(w, off, 6);
      return true;
    }
    case SetF::kVlanVid: return WriteTci(w, uint16_t(v & 0x0fff), 0x0fff);
    case SetF::kVlanPcp: return WriteTci(w, uint16_t(v << 13), 0xe000);
    case SetF::kIpDscp: return WriteTos(w, uint8_t(v << 2), 0xfc);
    case SetF::kIpEcn: return WriteTos(w, uint8_t(v), 0x03);
    case SetF::kIpTtl: return SetNwTtl(w, uint8_t(v));
    case SetF::kIpv4Src:
    case SetF::kIpv4Dst: {
      const Layout lay = GetLayout(w);
      if (lay.l3 != 4 || lay.l3_in_mpls) return false;
      StoreBe32(b, uint32_t(v));
      return WriteIpField(w, a.field == SetF::kIpv4Src ? 12 : 16, b, 4, true);
    }
    case SetF::kIpv6Src:
    case SetF::kIpv6Dst: {
      const Layout lay = GetLayout(w);
      if (lay.l3 != 6 || lay.l3_in_mpls) return false;
      return WriteIpField(w, a.field == SetF::kIpv6Src ? 8 : 24, a.bytes, 16, true);
    }
    case SetF::kIpv6Flabel: {
      const Layout lay = GetLayout(w);
      if (lay.l3 != 6 || lay.l3_in_mpls) return false;
      uint8_t* ip = w->buf + lay.l3_off;
      StoreBe32(ip, (LoadBe32(ip) & ~0xfffffu) | uint32_t(v & 0xfffff));
      Changed(w, lay.l3_off, 4);
      return true;
    }
    case SetF::kTcpSrc:
    case SetF::kTcpDst:
    case SetF::kUdpSrc:
    case SetF::kUdpDst:
    case SetF::kSctpSrc:
    case SetF::kSctpDst: {
      const uint8_t proto = a.field <= SetF::kTcpDst ? kTcp : a.field <= SetF::kUdpDst ? kUdp : kSctp;
      const bool src = a.field == SetF::kTcpSrc || a.field == SetF::kUdpSrc ||
                       a.field == SetF::kSctpSrc;
      StoreBe16(b, uint16_t(v));
      return WriteL4Field(w, proto, src ? 0 : 2, b, 2);
    }
    case SetF::kIcmpv4Type:
    case SetF::kIcmpv4Code:
    case SetF::kIcmpv6Type:
    case SetF::kIcmpv6Code: {
      const bool v6 = a.field >= SetF::kIcmpv6Type;
      const bool code = a.field == SetF::kIcmpv4Code || a.field == SetF::kIcmpv6Code;
      b[0] = uint8_t(v);
      return WriteL4Field(w, v6 ? kIcmpv6 : kIcmp, code ? 1 : 0, b, 1);
    }
    case SetF::kArpOp:
      StoreBe16(b, uint16_t(v));
      return WriteArp(w, 6, b, 2);
    case SetF::kArpSha: return WriteArp(w, 8, a.bytes, 6);
    case SetF::kArpSpa:
      StoreBe32(b, uint32_t(v));
      return WriteArp(w, 14, b, 4);
    case SetF::kArpTha: return WriteArp(w, 18, a.bytes, 6);
    case SetF::kArpTpa:
      StoreBe32(b, uint32_t(v));
      return WriteArp(w, 24, b, 4);
    case SetF::kMplsLabel: return WriteLse(w, uint32_t(v) << 12, 0xfffff000u);
    case SetF::kMplsTc: return WriteLse(w, uint32_t(v) << 9, 0xe00u);
    case SetF::kMplsBos: return WriteLse(w, uint32_t(v) << 8, 0x100u);
    case SetF::kCount: break;
  }
  return false;
}

}  // namespace ofl
