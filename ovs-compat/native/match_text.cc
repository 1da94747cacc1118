// Match fields by name: one table says where each lives in FlowKey, how
// wide it is, how it is written and what it requires.
#include "match_text.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ofl {

bool ParseUint(const std::string& s, uint64_t max, uint64_t* v) {
  if (s.empty() || s[0] == '-') return false;
  char* end;
  errno = 0;
  const unsigned long long x = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end || x > max) return false;
  *v = x;
  return true;
}

bool ParseMac(const std::string& s, uint8_t* out) {
  unsigned b[6];
  char tail;
  if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                  &b[5], &tail) != 6)
    return false;
  for (int i = 0; i < 6; i++) out[i] = uint8_t(b[i]);
  return true;
}

bool ParseHex(const char* s, size_t len, std::vector<uint8_t>* out) {
  if (len % 2) return false;
  out->resize(len / 2);
  for (size_t i = 0; i < len; i++) {
    const char c = s[i];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return false;
    uint8_t& b = (*out)[i / 2];
    b = uint8_t(i % 2 ? b << 4 | d : d);
  }
  return true;
}

namespace {

// A value that fits in 'bits' bits.
bool ParseNumber(const std::string& s, uint8_t bits, uint64_t* v) {
  return ParseUint(s, bits < 64 ? (uint64_t{1} << bits) - 1 : ~uint64_t{0}, v);
}


enum class Kind : uint8_t { kUint, kMac, kIpv4, kIpv6 };

enum class Pre : uint8_t {
  kNone, kVlan, kIpv4, kIpv6, kIp, kArp, kMpls, kTcp, kUdp, kSctp, kIcmpv4, kIcmpv6,
};

struct Field {
  const char* name;
  uint16_t offset;
  uint8_t width;  // bytes in FlowKey
  uint8_t bits;   // significant bits (uint fields)
  Kind kind;
  Pre pre;
};

#define F(name, member, bits, kind, pre) \
  {name, uint16_t(offsetof(FlowKey, member)), uint8_t(sizeof(FlowKey::member)), bits, kind, pre}

// Fields sharing storage (tcp/udp/sctp ports, icmpv4/v6) are told apart
// when printing by their prerequisite.
const Field kFields[] = {
    F("in_port", in_port, 32, Kind::kUint, Pre::kNone),
    F("metadata", metadata, 64, Kind::kUint, Pre::kNone),
    F("eth_dst", eth_dst, 48, Kind::kMac, Pre::kNone),
    F("eth_src", eth_src, 48, Kind::kMac, Pre::kNone),
    F("eth_type", eth_type, 16, Kind::kUint, Pre::kNone),
    F("vlan_vid", vlan_vid, 13, Kind::kUint, Pre::kNone),
    F("vlan_pcp", vlan_pcp, 3, Kind::kUint, Pre::kVlan),
    F("ip_dscp", ip_dscp, 6, Kind::kUint, Pre::kIp),
    F("ip_ecn", ip_ecn, 2, Kind::kUint, Pre::kIp),
    F("ip_proto", ip_proto, 8, Kind::kUint, Pre::kIp),
    F("ip_ttl", ip_ttl, 8, Kind::kUint, Pre::kIp),
    F("ipv4_src", ipv4_src, 32, Kind::kIpv4, Pre::kIpv4),
    F("ipv4_dst", ipv4_dst, 32, Kind::kIpv4, Pre::kIpv4),
    F("tcp_src", tp_src, 16, Kind::kUint, Pre::kTcp),
    F("tcp_dst", tp_dst, 16, Kind::kUint, Pre::kTcp),
    F("udp_src", tp_src, 16, Kind::kUint, Pre::kUdp),
    F("udp_dst", tp_dst, 16, Kind::kUint, Pre::kUdp),
    F("sctp_src", tp_src, 16, Kind::kUint, Pre::kSctp),
    F("sctp_dst", tp_dst, 16, Kind::kUint, Pre::kSctp),
    F("tcp_flags", tcp_flags, 12, Kind::kUint, Pre::kTcp),
    F("icmpv4_type", icmp_type, 8, Kind::kUint, Pre::kIcmpv4),
    F("icmpv4_code", icmp_code, 8, Kind::kUint, Pre::kIcmpv4),
    F("icmpv6_type", icmp_type, 8, Kind::kUint, Pre::kIcmpv6),
    F("icmpv6_code", icmp_code, 8, Kind::kUint, Pre::kIcmpv6),
    F("arp_op", arp_op, 16, Kind::kUint, Pre::kArp),
    F("arp_spa", arp_spa, 32, Kind::kIpv4, Pre::kArp),
    F("arp_tpa", arp_tpa, 32, Kind::kIpv4, Pre::kArp),
    F("arp_sha", arp_sha, 48, Kind::kMac, Pre::kArp),
    F("arp_tha", arp_tha, 48, Kind::kMac, Pre::kArp),
    F("ipv6_src", ipv6_src, 128, Kind::kIpv6, Pre::kIpv6),
    F("ipv6_dst", ipv6_dst, 128, Kind::kIpv6, Pre::kIpv6),
    F("ipv6_flabel", ipv6_flabel, 20, Kind::kUint, Pre::kIpv6),
    F("mpls_label", mpls_label, 20, Kind::kUint, Pre::kMpls),
    F("mpls_tc", mpls_tc, 3, Kind::kUint, Pre::kMpls),
    F("mpls_bos", mpls_bos, 1, Kind::kUint, Pre::kMpls),
};
#undef F

constexpr size_t kNumFields = sizeof kFields / sizeof kFields[0];

// The field named 'name', or null.  Lengths first: installs parse every
// match token of every line through here.
const Field* FindField(const char* name, size_t len) {
  static const auto* lengths = [] {
    auto* l = new size_t[kNumFields];
    for (size_t i = 0; i < kNumFields; i++) l[i] = strlen(kFields[i].name);
    return l;
  }();
  for (size_t i = 0; i < kNumFields; i++)
    if (lengths[i] == len && memcmp(kFields[i].name, name, len) == 0) return &kFields[i];
  return nullptr;
}

uint8_t* At(FlowKey* k, const Field& f) { return reinterpret_cast<uint8_t*>(k) + f.offset; }
const uint8_t* At(const FlowKey* k, const Field& f) {
  return reinterpret_cast<const uint8_t*>(k) + f.offset;
}

uint64_t GetUint(const uint8_t* p, uint8_t width) {
  switch (width) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
  }
}

void SetUint(uint8_t* p, uint8_t width, uint64_t v) {
  switch (width) {
    case 1: *p = uint8_t(v); return;
    case 2: { uint16_t x = uint16_t(v); memcpy(p, &x, 2); return; }
    case 4: { uint32_t x = uint32_t(v); memcpy(p, &x, 4); return; }
    default: memcpy(p, &v, 8); return;
  }
}

// An address ('bytes' long, wire order) or, for a mask, a prefix length.
bool ParseAddr(const std::string& s, Kind kind, bool is_mask, uint8_t* out) {
  const size_t n = kind == Kind::kIpv4 ? 4 : 16;
  if (is_mask && s.find_first_of(".:") == std::string::npos) {
    uint64_t len;
    if (!ParseNumber(s, 8, &len) || len > n * 8) return false;
    for (size_t i = 0; i < n; i++) {
      const int bits = int(len) - int(i) * 8;
      out[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : uint8_t(0xff << (8 - bits));
    }
    return true;
  }
  return inet_pton(kind == Kind::kIpv4 ? AF_INET : AF_INET6, s.c_str(), out) == 1;
}

// Writes 'text' (a value or a mask) of field 'f' into 'p'.
bool ParseValue(const Field& f, const std::string& text, bool is_mask, uint8_t* p) {
  switch (f.kind) {
    case Kind::kUint: {
      uint64_t v;
      if (!ParseNumber(text, f.bits, &v)) return false;
      SetUint(p, f.width, v);
      return true;
    }
    case Kind::kMac:
      return ParseMac(text, p);
    case Kind::kIpv4: {
      uint8_t a[4];
      if (!ParseAddr(text, f.kind, is_mask, a)) return false;
      SetUint(p, 4, uint32_t(a[0]) << 24 | uint32_t(a[1]) << 16 | uint32_t(a[2]) << 8 | a[3]);
      return true;
    }
    case Kind::kIpv6:
      return ParseAddr(text, f.kind, is_mask, p);
  }
  return false;
}

std::string FormatValue(const Field& f, const uint8_t* p) {
  char buf[64];
  switch (f.kind) {
    case Kind::kUint: {
      const unsigned long long v = GetUint(p, f.width);
      const bool hex = f.offset == offsetof(FlowKey, metadata) ||
                       f.offset == offsetof(FlowKey, vlan_vid) ||
                       f.offset == offsetof(FlowKey, tcp_flags) || f.bits == 20;
      if (f.offset == offsetof(FlowKey, eth_type))
        std::snprintf(buf, sizeof buf, "0x%04llx", v);
      else
        std::snprintf(buf, sizeof buf, hex ? "0x%llx" : "%llu", v);
      return buf;
    }
    case Kind::kMac:
      std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3],
                    p[4], p[5]);
      return buf;
    case Kind::kIpv4: {
      const uint32_t v = uint32_t(GetUint(p, 4));
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
                    v & 255);
      return buf;
    }
    case Kind::kIpv6:
      inet_ntop(AF_INET6, p, buf, sizeof buf);
      return buf;
  }
  return "";
}

bool AllOnes(const Field& f, const uint8_t* m) {
  if (f.kind == Kind::kUint) {
    const uint64_t full = f.bits >= 64 ? ~0ull : (1ull << f.bits) - 1;
    return GetUint(m, f.width) == full;
  }
  for (uint8_t i = 0; i < f.width; i++)
    if (m[i] != 0xff) return false;
  return true;
}

bool AnySet(const Field& f, const uint8_t* m) {
  for (uint8_t i = 0; i < f.width; i++)
    if (m[i]) return true;
  return false;
}

// Does the match pin eth_type/ip_proto as prerequisite 'pre' needs?
bool Holds(Pre pre, const FlowKey& k, const FlowKey& m) {
  const bool et = m.eth_type == 0xffff;
  const bool v4 = et && k.eth_type == 0x0800, v6 = et && k.eth_type == 0x86dd;
  const bool proto = m.ip_proto == 0xff && (v4 || v6);
  switch (pre) {
    case Pre::kNone: return true;
    case Pre::kVlan: return (m.vlan_vid & kOfpVidPresent) && (k.vlan_vid & kOfpVidPresent);
    case Pre::kIpv4: return v4;
    case Pre::kIpv6: return v6;
    case Pre::kIp: return v4 || v6;
    case Pre::kArp: return et && k.eth_type == 0x0806;
    case Pre::kMpls: return et && (k.eth_type == 0x8847 || k.eth_type == 0x8848);
    case Pre::kTcp: return proto && k.ip_proto == 6;
    case Pre::kUdp: return proto && k.ip_proto == 17;
    case Pre::kSctp: return proto && k.ip_proto == 132;
    case Pre::kIcmpv4: return proto && v4 && k.ip_proto == 1;
    case Pre::kIcmpv6: return proto && v6 && k.ip_proto == 58;
  }
  return false;
}

}  // namespace

bool ParseMatchToken(const std::string& token, FlowKey* match, FlowKey* mask, std::string* err,
                     std::vector<std::string>* fields) {
  err->clear();
  const size_t eq = token.find('=');
  if (eq == std::string::npos) return false;
  const Field* f = FindField(token.data(), eq);
  if (!f) return false;
  const std::string rest = token.substr(eq + 1);
  const size_t slash = rest.find('/');
  const std::string value = rest.substr(0, slash);
  uint8_t v[16] = {0}, m[16];
  memset(m, 0xff, sizeof m);
  bool ok = ParseValue(*f, value, false, v);
  if (ok && slash != std::string::npos) ok = ParseValue(*f, rest.substr(slash + 1), true, m);
  if (!ok) {
    *err = "bad_match.bad_value: bad value in '" + token + "'";
    return false;
  }
  if (f->kind == Kind::kUint && slash == std::string::npos)
    SetUint(m, f->width, f->bits >= 64 ? ~0ull : (1ull << f->bits) - 1);
  uint8_t* pv = At(match, *f);
  uint8_t* pm = At(mask, *f);
  for (uint8_t i = 0; i < f->width; i++) {
    pm[i] = m[i];
    pv[i] = uint8_t(v[i] & m[i]);
  }
  fields->emplace_back(f->name);
  return true;
}

bool SetMatchFieldWire(const char* name, const uint8_t* value, const uint8_t* mask_bytes,
                       size_t len, FlowKey* match, FlowKey* mask) {
  const Field* f = FindField(name, strlen(name));
  if (!f || len == 0) return false;
  uint8_t* pv = At(match, *f);
  uint8_t* pm = At(mask, *f);
  if (f->kind == Kind::kUint || f->kind == Kind::kIpv4) {
    if (len > 8) return false;
    uint64_t v = 0, m = 0;
    for (size_t i = 0; i < len; i++) {
      v = v << 8 | value[i];
      m = m << 8 | (mask_bytes ? mask_bytes[i] : 0);
    }
    if (!mask_bytes) m = f->bits >= 64 ? ~0ull : (1ull << f->bits) - 1;
    SetUint(pm, f->width, m);
    SetUint(pv, f->width, v & m);
    return true;
  }
  // MACs and IPv6 addresses stay in wire order.
  if (len != f->width) return false;
  for (uint8_t i = 0; i < f->width; i++) {
    pm[i] = mask_bytes ? mask_bytes[i] : 0xff;
    pv[i] = uint8_t(value[i] & pm[i]);
  }
  return true;
}

std::string CheckPrerequisites(const FlowKey& match, const FlowKey& mask,
                               const std::vector<std::string>& fields) {
  for (const std::string& name : fields) {
    const Field* f = FindField(name.data(), name.size());
    if (f && !Holds(f->pre, match, mask))
      return "bad_match.bad_prereq: '" + name + "' lacks its prerequisite (OpenFlow 1.3 7.2.3.6)";
  }
  return "";
}

std::string FormatMatch(const FlowKey& match, const FlowKey& mask) {
  std::string out;
  for (size_t i = 0; i < kNumFields; i++) {
    const Field& f = kFields[i];
    const uint8_t* pm = At(&mask, f);
    if (!AnySet(f, pm)) continue;
    // Storage shared by several names is printed once, under the first
    // name whose prerequisite holds (or the first name).
    size_t chosen = kNumFields;
    for (size_t j = 0; j < kNumFields && chosen == kNumFields; j++)
      if (kFields[j].offset == f.offset && Holds(kFields[j].pre, match, mask)) chosen = j;
    for (size_t j = 0; j < kNumFields && chosen == kNumFields; j++)
      if (kFields[j].offset == f.offset) chosen = j;
    if (chosen != i) continue;
    if (!out.empty()) out += ' ';
    out += std::string(f.name) + "=" + FormatValue(f, At(&match, f));
    if (!AllOnes(f, pm)) out += "/" + FormatValue(f, pm);
  }
  return out;
}

}  // namespace ofl
