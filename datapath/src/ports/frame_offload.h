// Frame offload completion: the work a NIC would have done on frames that
// a Linux interface hands to a packet socket unfinished, so the switch can
// forward them as the wire would carry them.
//
// What?
//   A veth whose peer has transmit checksum offload on (the default, and
//   the usual case for containers) passes TCP/UDP frames on with the L4
//   checksum left for "hardware" (the kernel's CHECKSUM_PARTIAL: the
//   field holds only the pseudo-header sum), and with TSO/GSO on it passes
//   whole super-frames of up to 64 KiB (one TCP/UDP header, many MSS of
//   payload).  An AF_PACKET socket with PACKET_VNET_HDR says so in a
//   virtio_net_hdr in front of each frame: NEEDS_CSUM with csum_start /
//   csum_offset, and gso_type / gso_size.  This file completes both:
//     CompleteChecksum  sums the bytes from csum_start to the end and
//                       stores the complement at csum_start + csum_offset;
//     GsoFrame          parses a super-frame once, then BuildSegment
//                       writes segment i's headers (IP length, IPv4 id and
//                       header checksum, TCP sequence number and flags or
//                       UDP length, a full L4 checksum) into a head buffer
//                       and points at its slice of the payload, which
//                       stays where it is (no copy).
//   Segmenting: TCP over IPv4/IPv6 (VIRTIO_NET_HDR_GSO_TCPV4/TCPV6) and
//   UDP (GSO_UDP_L4, the UDP_SEGMENT socket option), with at most two VLAN
//   tags and no IPv6 extension headers.  Anything else (old UFO, IPv6
//   extension headers, nonsense offsets) is refused: the caller drops it
//   as 'offload-unsupported' and the sender needs `ethtool -K <dev> tso
//   off gso off`.
//
// Design
//   Checksums are RFC 1071 ones' complement sums taken over native-endian
//   32-bit loads (the sum is byte-order independent, so folding and
//   storing in native order gives the right bytes); every piece summed
//   starts at an even offset of the L4 segment, as the split into head and
//   payload guarantees (L4 headers are multiples of 4 bytes).
//   Segments follow the kernel's tcp_gso_segment: sequence numbers advance
//   by gso_size, FIN and PSH stay on the last segment only, CWR on the
//   first only; IPv4 ids count up from the super-frame's.
//
// Thread-safety
//   Pure functions over caller memory: no allocation, no syscall, no lock.
#ifndef MSWITCH_PORTS_FRAME_OFFLOAD_H_
#define MSWITCH_PORTS_FRAME_OFFLOAD_H_

#include <cstdint>

namespace msw {

// struct virtio_net_hdr (linux/virtio_net.h), native endian as the
// kernel writes it for a packet socket on a little- or big-endian host.
struct VnetHdr {
  static constexpr uint8_t kNeedsCsum = 1;     // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr uint8_t kGsoNone = 0;
  static constexpr uint8_t kGsoTcpV4 = 1;
  static constexpr uint8_t kGsoUdp = 3;        // UFO: refused
  static constexpr uint8_t kGsoTcpV6 = 4;
  static constexpr uint8_t kGsoUdpL4 = 5;
  static constexpr uint8_t kGsoEcn = 0x80;
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
static_assert(sizeof(VnetHdr) == 10, "virtio_net_hdr is 10 bytes");

// Ones' complement partial sum of 'n' bytes at 'p' added to 'acc' (not
// folded).  'p' may be unaligned; an odd tail byte is padded with zero.
uint64_t ChecksumAdd(const uint8_t* p, uint32_t n, uint64_t acc);
// Folds a partial sum to 16 bits (not complemented).
uint16_t ChecksumFold(uint64_t acc);

// Completes a CHECKSUM_PARTIAL frame in place: 'frame'/'len' as the
// kernel described it (csum_start from the frame's first byte).  False if
// the offsets do not lie inside the frame (nothing is written then).
bool CompleteChecksum(uint8_t* frame, uint32_t len, uint32_t csum_start, uint32_t csum_offset);

// The longest head BuildSegment writes: Ethernet, two VLAN tags plus the
// one put back, IPv4 with options or IPv6, TCP with options.
constexpr uint32_t kMaxSegmentHead = 192;

// A super-frame parsed once for BuildSegment.
struct GsoFrame {
  const uint8_t* data = nullptr;  // the frame as received (read only)
  uint32_t len = 0;
  uint32_t l3 = 0;                // offset of the IP header
  uint32_t l4 = 0;                // offset of the TCP/UDP header
  uint32_t payload = 0;           // offset of the payload (end of the L4 header)
  uint32_t gso_size = 0;
  uint32_t segments = 0;
  bool ipv4 = false;
  bool tcp = false;
};

// Parses 'data'/'len' described by 'vh' (a gso_type other than kGsoNone).
// False when it is a kind this file does not segment (see above).
bool ParseGso(const uint8_t* data, uint32_t len, const VnetHdr& vh, GsoFrame* out);

// Writes segment 'i' (< g.segments) into 'head' (kMaxSegmentHead bytes):
// the headers, with the 4-byte 802.1Q tag 'vlan' (TPID, TCI) put back
// after the MAC addresses when it is not null.  Sets 'payload' and
// 'payload_len' to the segment's slice of g.data; returns the head length.
uint32_t BuildSegment(const GsoFrame& g, uint32_t i, const uint8_t* vlan, uint8_t* head,
                      const uint8_t** payload, uint32_t* payload_len);

}  // namespace msw

#endif  // MSWITCH_PORTS_FRAME_OFFLOAD_H_
