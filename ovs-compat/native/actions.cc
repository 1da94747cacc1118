// Action parsing, printing and execution (see actions.h).
#include "actions.h"

#include <cstdio>

#include "match_text.h"

namespace ofl {
namespace {

bool IsTpid(uint16_t t) { return t == 0x8100 || t == 0x88a8; }

// Appends one output of the packet as it stands in 'w'.
void Output(uint32_t port, uint16_t flags, const WorkHead& w, msw_result* res,
            uint32_t* scratch_used) {
  if (res->n_outputs >= MSW_MAX_OUTPUTS) return;  // the ABI's limit: the rest are dropped
  msw_output& o = res->outputs[res->n_outputs];
  if (w.changed) {
    if (*scratch_used + w.len > MSW_SCRATCH_BYTES) return;
    memcpy(res->scratch + *scratch_used, w.head, w.len);
    o.flags = uint16_t(flags | MSW_OUT_VARIANT);
    o.head_off = uint16_t(*scratch_used);
    o.head_len = uint16_t(w.len);
    o.strip = uint16_t(w.strip);
    *scratch_used += w.len;
  } else {
    o.flags = flags;
  }
  o.port = port;
  res->n_outputs++;
}

}  // namespace

std::string ParseActions(const std::string& text, uint32_t table, uint32_t n_tables,
                         ActionList* out) {
  *out = ActionList();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string tok = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (out->goto_table != kNoGoto) return "'" + tok + "' after goto_table (it must be last)";
    const size_t colon = tok.find(':');
    const std::string name = tok.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : tok.substr(colon + 1);
    Action a{};
    uint64_t v = 0;
    bool ok = true;
    if (name == "drop" && arg.empty()) {
      continue;
    } else if (name == "output") {
      a.type = Act::kOutput;
      ok = ParseUint(arg, MSW_MAX_PORTS, &v) && v > 0;
      a.port = uint32_t(v);
    } else if ((name == "in_port" || name == "flood" || name == "all" || name == "pop_vlan") &&
               arg.empty()) {
      a.type = name == "in_port" ? Act::kInPort
               : name == "flood" ? Act::kFlood
               : name == "all"   ? Act::kAll
                                 : Act::kPopVlan;
    } else if (name == "set_eth_src" || name == "set_eth_dst") {
      a.type = name == "set_eth_src" ? Act::kSetEthSrc : Act::kSetEthDst;
      ok = ParseMac(arg, a.mac);
    } else if (name == "push_vlan") {
      a.type = Act::kPushVlan;
      ok = ParseUint(arg, 0xffff, &v) && IsTpid(uint16_t(v));
      a.arg16 = uint16_t(v);
    } else if (name == "set_vlan_vid" || name == "set_vlan_pcp") {
      a.type = name == "set_vlan_vid" ? Act::kSetVlanVid : Act::kSetVlanPcp;
      ok = ParseUint(arg, a.type == Act::kSetVlanVid ? 4095 : 7, &v);
      a.arg16 = uint16_t(v);
    } else if (name == "goto_table") {
      // OpenFlow 1.3 §5.1: the pipeline only goes forward.
      if (!ParseUint(arg, n_tables - 1, &v) || v <= table)
        return "'" + tok + "': goto_table needs a table above " + std::to_string(table) +
               " and below " + std::to_string(n_tables);
      out->goto_table = uint8_t(v);
      continue;
    } else {
      return "unknown action '" + tok + "'";
    }
    if (!ok) return "bad argument in '" + tok + "'";
    if (a.type >= Act::kSetEthSrc) out->modifies = true;
    out->actions.push_back(a);
  }
  return "";
}

std::string FormatActions(const ActionList& list) {
  std::string out;
  char buf[64];
  for (const Action& a : list.actions) {
    switch (a.type) {
      case Act::kOutput: std::snprintf(buf, sizeof buf, "output:%u", a.port); break;
      case Act::kInPort: std::snprintf(buf, sizeof buf, "in_port"); break;
      case Act::kFlood: std::snprintf(buf, sizeof buf, "flood"); break;
      case Act::kAll: std::snprintf(buf, sizeof buf, "all"); break;
      case Act::kSetEthSrc:
      case Act::kSetEthDst:
        std::snprintf(buf, sizeof buf, "%s:%02x:%02x:%02x:%02x:%02x:%02x",
                      a.type == Act::kSetEthSrc ? "set_eth_src" : "set_eth_dst", a.mac[0],
                      a.mac[1], a.mac[2], a.mac[3], a.mac[4], a.mac[5]);
        break;
      case Act::kPushVlan: std::snprintf(buf, sizeof buf, "push_vlan:0x%04x", a.arg16); break;
      case Act::kPopVlan: std::snprintf(buf, sizeof buf, "pop_vlan"); break;
      case Act::kSetVlanVid: std::snprintf(buf, sizeof buf, "set_vlan_vid:%u", a.arg16); break;
      case Act::kSetVlanPcp: std::snprintf(buf, sizeof buf, "set_vlan_pcp:%u", a.arg16); break;
    }
    if (!out.empty()) out += ',';
    out += buf;
  }
  if (list.goto_table != kNoGoto) {
    if (!out.empty()) out += ',';
    out += "goto_table:" + std::to_string(list.goto_table);
  }
  return out.empty() ? "drop" : out;
}

void InitWorkHead(const msw_packet& pkt, WorkHead* w) {
  // The MACs and every VLAN tag that fits (and is followed by a type).
  uint32_t off = 12;
  while (off + 4 + 2 <= pkt.head_len && off + 4 <= WorkHead::kMax &&
         IsTpid(uint16_t(pkt.data[off] << 8 | pkt.data[off + 1])))
    off += 4;
  memcpy(w->head, pkt.data, off);
  w->len = w->strip = off;
  w->changed = false;
}

void ExecuteActions(const ActionList& list, const msw_packet& pkt, WorkHead* w,
                    msw_result* res, uint32_t* scratch_used) {
  for (const Action& a : list.actions) {
    switch (a.type) {
      case Act::kOutput: Output(a.port, 0, *w, res, scratch_used); break;
      case Act::kInPort:
        Output(pkt.src_port, MSW_OUT_ALLOW_IN_PORT, *w, res, scratch_used);
        break;
      case Act::kFlood:
      case Act::kAll: Output(MSW_PORT_FLOOD, 0, *w, res, scratch_used); break;
      case Act::kSetEthSrc:
      case Act::kSetEthDst:
        memcpy(w->head + (a.type == Act::kSetEthSrc ? 6 : 0), a.mac, 6);
        w->changed = true;
        break;
      case Act::kPushVlan: {
        // OpenFlow 1.3 §7.2.5: the new tag copies VID and PCP of the outer
        // tag, if any, else they are zero.
        if (w->len + 4 > WorkHead::kMax) break;
        const uint8_t tci0 = w->len > 12 ? w->head[14] : 0, tci1 = w->len > 12 ? w->head[15] : 0;
        memmove(w->head + 16, w->head + 12, w->len - 12);
        w->head[12] = uint8_t(a.arg16 >> 8);
        w->head[13] = uint8_t(a.arg16);
        w->head[14] = tci0;
        w->head[15] = tci1;
        w->len += 4;
        w->changed = true;
        break;
      }
      case Act::kPopVlan:
        if (w->len <= 12) break;  // no tag: nothing to pop (prerequisite unmet)
        memmove(w->head + 12, w->head + 16, w->len - 16);
        w->len -= 4;
        w->changed = true;
        break;
      case Act::kSetVlanVid:
      case Act::kSetVlanPcp: {
        if (w->len <= 12) break;  // set-field on an absent tag: ignored
        uint16_t tci = uint16_t(w->head[14] << 8 | w->head[15]);
        tci = a.type == Act::kSetVlanVid ? uint16_t((tci & 0xf000) | a.arg16)
                                         : uint16_t((tci & 0x1fff) | a.arg16 << 13);
        w->head[14] = uint8_t(tci >> 8);
        w->head[15] = uint8_t(tci);
        w->changed = true;
        break;
      }
    }
  }
}

void ReextractKey(const msw_packet& pkt, const WorkHead& w, uint64_t metadata, FlowKey* key) {
  uint8_t buf[WorkHead::kMax + MSW_HEAD_BYTES];
  memcpy(buf, w.head, w.len);
  const uint32_t rest = pkt.head_len > w.strip ? pkt.head_len - w.strip : 0;
  memcpy(buf + w.len, pkt.data + w.strip, rest);
  ExtractFlowKey(buf, w.len + rest, pkt.src_port, metadata, key);
}

}  // namespace ofl
