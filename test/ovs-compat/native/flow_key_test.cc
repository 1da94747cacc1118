// Flow key extraction on hand-built frames of every kind, against golden
// values written from the protocol layouts (not from flow_key.cc).
#include <cstring>
#include <vector>

#include "../../datapath/native/check.h"
#include "flow_key.h"

namespace {

using ofl::FlowKey;
using Bytes = std::vector<uint8_t>;

const Bytes kDst = {0x02, 0, 0, 0, 0, 0x02};
const Bytes kSrc = {0x02, 0, 0, 0, 0, 0x01};

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes Eth(uint16_t type) { return Cat({kDst, kSrc, {uint8_t(type >> 8), uint8_t(type)}}); }
Bytes Tag(uint16_t tpid, uint16_t tci) {
  return {uint8_t(tpid >> 8), uint8_t(tpid), uint8_t(tci >> 8), uint8_t(tci)};
}
// (The tag goes between the MACs and the type: built by hand below.)
Bytes Tagged(std::initializer_list<Bytes> tags, uint16_t type) {
  Bytes out = Cat({kDst, kSrc});
  for (const Bytes& t : tags) out.insert(out.end(), t.begin(), t.end());
  out.push_back(uint8_t(type >> 8));
  out.push_back(uint8_t(type));
  return out;
}

// IPv4 header: tos 0xb9 (dscp 46, ecn 1), ttl 63, 10.0.0.1 -> 10.0.0.2.
Bytes Ipv4(uint8_t proto, uint16_t frag = 0) {
  return {0x45, 0xb9, 0, 40, 0, 1, uint8_t(frag >> 8), uint8_t(frag), 63, proto, 0, 0,
          10, 0, 0, 1, 10, 0, 0, 2};
}
// IPv6 header: tc 0xb9, flow label 0x12345, hop limit 64, 2001:db8::1 -> ::2.
Bytes Ipv6(uint8_t nh) {
  Bytes h = {0x6b, 0x91, 0x23, 0x45, 0, 20, nh, 64};
  Bytes a(16, 0), b(16, 0);
  a[0] = b[0] = 0x20;
  a[1] = b[1] = 0x01;
  a[2] = b[2] = 0x0d;
  a[3] = b[3] = 0xb8;
  a[15] = 1;
  b[15] = 2;
  return Cat({h, a, b});
}
Bytes Tcp() {  // 1234 -> 80, data offset 5, flags SYN|ACK
  return {0x04, 0xd2, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0};
}
Bytes Udp() { return {0x13, 0x88, 0x00, 0x35, 0, 8, 0, 0}; }  // 5000 -> 53

FlowKey Extract(const Bytes& f, uint32_t len = 0) {
  FlowKey k;
  ofl::ExtractFlowKey(f.data(), len ? len : uint32_t(f.size()), 7, 0x99, &k);
  return k;
}

}  // namespace

MSW_TEST(flow_key_ipv4_tcp_untagged) {
  const FlowKey k = Extract(Cat({Eth(0x0800), Ipv4(6), Tcp()}));
  CHECK_EQ(k.in_port, 7u);
  CHECK_EQ(k.metadata, 0x99u);
  CHECK(memcmp(k.eth_dst, kDst.data(), 6) == 0 && memcmp(k.eth_src, kSrc.data(), 6) == 0);
  CHECK_EQ(k.eth_type, 0x0800);
  CHECK_EQ(k.vlan_vid, 0);
  CHECK_EQ(int(k.ip_dscp), 46);
  CHECK_EQ(int(k.ip_ecn), 1);
  CHECK_EQ(int(k.ip_ttl), 63);
  CHECK_EQ(int(k.ip_proto), 6);
  CHECK_EQ(k.ipv4_src, 0x0a000001u);
  CHECK_EQ(k.ipv4_dst, 0x0a000002u);
  CHECK_EQ(k.tp_src, 1234);
  CHECK_EQ(k.tp_dst, 80);
  CHECK_EQ(k.tcp_flags, 0x012);
  CHECK_EQ(k.present, ofl::kHasIpv4 | ofl::kHasPorts | ofl::kHasTcpFlags);
}

MSW_TEST(flow_key_vlan_and_qinq) {
  FlowKey k = Extract(Cat({Tagged({Tag(0x8100, 0xa064)}, 0x0800), Ipv4(17), Udp()}));
  CHECK_EQ(k.vlan_vid, 0x1000 | 100);
  CHECK_EQ(int(k.vlan_pcp), 5);
  CHECK_EQ(k.eth_type, 0x0800);
  CHECK_EQ(k.tp_src, 5000);
  CHECK_EQ(k.tp_dst, 53);
  CHECK_EQ(k.present, ofl::kHasVlan | ofl::kHasIpv4 | ofl::kHasPorts);
  // 802.1ad outer tag (VID 7, PCP 1) over an 802.1Q inner tag: the outer is matched.
  k = Extract(Cat({Tagged({Tag(0x88a8, 0x2007), Tag(0x8100, 0x0005)}, 0x0800), Ipv4(1),
                   {8, 0, 0, 0}}));
  CHECK_EQ(k.vlan_vid, 0x1000 | 7);
  CHECK_EQ(int(k.vlan_pcp), 1);
  CHECK_EQ(k.eth_type, 0x0800);
  CHECK_EQ(int(k.icmp_type), 8);
  CHECK_EQ(int(k.icmp_code), 0);
  CHECK(k.present & ofl::kHasIcmp);
  // A tag cut short: no eth_type, nothing beyond.
  k = Extract(Tagged({Tag(0x8100, 5)}, 0x0800), 16);
  CHECK_EQ(k.eth_type, 0);
}

MSW_TEST(flow_key_ipv6) {
  FlowKey k = Extract(Cat({Eth(0x86dd), Ipv6(6), Tcp()}));
  CHECK_EQ(k.eth_type, 0x86dd);
  CHECK_EQ(k.ipv6_flabel, 0x12345u);
  CHECK_EQ(int(k.ip_dscp), 46);
  CHECK_EQ(int(k.ip_ecn), 1);
  CHECK_EQ(int(k.ip_ttl), 64);
  CHECK_EQ(int(k.ip_proto), 6);
  CHECK_EQ(int(k.ipv6_src[0]), 0x20);
  CHECK_EQ(int(k.ipv6_src[15]), 1);
  CHECK_EQ(int(k.ipv6_dst[15]), 2);
  CHECK_EQ(k.tp_dst, 80);
  CHECK_EQ(k.present, ofl::kHasIpv6 | ofl::kHasPorts | ofl::kHasTcpFlags);
  // Hop-by-hop options (8 bytes) then ICMPv6 echo request.
  k = Extract(Cat({Eth(0x86dd), Ipv6(0), {58, 0, 0, 0, 0, 0, 0, 0}, {128, 0, 0, 0}}));
  CHECK_EQ(int(k.ip_proto), 58);
  CHECK_EQ(int(k.icmp_type), 128);
  CHECK(k.present & ofl::kHasIcmp);
  // ICMPv4's protocol number over IPv6 is not ICMP (prerequisite).
  k = Extract(Cat({Eth(0x86dd), Ipv6(1), {8, 0, 0, 0}}));
  CHECK_EQ(int(k.icmp_type), 0);
  CHECK(!(k.present & ofl::kHasIcmp));
}

MSW_TEST(flow_key_arp_mpls_sctp_fragments) {
  const Bytes arp = {0, 1, 8, 0, 6, 4, 0, 2, 0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
                     0x02, 0, 0, 0, 0, 0x02, 10, 0, 0, 2};
  FlowKey k = Extract(Cat({Eth(0x0806), arp}));
  CHECK_EQ(k.arp_op, 2);
  CHECK_EQ(k.arp_spa, 0x0a000001u);
  CHECK_EQ(k.arp_tpa, 0x0a000002u);
  CHECK_EQ(int(k.arp_sha[5]), 1);
  CHECK_EQ(int(k.arp_tha[5]), 2);
  CHECK_EQ(k.present, ofl::kHasArp);
  // MPLS label 1000, tc 5, bottom of stack, ttl 64.
  const uint32_t lse = 1000u << 12 | 5u << 9 | 1u << 8 | 64;
  k = Extract(Cat({Eth(0x8847), {uint8_t(lse >> 24), uint8_t(lse >> 16), uint8_t(lse >> 8),
                                  uint8_t(lse)}}));
  CHECK_EQ(k.mpls_label, 1000u);
  CHECK_EQ(int(k.mpls_tc), 5);
  CHECK_EQ(int(k.mpls_bos), 1);
  CHECK_EQ(k.present, ofl::kHasMpls);
  k = Extract(Cat({Eth(0x0800), Ipv4(132), {0x0b, 0xb8, 0x0f, 0xa0, 0, 0, 0, 0}}));
  CHECK_EQ(k.tp_src, 3000);
  CHECK_EQ(k.tp_dst, 4000);
  CHECK_EQ(k.present, ofl::kHasIpv4 | ofl::kHasPorts);
  // A later fragment (offset 185 * 8): IP fields but no ports.
  k = Extract(Cat({Eth(0x0800), Ipv4(6, 185), Tcp()}));
  CHECK_EQ(int(k.ip_proto), 6);
  CHECK_EQ(k.tp_dst, 0);
  CHECK_EQ(k.present, ofl::kHasIpv4 | ofl::kIsFragment);
  // TCP cut short by head_len: IP fields, no ports.
  const Bytes f = Cat({Eth(0x0800), Ipv4(6), Tcp()});
  k = Extract(f, 14 + 20 + 10);
  CHECK_EQ(k.ipv4_dst, 0x0a000002u);
  CHECK_EQ(k.tp_dst, 0);
  CHECK_EQ(k.present, ofl::kHasIpv4);
  // A runt: only in_port and metadata.
  k = Extract(f, 10);
  CHECK_EQ(k.eth_type, 0);
  CHECK_EQ(k.in_port, 7u);
}

// ExtractFlowKeySum's fast path (IPv4, at most one 802.1Q tag) builds the
// key word by word: on random frames of shapes near it and far from it, cut short at
// every length, it must give exactly ExtractFlowKey's key and KeySum of it.
MSW_TEST(flow_key_sum_equals_extract_and_hash) {
  msw_test::Rng rng(ctx.seed);
  const uint8_t protos[] = {1, 6, 17, 132, 58, 47};
  uint64_t fast_shapes = 0;
  for (int i = 0; i < 3000; i++) {
    Bytes f;
    const uint32_t shape = rng.Range(0, 5);
    const uint8_t proto = protos[rng.Range(0, 5)];
    Bytes ip = Ipv4(proto, rng.Chance(0.1) ? 0x0010 : (rng.Chance(0.05) ? 0x2000 : 0));
    ip[0] = uint8_t(0x40 | rng.Range(rng.Chance(0.05) ? 0 : 5, 7));  // ihl, sometimes bad
    ip[1] = rng.Byte();
    ip[8] = rng.Byte();
    for (int b = 12; b < 20; b++) ip[b] = rng.Byte();
    Bytes opts((ip[0] & 0x0f) > 5 ? ((ip[0] & 0x0f) - 5) * 4 : 0, 0x01);
    Bytes l4(20);
    for (uint8_t& b : l4) b = rng.Byte();
    switch (shape) {
      case 0: f = Cat({Eth(0x0800), ip, opts, l4}); break;
      case 1: f = Cat({Tagged({Tag(0x8100, uint16_t(rng.Next()))}, 0x0800), ip, opts, l4}); break;
      case 2: f = Cat({Tagged({Tag(0x88a8, 5), Tag(0x8100, 7)}, 0x0800), ip, opts, l4}); break;
      case 3: f = Cat({Tagged({Tag(0x8100, 5), Tag(0x8100, 7)}, 0x0800), ip, opts, l4}); break;
      case 4: f = Cat({Eth(0x86dd), Ipv6(proto == 1 ? 58 : proto), l4}); break;
      default: f = Cat({Eth(uint16_t(rng.Next())), l4, l4}); break;
    }
    for (int b = 0; b < 12; b++) f[size_t(b)] = rng.Byte();
    const uint32_t len = rng.Chance(0.3) ? rng.Range(0, uint32_t(f.size())) : uint32_t(f.size());
    const uint32_t in_port = rng.Range(1, 4095);
    const uint64_t metadata = rng.Chance(0.5) ? 0 : rng.Next();
    FlowKey want, got;
    memset(&got, 0xa5, sizeof got);  // every byte must be written
    ofl::ExtractFlowKey(f.data(), len, in_port, metadata, &want);
    const uint64_t sum = ofl::ExtractFlowKeySum(f.data(), len, in_port, metadata, &got);
    CHECK_MSG(memcmp(&want, &got, sizeof want) == 0,
              "frame " << i << " shape " << shape << " len " << len << ": keys differ");
    CHECK_MSG(sum == ofl::KeySum(want), "frame " << i << " shape " << shape << ": sum differs");
    fast_shapes += (shape <= 1 && (want.present & ofl::kHasIpv4) && !(want.present & ofl::kIsFragment));
  }
  CHECK_MSG(fast_shapes > 500, "only " << fast_shapes << " frames took the IPv4 shapes");
}
