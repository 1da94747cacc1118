// `test-controller`: a switching logic built as its own shared object
// (mswitch-test-controller-logic.so) for the datapath's tests of the
// controller queue, host services and port events.  It is loaded through
// the public path (loadLogic) exactly as a third-party logic would be.
//
// What?
//   Every frame goes to MSW_PORT_CONTROLLER as a variant: a struct
//   msw_to_controller derived from the frame's tag (the big-endian u32 at
//   byte 14 that test/datapath/switch-rig.ts writes), then the frame with
//   its destination MAC rewritten to 0a:0b:0c:0d:0e:0f, so the test can
//   tell "the packet as modified" from the packet as sent:
//     reason = tag % 3, table_id = tag & 0xff,
//     cookie = 0xc0de000000000000 | tag, metadata = ~cookie,
//     in_port = the source port, max_len from the config.
//   Config tokens (space separated):
//     max_len=N   the header's max_len (default 65535: the whole frame)
//     bad=KIND    send a malformed controller output instead: magic,
//                 hdr_len, plain (no variant), short (head shorter than
//                 the header), unicast (UNICAST verdict to the controller)
//     normal=1    also forward the frame as a private l2-learning
//                 instance decides (found through msw_host.find_logic)
//     ctl=0       no controller output at all
//   Control commands: `find NAME` answers "NAME abi V" for the logic the
//   host finds, or "none"; `events` answers the port events seen since
//   the last `events` ("added:P:UP link:P:UP removed:P:UP ...").
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "mswitch/logic.h"

namespace {

enum BadKind { kGood, kMagic, kHdrLen, kPlain, kShort, kUnicast };

struct Instance {
  const msw_host* host = nullptr;
  uint16_t max_len = 0xffff;
  BadKind bad = kGood;
  bool ctl = true;
  const msw_logic_ops* l2 = nullptr;
  void* l2_instance = nullptr;
  std::string events;
};

int Fail(char* err, size_t len, const std::string& what) {
  std::snprintf(err, len, "%s", what.c_str());
  return EINVAL;
}

int Create(const msw_switch_info* sw, const char* config, void** out, char* err, size_t err_len) {
  auto* in = new (std::nothrow) Instance;
  if (!in) return ENOMEM;
  in->host = sw->host;
  bool normal = false;
  std::string cfg = config ? config : "";
  size_t i = 0;
  while (i < cfg.size()) {
    size_t j = cfg.find(' ', i);
    if (j == std::string::npos) j = cfg.size();
    const std::string tok = cfg.substr(i, j - i);
    i = j + 1;
    if (tok.empty()) continue;
    if (tok.rfind("max_len=", 0) == 0) {
      in->max_len = uint16_t(std::stoul(tok.substr(8)));
    } else if (tok == "normal=1") {
      normal = true;
    } else if (tok == "ctl=0") {
      in->ctl = false;
    } else if (tok.rfind("bad=", 0) == 0) {
      const std::string k = tok.substr(4);
      in->bad = k == "magic" ? kMagic : k == "hdr_len" ? kHdrLen : k == "plain" ? kPlain
              : k == "short" ? kShort : k == "unicast" ? kUnicast : kGood;
      if (in->bad == kGood) {
        delete in;
        return Fail(err, err_len, "unknown bad kind '" + k + "'");
      }
    } else {
      delete in;
      return Fail(err, err_len, "unknown token '" + tok + "'");
    }
  }
  if (normal) {
    in->l2 = sw->host ? sw->host->find_logic("l2-learning") : nullptr;
    if (!in->l2) {
      delete in;
      return Fail(err, err_len, "the host has no l2-learning logic");
    }
    if (in->l2->create) {
      const int rc = in->l2->create(sw, "", &in->l2_instance, err, err_len);
      if (rc) {
        delete in;
        return rc;
      }
    }
  }
  *out = in;
  return 0;
}

void Destroy(void* p) {
  auto* in = static_cast<Instance*>(p);
  if (in->l2 && in->l2->destroy) in->l2->destroy(in->l2_instance);
  delete in;
}

uint32_t Tag(const msw_packet* pkt) {
  if (pkt->head_len < 18) return 0;
  const uint8_t* d = pkt->data + 14;
  return uint32_t(d[0]) << 24 | uint32_t(d[1]) << 16 | uint32_t(d[2]) << 8 | d[3];
}

void AddController(const Instance& in, msw_packet* pkt, msw_result* res) {
  const uint32_t tag = Tag(pkt);
  msw_to_controller h;
  std::memset(&h, 0, sizeof h);
  h.magic = in.bad == kMagic ? 0x12345678u : MSW_TO_CONTROLLER_MAGIC;
  h.hdr_len = uint16_t(sizeof h + (in.bad == kHdrLen ? 8 : 0));
  h.reason = uint8_t(tag % 3);
  h.table_id = uint8_t(tag & 0xff);
  h.cookie = 0xc0de000000000000ull | tag;
  h.metadata = ~h.cookie;
  h.in_port = pkt->src_port;
  h.max_len = in.max_len;
  uint8_t* s = res->scratch;
  std::memcpy(s, &h, sizeof h);
  static const uint8_t kDst[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  std::memcpy(s + sizeof h, kDst, sizeof kDst);
  msw_output& o = res->outputs[res->n_outputs++];
  o.port = MSW_PORT_CONTROLLER;
  o.flags = in.bad == kPlain ? 0 : MSW_OUT_VARIANT;
  o.head_off = 0;
  o.head_len = uint16_t(in.bad == kShort ? sizeof h - 1 : sizeof h + sizeof kDst);
  o.strip = in.bad == kShort ? 0 : 6;
}

void Lookup(void* p, msw_packet* pkt, msw_result* res) {
  auto* in = static_cast<Instance*>(p);
  if (in->bad == kUnicast) {
    res->verdict = MSW_VERDICT_UNICAST;
    res->port = MSW_PORT_CONTROLLER;
    return;
  }
  res->verdict = MSW_VERDICT_MULTI;
  if (in->ctl) AddController(*in, pkt, res);
  if (in->l2) {
    msw_result tmp;
    std::memset(&tmp, 0, sizeof tmp);
    tmp.scratch = res->scratch + MSW_SCRATCH_BYTES / 2;
    in->l2->lookup(in->l2_instance, pkt, &tmp);
    msw_output& o = res->outputs[res->n_outputs];
    if (tmp.verdict == MSW_VERDICT_UNICAST) {
      o.port = tmp.port;
      res->n_outputs++;
    } else if (tmp.verdict == MSW_VERDICT_FLOOD) {
      o.port = MSW_PORT_FLOOD;
      res->n_outputs++;
    }
  }
}

void PortChanged(void* p, msw_port_event ev, const msw_port_info* port) {
  auto* in = static_cast<Instance*>(p);
  const char* name = ev == MSW_PORT_ADDED ? "added" : ev == MSW_PORT_REMOVED ? "removed" : "link";
  if (!in->events.empty()) in->events += ' ';
  in->events += std::string(name) + ":" + std::to_string(port->port) + ":" + std::to_string(port->up);
  if (in->l2 && in->l2->port_changed) in->l2->port_changed(in->l2_instance, ev, port);
}

int Control(void* p, const char* cmd, char* reply, size_t reply_len) {
  auto* in = static_cast<Instance*>(p);
  const std::string c = cmd;
  std::string out;
  if (c.rfind("find ", 0) == 0) {
    const msw_logic_ops* ops = in->host->find_logic(c.substr(5).c_str());
    out = ops ? std::string(ops->name) + " abi " + std::to_string(ops->abi_version) : "none";
  } else if (c == "events") {
    out.swap(in->events);
  } else {
    std::snprintf(reply, reply_len, "unknown command '%s'", cmd);
    return EINVAL;
  }
  std::snprintf(reply, reply_len, "%s", out.c_str());
  return 0;
}

const msw_logic_ops kOps = {
    MSW_LOGIC_ABI_VERSION, "test-controller", Create, Destroy, Lookup, PortChanged, Control,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const msw_logic_ops* msw_logic_entry(void) {
  return &kOps;
}
