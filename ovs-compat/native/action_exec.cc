// Executing actions on a working head: outputs become MULTI outputs of the
// result (variants when the head changed), packet-ins carry a
// msw_to_controller header, groups run each chosen bucket on its own copy.
// Worker threads: no allocation, locks, logging or system calls here.
#include <cstring>

#include "actions.h"
#include "exec_context.h"
#include "groups.h"
#include "normal.h"
#include "packet_edit.h"
#include "worker_counters.h"

namespace ofl {
namespace {

// Reserves one output slot and 'bytes' of scratch; null (and counted as
// lost) when either has run out.  Nothing of a partial output is written.
msw_output* Reserve(ExecContext* ctx, uint32_t bytes, uint8_t** scratch) {
  msw_result* res = ctx->res;
  if (res->n_outputs >= MSW_MAX_OUTPUTS || ctx->scratch_used + bytes > MSW_SCRATCH_BYTES ||
      (bytes && !res->scratch)) {
    ctx->lost_outputs++;
    if (ctx->env->lost_outputs) ctx->env->lost_outputs->Count(ctx->pkt->worker, ctx->pkt->len);
    return nullptr;
  }
  msw_output* o = &res->outputs[res->n_outputs++];
  memset(o, 0, sizeof *o);
  *scratch = res->scratch + ctx->scratch_used;
  o->head_off = uint16_t(ctx->scratch_used);
  ctx->scratch_used += bytes;
  return o;
}

// output:normal: the private l2-learning instance decides for the packet
// as it stands; absent, the packet is dropped.
void Normal(ExecContext* ctx, WorkHead* w) {
  if (!ctx->env->normal) return;
  msw_packet p = *ctx->pkt;
  p.data = w->buf;
  p.head_len = w->len < MSW_HEAD_BYTES ? w->len : MSW_HEAD_BYTES;
  p.len = w->frame_len;
  // NORMAL's own scratch: its answer is read for the verdict only.
  uint8_t scratch[MSW_SCRATCH_BYTES];
  msw_result tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.scratch = scratch;
  ctx->env->normal->Decide(&p, &tmp);
  if (tmp.verdict == MSW_VERDICT_UNICAST) EmitOutput(ctx, w, tmp.port, 0);
  if (tmp.verdict == MSW_VERDICT_FLOOD) EmitOutput(ctx, w, MSW_PORT_FLOOD, 0);
}

void Output(ExecContext* ctx, WorkHead* w, const Action& a) {
  const uint32_t port = a.arg32;
  switch (port) {
    case kPortController: EmitPacketIn(ctx, w, ctx->reason, a.arg16); return;
    case kPortFlood:
    case kPortAll: EmitOutput(ctx, w, MSW_PORT_FLOOD, 0); return;
    case kPortInPort:
      // A packet-out from the controller has no port to go back to.
      if (ctx->pkt->src_port >= 1 && ctx->pkt->src_port <= MSW_MAX_PORTS)
        EmitOutput(ctx, w, ctx->pkt->src_port, MSW_OUT_ALLOW_IN_PORT);
      return;
    case kPortLocal: {
      const uint32_t local = ctx->env->ports ? ctx->env->ports->local_port.load(
                                                   std::memory_order_relaxed)
                                             : 0;
      if (local) EmitOutput(ctx, w, local, 0);
      return;
    }
    case kPortNormal: Normal(ctx, w); return;
    case kPortTable: RunTablesFrom(ctx, w); return;
    default: EmitOutput(ctx, w, port, 0); return;
  }
}

}  // namespace

void EmitOutput(ExecContext* ctx, WorkHead* w, uint32_t port, uint16_t flags) {
  // OpenFlow 1.3 §4.5: output to the ingress port by number is not sent
  // (IN_PORT must be named).  The fabric would drop it too; leaving it out
  // keeps an output slot and scratch for outputs that do go, and traces
  // honest.
  if (port == ctx->pkt->src_port && !(flags & MSW_OUT_ALLOW_IN_PORT)) return;
  uint8_t* scratch = nullptr;
  if (!HeadChanged(*w)) {
    msw_output* o = Reserve(ctx, 0, &scratch);
    if (!o) return;
    o->port = port;
    o->flags = flags;
    return;
  }
  // Only the bytes up to the last change: the rest is the frame itself.
  msw_output* o = Reserve(ctx, w->changed_end, &scratch);
  if (!o) return;
  memcpy(scratch, w->buf, w->changed_end);
  o->port = port;
  o->flags = uint16_t(flags | MSW_OUT_VARIANT);
  o->head_len = uint16_t(w->changed_end);
  o->strip = uint16_t(int32_t(w->changed_end) - w->delta);
}

void EmitPacketIn(ExecContext* ctx, WorkHead* w, uint8_t reason, uint16_t max_len) {
  const uint32_t hdr = sizeof(msw_to_controller);
  const uint32_t body = HeadChanged(*w) ? w->changed_end : 0;
  uint8_t* scratch = nullptr;
  msw_output* o = Reserve(ctx, hdr + body, &scratch);
  if (!o) return;
  msw_to_controller h;
  memset(&h, 0, sizeof h);
  h.magic = MSW_TO_CONTROLLER_MAGIC;
  h.hdr_len = uint16_t(hdr);
  h.reason = reason;
  h.table_id = ctx->table;
  h.cookie = ctx->cookie;
  h.metadata = w->metadata;
  h.flags = ctx->pin_flags;
  h.in_port = ctx->pkt->src_port;
  // We never buffer packets, and an unbuffered packet-in carries the
  // whole packet whatever the action's max_len (OpenFlow 1.3 §7.2.5,
  // OFPCML_NO_BUFFER; Open vSwitch, which also never buffers, does the
  // same).  max_len stays in the action for dumps and round trips.
  (void)max_len;
  h.max_len = 0xffff;
  memcpy(scratch, &h, hdr);
  memcpy(scratch + hdr, w->buf, body);
  o->port = MSW_PORT_CONTROLLER;
  o->flags = MSW_OUT_VARIANT;
  o->head_len = uint16_t(hdr + body);
  o->strip = uint16_t(int32_t(body) - (body ? w->delta : 0));
}

void RunGroup(ExecContext* ctx, const WorkHead& w, uint32_t id) {
  const GroupTable* groups = ctx->env->groups;
  if (!groups || !ctx->env->ports || ctx->group_depth >= kMaxChainDepth) return;
  const Group* g = groups->Find(id);
  if (!g) return;
  WorkHead copy = w;
  const uint64_t hash = GetKeyHash(&copy);
  const Bucket* chosen[kMaxBuckets];
  const uint32_t n = groups->Choose(*g, hash, *ctx->env->ports, ctx->pkt->worker,
                                    copy.frame_len, chosen, kMaxBuckets);
  // Packet-ins from buckets have reason action even in a table-miss flow
  // (OVS: OFPR_GROUP, which OpenFlow 1.3 spells action).
  const uint8_t reason = ctx->reason;
  ctx->reason = kReasonAction;
  ctx->group_depth++;
  for (uint32_t i = 0; i < n; i++) {
    // OpenFlow 1.3 §5.6.1: each bucket works on its own clone of the packet.
    if (i) copy = w;
    if (chosen[i]->actions) ExecuteActions(*chosen[i]->actions, ctx, &copy);
  }
  ctx->group_depth--;
  ctx->reason = reason;
}

bool ExecuteAction(const Action& a, ExecContext* ctx, WorkHead* w) {
  TtlResult ttl = TtlResult::kDone;
  switch (a.type) {
    case Act::kOutput: Output(ctx, w, a); return true;
    case Act::kGroup: RunGroup(ctx, *w, a.arg32); return true;
    case Act::kSetField:
      Own(w);  // SetField writes through w->buf
      SetField(w, a);
      return true;
    case Act::kPushVlan: PushVlan(w, a.arg16); return true;
    case Act::kPopVlan: PopVlan(w); return true;
    case Act::kPushMpls: PushMpls(w, a.arg16); return true;
    case Act::kPopMpls: PopMpls(w, a.arg16); return true;
    case Act::kSetMplsTtl: SetMplsTtl(w, uint8_t(a.arg16)); return true;
    case Act::kSetNwTtl: SetNwTtl(w, uint8_t(a.arg16)); return true;
    case Act::kCopyTtlOut: CopyTtlOut(w); return true;
    case Act::kCopyTtlIn: CopyTtlIn(w); return true;
    case Act::kSetQueue: ctx->queue = a.arg32; return true;
    case Act::kDecMplsTtl: ttl = DecMplsTtl(w); break;
    case Act::kDecNwTtl: ttl = DecNwTtl(w); break;
  }
  if (ttl != TtlResult::kExpired) return true;
  // OpenFlow 1.3 §5.12 and OVS: an expiring TTL drops the packet and
  // tells the controller (reason invalid_ttl) with the packet as it was.
  EmitPacketIn(ctx, w, kReasonInvalidTtl, 0xffff);
  return false;
}

bool ExecuteActions(const ActionList& list, ExecContext* ctx, WorkHead* w) {
  for (const Action& a : list.actions)
    if (!ExecuteAction(a, ctx, w)) return false;
  return true;
}

}  // namespace ofl
