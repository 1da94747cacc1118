// Flow key extraction for the `openflow` logic.
//
// What?
//   A FlowKey is every field a flow table can match on, pulled out of a
//   frame's first bytes (msw_packet.data, head_len) once per packet.  It is
//   a fixed-size, 8-byte-aligned struct with no implicit padding, so a
//   classifier compares keys with memcmp on (key & mask) and hashes them as
//   64-bit words.
//
// Design
//   Field values are host byte order numbers (ports, ethertype, IPv4
//   addresses, labels) or byte arrays in wire order (MACs, IPv6 addresses).
//   vlan_vid follows OpenFlow 1.3 (OFPVID_PRESENT | VID when tagged, 0 when
//   not); with QinQ (802.1ad or stacked 802.1Q) the outer tag is the one
//   matched and eth_type is the type after every tag.  Prerequisites are
//   those of OpenFlow 1.3 (§7.2.3.6): a field whose protocol is absent, or
//   whose bytes lie beyond head_len, stays zero and its bit in 'present'
//   is clear.  tp_src/tp_dst serve TCP, UDP and SCTP (the match names say
//   which: ip_proto is their prerequisite), icmp_type/code serve ICMPv4 and
//   ICMPv6, ip_ttl is the IPv4 TTL or the IPv6 hop limit.
//
//   'present' is never matched on: masks built from match fields leave it
//   zero.  It tells actions (set-field, pop) what the packet carries.
//
// Thread-safety: pure functions, callable from any thread, no allocation.
#ifndef MSWITCH_OVS_COMPAT_FLOW_KEY_H_
#define MSWITCH_OVS_COMPAT_FLOW_KEY_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace ofl {

// Bits of FlowKey::present.
enum : uint32_t {
  kHasVlan = 1u << 0,
  kHasMpls = 1u << 1,
  kHasArp = 1u << 2,
  kHasIpv4 = 1u << 3,
  kHasIpv6 = 1u << 4,
  kHasPorts = 1u << 5,     // tp_src/tp_dst (TCP, UDP or SCTP)
  kHasTcpFlags = 1u << 6,
  kHasIcmp = 1u << 7,      // icmp_type/code (ICMPv4 or ICMPv6)
  kIsFragment = 1u << 8,   // an IP fragment other than the first: no L4
};

constexpr uint16_t kOfpVidPresent = 0x1000;

struct alignas(8) FlowKey {
  uint64_t metadata;
  uint32_t in_port;
  uint32_t ipv4_src;
  uint32_t ipv4_dst;
  uint32_t arp_spa;
  uint32_t arp_tpa;
  uint32_t ipv6_flabel;
  uint32_t mpls_label;
  uint16_t eth_type;
  uint16_t vlan_vid;
  uint16_t tp_src;
  uint16_t tp_dst;
  uint16_t tcp_flags;
  uint16_t arp_op;
  uint8_t eth_dst[6];
  uint8_t eth_src[6];
  uint8_t arp_sha[6];
  uint8_t arp_tha[6];
  uint8_t ipv6_src[16];
  uint8_t ipv6_dst[16];
  uint8_t vlan_pcp;
  uint8_t ip_proto;
  uint8_t ip_dscp;
  uint8_t ip_ecn;
  uint8_t ip_ttl;
  uint8_t icmp_type;
  uint8_t icmp_code;
  uint8_t mpls_tc;
  uint8_t mpls_bos;
  uint8_t pad[3];
  uint32_t present;
};

constexpr size_t kKeyWords = sizeof(FlowKey) / 8;
static_assert(sizeof(FlowKey) == 120 && sizeof(FlowKey) % 8 == 0, "FlowKey layout");

// Fills '*key' (zeroing it first) from 'frame[0..len)' received on
// 'in_port' with 'metadata'.
void ExtractFlowKey(const uint8_t* frame, uint32_t len, uint32_t in_port, uint64_t metadata,
                    FlowKey* key);

// ExtractFlowKey, and returns KeySum of the key.  Untagged or single-tagged
// IPv4 frames (what a switch mostly sees) take a fast path that builds the
// key's fifteen words in registers, stores each whole, and sums them as it
// goes: no byte-wise store is read back as a word, so nothing waits on the
// store buffer (the cost the field-by-field form pays when the key is then
// hashed).  Anything else is ExtractFlowKey then KeySum.
uint64_t ExtractFlowKeySum(const uint8_t* frame, uint32_t len, uint32_t in_port,
                           uint64_t metadata, FlowKey* key);

// The key's 64-bit words (FlowKey has no padding the compiler owns).
inline uint64_t KeyWord(const FlowKey& k, size_t i) {
  uint64_t w;
  memcpy(&w, reinterpret_cast<const uint8_t*>(&k) + 8 * i, 8);
  return w;
}

// out = key & mask, word by word.
inline void MaskKey(const FlowKey& key, const FlowKey& mask, FlowKey* out) {
  const uint8_t* a = reinterpret_cast<const uint8_t*>(&key);
  const uint8_t* m = reinterpret_cast<const uint8_t*>(&mask);
  uint8_t* o = reinterpret_cast<uint8_t*>(out);
  for (size_t i = 0; i < kKeyWords; i++) {
    uint64_t x, y;
    memcpy(&x, a + 8 * i, 8);
    memcpy(&y, m + 8 * i, 8);
    x &= y;
    memcpy(o + 8 * i, &x, 8);
  }
}

// Hashing is multilinear: every key word times its own odd constant,
// summed, then mixed once.  The terms are independent (no dependency chain
// through 15 multiplies) and a zero word adds nothing, so the hash of a
// masked key can be computed from the words its mask touches alone
// (classifier.cc hashes only a subtable's words, and gets HashKey of the
// masked key).
constexpr uint64_t kWordSeeds[kKeyWords] = {
    0x4a6f188a424e617bull, 0xe8d79f49af6d114dull, 0xcd502d42af1ffe0dull, 0xe3d6e4b9d96e182dull,
    0xa6ea1c0d2f8b9e9dull, 0xaa8b230f3b05e393ull, 0xde85eb9025ac45a1ull, 0xa415c4c839a44721ull,
    0x2ff7c0fcbbe8f88dull, 0x1221b5a22155a41dull, 0xd885bbac88043e5full, 0xbea4256e36c2a4c7ull,
    0x07ac5fed4b6ea011ull, 0x2054fa816e7c0c6bull, 0xaf2529cad670a839ull};

// The final mix of a sum of word terms: folds the high half (where the
// terms of a word's upper bytes land) into every bit.
inline uint64_t FinishHash(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  h ^= h >> 29;
  return h;
}

// The multilinear sum HashKey finishes; a change of word i from a to b
// changes it by (b - a) * kWordSeeds[i] (how metadata writes keep it).
inline uint64_t KeySum(const FlowKey& k) {
  uint64_t h = 0;
  for (size_t i = 0; i < kKeyWords; i++) h += KeyWord(k, i) * kWordSeeds[i];
  return h;
}

// A 64-bit hash of a (masked) key.
inline uint64_t HashKey(const FlowKey& k) { return FinishHash(KeySum(k)); }

// Word by word, no library call (the compiler vectorises it).
inline bool KeyEqual(const FlowKey& a, const FlowKey& b) {
  uint64_t diff = 0;
  for (size_t i = 0; i < kKeyWords; i++) diff |= KeyWord(a, i) ^ KeyWord(b, i);
  return diff == 0;
}

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_FLOW_KEY_H_
