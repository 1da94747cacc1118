// Working-head bookkeeping, header layout, and the structural edits (push,
// pop, TTL) of packet_edit.h.  set_field.cc holds the field writes.
#include "packet_edit.h"

#include <cstring>

#include "checksum.h"

namespace ofl {
namespace {

constexpr uint16_t kEthIpv4 = 0x0800, kEthIpv6 = 0x86dd, kEthArp = 0x0806;
constexpr uint16_t kEthMpls = 0x8847, kEthMplsMc = 0x8848;

bool IsTpid(uint16_t t) { return t == 0x8100 || t == 0x88a8; }
bool IsMpls(uint16_t t) { return t == kEthMpls || t == kEthMplsMc; }

// Every byte from 'off' on now differs from the original at the old delta.
void MarkChanged(WorkHead* w, uint32_t off, uint32_t n) {
  if (off + n > w->changed_end) w->changed_end = off + n;
  w->layout_stale = w->key_stale = true;
}

// Opens 'n' bytes at 'off'.  The bytes before 'off' keep their old
// relation to the frame only under the old delta, so they count as changed.
bool Insert(WorkHead* w, uint32_t off, uint32_t n) {
  if (off > w->len || w->len + n > WorkHead::kMax) return false;
  memmove(w->buf + off + n, w->buf + off, w->len - off);
  w->len += n;
  w->delta += int32_t(n);
  w->frame_len += n;
  if (w->changed_end > off) w->changed_end += n;
  MarkChanged(w, off, n);
  return true;
}

bool Remove(WorkHead* w, uint32_t off, uint32_t n) {
  if (off + n > w->len) return false;
  memmove(w->buf + off, w->buf + off + n, w->len - off - n);
  w->len -= n;
  w->delta -= int32_t(n);
  w->frame_len -= n;
  w->changed_end = w->changed_end >= off + n ? w->changed_end - n : off;
  if (w->changed_end < off) w->changed_end = off;
  w->layout_stale = w->key_stale = true;
  return true;
}

// The IPv6 header at 'l3': sets the transport offset and protocol after
// the extension headers that flow_key.cc also walks.
void LocateIpv6L4(const WorkHead& w, uint32_t l3, Layout* lay) {
  uint8_t nh = w.buf[l3 + 6];
  uint32_t off = l3 + 40;
  for (int hops = 0; hops < 8; hops++) {
    if (nh == 0 || nh == 43 || nh == 60) {
      if (w.len < off + 8) return;
      const uint8_t next = w.buf[off];
      off += (uint32_t(w.buf[off + 1]) + 1) * 8;
      nh = next;
    } else if (nh == 44) {
      if (w.len < off + 8) return;
      const bool later = (LoadBe16(w.buf + off + 2) & 0xfff8) != 0;
      nh = w.buf[off];
      off += 8;
      if (later) return;
    } else {
      break;
    }
  }
  if (off < w.len) {
    lay->l4_off = uint16_t(off);
    lay->l4_proto = nh;
  }
}

void ComputeLayout(const WorkHead& w, Layout* lay) {
  memset(lay, 0, sizeof *lay);
  if (w.len < 14) return;
  uint32_t off = 12;
  while (IsTpid(LoadBe16(w.buf + off)) && off + 4 + 2 <= w.len) off += 4;
  lay->type_off = uint16_t(off);
  const uint16_t type = LoadBe16(w.buf + off);
  uint32_t p = off + 2;
  bool in_mpls = false;
  uint16_t l3_type = type;
  if (IsMpls(type)) {
    if (p + 4 > w.len) return;
    lay->mpls_off = uint16_t(p);
    while (p + 4 <= w.len) {
      const bool bos = w.buf[p + 2] & 1;
      p += 4;
      if (bos) break;
    }
    if (!(w.buf[p - 2] & 1) || p >= w.len) return;
    // Under the bottom label the payload's version nibble says what it is.
    l3_type = (w.buf[p] >> 4) == 4 ? kEthIpv4 : (w.buf[p] >> 4) == 6 ? kEthIpv6 : 0;
    in_mpls = true;
  }
  if (l3_type == kEthIpv4 && p + 20 <= w.len && (w.buf[p] >> 4) == 4) {
    lay->l3 = 4;
    lay->l3_off = uint16_t(p);
    lay->l3_in_mpls = in_mpls;
    const uint32_t ihl = uint32_t(w.buf[p] & 0x0f) * 4;
    if (!in_mpls && ihl >= 20 && (LoadBe16(w.buf + p + 6) & 0x1fff) == 0 && p + ihl < w.len) {
      lay->l4_off = uint16_t(p + ihl);
      lay->l4_proto = w.buf[p + 9];
    }
  } else if (l3_type == kEthIpv6 && p + 40 <= w.len && (w.buf[p] >> 4) == 6) {
    lay->l3 = 6;
    lay->l3_off = uint16_t(p);
    lay->l3_in_mpls = in_mpls;
    if (!in_mpls) LocateIpv6L4(w, p, lay);
  } else if (l3_type == kEthArp && !in_mpls && p + 28 <= w.len) {
    lay->l3 = 'a';
    lay->l3_off = uint16_t(p);
  }
}

// Offset of the IP TTL (or hop limit) byte, 0 when there is no IP header
// the key sees (IP under MPLS labels is not the packet's IP for actions).
uint32_t IpTtlOffset(WorkHead* w, bool allow_in_mpls) {
  const Layout& lay = GetLayout(w);
  if (lay.l3 != 4 && lay.l3 != 6) return 0;
  if (lay.l3_in_mpls && !allow_in_mpls) return 0;
  return lay.l3_off + (lay.l3 == 4 ? 8u : 7u);
}

// Writes the IP TTL at 'ttl_off', keeping the IPv4 header checksum right.
void WriteIpTtl(WorkHead* w, uint32_t ttl_off, uint8_t ttl) {
  const Layout& lay = GetLayout(w);
  const uint32_t l3 = lay.l3_off;
  if (lay.l3 == 4) {
    const uint32_t d = ReplaceBytes(w->buf + l3, ttl_off - l3, &ttl, 1);
    ApplyCsumDelta(w->buf + l3 + 10, d, false);
    MarkChanged(w, ttl_off, 4);  // the TTL up to the checksum after it
  } else {
    w->buf[ttl_off] = ttl;
    MarkChanged(w, ttl_off, 1);
  }
}

}  // namespace

WorkHead& WorkHead::operator=(const WorkHead& o) {
  if (this == &o) return *this;
  len = o.len;
  delta = o.delta;
  changed_end = o.changed_end;
  frame_len = o.frame_len;
  in_port = o.in_port;
  owned = o.owned;
  layout_stale = o.layout_stale;
  key_stale = o.key_stale;
  metadata = o.metadata;
  key_sum = o.key_sum;
  layout = o.layout;
  if (!o.key_stale) key = o.key;
  if (o.owned) {
    memcpy(own, o.own, o.len);
    buf = own;
  } else {
    buf = o.buf;
  }
  return *this;
}

void InitWorkHead(const msw_packet& pkt, uint64_t metadata, WorkHead* w) {
  // The packet's head is read in place until an edit (Own).
  w->buf = pkt.data;
  w->len = pkt.head_len < MSW_HEAD_BYTES ? pkt.head_len : MSW_HEAD_BYTES;
  w->delta = 0;
  w->changed_end = 0;
  w->frame_len = pkt.len;
  w->in_port = pkt.src_port;
  w->owned = false;
  w->metadata = metadata;
  w->layout_stale = w->key_stale = true;
}

const Layout& GetLayout(WorkHead* w) {
  if (w->layout_stale) {
    ComputeLayout(*w, &w->layout);
    w->layout_stale = false;
  }
  return w->layout;
}

const FlowKey& GetKey(WorkHead* w) {
  if (w->key_stale) {
    w->key_sum = ExtractFlowKeySum(w->buf, w->len, w->in_port, w->metadata, &w->key);
    w->key_stale = false;
  }
  return w->key;
}

void SetMetadata(WorkHead* w, uint64_t metadata) {
  if (!w->key_stale) {
    // Word 0 of the key is the metadata: the sum moves by the difference.
    w->key_sum += (metadata - w->metadata) * kWordSeeds[0];
    w->key.metadata = metadata;
  }
  w->metadata = metadata;
}

bool PushVlan(WorkHead* w, uint16_t tpid) {
  Own(w);
  // OpenFlow 1.3 §5.12 (push_vlan): the new outermost tag copies VID and
  // PCP of the tag it covers, if any, else they are zero.
  if (w->len < 14) return false;
  const bool tagged = w->len >= 18 && IsTpid(LoadBe16(w->buf + 12));
  const uint16_t tci = tagged ? LoadBe16(w->buf + 14) & 0xefff : 0;
  if (!Insert(w, 12, 4)) return false;
  StoreBe16(w->buf + 12, tpid);
  StoreBe16(w->buf + 14, tci);
  return true;
}

bool PopVlan(WorkHead* w) {
  Own(w);
  if (w->len < 18 || !IsTpid(LoadBe16(w->buf + 12))) return false;
  return Remove(w, 12, 4);
}

bool PushMpls(WorkHead* w, uint16_t ethertype) {
  Own(w);
  // The new label goes after every VLAN tag (OpenFlow 1.3).  A first label
  // takes its values as OVS does: label 0 (2, IPv6 explicit null, over
  // IPv6), TC from the DSCP's low bits, TTL from IP (64 without IP), BoS;
  // a further label copies the outer one with BoS clear.
  const Layout lay = GetLayout(w);
  if (lay.type_off == 0) return false;
  uint32_t lse;
  if (lay.mpls_off) {
    lse = LoadBe32(w->buf + lay.mpls_off) & ~0x100u;
  } else {
    uint32_t label = 0, tc = 0, ttl = 64;
    if (lay.l3 == 4 || lay.l3 == 6) {
      const uint8_t* ip = w->buf + lay.l3_off;
      const uint8_t tos = lay.l3 == 4 ? ip[1] : uint8_t((ip[0] & 0x0f) << 4 | ip[1] >> 4);
      tc = (tos >> 2) & 7;
      const uint8_t t = ip[lay.l3 == 4 ? 8 : 7];
      if (t) ttl = t;
      if (lay.l3 == 6) label = 2;
    }
    lse = label << 12 | tc << 9 | 0x100u | ttl;
  }
  const uint32_t at = lay.type_off + 2u;
  if (!Insert(w, at, 4)) return false;
  StoreBe32(w->buf + at, lse);
  StoreBe16(w->buf + lay.type_off, ethertype);
  MarkChanged(w, lay.type_off, 6);
  return true;
}

bool PopMpls(WorkHead* w, uint16_t ethertype) {
  Own(w);
  const Layout lay = GetLayout(w);
  if (!lay.mpls_off) return false;
  if (!Remove(w, lay.mpls_off, 4)) return false;
  // OpenFlow 1.3 §5.12: the ethertype now says what follows the label.
  StoreBe16(w->buf + lay.type_off, ethertype);
  MarkChanged(w, lay.type_off, 2);
  return true;
}

bool SetMplsTtl(WorkHead* w, uint8_t ttl) {
  Own(w);
  const Layout& lay = GetLayout(w);
  if (!lay.mpls_off) return false;
  const uint32_t at = lay.mpls_off + 3u;
  w->buf[at] = ttl;
  MarkChanged(w, at, 1);
  return true;
}

TtlResult DecMplsTtl(WorkHead* w) {
  Own(w);
  const Layout& lay = GetLayout(w);
  if (!lay.mpls_off) return TtlResult::kAbsent;
  const uint8_t ttl = w->buf[lay.mpls_off + 3];
  // As OVS: a TTL of 0 or 1 cannot be decremented and still forwarded.
  if (ttl <= 1) return TtlResult::kExpired;
  SetMplsTtl(w, uint8_t(ttl - 1));
  return TtlResult::kDone;
}

bool SetNwTtl(WorkHead* w, uint8_t ttl) {
  Own(w);
  const uint32_t at = IpTtlOffset(w, false);
  if (!at) return false;
  WriteIpTtl(w, at, ttl);
  return true;
}

TtlResult DecNwTtl(WorkHead* w) {
  Own(w);
  const uint32_t at = IpTtlOffset(w, false);
  if (!at) return TtlResult::kAbsent;
  const uint8_t ttl = w->buf[at];
  if (ttl <= 1) return TtlResult::kExpired;
  WriteIpTtl(w, at, uint8_t(ttl - 1));
  return TtlResult::kDone;
}

bool CopyTtlOut(WorkHead* w) {
  Own(w);
  // OpenFlow 1.3: from the next-to-outermost header to the outermost one,
  // here MPLS-MPLS or IP-MPLS (the label right above IP).
  const Layout& lay = GetLayout(w);
  if (!lay.mpls_off) return false;
  const uint32_t outer = lay.mpls_off;
  uint8_t ttl;
  if (!(w->buf[outer + 2] & 1)) {
    if (outer + 8 > w->len) return false;
    ttl = w->buf[outer + 7];
  } else {
    const uint32_t at = IpTtlOffset(w, true);
    if (!at) return false;
    ttl = w->buf[at];
  }
  w->buf[outer + 3] = ttl;
  MarkChanged(w, outer + 3, 1);
  return true;
}

bool CopyTtlIn(WorkHead* w) {
  Own(w);
  // From the outermost header inwards: MPLS-MPLS or MPLS-IP.
  const Layout& lay = GetLayout(w);
  if (!lay.mpls_off) return false;
  const uint32_t outer = lay.mpls_off;
  const uint8_t ttl = w->buf[outer + 3];
  if (!(w->buf[outer + 2] & 1)) {
    if (outer + 8 > w->len) return false;
    w->buf[outer + 7] = ttl;
    MarkChanged(w, outer + 7, 1);
    return true;
  }
  const uint32_t at = IpTtlOffset(w, true);
  if (!at) return false;
  WriteIpTtl(w, at, ttl);
  return true;
}

}  // namespace ofl
