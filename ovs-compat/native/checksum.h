// Internet checksum arithmetic for packet edits, and SCTP's CRC32c.
//
// What?
//   When an action rewrites header bytes, the IPv4 header checksum and the
//   TCP/UDP/ICMP checksums that cover them are updated incrementally
//   (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')), so the payload beyond the
//   working head is never needed.  SCTP's CRC32c (RFC 3309) cannot be
//   updated that way: it is recomputed over the whole packet.
//
// Design
//   A CsumDelta accumulates ~m + m' over the 16-bit words an edit touches
//   (aligned to the start of the checksummed header: every field that a
//   pseudo-header also covers is even-aligned in both).  ApplyCsumDelta
//   folds it into a checksum field in place.
//
// Thread-safety: pure functions on caller memory.
#ifndef MSWITCH_OVS_COMPAT_CHECKSUM_H_
#define MSWITCH_OVS_COMPAT_CHECKSUM_H_

#include <cstdint>

namespace ofl {

inline uint16_t LoadBe16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline void StoreBe16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline uint32_t LoadBe32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void StoreBe32(uint8_t* p, uint32_t v) {
  StoreBe16(p, uint16_t(v >> 16));
  StoreBe16(p + 2, uint16_t(v));
}

// Writes 'n' bytes 'val' at 'base + off' and returns the checksum delta
// (sum of ~old + new over the 16-bit words, aligned to 'base', that the
// write touched).
inline uint32_t ReplaceBytes(uint8_t* base, uint32_t off, const uint8_t* val, uint32_t n) {
  const uint32_t start = off & ~1u;
  const uint32_t end = (off + n + 1) & ~1u;
  uint32_t sum = 0;
  for (uint32_t i = start; i < end; i += 2) sum += uint16_t(~LoadBe16(base + i));
  for (uint32_t i = 0; i < n; i++) base[off + i] = val[i];
  for (uint32_t i = start; i < end; i += 2) sum += LoadBe16(base + i);
  return sum;
}

// Folds 'delta' into the checksum stored at 'field'.  'udp': a zero
// checksum means "none" (UDP over IPv4) and stays zero; a computed zero is
// sent as 0xffff (RFC 768).
inline void ApplyCsumDelta(uint8_t* field, uint32_t delta, bool udp) {
  const uint16_t old = LoadBe16(field);
  if (udp && old == 0) return;
  uint32_t sum = uint16_t(~old) + delta;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  uint16_t out = uint16_t(~sum);
  if (udp && out == 0) out = 0xffff;
  StoreBe16(field, out);
}

// CRC32c (Castagnoli, reflected 0x82F63B78) of 'p[0..n)', as SCTP stores
// it (RFC 3309 appendix: the result goes into the header little-end first).
inline uint32_t Crc32c(const uint8_t* p, uint32_t n) {
  uint32_t crc = 0xffffffffu;
  for (uint32_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
  }
  return ~crc;
}

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_CHECKSUM_H_
