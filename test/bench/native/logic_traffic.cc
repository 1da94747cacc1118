// The per-logic benchmark's flow sets and frames; see logic_traffic.h.
#include "logic_traffic.h"

#include <arpa/inet.h>

#include <cstdio>
#include <stdexcept>

namespace msw_bench {

const uint8_t kSrcMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t kDstMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

namespace {

std::string Ip(uint32_t host_order) {
  char b[20];
  std::snprintf(b, sizeof b, "%u.%u.%u.%u", host_order >> 24, (host_order >> 16) & 255,
                (host_order >> 8) & 255, host_order & 255);
  return b;
}

Tuple MakeTuple(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
  return Tuple{htonl(src), htonl(dst), htons(sport), htons(dport)};
}

// Flow i: 10.0.0.0+i -> 172.16.0.0+(i mod 251), ports 1024+(i mod 50000)
// -> 5000+(i / 50000): all five fields vary, the source alone makes each
// flow unique.
void MakeExact(uint32_t n, FlowSet* fs) {
  for (uint32_t i = 0; i < n; i++) {
    const uint32_t src = 0x0A000000u + i, dst = 0xAC100000u + i % 251;
    const uint16_t sport = uint16_t(1024 + i % 50000), dport = uint16_t(5000 + i / 50000);
    fs->adds.push_back("add priority=100 eth_type=0x800 ip_proto=17 ipv4_src=" + Ip(src) +
                       " ipv4_dst=" + Ip(dst) + " udp_src=" + std::to_string(sport) +
                       " udp_dst=" + std::to_string(dport));
    fs->tuples.push_back(MakeTuple(src, dst, sport, dport));
  }
}

// Flow i: mask k = i mod 20 (prefix 13 + k on the destination), index
// j = i / 20 within it; see the header.  The frame's host bits and source
// low bits come from j, so frames of one mask differ where its flows do
// not look.
void MakeWildcard(uint32_t n, FlowSet* fs) {
  for (uint32_t i = 0; i < n; i++) {
    const uint32_t k = i % kWildcardMasks, j = i / kWildcardMasks;
    const uint32_t plen = 13 + k;
    const uint32_t host_bits = 32 - plen;
    const uint32_t net = host_bits == 32 ? 0 : (j << host_bits);
    const uint32_t host = host_bits == 0 ? 0 : ((j * 2654435761u) & ((1u << host_bits) - 1));
    const uint32_t src_net = 0x0A000000u | (k << 16);
    std::string line = "add priority=" + std::to_string(100 + plen) + " eth_type=0x800";
    if (k % 2) line += " ip_proto=17 udp_dst=53";
    line += " ipv4_src=" + Ip(src_net) + "/16 ipv4_dst=" + Ip(net) + "/" + std::to_string(plen);
    fs->adds.push_back(line);
    fs->tuples.push_back(
        MakeTuple(src_net | (j & 0xffff), net | host, uint16_t(1024 + j % 30000), 53));
  }
}

}  // namespace

const char* KindName(FlowKind k) { return k == FlowKind::kExact ? "exact" : "wildcard"; }

FlowSet MakeFlowSet(FlowKind k, uint32_t n) {
  FlowSet fs;
  fs.kind = k;
  fs.adds.reserve(n);
  fs.tuples.reserve(n);
  if (k == FlowKind::kExact) {
    MakeExact(n, &fs);
  } else {
    // 13 bits of network for the shortest prefix: 8192 flows per mask.
    if (n < kWildcardMasks || n > kWildcardMasks * 8192)
      throw std::invalid_argument("wildcard flow sets hold 20..163840 flows, not " +
                                  std::to_string(n));
    MakeWildcard(n, &fs);
  }
  return fs;
}

TrafficBatch::TrafficBatch(uint32_t n, uint32_t len, bool from_dst)
    : n_(n), bufs_(new uint8_t[size_t{n} * kBufBytes]()), frames_(n), segs_(n) {
  if (len < 42 || len > kBufBytes) throw std::invalid_argument("frame length must be 42..2048");
  const uint8_t* src = from_dst ? kDstMac : kSrcMac;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t* p = bufs_.get() + size_t{i} * kBufBytes;
    std::memcpy(p, kDstMac, 6);
    std::memcpy(p + 6, src, 6);
    p[12] = 0x08;  // IPv4
    p[13] = 0x00;
    const uint16_t ip_len = uint16_t(len - 14), udp_len = uint16_t(len - 34);
    const uint8_t ip[] = {0x45, 0, uint8_t(ip_len >> 8), uint8_t(ip_len), 0, 0, 0x40, 0, 64, 17};
    std::memcpy(p + 14, ip, sizeof ip);
    p[38] = uint8_t(udp_len >> 8);
    p[39] = uint8_t(udp_len);
    for (uint32_t b = 42; b < len; b++) p[b] = uint8_t(i + b);
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
