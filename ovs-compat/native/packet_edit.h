// The working head: a private, editable copy of a packet's first bytes,
// and the header edits OpenFlow actions make on it.
//
// What?
//   A WorkHead holds the frame's first head_len bytes (L2, VLAN tags, MPLS
//   labels, L3 and L4 headers) plus room for pushed tags and labels.  Edits
//   (set-field, push/pop VLAN and MPLS, TTL actions) change only this copy;
//   checksums that cover a changed field are updated incrementally, so the
//   frame's bytes beyond the head are never needed.
//
// Design
//   The head stands for the original frame's first 'len - delta' bytes.
//   'changed_end' is the first byte from which the head equals the original
//   frame again (shifted by 'delta'): an output needs only head[0 ..
//   changed_end) as its variant, with strip = changed_end - delta.  The
//   header layout (offsets of tags, labels, L3, L4) and the flow key are
//   recomputed lazily after an edit.
//
//   The copy itself is lazy too: until the first edit 'buf' points at the
//   packet's own head (msw_packet.data, which nothing changes while the
//   pipeline runs), so a packet the pipeline only looks at and forwards is
//   never copied.  Every edit first calls Own(), which copies the head
//   into 'own' and points 'buf' there; the edits here do it themselves,
//   SetField's callers (set_field.cc writes through 'buf') must.  Copying a
//   WorkHead copies only the bytes in use and keeps 'buf' pointing into
//   the copy's own storage when the original owned its bytes.
//
//   The key comes with 'key_sum' (KeySum of it, flow_key.h), so the
//   exact-match cache gets its hash without reading the key back.
//
//   An edit whose protocol is absent does nothing (OpenFlow leaves that
//   undefined; ovs-ofctl refuses such flows when their match tells, and
//   OVS ignores them at run time).  An edit is also skipped when a
//   checksum it must update lies beyond the head (possible only for
//   headers longer than MSW_HEAD_BYTES), and set-field on SCTP ports is
//   applied only when the whole frame is in the head, since the CRC32c
//   covers every byte (OVS recomputes it; we cannot without the payload).
//
// Thread-safety: a WorkHead belongs to one packet on one thread.
#ifndef MSWITCH_OVS_COMPAT_PACKET_EDIT_H_
#define MSWITCH_OVS_COMPAT_PACKET_EDIT_H_

#include <cstdint>

#include "actions.h"
#include "flow_key.h"
#include "mswitch/logic.h"

namespace ofl {

// Where headers start in a WorkHead; 0 means absent (no header starts at
// byte 0 but Ethernet's).
struct Layout {
  uint16_t type_off;  // the ethertype after every VLAN tag
  uint16_t mpls_off;  // outermost label stack entry
  uint16_t l3_off;    // IPv4/IPv6/ARP header (below the labels when l3_in_mpls)
  uint16_t l4_off;    // transport header (not in later fragments)
  uint8_t l3;         // 4, 6, 'a' (ARP) or 0
  uint8_t l4_proto;
  bool l3_in_mpls;    // IP found under the bottom-of-stack label (TTL copies)
};

struct WorkHead {
  static constexpr uint32_t kRoom = 64;  // bytes pushes may add
  static constexpr uint32_t kMax = MSW_HEAD_BYTES + kRoom;

  WorkHead() = default;
  WorkHead(const WorkHead& o) { *this = o; }
  WorkHead& operator=(const WorkHead& o);

  uint8_t* buf = nullptr;  // the head: the packet's until Own(), then 'own'
  uint32_t len;          // valid bytes in buf
  int32_t delta;         // len minus the original bytes buf stands for
  uint32_t changed_end;  // buf[changed_end..len) == frame[changed_end - delta ..]
  uint32_t frame_len;    // the whole frame's length as edited
  uint32_t in_port;
  bool owned;            // buf == own
  bool layout_stale;
  bool key_stale;
  uint64_t metadata;
  uint64_t key_sum;      // KeySum(key) while !key_stale
  Layout layout;
  FlowKey key;
  uint8_t own[kMax];
};

// Readies 'w' for 'pkt' (whose data must stay unchanged while 'w' is
// used) without copying its bytes; the key is extracted on first use.
void InitWorkHead(const msw_packet& pkt, uint64_t metadata, WorkHead* w);

// Copies the head into 'w->own' if it is still the packet's: before any
// write through 'buf'.
inline void Own(WorkHead* w) {
  if (w->owned) return;
  __builtin_memcpy(w->own, w->buf, w->len);
  w->buf = w->own;
  w->owned = true;
}

// True when an output must be a variant (something changed).
inline bool HeadChanged(const WorkHead& w) { return w.changed_end != 0 || w.delta != 0; }

const Layout& GetLayout(WorkHead* w);
// The flow key of the packet as edited (in_port and metadata included).
const FlowKey& GetKey(WorkHead* w);
// HashKey(GetKey(w)), from the sum kept beside the key.
inline uint64_t GetKeyHash(WorkHead* w) {
  GetKey(w);
  return FinishHash(w->key_sum);
}
void SetMetadata(WorkHead* w, uint64_t metadata);

// Outcome of a TTL decrement.
enum class TtlResult { kDone, kExpired, kAbsent };

// Each returns false when the edit could not be made (protocol absent,
// no room, checksum out of reach): the packet is left as it was.  All but
// SetField call Own() themselves.
bool PushVlan(WorkHead* w, uint16_t tpid);
bool PopVlan(WorkHead* w);
bool PushMpls(WorkHead* w, uint16_t ethertype);
bool PopMpls(WorkHead* w, uint16_t ethertype);
bool SetMplsTtl(WorkHead* w, uint8_t ttl);
bool SetNwTtl(WorkHead* w, uint8_t ttl);
TtlResult DecMplsTtl(WorkHead* w);
TtlResult DecNwTtl(WorkHead* w);
bool CopyTtlOut(WorkHead* w);
bool CopyTtlIn(WorkHead* w);
bool SetField(WorkHead* w, const Action& a);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_PACKET_EDIT_H_
