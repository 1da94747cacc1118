// The memif wire protocol, version 2.0 (as spoken by DPDK's net_memif and
// VPP's libmemif), shared by our master (the switch) and our client.
//
// Roles
//   The client ("slave") owns all shared memory: it creates the regions
//   (memfds), lays out the rings and the packet buffers, and hands the fds
//   to the master over a SOCK_SEQPACKET unix socket.  The master maps them.
//
// Control channel: fixed 128-byte messages, fds in SCM_RIGHTS.
//   master -> HELLO                 (on accept)
//   client -> INIT (id, secret)     master -> ACK
//   client -> ADD_REGION + memfd    master -> ACK   (per region)
//   client -> ADD_RING + eventfd    master -> ACK   (per ring)
//   client -> CONNECT               master -> CONNECTED
//   either -> DISCONNECT (code, reason), then close
//
// Rings (in a client region at the offset ADD_RING names)
//   S2M (client -> master, the switch's receive side): the client fills
//   descriptors at `head` and advances head; the master reads from its own
//   cursor up to head and gives buffers back by storing `tail`.
//   M2S (master -> client, the switch's transmit side): the client offers
//   empty buffers by writing descriptors (offset, length = capacity) and
//   advancing head; the master fills buffers from `tail` up to head, sets
//   each descriptor's length and flags (NEXT for a chain) and advances tail.
//   Who reads a ring sets MEMIF_RING_FLAG_MASK_INT in its flags while it is
//   busy polling; the writer kicks the ring's eventfd only when it is clear.
//   Indices are free-running uint16 counters; slot = index & (size - 1).
#ifndef MSWITCH_MEMIF_PROTOCOL_H_
#define MSWITCH_MEMIF_PROTOCOL_H_

#include <cstddef>
#include <cstdint>

namespace msw {
namespace memif {

constexpr uint32_t kCookie = 0x3E31F20;
constexpr uint16_t kVersion = (2 << 8) | 0;
constexpr size_t kNameSize = 32;
constexpr size_t kSecretSize = 24;
constexpr size_t kMsgSize = 128;

enum MsgType : uint16_t {
  kMsgNone = 0,
  kMsgAck = 1,
  kMsgHello = 2,
  kMsgInit = 3,
  kMsgAddRegion = 4,
  kMsgAddRing = 5,
  kMsgConnect = 6,
  kMsgConnected = 7,
  kMsgDisconnect = 8,
};

enum InterfaceMode : uint8_t { kModeEthernet = 0, kModeIp = 1, kModePuntInject = 2 };

#pragma pack(push, 1)
struct MsgHello {
  uint8_t name[kNameSize];
  uint16_t min_version;
  uint16_t max_version;
  uint16_t max_region;      // highest region index accepted
  uint16_t max_m2s_ring;    // highest ring index accepted, per direction
  uint16_t max_s2m_ring;
  uint8_t max_log2_ring_size;
};

struct MsgInit {
  uint16_t version;
  uint32_t id;
  uint8_t mode;
  uint8_t secret[kSecretSize];
  uint8_t name[kNameSize];
};

struct MsgAddRegion {
  uint16_t index;
  uint64_t size;
};

constexpr uint16_t kAddRingFlagS2M = 1;

struct MsgAddRing {
  uint16_t flags;
  uint16_t index;
  uint16_t region;
  uint32_t offset;
  uint8_t log2_ring_size;
  uint16_t private_hdr_size;
};

struct MsgConnect {
  uint8_t if_name[kNameSize];
};

struct MsgConnected {
  uint8_t if_name[kNameSize];
};

struct MsgDisconnect {
  uint32_t code;
  uint8_t string[96];
};

struct Msg {
  uint16_t type;
  union {
    MsgHello hello;
    MsgInit init;
    MsgAddRegion add_region;
    MsgAddRing add_ring;
    MsgConnect connect;
    MsgConnected connected;
    MsgDisconnect disconnect;
    uint8_t raw[kMsgSize - 2];
  };
};

constexpr uint16_t kDescFlagNext = 1;

struct Desc {
  uint16_t flags;
  uint16_t region;
  uint32_t length;
  uint32_t offset;
  uint32_t metadata;
};
#pragma pack(pop)

static_assert(sizeof(Msg) == kMsgSize, "memif message is 128 bytes");
static_assert(sizeof(Desc) == 16, "memif descriptor is 16 bytes");
static_assert(offsetof(Msg, hello) == 2, "union follows the 16-bit type");

constexpr uint16_t kRingFlagMaskInt = 1;

// The ring header; descriptors follow at offset 128.
struct Ring {
  alignas(64) uint32_t cookie;
  uint16_t flags;
  uint16_t head;
  alignas(64) uint16_t tail;
  alignas(64) Desc desc[0];
};

static_assert(offsetof(Ring, head) == 6, "ring head offset");
static_assert(offsetof(Ring, tail) == 64, "ring tail offset");
static_assert(offsetof(Ring, desc) == 128, "ring descriptors offset");

constexpr size_t RingBytes(uint32_t log2_size) {
  return sizeof(Ring) + sizeof(Desc) * (size_t{1} << log2_size);
}

// Limits this implementation announces and enforces.
constexpr uint16_t kMaxRegions = 16;
constexpr uint16_t kMaxRingsPerDir = 16;
constexpr uint8_t kMaxLog2RingSize = 14;

}  // namespace memif
}  // namespace msw

#endif  // MSWITCH_MEMIF_PROTOCOL_H_
