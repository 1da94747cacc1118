// Action text: parsing with OpenFlow 1.3 error codes, and printing that
// parses back to the same list (see actions.h, control-text.md "Actions").
#include "actions.h"

#include <arpa/inet.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

#include "groups.h"
#include "match_text.h"

namespace ofl {
namespace {

enum class Kind : uint8_t { kUint, kMac, kIpv4, kIpv6 };

struct SetFieldDesc {
  const char* name;
  SetF field;
  uint16_t offset;  // in FlowKey
  uint8_t width;
  Kind kind;
};

#define D(name, f, member, kind) \
  {name, SetF::f, uint16_t(offsetof(FlowKey, member)), uint8_t(sizeof(FlowKey::member)), kind}
// In SetF order, so that kSetFields[int(f)] describes f.
const SetFieldDesc kSetFields[] = {
    D("eth_dst", kEthDst, eth_dst, Kind::kMac),
    D("eth_src", kEthSrc, eth_src, Kind::kMac),
    D("vlan_vid", kVlanVid, vlan_vid, Kind::kUint),
    D("vlan_pcp", kVlanPcp, vlan_pcp, Kind::kUint),
    D("ip_dscp", kIpDscp, ip_dscp, Kind::kUint),
    D("ip_ecn", kIpEcn, ip_ecn, Kind::kUint),
    D("ip_ttl", kIpTtl, ip_ttl, Kind::kUint),
    D("ipv4_src", kIpv4Src, ipv4_src, Kind::kIpv4),
    D("ipv4_dst", kIpv4Dst, ipv4_dst, Kind::kIpv4),
    D("tcp_src", kTcpSrc, tp_src, Kind::kUint),
    D("tcp_dst", kTcpDst, tp_dst, Kind::kUint),
    D("udp_src", kUdpSrc, tp_src, Kind::kUint),
    D("udp_dst", kUdpDst, tp_dst, Kind::kUint),
    D("sctp_src", kSctpSrc, tp_src, Kind::kUint),
    D("sctp_dst", kSctpDst, tp_dst, Kind::kUint),
    D("icmpv4_type", kIcmpv4Type, icmp_type, Kind::kUint),
    D("icmpv4_code", kIcmpv4Code, icmp_code, Kind::kUint),
    D("icmpv6_type", kIcmpv6Type, icmp_type, Kind::kUint),
    D("icmpv6_code", kIcmpv6Code, icmp_code, Kind::kUint),
    D("arp_op", kArpOp, arp_op, Kind::kUint),
    D("arp_spa", kArpSpa, arp_spa, Kind::kIpv4),
    D("arp_tpa", kArpTpa, arp_tpa, Kind::kIpv4),
    D("arp_sha", kArpSha, arp_sha, Kind::kMac),
    D("arp_tha", kArpTha, arp_tha, Kind::kMac),
    D("ipv6_src", kIpv6Src, ipv6_src, Kind::kIpv6),
    D("ipv6_dst", kIpv6Dst, ipv6_dst, Kind::kIpv6),
    D("ipv6_flabel", kIpv6Flabel, ipv6_flabel, Kind::kUint),
    D("mpls_label", kMplsLabel, mpls_label, Kind::kUint),
    D("mpls_tc", kMplsTc, mpls_tc, Kind::kUint),
    D("mpls_bos", kMplsBos, mpls_bos, Kind::kUint),
};
#undef D
static_assert(sizeof kSetFields / sizeof kSetFields[0] == size_t(SetF::kCount),
              "one descriptor per SetF");

std::string Quote(const std::string& tok) { return "'" + tok + "'"; }

// set_field:FIELD=VALUE.  The value is parsed as a match value of the same
// field would be, so widths and formats agree with matches.
std::string ParseSetField(const std::string& tok, const std::string& arg, Action* a) {
  const size_t eq = arg.find('=');
  const std::string name = arg.substr(0, eq);
  const SetFieldDesc* d = nullptr;
  for (const SetFieldDesc& x : kSetFields)
    if (name == x.name) d = &x;
  if (!d || eq == std::string::npos)
    return "bad_action.bad_set_type: " + Quote(tok) + " names no writable field";
  if (arg.find('/') != std::string::npos)
    return "bad_action.bad_set_argument: " + Quote(tok) + ": set_field takes no mask";
  FlowKey match{}, mask{};
  std::string err;
  std::vector<std::string> fields;
  if (!ParseMatchToken(arg, &match, &mask, &err, &fields))
    return "bad_action.bad_set_argument: " + Quote(tok) + " has a bad value";
  a->type = Act::kSetField;
  a->field = d->field;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&match) + d->offset;
  switch (d->kind) {
    case Kind::kMac: memcpy(a->bytes, p, 6); break;
    case Kind::kIpv6: memcpy(a->bytes, p, 16); break;
    case Kind::kIpv4:
    case Kind::kUint: {
      uint64_t v = 0;
      if (d->width == 1) v = *p;
      if (d->width == 2) { uint16_t x; memcpy(&x, p, 2); v = x; }
      if (d->width == 4) { uint32_t x; memcpy(&x, p, 4); v = x; }
      a->num = v;
      break;
    }
  }
  return "";
}

std::string FormatSetField(const Action& a) {
  const SetFieldDesc& d = kSetFields[size_t(a.field)];
  char buf[80];
  switch (d.kind) {
    case Kind::kMac:
      std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", a.bytes[0], a.bytes[1],
                    a.bytes[2], a.bytes[3], a.bytes[4], a.bytes[5]);
      break;
    case Kind::kIpv6: inet_ntop(AF_INET6, a.bytes, buf, sizeof buf); break;
    case Kind::kIpv4:
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", unsigned(a.num >> 24 & 0xff),
                    unsigned(a.num >> 16 & 0xff), unsigned(a.num >> 8 & 0xff),
                    unsigned(a.num & 0xff));
      break;
    case Kind::kUint:
      std::snprintf(buf, sizeof buf, d.field == SetF::kVlanVid ? "0x%llx" : "%llu",
                    static_cast<unsigned long long>(a.num));
      break;
  }
  return std::string("set_field:") + d.name + "=" + buf;
}

// output:ARG.  Reserved ports are words; numbers are switch ports.
std::string ParseOutput(const std::string& tok, const std::string& arg, const ParseEnv& env,
                        Action* a) {
  a->type = Act::kOutput;
  a->arg16 = 0xffff;
  const std::string word = arg.substr(0, arg.find(':'));
  if (word == "controller") {
    uint64_t v = 0xffff;
    if (word.size() < arg.size() && !ParseUint(arg.substr(word.size() + 1), 0xffff, &v))
      return "bad_action.bad_argument: " + Quote(tok) + ": max_len is 0..65535";
    a->arg32 = kPortController;
    a->arg16 = uint16_t(v);
    return "";
  }
  if (word.size() != arg.size())
    return "bad_action.bad_out_port: " + Quote(tok) + " is no port";
  if (arg == "in_port") a->arg32 = kPortInPort;
  else if (arg == "flood") a->arg32 = kPortFlood;
  else if (arg == "all") a->arg32 = kPortAll;
  else if (arg == "local") a->arg32 = kPortLocal;
  else if (arg == "normal") a->arg32 = kPortNormal;
  else if (arg == "table") {
    // OpenFlow 1.3 §7.2.5: OFPP_TABLE is valid only in packet-out.
    if (!env.packet_out)
      return "bad_action.bad_out_port: " + Quote(tok) + " is allowed in packet_out only";
    a->arg32 = kPortTable;
  } else {
    uint64_t v = 0;
    if (!ParseUint(arg, MSW_MAX_PORTS, &v) || v == 0)
      return "bad_action.bad_out_port: " + Quote(tok) + ": ports are 1.." +
             std::to_string(MSW_MAX_PORTS) + " or a reserved word";
    a->arg32 = uint32_t(v);
  }
  return "";
}

// One action token (no commas).
std::string ParseOne(const std::string& tok, const ParseEnv& env, Action* a) {
  const size_t colon = tok.find(':');
  const std::string name = tok.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : tok.substr(colon + 1);
  const bool has_arg = colon != std::string::npos;
  uint64_t v = 0;
  auto bad = [&](const char* why) {
    return "bad_action.bad_argument: " + Quote(tok) + ": " + why;
  };
  if (name == "output" && has_arg) return ParseOutput(tok, arg, env, a);
  if (name == "set_field" && has_arg) return ParseSetField(tok, arg, a);
  if (name == "group" && has_arg) {
    a->type = Act::kGroup;
    if (!ParseUint(arg, kGroupMax, &v))
      return "bad_action.bad_out_group: " + Quote(tok) + ": group ids are 0..0xffffff00";
    a->arg32 = uint32_t(v);
    if (env.groups && !env.groups->Exists(a->arg32))
      return "bad_action.bad_out_group: " + Quote(tok) + ": no such group";
    return "";
  }
  if (name == "push_vlan" && has_arg) {
    a->type = Act::kPushVlan;
    if (!ParseUint(arg, 0xffff, &v) || (v != 0x8100 && v != 0x88a8))
      return bad("the ethertype must be 0x8100 or 0x88a8");
    a->arg16 = uint16_t(v);
    return "";
  }
  if (name == "push_mpls" && has_arg) {
    a->type = Act::kPushMpls;
    if (!ParseUint(arg, 0xffff, &v) || (v != 0x8847 && v != 0x8848))
      return bad("the ethertype must be 0x8847 or 0x8848");
    a->arg16 = uint16_t(v);
    return "";
  }
  if (name == "pop_mpls" && has_arg) {
    a->type = Act::kPopMpls;
    if (!ParseUint(arg, 0xffff, &v)) return bad("the ethertype is 0..0xffff");
    a->arg16 = uint16_t(v);
    return "";
  }
  if ((name == "set_mpls_ttl" || name == "set_nw_ttl") && has_arg) {
    a->type = name == "set_mpls_ttl" ? Act::kSetMplsTtl : Act::kSetNwTtl;
    if (!ParseUint(arg, 255, &v)) return bad("a TTL is 0..255");
    a->arg16 = uint16_t(v);
    return "";
  }
  if (name == "set_queue" && has_arg) {
    a->type = Act::kSetQueue;
    if (!ParseUint(arg, 0xfffffffe, &v)) return bad("queue ids are 0..0xfffffffe");
    a->arg32 = uint32_t(v);
    return "";
  }
  if (!has_arg) {
    if (name == "pop_vlan") a->type = Act::kPopVlan;
    else if (name == "dec_mpls_ttl") a->type = Act::kDecMplsTtl;
    else if (name == "dec_nw_ttl") a->type = Act::kDecNwTtl;
    else if (name == "copy_ttl_out") a->type = Act::kCopyTtlOut;
    else if (name == "copy_ttl_in") a->type = Act::kCopyTtlIn;
    else return "bad_action.bad_type: unknown action " + Quote(tok);
    return "";
  }
  return "bad_action.bad_type: unknown action " + Quote(tok);
}

std::string FormatOne(const Action& a) {
  char buf[64];
  switch (a.type) {
    case Act::kOutput: return FormatOutput(a.arg32, a.arg16);
    case Act::kGroup: return "group:" + std::to_string(a.arg32);
    case Act::kSetField: return FormatSetField(a);
    case Act::kPushVlan: std::snprintf(buf, sizeof buf, "push_vlan:0x%04x", a.arg16); return buf;
    case Act::kPopVlan: return "pop_vlan";
    case Act::kPushMpls: std::snprintf(buf, sizeof buf, "push_mpls:0x%04x", a.arg16); return buf;
    case Act::kPopMpls: std::snprintf(buf, sizeof buf, "pop_mpls:0x%04x", a.arg16); return buf;
    case Act::kSetMplsTtl: return "set_mpls_ttl:" + std::to_string(a.arg16);
    case Act::kDecMplsTtl: return "dec_mpls_ttl";
    case Act::kSetNwTtl: return "set_nw_ttl:" + std::to_string(a.arg16);
    case Act::kDecNwTtl: return "dec_nw_ttl";
    case Act::kCopyTtlOut: return "copy_ttl_out";
    case Act::kCopyTtlIn: return "copy_ttl_in";
    case Act::kSetQueue: return "set_queue:" + std::to_string(a.arg32);
  }
  return "";
}

}  // namespace

const char* ReservedPortName(uint32_t port) {
  switch (port) {
    case kPortInPort: return "in_port";
    case kPortTable: return "table";
    case kPortNormal: return "normal";
    case kPortFlood: return "flood";
    case kPortAll: return "all";
    case kPortController: return "controller";
    case kPortLocal: return "local";
    default: return nullptr;
  }
}

std::string FormatOutput(uint32_t port, uint16_t max_len) {
  char buf[48];
  if (port == kPortController && max_len != 0xffff) {
    std::snprintf(buf, sizeof buf, "output:controller:%u", max_len);
  } else if (const char* r = ReservedPortName(port)) {
    std::snprintf(buf, sizeof buf, "output:%s", r);
  } else {
    std::snprintf(buf, sizeof buf, "output:%u", port);
  }
  return buf;
}

std::string ParseActions(const std::string& text, const ParseEnv& env, ActionList* out) {
  *out = ActionList();
  if (text.empty() || text == "drop") return "";
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string tok = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (tok.empty()) return "bad_action.bad_type: empty action in " + Quote(text);
    Action a{};
    const std::string err = ParseOne(tok, env, &a);
    if (!err.empty()) return err;
    out->actions.push_back(a);
  }
  return "";
}

std::string FormatActions(const ActionList& list) {
  std::string out;
  for (const Action& a : list.actions) {
    if (!out.empty()) out += ',';
    out += FormatOne(a);
  }
  return out.empty() ? "drop" : out;
}

bool ActionsOutputTo(const ActionList& list, uint32_t port) {
  for (const Action& a : list.actions)
    if (a.type == Act::kOutput && a.arg32 == port) return true;
  return false;
}

bool ActionsUseGroup(const ActionList& list, uint32_t group) {
  for (const Action& a : list.actions)
    if (a.type == Act::kGroup && a.arg32 == group) return true;
  return false;
}

}  // namespace ofl
