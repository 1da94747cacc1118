// OpenFlow 1.3 FLOW_MOD messages into FlowMods (see of13_flow_mod.h).  Every
// check below mirrors one of the agent's codec (controller-agent/src/
// openflow: flow-mod13.ts, oxm.ts, instructions13.ts, actions13.ts) or of
// its translation (agent/flow-mods.ts, ovs-compat/src/to-native.ts); where
// those would refuse, this file does not take the message.
#include "of13_flow_mod.h"

#include <arpa/inet.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

#include "checksum.h"
#include "groups.h"
#include "match_text.h"

namespace ofl {
namespace {

constexpr uint8_t kVersion13 = 4;
constexpr uint8_t kTypeFlowMod = 14;
constexpr uint32_t kNoBuffer = 0xffffffffu;
constexpr size_t kMatchAt = 48;  // header 8 + ofp_flow_mod fields 40
constexpr uint16_t kOxmClassBasic = 0x8000;
constexpr uint16_t kKnownFlags = 0x1f;  // send_flow_rem .. no_byt_counts
constexpr uint8_t kTableAll = 0xff;

uint64_t LoadBe64(const uint8_t* p) { return uint64_t(LoadBe32(p)) << 32 | LoadBe32(p + 4); }

// An OXM_OF_* field the logic matches on (oxm.ts and match-fields.ts:
// width, significant bits, maskable, writable by set_field).
struct Oxm {
  const char* name;
  uint8_t bytes;
  uint8_t bits;
  bool maskable;
  bool settable;
  uint8_t storage;  // fields sharing FlowKey storage share a nonzero value
};

// By OXM field number; a null name is a field the agent handles (in_phy_port,
// the IPv6 ND fields, pbb_isid, tunnel_id, ipv6_exthdr).  metadata is
// settable in the codec but refused by the translation: not settable here.
const Oxm kOxm[] = {
    {"in_port", 4, 32, false, false, 0},     {nullptr, 0, 0, false, false, 0},
    {"metadata", 8, 64, true, false, 0},     {"eth_dst", 6, 48, true, true, 0},
    {"eth_src", 6, 48, true, true, 0},       {"eth_type", 2, 16, false, false, 0},
    {"vlan_vid", 2, 13, true, true, 0},      {"vlan_pcp", 1, 3, false, true, 0},
    {"ip_dscp", 1, 6, false, true, 0},       {"ip_ecn", 1, 2, false, true, 0},
    {"ip_proto", 1, 8, false, false, 0},     {"ipv4_src", 4, 32, true, true, 0},
    {"ipv4_dst", 4, 32, true, true, 0},      {"tcp_src", 2, 16, true, true, 1},
    {"tcp_dst", 2, 16, true, true, 2},       {"udp_src", 2, 16, true, true, 1},
    {"udp_dst", 2, 16, true, true, 2},       {"sctp_src", 2, 16, true, true, 1},
    {"sctp_dst", 2, 16, true, true, 2},      {"icmpv4_type", 1, 8, false, true, 3},
    {"icmpv4_code", 1, 8, false, true, 4},   {"arp_op", 2, 16, false, true, 0},
    {"arp_spa", 4, 32, true, true, 0},       {"arp_tpa", 4, 32, true, true, 0},
    {"arp_sha", 6, 48, true, true, 0},       {"arp_tha", 6, 48, true, true, 0},
    {"ipv6_src", 16, 128, true, true, 0},    {"ipv6_dst", 16, 128, true, true, 0},
    {"ipv6_flabel", 4, 20, true, true, 0},   {"icmpv6_type", 1, 8, false, true, 3},
    {"icmpv6_code", 1, 8, false, true, 4},   {nullptr, 0, 0, false, false, 0},
    {nullptr, 0, 0, false, false, 0},        {nullptr, 0, 0, false, false, 0},
    {"mpls_label", 4, 20, false, true, 0},   {"mpls_tc", 1, 3, false, true, 0},
    {"mpls_bos", 1, 1, false, true, 0},
};
constexpr size_t kNumOxm = sizeof kOxm / sizeof kOxm[0];

// An OXM value (and mask) the codec accepts: no bit beyond the field's
// width, none in the value where the mask has a 0 (oxm.ts decodeOxm).
bool ValueFits(const Oxm& f, const uint8_t* v, const uint8_t* m) {
  if (f.bits < f.bytes * 8) {
    uint64_t x = 0, y = 0;
    for (uint8_t i = 0; i < f.bytes; i++) {
      x = x << 8 | v[i];
      y = y << 8 | (m ? m[i] : 0);
    }
    const uint64_t full = (1ull << f.bits) - 1;
    if (x > full || (m && y > full)) return false;
  }
  if (m)
    for (uint8_t i = 0; i < f.bytes; i++)
      if (v[i] & ~m[i]) return false;
  return true;
}

class Decoder {
 public:
  Decoder(const FlowTables& ft, const uint8_t* msg, size_t len, FlowMod* fm, std::string* why)
      : ft_(ft), msg_(msg), len_(len), fm_(fm), why_(why) {}

  bool Run();

 private:
  bool No(const char* reason) {
    *why_ = reason;
    return false;
  }
  bool Match(size_t at, size_t* end);
  bool Instructions(size_t at, std::vector<std::string>* tokens);
  bool Actions(size_t at, size_t end, std::string* text);
  bool Action(const uint8_t* a, uint16_t type, uint16_t len, std::string* text);
  bool SetField(const uint8_t* a, uint16_t len, std::string* text);

  const FlowTables& ft_;
  const uint8_t* msg_;
  size_t len_;
  FlowMod* fm_;
  std::string* why_;
  std::vector<std::string> fields_;
};

bool Decoder::Run() {
  const uint8_t* m = msg_;
  if (len_ < kMatchAt + 8) return No("shorter than a flow mod with an empty match");
  if (m[0] != kVersion13 || m[1] != kTypeFlowMod) return No("not an OpenFlow 1.3 FLOW_MOD");
  if (LoadBe16(m + 2) != len_) return No("header length differs from the message's");
  const uint64_t cookie = LoadBe64(m + 8), cookie_mask = LoadBe64(m + 16);
  const uint8_t table = m[24], command = m[25];
  const uint16_t idle = LoadBe16(m + 26), hard = LoadBe16(m + 28), priority = LoadBe16(m + 30);
  const uint32_t out_port = LoadBe32(m + 36), out_group = LoadBe32(m + 40);
  const uint16_t flags = LoadBe16(m + 44);
  if (command > 4) return No("unknown command");
  if (flags & ~kKnownFlags) return No("undefined flag bits");
  if (LoadBe32(m + 32) != kNoBuffer) return No("a buffer id");
  const bool add = command == 0, del = command >= 3;
  fm_->verb = add ? FlowMod::kAdd : del ? FlowMod::kDel : FlowMod::kMod;
  fm_->strict = command == 2 || command == 4;
  // OFPTT_ALL is for deletes only (1.3.5 §7.3.4.1; flow-mod13.ts).
  if (table == kTableAll && del) fm_->table = -1;
  else if (table < ft_.n_tables) fm_->table = table;
  else return No("table out of range");
  if (add) {
    fm_->priority = priority;
    fm_->cookie = cookie;
    fm_->cookie_mask = 0;  // add ignores the mask
    fm_->idle_timeout = idle;
    fm_->hard_timeout = hard;
    fm_->flags = uint16_t((flags & 1 ? kSendFlowRem : 0) | (flags & 8 ? kNoPacketCounts : 0) |
                          (flags & 16 ? kNoByteCounts : 0));
    fm_->check_overlap = flags & 2;
    fm_->reset_counts = flags & 4;
  } else {
    // Non-strict selection has no priority: the text line gives none.
    if (fm_->strict) fm_->priority = priority;
    if (cookie_mask != 0) {
      fm_->cookie = cookie;
      fm_->cookie_mask = cookie_mask;
    }
    fm_->reset_counts = !del && (flags & 4);
  }
  if (del && out_port != kAnyPort) {
    if (!ReservedPortName(out_port) && (out_port == 0 || out_port > MSW_MAX_PORTS))
      return No("out_port is no switch port");
    fm_->out_port = out_port;
  }
  if (del && out_group != kAnyGroup) {
    if (out_group > kGroupMax) return No("out_group beyond OFPG_MAX");
    fm_->out_group = out_group;
  }
  size_t at;
  if (!Match(kMatchAt, &at)) return false;
  std::vector<std::string> tokens;
  if (!Instructions(at, &tokens)) return false;
  // A delete's instructions mean nothing (1.3.5 §6.4): the codec checks
  // them, the text path drops them.  Instructions() took only what the
  // codec accepts, so they are dropped here too.
  if (!del) {
    auto ins = std::make_shared<ofl::Instructions>();
    ParseEnv env;
    env.table = fm_->table < 0 ? 0 : uint32_t(fm_->table);
    env.n_tables = ft_.n_tables;
    std::string err;
    for (std::string& t : tokens) {
      if (ParseInstructionToken(t, env, ins.get(), &err) != InstParse::kOk) {
        *why_ = err.empty() ? "instruction '" + t + "'" : err;
        return false;
      }
      fm_->ins_tokens.push_back(std::move(t));
    }
    if (ins->goto_table != kNoGoto && fm_->table >= 0 && ins->goto_table <= fm_->table)
      return No("goto_table not forward");
    fm_->ins = std::move(ins);
  }
  const std::string pre = CheckPrerequisites(fm_->match, fm_->mask, fields_);
  if (!pre.empty()) {
    *why_ = pre;
    return false;
  }
  return true;
}

// ofp_match of type OXM at 'at'; '*end' is where its padding ends.
bool Decoder::Match(size_t at, size_t* end) {
  if (LoadBe16(msg_ + at) != 1) return No("match type not OXM");
  const uint16_t mlen = LoadBe16(msg_ + at + 2);
  if (mlen < 4 || at + ((mlen + 7) / 8) * 8 > len_) return No("match length");
  const size_t stop = at + mlen;
  uint64_t seen = 0;
  uint32_t storage = 0;
  for (size_t p = at + 4; p < stop;) {
    if (p + 4 > stop) return No("truncated OXM header");
    const uint32_t h = LoadBe32(msg_ + p);
    const uint16_t cls = uint16_t(h >> 16);
    const uint8_t field = (h >> 9) & 0x7f, olen = h & 0xff;
    const bool has_mask = h & 0x100;
    if (cls != kOxmClassBasic || field >= kNumOxm || !kOxm[field].name)
      return No("OXM field the logic does not match on");
    const Oxm& f = kOxm[field];
    if (olen != f.bytes * (has_mask ? 2 : 1) || p + 4 + olen > stop) return No("OXM length");
    if (has_mask && !f.maskable) return No("mask on an unmaskable field");
    const uint8_t* v = msg_ + p + 4;
    const uint8_t* mk = has_mask ? v + f.bytes : nullptr;
    if (!ValueFits(f, v, mk)) return No("OXM value beyond its width or mask");
    if (seen & (1ull << field)) return No("OXM field twice");
    seen |= 1ull << field;
    if (f.storage) {
      if (storage & (1u << f.storage)) return No("two fields of one storage");
      storage |= 1u << f.storage;
    }
    if (!SetMatchFieldWire(f.name, v, mk, f.bytes, &fm_->match, &fm_->mask))
      return No("OXM field the logic does not place");
    fields_.emplace_back(f.name);
    p += 4 + olen;
  }
  *end = at + ((mlen + 7) / 8) * 8;
  return true;
}

// The instruction list from 'at' to the message's end as the text path's
// tokens, in its order: meter, apply, clear_actions, write, write_metadata,
// goto_table (to-native.ts instructionTokens).
bool Decoder::Instructions(size_t at, std::vector<std::string>* tokens) {
  std::string slot[6];  // by that order
  bool present[6] = {};
  uint32_t seen = 0;
  char buf[96];
  while (at < len_) {
    if (at + 8 > len_) return No("truncated instruction");
    const uint16_t type = LoadBe16(msg_ + at), ilen = LoadBe16(msg_ + at + 2);
    if (ilen < 8 || ilen % 8 || at + ilen > len_) return No("instruction length");
    if (type >= 1 && type <= 6) {
      if (seen & (1u << type)) return No("instruction twice");
      seen |= 1u << type;
    }
    const uint8_t* b = msg_ + at;
    switch (type) {
      case 1:  // OFPIT_GOTO_TABLE
        if (ilen != 8) return No("goto_table length");
        std::snprintf(buf, sizeof buf, "goto_table=%u", b[4]);
        slot[5] = buf;
        present[5] = true;
        break;
      case 2: {  // OFPIT_WRITE_METADATA
        if (ilen != 24) return No("write_metadata length");
        const uint64_t v = LoadBe64(b + 8), mk = LoadBe64(b + 16);
        if (mk == ~0ull) std::snprintf(buf, sizeof buf, "write_metadata=0x%" PRIx64, v);
        else std::snprintf(buf, sizeof buf, "write_metadata=0x%" PRIx64 "/0x%" PRIx64, v, mk);
        slot[4] = buf;
        present[4] = true;
        break;
      }
      case 3:  // OFPIT_WRITE_ACTIONS
      case 4: {  // OFPIT_APPLY_ACTIONS
        std::string list;
        if (!Actions(at + 8, at + ilen, &list)) return false;
        const int k = type == 4 ? 1 : 3;
        // An empty apply list is no instruction; an empty write list is one.
        if (type == 4 && list.empty()) break;
        slot[k] = (type == 4 ? "apply=" : "write=") + (list.empty() ? std::string("drop") : list);
        present[k] = true;
        break;
      }
      case 5:  // OFPIT_CLEAR_ACTIONS
        if (ilen != 8) return No("clear_actions length");
        slot[2] = "clear_actions";
        present[2] = true;
        break;
      case 6:  // OFPIT_METER
        if (ilen != 8) return No("meter length");
        std::snprintf(buf, sizeof buf, "meter=%u", LoadBe32(b + 4));
        slot[0] = buf;
        present[0] = true;
        break;
      default: return No("instruction the logic leaves to the agent");
    }
    at += ilen;
  }
  for (int k = 0; k < 6; k++)
    if (present[k]) tokens->push_back(std::move(slot[k]));
  return true;
}

// The action list in [at, end) as comma separated text ("" when empty).
bool Decoder::Actions(size_t at, size_t end, std::string* text) {
  while (at < end) {
    if (at + 8 > end) return No("truncated action");
    const uint16_t type = LoadBe16(msg_ + at), alen = LoadBe16(msg_ + at + 2);
    if (alen < 8 || alen % 8 || at + alen > end) return No("action length");
    if (!text->empty()) *text += ',';
    if (!Action(msg_ + at, type, alen, text)) return false;
    at += alen;
  }
  return true;
}

bool Decoder::Action(const uint8_t* a, uint16_t type, uint16_t len, std::string* text) {
  char buf[64];
  if (type != 0 && type != 25 && len != 8) return No("action length");
  switch (type) {
    case 0: {  // OFPAT_OUTPUT
      if (len != 16) return No("output length");
      const uint32_t port = LoadBe32(a + 4);
      const uint16_t max_len = LoadBe16(a + 8);
      if (port == 0 || port == kAnyPort) return No("output to port 0 or ANY");
      *text += FormatOutput(port, max_len);
      return true;
    }
    case 11: std::snprintf(buf, sizeof buf, "copy_ttl_out"); break;
    case 12: std::snprintf(buf, sizeof buf, "copy_ttl_in"); break;
    case 15: std::snprintf(buf, sizeof buf, "set_mpls_ttl:%u", a[4]); break;
    case 16: std::snprintf(buf, sizeof buf, "dec_mpls_ttl"); break;
    case 17:
    case 19: {  // OFPAT_PUSH_VLAN, OFPAT_PUSH_MPLS
      const uint16_t e = LoadBe16(a + 4);
      const bool ok = type == 17 ? (e == 0x8100 || e == 0x88a8) : (e == 0x8847 || e == 0x8848);
      if (!ok) return No("push ethertype");
      std::snprintf(buf, sizeof buf, "%s:0x%04x", type == 17 ? "push_vlan" : "push_mpls", e);
      break;
    }
    case 18: std::snprintf(buf, sizeof buf, "pop_vlan"); break;
    case 20: std::snprintf(buf, sizeof buf, "pop_mpls:0x%04x", LoadBe16(a + 4)); break;
    case 21: std::snprintf(buf, sizeof buf, "set_queue:%u", LoadBe32(a + 4)); break;
    case 22: std::snprintf(buf, sizeof buf, "group:%u", LoadBe32(a + 4)); break;
    case 23: std::snprintf(buf, sizeof buf, "set_field:ip_ttl=%u", a[4]); break;
    case 24: std::snprintf(buf, sizeof buf, "dec_nw_ttl"); break;
    case 25: return SetField(a, len, text);
    default: return No("action the logic leaves to the agent");
  }
  *text += buf;
  return true;
}

// OFPAT_SET_FIELD: one unmasked OXM, padded to 8 bytes (actions13.ts).
bool Decoder::SetField(const uint8_t* a, uint16_t len, std::string* text) {
  const uint32_t h = LoadBe32(a + 4);
  const uint8_t field = (h >> 9) & 0x7f, olen = h & 0xff;
  if (uint16_t(h >> 16) != kOxmClassBasic || (h & 0x100) || field >= kNumOxm ||
      !kOxm[field].name || !kOxm[field].settable)
    return No("set_field the logic leaves to the agent");
  const Oxm& f = kOxm[field];
  if (olen != f.bytes || 8u + olen > len || len - 8u - olen >= 8) return No("set_field length");
  const uint8_t* v = a + 8;
  if (!ValueFits(f, v, nullptr)) return No("set_field value beyond its width");
  char buf[80];
  uint64_t x = 0;
  for (uint8_t i = 0; i < f.bytes && f.bytes <= 8; i++) x = x << 8 | v[i];
  int n;
  if (field == 6) {
    // vlan_vid sets the VID of the present tag: OXM's value carries OFPVID_PRESENT.
    n = std::snprintf(buf, sizeof buf, "set_field:vlan_vid=0x%x", unsigned(0x1000 | (x & 0xfff)));
  } else if (f.bytes == 6) {
    n = std::snprintf(buf, sizeof buf, "set_field:%s=%02x:%02x:%02x:%02x:%02x:%02x", f.name, v[0],
                      v[1], v[2], v[3], v[4], v[5]);
  } else if (f.bytes == 16) {
    char addr[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, v, addr, sizeof addr);
    n = std::snprintf(buf, sizeof buf, "set_field:%s=%s", f.name, addr);
  } else if (f.bytes == 4 && f.bits == 32) {
    n = std::snprintf(buf, sizeof buf, "set_field:%s=%u.%u.%u.%u", f.name, v[0], v[1], v[2], v[3]);
  } else {
    n = std::snprintf(buf, sizeof buf, "set_field:%s=%" PRIu64, f.name, x);
  }
  text->append(buf, size_t(n));
  return true;
}

}  // namespace

bool DecodeOf13FlowMod(const FlowTables& ft, const char* hex, size_t len, FlowMod* fm,
                       std::string* why) {
  thread_local std::vector<uint8_t> msg;
  if (!ParseHex(hex, len, &msg)) {
    *why = "not hex";
    return false;
  }
  return Decoder(ft, msg.data(), msg.size(), fm, why).Run();
}

}  // namespace ofl
