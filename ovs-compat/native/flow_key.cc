// Flow key extraction: one pass over the frame's headers, each layer read
// only when its bytes are all within 'len' (see flow_key.h for the fields
// and their prerequisites).
#include "flow_key.h"

namespace ofl {
namespace {

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthArp = 0x0806;
constexpr uint16_t kEthVlan = 0x8100;
constexpr uint16_t kEthQinQ = 0x88a8;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint16_t kEthMpls = 0x8847;
constexpr uint16_t kEthMplsMc = 0x8848;

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoSctp = 132;
constexpr uint8_t kProtoIcmpv6 = 58;

inline uint16_t Be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t Be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// Transport fields at 'l4' (bytes 'avail'), for IP protocol 'proto'.
void ExtractL4(const uint8_t* l4, uint32_t avail, uint8_t proto, bool v6, FlowKey* k) {
  switch (proto) {
    case kProtoTcp:
      if (avail < 14) return;
      k->tp_src = Be16(l4);
      k->tp_dst = Be16(l4 + 2);
      k->tcp_flags = uint16_t((l4[12] & 0x0f) << 8 | l4[13]);
      k->present |= kHasPorts | kHasTcpFlags;
      return;
    case kProtoUdp:
    case kProtoSctp:
      if (avail < 4) return;
      k->tp_src = Be16(l4);
      k->tp_dst = Be16(l4 + 2);
      k->present |= kHasPorts;
      return;
    case kProtoIcmp:
    case kProtoIcmpv6:
      // ICMPv4 only over IPv4, ICMPv6 only over IPv6 (the spec's prerequisites).
      if (avail < 2 || v6 != (proto == kProtoIcmpv6)) return;
      k->icmp_type = l4[0];
      k->icmp_code = l4[1];
      k->present |= kHasIcmp;
      return;
    default:
      return;
  }
}

void ExtractIpv4(const uint8_t* p, uint32_t avail, FlowKey* k) {
  if (avail < 20 || (p[0] >> 4) != 4) return;
  const uint32_t ihl = uint32_t(p[0] & 0x0f) * 4;
  if (ihl < 20) return;
  k->ip_dscp = p[1] >> 2;
  k->ip_ecn = p[1] & 3;
  k->ip_ttl = p[8];
  k->ip_proto = p[9];
  k->ipv4_src = Be32(p + 12);
  k->ipv4_dst = Be32(p + 16);
  k->present |= kHasIpv4;
  if ((Be16(p + 6) & 0x1fff) != 0) {
    k->present |= kIsFragment;  // a later fragment carries no L4 header
    return;
  }
  if (avail > ihl) ExtractL4(p + ihl, avail - ihl, k->ip_proto, false, k);
}

void ExtractIpv6(const uint8_t* p, uint32_t avail, FlowKey* k) {
  if (avail < 40 || (p[0] >> 4) != 6) return;
  const uint8_t tc = uint8_t((p[0] & 0x0f) << 4 | p[1] >> 4);
  k->ip_dscp = tc >> 2;
  k->ip_ecn = tc & 3;
  k->ipv6_flabel = Be32(p) & 0xfffff;
  k->ip_ttl = p[7];
  memcpy(k->ipv6_src, p + 8, 16);
  memcpy(k->ipv6_dst, p + 24, 16);
  k->present |= kHasIpv6;
  // ip_proto is the header after the extension headers we can walk
  // (hop-by-hop, routing, destination options, fragment), as OVS does.
  uint8_t nh = p[6];
  uint32_t off = 40;
  for (int hops = 0; hops < 8; hops++) {
    if (nh == 0 || nh == 43 || nh == 60) {
      if (avail < off + 8) break;
      const uint8_t next = p[off];
      off += (uint32_t(p[off + 1]) + 1) * 8;
      nh = next;
    } else if (nh == 44) {
      if (avail < off + 8) break;
      const uint8_t next = p[off];
      const bool later = (Be16(p + off + 2) & 0xfff8) != 0;
      off += 8;
      nh = next;
      if (later) {
        k->ip_proto = nh;
        k->present |= kIsFragment;
        return;
      }
    } else {
      break;
    }
  }
  k->ip_proto = nh;
  if (avail > off) ExtractL4(p + off, avail - off, nh, true, k);
}

void ExtractArp(const uint8_t* p, uint32_t avail, FlowKey* k) {
  // Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4.
  if (avail < 28 || Be16(p) != 1 || Be16(p + 2) != kEthIpv4 || p[4] != 6 || p[5] != 4) return;
  k->arp_op = Be16(p + 6);
  memcpy(k->arp_sha, p + 8, 6);
  k->arp_spa = Be32(p + 14);
  memcpy(k->arp_tha, p + 18, 6);
  k->arp_tpa = Be32(p + 24);
  k->present |= kHasArp;
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

// The fast path of ExtractFlowKeySum: Ethernet, at most one 802.1Q tag,
// then an IPv4 header that is no later fragment.  Fills every word of '*k'
// and returns true, or returns false having written nothing (the general
// path then runs).  The word layout is FlowKey's on a little-endian host:
//   w0 metadata   w1 in_port | ipv4_src   w2 ipv4_dst | arp_spa (0)
//   w4 mpls_label (0) | eth_type | vlan_vid   w5 tp_src | tp_dst | tcp_flags
//   w6 frame[0..8) (eth_dst, eth_src[0..2))   w7 frame[8..12) (eth_src[2..6))
//   w13 vlan_pcp | ip_proto | dscp | ecn | ttl | icmp_type | icmp_code
//   w14 present << 32;  w3, w8..w12 zero.
bool ExtractIpv4Words(const uint8_t* f, uint32_t len, uint32_t in_port, uint64_t metadata,
                      FlowKey* k, uint64_t* sum) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (len < 34) return false;
  uint32_t off = 12;
  uint64_t vlan = 0;  // vlan_vid << 48 | vlan_pcp (as they sit in w4 and w13)
  uint32_t present = kHasIpv4;
  uint16_t type = Be16(f + 12);
  if (type == kEthVlan) {
    const uint16_t tci = Be16(f + 14);
    vlan = uint64_t(kOfpVidPresent | (tci & 0x0fff)) << 48 | uint64_t(tci >> 13);
    present |= kHasVlan;
    off = 16;
    type = Be16(f + 16);
  }
  if (type != kEthIpv4) return false;
  const uint8_t* p = f + off + 2;
  const uint32_t avail = len - off - 2;
  if (avail < 20 || (p[0] >> 4) != 4) return false;
  const uint32_t ihl = uint32_t(p[0] & 0x0f) * 4;
  if (ihl < 20 || (Be16(p + 6) & 0x1fff) != 0) return false;
  const uint8_t proto = p[9];
  uint64_t w5 = 0, icmp = 0;
  if (avail > ihl) {
    const uint8_t* l4 = p + ihl;
    const uint32_t l4_avail = avail - ihl;
    if (proto == kProtoTcp && l4_avail >= 14) {
      w5 = uint64_t(Be16(l4)) | uint64_t(Be16(l4 + 2)) << 16 |
           uint64_t((l4[12] & 0x0f) << 8 | l4[13]) << 32;
      present |= kHasPorts | kHasTcpFlags;
    } else if ((proto == kProtoUdp || proto == kProtoSctp) && l4_avail >= 4) {
      w5 = uint64_t(Be16(l4)) | uint64_t(Be16(l4 + 2)) << 16;
      present |= kHasPorts;
    } else if (proto == kProtoIcmp && l4_avail >= 2) {
      icmp = uint64_t(l4[0]) << 40 | uint64_t(l4[1]) << 48;
      present |= kHasIcmp;
    }
  }
  const uint64_t w0 = metadata;
  const uint64_t w1 = uint64_t(in_port) | uint64_t(Be32(p + 12)) << 32;
  const uint64_t w2 = Be32(p + 16);
  const uint64_t w4 = uint64_t(kEthIpv4) << 32 | (vlan & 0xffff000000000000ull);
  const uint64_t w6 = Load64(f);
  const uint64_t w7 = Load32(f + 8);
  const uint64_t w13 = (vlan & 0xff) | uint64_t(proto) << 8 | uint64_t(p[1] >> 2) << 16 |
                       uint64_t(p[1] & 3) << 24 | uint64_t(p[8]) << 32 | icmp;
  const uint64_t w14 = uint64_t(present) << 32;
  // Word by word, each one 8-byte store: a local array copied in would be
  // spilled and read back in other widths (a store-forwarding stall).
  uint8_t* out = reinterpret_cast<uint8_t*>(k);
  const uint64_t zero = 0;
  memcpy(out + 0, &w0, 8);
  memcpy(out + 8, &w1, 8);
  memcpy(out + 16, &w2, 8);
  memcpy(out + 24, &zero, 8);
  memcpy(out + 32, &w4, 8);
  memcpy(out + 40, &w5, 8);
  memcpy(out + 48, &w6, 8);
  memcpy(out + 56, &w7, 8);
  for (uint32_t i = 8; i < 13; i++) memcpy(out + 8 * i, &zero, 8);
  memcpy(out + 104, &w13, 8);
  memcpy(out + 112, &w14, 8);
  *sum = w0 * kWordSeeds[0] + w1 * kWordSeeds[1] + w2 * kWordSeeds[2] + w4 * kWordSeeds[4] +
         w5 * kWordSeeds[5] + w6 * kWordSeeds[6] + w7 * kWordSeeds[7] + w13 * kWordSeeds[13] +
         w14 * kWordSeeds[14];
  return true;
#else
  return false;
#endif
}

}  // namespace

uint64_t ExtractFlowKeySum(const uint8_t* frame, uint32_t len, uint32_t in_port,
                           uint64_t metadata, FlowKey* key) {
  uint64_t sum;
  if (ExtractIpv4Words(frame, len, in_port, metadata, key, &sum)) return sum;
  ExtractFlowKey(frame, len, in_port, metadata, key);
  return KeySum(*key);
}

void ExtractFlowKey(const uint8_t* f, uint32_t len, uint32_t in_port, uint64_t metadata,
                    FlowKey* k) {
  memset(k, 0, sizeof *k);
  k->in_port = in_port;
  k->metadata = metadata;
  if (len < 14) return;
  memcpy(k->eth_dst, f, 6);
  memcpy(k->eth_src, f + 6, 6);
  uint32_t off = 12;
  uint16_t type = Be16(f + off);
  // VLAN tags: the outer one is matched, the rest are skipped.
  bool outer = true;
  while ((type == kEthVlan || type == kEthQinQ) && len >= off + 8) {
    if (outer) {
      const uint16_t tci = Be16(f + off + 2);
      k->vlan_vid = uint16_t(kOfpVidPresent | (tci & 0x0fff));
      k->vlan_pcp = uint8_t(tci >> 13);
      k->present |= kHasVlan;
      outer = false;
    }
    off += 4;
    type = Be16(f + off);
  }
  if (type == kEthVlan || type == kEthQinQ) return;  // a tag cut short
  k->eth_type = type;
  off += 2;
  const uint8_t* p = f + off;
  const uint32_t avail = len - off;
  switch (type) {
    case kEthIpv4:
      ExtractIpv4(p, avail, k);
      break;
    case kEthIpv6:
      ExtractIpv6(p, avail, k);
      break;
    case kEthArp:
      ExtractArp(p, avail, k);
      break;
    case kEthMpls:
    case kEthMplsMc:
      if (avail >= 4) {
        const uint32_t lse = Be32(p);
        k->mpls_label = lse >> 12;
        k->mpls_tc = uint8_t((lse >> 9) & 7);
        k->mpls_bos = uint8_t((lse >> 8) & 1);
        k->present |= kHasMpls;
      }
      break;
    default:
      break;
  }
}

}  // namespace ofl
