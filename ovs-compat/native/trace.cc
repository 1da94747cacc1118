// trace and packet_out (control-text.md "Queries"): the pipeline run on
// the control thread on a frame the caller gives, and what it would send
// rendered as frames.
//
// Design
//   The frame is handed to the pipeline as the fabric would: a msw_packet
//   whose data is a private copy of the first MSW_HEAD_BYTES, len the whole
//   frame, worker index n_workers (the spare per-worker slot everything
//   has).  An output is rendered as the fabric assembles it: a variant's
//   head from scratch followed by the frame from byte 'strip' on, where
//   "the frame" is the (possibly rewritten) head copy followed by the
//   caller's bytes beyond it.  A CONTROLLER output becomes a packet_in
//   line from its struct msw_to_controller, its data cut to max_len.
//
//   trace counts nothing (its table look-ups go around counters and the
//   exact-match cache; meters and NORMAL still see the packet, as they
//   have no dry-run mode); packet_out counts like traffic, as Open vSwitch
//   counts packet-outs that go through output:table.
//
// Thread-safety: control thread only.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <vector>

#include "actions.h"
#include "flow_tables.h"
#include "match_text.h"

namespace ofl {
namespace {

constexpr size_t kMaxFrame = 65535;

std::string Hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; i++) {
    s[2 * i] = kDigits[p[i] >> 4];
    s[2 * i + 1] = kDigits[p[i] & 15];
  }
  return s;
}

const char* ReasonName(uint8_t r) {
  switch (r) {
    case 0: return "no_match";
    case 1: return "action";
    case 2: return "invalid_ttl";
  }
  return "unknown";
}

// A frame run through the pipeline, and what it produced.
struct Run {
  std::vector<uint8_t> frame;      // as the caller gave it
  uint8_t head[MSW_HEAD_BYTES];    // the private head copy
  uint8_t scratch[MSW_SCRATCH_BYTES];
  msw_packet pkt{};
  msw_result res{};
  std::vector<std::pair<uint32_t, const Rule*>> steps;

  void Init(uint32_t src_port, uint32_t worker) {
    pkt.head_len = uint32_t(std::min<size_t>(frame.size(), MSW_HEAD_BYTES));
    std::memcpy(head, frame.data(), pkt.head_len);
    pkt.data = head;
    pkt.len = uint32_t(frame.size());
    pkt.src_port = src_port;
    pkt.worker = worker;
    pkt.now_ns = MonotonicNs();
    res.scratch = scratch;
  }
  // The frame as it stands after the pipeline, from byte 'from' on.
  void Rest(size_t from, std::vector<uint8_t>* out) const {
    for (size_t i = from; i < frame.size(); i++)
      out->push_back(i < pkt.head_len ? head[i] : frame[i]);
  }
};

std::string PortName(uint32_t port) {
  return port == MSW_PORT_FLOOD ? "flood" : std::to_string(port);
}

// The reply lines of a finished run.
std::string Render(const Run& run, bool with_steps) {
  std::string out;
  if (with_steps) {
    for (const auto& s : run.steps) {
      if (s.second) {
        out += "table=" + std::to_string(s.first) + " id=" + std::to_string(s.second->id) +
               " priority=" + std::to_string(s.second->priority) + "\n";
      } else {
        out += "table=" + std::to_string(s.first) + " miss\n";
      }
    }
  }
  const msw_result& res = run.res;
  size_t shown = 0;
  for (uint32_t k = 0; k < res.n_outputs && k < MSW_MAX_OUTPUTS; k++) {
    const msw_output& o = res.outputs[k];
    // The fabric never sends a frame back out of its input port unless the
    // output asked for it (OpenFlow's IN_PORT): neither does a trace.  A
    // packet-out from the controller (src_port MSW_PORT_CONTROLLER) may
    // still send packet-ins: the controller is no switch port.
    if (o.port == run.pkt.src_port && o.port != MSW_PORT_CONTROLLER &&
        !(o.flags & MSW_OUT_ALLOW_IN_PORT))
      continue;
    std::vector<uint8_t> f;
    size_t skip = 0;  // the controller header, not part of the frame
    if (o.flags & MSW_OUT_VARIANT) {
      if (size_t(o.head_off) + o.head_len > MSW_SCRATCH_BYTES) continue;
      f.assign(run.scratch + o.head_off, run.scratch + o.head_off + o.head_len);
      run.Rest(o.strip, &f);
    } else {
      run.Rest(0, &f);
    }
    if (o.port != MSW_PORT_CONTROLLER) {
      out += "output port=" + PortName(o.port) + " hex=" + Hex(f.data(), f.size()) + "\n";
      shown++;
      continue;
    }
    msw_to_controller h;
    if (f.size() < sizeof h) continue;
    std::memcpy(&h, f.data(), sizeof h);
    if (h.magic != MSW_TO_CONTROLLER_MAGIC || h.hdr_len != sizeof h) continue;
    skip = sizeof h;
    const size_t total = f.size() - skip;
    const size_t n = h.max_len == 0xffff ? total : std::min<size_t>(total, h.max_len);
    char line[220];
    // table_miss=1: an implicit miss (table_miss.h), which the agent sends
    // to OpenFlow 1.0 controllers only.
    std::snprintf(line, sizeof line,
                  "packet_in reason=%s table=%u cookie=0x%" PRIx64 " in_port=%u metadata=0x%" PRIx64
                  " total_len=%zu%s hex=",
                  ReasonName(h.reason), h.table_id, h.cookie, h.in_port, h.metadata, total,
                  (h.flags & MSW_TO_CONTROLLER_TABLE_MISS) ? " table_miss=1" : "");
    out += line + Hex(f.data() + skip, n) + "\n";
    shown++;
  }
  if (shown == 0) out += "drop\n";
  return out;
}

// Reads the tokens common to trace and packet_out.
bool ParseRunTokens(const std::string& line, bool packet_out, uint32_t* in_port,
                    std::string* actions, std::vector<uint8_t>* frame, std::string* err) {
  std::istringstream is(line);
  std::string tok;
  is >> tok;
  bool have_port = false, have_frame = false, have_actions = false;
  while (is >> tok) {
    uint64_t v = 0;
    if (tok.compare(0, 8, "in_port=") == 0) {
      const std::string p = tok.substr(8);
      if (packet_out && p == "controller") {
        *in_port = MSW_PORT_CONTROLLER;
      } else if (ParseUint(p, MSW_MAX_PORTS, &v) && v > 0) {
        *in_port = uint32_t(v);
      } else {
        *err = "bad_request.bad_port: '" + tok + "'";
        return false;
      }
      have_port = true;
    } else if (tok.compare(0, 4, "hex=") == 0) {
      if (tok.size() - 4 > 2 * kMaxFrame || !ParseHex(tok.data() + 4, tok.size() - 4, frame) ||
          frame->size() < 14) {
        *err = "bad_request.bad_len: '" + tok.substr(0, 24) +
               "...' is not a frame (14..65535 bytes as hex digits)";
        return false;
      }
      have_frame = true;
    } else if (!packet_out && tok.compare(0, 9, "metadata=") == 0) {
      // Every packet enters table 0 with metadata 0 (OpenFlow 1.3 §5.8);
      // the pipeline has no way to start elsewhere.
      if (!ParseUint(tok.substr(9), ~0ull, &v) || v != 0) {
        *err = "bad_request.bad_type: '" + tok + "': a trace starts with metadata=0";
        return false;
      }
    } else if (packet_out && tok.compare(0, 8, "actions=") == 0) {
      *actions = tok.substr(8);
      have_actions = true;
    } else {
      *err = "bad_request.bad_type: unknown token '" + tok + "'";
      return false;
    }
  }
  if (!have_port || !have_frame || (packet_out && !have_actions)) {
    *err = packet_out ? "bad_request.bad_type: packet_out needs in_port=, actions= and hex="
                      : "bad_request.bad_type: trace needs in_port= and hex=";
    return false;
  }
  return true;
}

}  // namespace

std::string Trace(FlowTables* ft, const std::string& line, std::string* err) {
  Run run;
  uint32_t in_port = 0;
  std::string unused;
  if (!ParseRunTokens(line, false, &in_port, &unused, &run.frame, err)) return "";
  LookupCtx ctx;
  ctx.mode = LookupCtx::kTrace;
  ctx.ft = ft;
  ctx.steps = &run.steps;
  PipelineEnv env = ft->env;
  env.lookup_ctx = &ctx;
  run.Init(in_port, ft->n_workers);
  RunPipeline(env, &run.pkt, &run.res);
  return Render(run, true);
}

std::string PacketOut(FlowTables* ft, const std::string& line, std::string* err) {
  Run run;
  uint32_t in_port = 0;
  std::string actions_text;
  if (!ParseRunTokens(line, true, &in_port, &actions_text, &run.frame, err)) return "";
  ParseEnv penv;
  penv.n_tables = ft->n_tables;
  penv.groups = ft->groups.get();
  penv.meters = ft->meters.get();
  penv.packet_out = true;
  ActionList actions;
  *err = ParseActions(actions_text, penv, &actions);
  if (!err->empty()) return "";
  LookupCtx ctx;
  ctx.mode = LookupCtx::kPacketOut;
  ctx.ft = ft;
  ctx.steps = &run.steps;
  PipelineEnv env = ft->env;
  env.lookup_ctx = &ctx;
  run.Init(in_port, ft->n_workers);
  RunPacketOut(env, actions, &run.pkt, &run.res);
  return Render(run, true);
}

}  // namespace ofl
