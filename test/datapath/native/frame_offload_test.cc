// Frame offload completion (ports/frame_offload.h) against an obviously
// correct oracle: checksums verified by a plain big-endian 16-bit word
// sum (RFC 1071 as written), segments checked field by field and their
// payloads put back together into the super-frame's.
#include <cstring>
#include <vector>

#include "check.h"
#include "ports/frame_offload.h"

namespace msw_test {

namespace {

using Bytes = std::vector<uint8_t>;

uint16_t Get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) { return uint32_t(Get16(p)) << 16 | Get16(p + 2); }
void Put16(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}

// The oracle: sum of big-endian 16-bit words, carries folded at the end.
uint32_t OracleSum(const Bytes& b) {
  uint32_t s = 0;
  for (size_t i = 0; i < b.size(); i += 2) s += uint32_t(b[i]) << 8 | (i + 1 < b.size() ? b[i + 1] : 0);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

// The L4 checksum of 'l4' (header and payload) verifies: the sum with the
// pseudo-header is all ones.
bool L4Verifies(const uint8_t* ip, bool ipv4, uint8_t proto, const Bytes& l4) {
  Bytes all;
  if (ipv4) {
    all.assign(ip + 12, ip + 20);
    all.insert(all.end(), {0, proto, uint8_t(l4.size() >> 8), uint8_t(l4.size())});
  } else {
    all.assign(ip + 8, ip + 40);
    all.insert(all.end(), {uint8_t(l4.size() >> 24), uint8_t(l4.size() >> 16), uint8_t(l4.size() >> 8),
                           uint8_t(l4.size()), 0, 0, 0, proto});
  }
  all.insert(all.end(), l4.begin(), l4.end());
  return OracleSum(all) == 0xffff;
}

struct Super {
  Bytes frame;
  uint32_t l3, l4, payload;
};

// A super-frame: Ethernet (with 'tags' VLAN tags), IPv4 or IPv6, TCP with
// 12 bytes of options or UDP, 'n' payload bytes from 'rng'.
Super MakeSuper(Rng& rng, bool ipv4, bool tcp, uint32_t n, int tags = 0, uint8_t tcp_flags = 0x10) {
  Super s;
  Bytes& f = s.frame;
  for (int i = 0; i < 12; i++) f.push_back(rng.Byte());
  for (int t = 0; t < tags; t++) f.insert(f.end(), {0x81, 0x00, 0x00, uint8_t(10 + t)});
  f.insert(f.end(), {uint8_t(ipv4 ? 0x08 : 0x86), uint8_t(ipv4 ? 0x00 : 0xdd)});
  s.l3 = uint32_t(f.size());
  const uint8_t proto = tcp ? 6 : 17;
  if (ipv4) {
    Bytes ip = {0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    f.insert(f.end(), ip.begin(), ip.end());
  } else {
    Bytes ip = {0x60, 0, 0, 0, 0, 0, proto, 64};
    for (int i = 0; i < 32; i++) ip.push_back(rng.Byte());
    f.insert(f.end(), ip.begin(), ip.end());
  }
  s.l4 = uint32_t(f.size());
  if (tcp) {
    Bytes th = {0x30, 0x39, 0x14, 0x51, 0xff, 0xff, 0xf0, 0x00, 0, 0, 0, 7, 0x80, tcp_flags, 0x01, 0xf5, 0, 0, 0, 0,
                1,    1,    8,    10,   1,    2,    3,    4,    5, 6, 7, 8};
    f.insert(f.end(), th.begin(), th.end());
  } else {
    f.insert(f.end(), {0x30, 0x39, 0x14, 0x52, 0, 0, 0, 0});
  }
  s.payload = uint32_t(f.size());
  for (uint32_t i = 0; i < n; i++) f.push_back(rng.Byte());
  // The super-frame's own lengths, as the sender's stack wrote them.
  if (ipv4) Put16(&f[s.l3 + 2], uint32_t(f.size()) - s.l3);
  else Put16(&f[s.l3 + 4], uint32_t(f.size()) - s.l4);
  if (!tcp) Put16(&f[s.l4 + 4], uint32_t(f.size()) - s.l4);
  return s;
}

msw::VnetHdr Gso(uint8_t type, uint16_t size, uint16_t csum_start, uint16_t csum_offset) {
  msw::VnetHdr vh{};
  vh.flags = msw::VnetHdr::kNeedsCsum;
  vh.gso_type = type;
  vh.gso_size = size;
  vh.csum_start = csum_start;
  vh.csum_offset = csum_offset;
  return vh;
}

// Segments 's' and checks every segment against the oracle; 'vlan' is
// put back after the MACs when not null.
void CheckSegments(const Super& s, bool ipv4, bool tcp, uint32_t gso, const uint8_t* vlan) {
  const uint8_t type = tcp ? (ipv4 ? msw::VnetHdr::kGsoTcpV4 : msw::VnetHdr::kGsoTcpV6) : msw::VnetHdr::kGsoUdpL4;
  msw::GsoFrame g;
  CHECK(msw::ParseGso(s.frame.data(), uint32_t(s.frame.size()), Gso(type, uint16_t(gso), uint16_t(s.l4), tcp ? 16 : 6), &g));
  const uint32_t total = uint32_t(s.frame.size()) - s.payload;
  CHECK_EQ(g.segments, (total + gso - 1) / gso);
  const uint32_t shift = vlan ? 4 : 0;
  Bytes joined;
  for (uint32_t i = 0; i < g.segments; i++) {
    uint8_t head[msw::kMaxSegmentHead];
    const uint8_t* pl = nullptr;
    uint32_t plen = 0;
    const uint32_t hl = msw::BuildSegment(g, i, vlan, head, &pl, &plen);
    CHECK_EQ(hl, s.payload + shift);
    CHECK_EQ(plen, i + 1 < g.segments ? gso : total - i * gso);
    CHECK(pl == s.frame.data() + s.payload + i * gso);
    if (vlan) CHECK(std::memcmp(head + 12, vlan, 4) == 0);
    CHECK(std::memcmp(head, s.frame.data(), 12) == 0);
    const uint8_t* ip = head + s.l3 + shift;
    Bytes l4(head + s.l4 + shift, head + hl);
    l4.insert(l4.end(), pl, pl + plen);
    if (ipv4) {
      CHECK_EQ(Get16(ip + 2), uint32_t(hl - s.l3 - shift + plen));
      CHECK_EQ(Get16(ip + 4), 0x1234u + i);
      CHECK_EQ(OracleSum(Bytes(ip, ip + 20)), 0xffffu);
    } else {
      CHECK_EQ(Get16(ip + 4), uint32_t(l4.size()));
    }
    CHECK_MSG(L4Verifies(ip, ipv4, tcp ? 6 : 17, l4), "segment " << i << " checksum");
    if (tcp) {
      const uint8_t* th = head + s.l4 + shift;
      CHECK_EQ(Get32(th + 4), 0xfffff000u + i * gso);  // wraps past 2^32
      const uint8_t orig = s.frame[s.l4 + 13];
      uint8_t want = orig;
      if (i + 1 < g.segments) want &= uint8_t(~0x09);  // FIN and PSH on the last only
      if (i) want &= uint8_t(~0x80);                   // CWR on the first only
      CHECK_EQ(uint32_t(th[13]), uint32_t(want));
    } else {
      CHECK_EQ(Get16(head + s.l4 + shift + 4), uint32_t(l4.size()));
    }
    joined.insert(joined.end(), pl, pl + plen);
  }
  CHECK(joined == Bytes(s.frame.begin() + s.payload, s.frame.end()));
}

}  // namespace

// The kernel's CHECKSUM_PARTIAL: the field holds the folded pseudo-header
// sum; completing it gives a checksum the oracle verifies, for TCP and
// UDP, IPv4 and IPv6, odd and even lengths, with VLAN tags in the frame.
MSW_TEST(offload_completes_partial_checksums) {
  Rng rng(ctx.seed);
  for (int round = 0; round < 200; round++) {
    const bool ipv4 = rng.Chance(0.5), tcp = rng.Chance(0.5);
    Super s = MakeSuper(rng, ipv4, tcp, rng.Range(0, 1500), int(rng.Range(0, 2)));
    Bytes l4(s.frame.begin() + s.l4, s.frame.end());
    const uint8_t* ip = s.frame.data() + s.l3;
    Bytes pseudo = ipv4 ? Bytes(ip + 12, ip + 20) : Bytes(ip + 8, ip + 40);
    if (ipv4) pseudo.insert(pseudo.end(), {0, uint8_t(tcp ? 6 : 17), uint8_t(l4.size() >> 8), uint8_t(l4.size())});
    else pseudo.insert(pseudo.end(), {0, 0, uint8_t(l4.size() >> 8), uint8_t(l4.size()), 0, 0, 0, uint8_t(tcp ? 6 : 17)});
    const uint32_t field = s.l4 + (tcp ? 16 : 6);
    Put16(&s.frame[field], OracleSum(pseudo));
    CHECK(msw::CompleteChecksum(s.frame.data(), uint32_t(s.frame.size()), s.l4, tcp ? 16 : 6));
    Bytes done(s.frame.begin() + s.l4, s.frame.end());
    CHECK_MSG(L4Verifies(s.frame.data() + s.l3, ipv4, tcp ? 6 : 17, done), "round " << round);
    if (!tcp) CHECK(Get16(&s.frame[field]) != 0);  // UDP's "no checksum" never produced
  }
  uint8_t small[20] = {};
  CHECK(!msw::CompleteChecksum(small, 20, 14, 16));  // field past the end
  CHECK(!msw::CompleteChecksum(small, 20, 4, 0));    // inside the Ethernet header
}

MSW_TEST(offload_segments_tcp_super_frames) {
  Rng rng(ctx.seed);
  const uint8_t tag[4] = {0x81, 0x00, 0x20, 0x05};
  for (bool ipv4 : {true, false}) {
    for (uint32_t n : {1u, 1448u, 1449u, 10000u, 65000u - 86u}) {
      Super s = MakeSuper(rng, ipv4, true, n, 0, 0x10 | 0x08 | 0x01 | 0x80);  // ACK PSH FIN CWR
      CheckSegments(s, ipv4, true, 1448, nullptr);
      CheckSegments(s, ipv4, true, 1448, tag);
    }
    Super tagged = MakeSuper(rng, ipv4, true, 7000, 2, 0x18);
    CheckSegments(tagged, ipv4, true, 1000, nullptr);
  }
}

MSW_TEST(offload_segments_udp_super_frames) {
  Rng rng(ctx.seed);
  for (bool ipv4 : {true, false})
    for (uint32_t n : {1u, 1200u, 5001u, 60000u}) CheckSegments(MakeSuper(rng, ipv4, false, n), ipv4, false, 1200, nullptr);
}

// What the port must drop as 'offload-unsupported' rather than forward
// wrong: old UFO, IPv6 extension headers, a csum_start that is not the L4
// header, a GSO type that does not match the IP version, no gso_size.
MSW_TEST(offload_refuses_what_it_cannot_segment) {
  Rng rng(ctx.seed);
  msw::GsoFrame g;
  Super v4 = MakeSuper(rng, true, true, 5000);
  const uint32_t len = uint32_t(v4.frame.size());
  CHECK(msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoTcpV4, 1448, uint16_t(v4.l4), 16), &g));
  CHECK(msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoTcpV4 | msw::VnetHdr::kGsoEcn, 1448, uint16_t(v4.l4), 16), &g));
  CHECK(!msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoUdp, 1448, uint16_t(v4.l4), 6), &g));
  CHECK(!msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoTcpV6, 1448, uint16_t(v4.l4), 16), &g));
  CHECK(!msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoTcpV4, 1448, uint16_t(v4.l4 + 4), 16), &g));
  CHECK(!msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoTcpV4, 0, uint16_t(v4.l4), 16), &g));
  CHECK(!msw::ParseGso(v4.frame.data(), len, Gso(msw::VnetHdr::kGsoUdpL4, 1448, uint16_t(v4.l4), 6), &g));
  Super v6 = MakeSuper(rng, false, true, 5000);
  v6.frame[v6.l3 + 6] = 0;  // hop-by-hop options first
  CHECK(!msw::ParseGso(v6.frame.data(), uint32_t(v6.frame.size()), Gso(msw::VnetHdr::kGsoTcpV6, 1448, uint16_t(v6.l4), 16), &g));
  CHECK(!msw::ParseGso(v4.frame.data(), 40, Gso(msw::VnetHdr::kGsoTcpV4, 1448, uint16_t(v4.l4), 16), &g));  // cut short
}

}  // namespace msw_test
