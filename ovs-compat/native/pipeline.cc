// The OpenFlow 1.3 pipeline (pipeline.h): instructions table after table,
// then the action set in the §5.10 order; and PACKET_OUT.
//
// Design
//   The action set is an array of pointers into the matched rules' write
//   lists, one slot per action type (per field for set_field), indexed in
//   execution order; a later write of a type replaces the earlier one and
//   clear_actions empties the array.  The rules stay alive for the whole
//   lookup (the tables side's grace period covers it), so no action is
//   copied.  Workers: no allocation, locks, logging or system calls.
#include <cstring>

#include "actions.h"
#include "classifier.h"
#include "exec_context.h"
#include "instructions.h"
#include "meters.h"
#include "packet_edit.h"
#include "table_miss.h"

namespace ofl {
namespace {

// Action-set slots in OpenFlow 1.3 §5.10 order.
enum : uint32_t {
  kSlotCopyTtlIn,
  kSlotPopVlan,
  kSlotPopMpls,
  kSlotPushMpls,
  kSlotPushVlan,
  kSlotCopyTtlOut,
  kSlotDecMplsTtl,
  kSlotDecNwTtl,
  kSlotSetMplsTtl,
  kSlotSetNwTtl,
  kSlotSetField,  // + SetF
  kSlotSetQueue = kSlotSetField + uint32_t(SetF::kCount),
  kSlotGroup,
  kSlotOutput,
  kSlots,
};

uint32_t SlotOf(const Action& a) {
  switch (a.type) {
    case Act::kCopyTtlIn: return kSlotCopyTtlIn;
    case Act::kPopVlan: return kSlotPopVlan;
    case Act::kPopMpls: return kSlotPopMpls;
    case Act::kPushMpls: return kSlotPushMpls;
    case Act::kPushVlan: return kSlotPushVlan;
    case Act::kCopyTtlOut: return kSlotCopyTtlOut;
    case Act::kDecMplsTtl: return kSlotDecMplsTtl;
    case Act::kDecNwTtl: return kSlotDecNwTtl;
    case Act::kSetMplsTtl: return kSlotSetMplsTtl;
    case Act::kSetNwTtl: return kSlotSetNwTtl;
    case Act::kSetField: return kSlotSetField + uint32_t(a.field);
    case Act::kSetQueue: return kSlotSetQueue;
    case Act::kGroup: return kSlotGroup;
    case Act::kOutput: return kSlotOutput;
  }
  return kSlotOutput;
}

// A table-miss flow (priority 0, matches everything) sends packet-ins
// with reason no_match from its apply-actions, as OpenFlow 1.3 §6.4 and
// OVS do (from the action set or a group the reason stays action).
bool IsTableMissRule(const Rule& r) {
  static const FlowKey kEmpty{};
  return r.priority == 0 && KeyEqual(r.mask, kEmpty);
}

// Meter band dscp_remark (OpenFlow 1.3 §7.3.4.5): raise the drop
// precedence of an AF codepoint (class 1..4, precedence 1..3) by
// 'prec_level', saturating at 3; other codepoints have no precedence to
// raise and stay as they are.
void RemarkDscp(WorkHead* w, uint8_t prec_level) {
  const FlowKey& k = GetKey(w);
  if (!(k.present & (kHasIpv4 | kHasIpv6))) return;
  const uint8_t dscp = k.ip_dscp, cls = dscp >> 3, prec = (dscp >> 1) & 3;
  if (cls < 1 || cls > 4 || prec < 1 || (dscp & 1)) return;
  const uint32_t raised = prec + prec_level > 3 ? 3 : prec + prec_level;
  Action a{};
  a.type = Act::kSetField;
  a.field = SetF::kIpDscp;
  a.num = uint64_t(cls << 3 | raised << 1);
  Own(w);
  SetField(w, a);
}

// The action set: a slot per action type, and a bit per filled slot so
// that an empty set costs nothing to clear or to run.
struct ActionSet {
  uint64_t used = 0;
  const Action* slot[kSlots];
  void Write(const Action& a) {
    const uint32_t i = SlotOf(a);
    slot[i] = &a;
    used |= uint64_t{1} << i;
  }
};
static_assert(kSlots <= 64, "one bit per action-set slot");

// Runs the action set; false if the packet stopped (TTL expiry).
bool RunActionSet(ExecContext* ctx, WorkHead* w, const ActionSet& set) {
  // §5.10: a set with neither output nor group drops the packet; its other
  // actions change nothing anyone sees, so they do not run (a dec_ttl
  // there raises no invalid-TTL packet-in; Open vSwitch agrees).
  if (!(set.used >> kSlotGroup & 1) && !(set.used >> kSlotOutput & 1)) return true;
  uint64_t rest = set.used & ((uint64_t{1} << kSlotGroup) - 1);
  while (rest) {
    const uint32_t i = uint32_t(__builtin_ctzll(rest));
    rest &= rest - 1;
    if (!ExecuteAction(*set.slot[i], ctx, w)) return false;
  }
  // §5.10: with a group action the output action is ignored.
  if (set.used >> kSlotGroup & 1) return ExecuteAction(*set.slot[kSlotGroup], ctx, w);
  if (set.used >> kSlotOutput & 1) return ExecuteAction(*set.slot[kSlotOutput], ctx, w);
  return true;
}

// The tables from table 0 with an empty action set.  'first' (when not
// null) is table 0's answer, looked up and counted by the caller.
void RunTables(ExecContext* ctx, WorkHead* w, const Rule* const* first = nullptr) {
  const PipelineEnv& env = *ctx->env;
  ActionSet set;
  uint32_t table = 0;
  uint64_t first_cookie = 0;
  for (uint32_t steps = 0; steps < 256 && table < env.n_tables; steps++) {
    const Rule* rule = first && steps == 0
                           ? *first
                           : env.lookup(env.lookup_ctx, table, GetKey(w), *ctx->pkt);
    if (!rule) {  // a miss without table-miss flow drops (§5.4), or not
      SendTableMiss(ctx, w, table);
      return;
    }
    const auto* ins = static_cast<const Instructions*>(rule->actions.get());
    if (!ins) return;
    if (table == 0) first_cookie = rule->cookie;
    ctx->table = uint8_t(table);
    ctx->cookie = rule->cookie;
    ctx->reason = IsTableMissRule(*rule) ? kReasonNoMatch : kReasonAction;
    if (ins->meter) {
      uint8_t prec = 0;
      const MeterTable::Verdict v =
          env.meters ? env.meters->Apply(ins->meter, w->frame_len, ctx->pkt->now_ns,
                                         ctx->pkt->worker, &prec)
                     : MeterTable::kDrop;
      if (v == MeterTable::kDrop) return;
      if (v == MeterTable::kRemark) RemarkDscp(w, prec);
    }
    if (ins->has_apply && !ExecuteActions(ins->apply, ctx, w)) return;
    if (ins->clear_actions) set.used = 0;
    if (ins->has_write)
      for (const Action& a : ins->write.actions) set.Write(a);
    if (ins->has_metadata)
      SetMetadata(w, (w->metadata & ~ins->metadata_mask) | ins->metadata);
    if (ins->goto_table == kNoGoto) break;
    table = ins->goto_table;
  }
  // Packet-ins from the action set name table 0 and the cookie of the
  // rule the pipeline began with, as OVS reports them (OpenFlow leaves the
  // table of an action-set packet-in open; OVS's differential test pins it).
  ctx->table = 0;
  ctx->cookie = first_cookie;
  ctx->reason = kReasonAction;
  RunActionSet(ctx, w, set);
}

}  // namespace

void RunTablesFrom(ExecContext* ctx, WorkHead* w) {
  // output:table exists in packet-outs only; a pipeline never reaches it
  // again, but a bound keeps a malformed rule from recursing.
  if (ctx->table_depth > 0 || !ctx->env->lookup) return;
  const uint8_t table = ctx->table, reason = ctx->reason;
  const uint64_t cookie = ctx->cookie;
  ctx->table_depth++;
  WorkHead copy = *w;
  RunTables(ctx, &copy);
  ctx->table_depth--;
  ctx->table = table;
  ctx->cookie = cookie;
  ctx->reason = reason;
}

void RunPipeline(const PipelineEnv& env, msw_packet* pkt, msw_result* res) {
  ExecContext ctx;
  ctx.env = &env;
  ctx.pkt = pkt;
  ctx.res = res;
  WorkHead w;
  InitWorkHead(*pkt, 0, &w);
  if (env.lookup) RunTables(&ctx, &w);
}

void RunPipelineFrom(const PipelineEnv& env, msw_packet* pkt, msw_result* res, WorkHead* w,
                     const Rule* first) {
  ExecContext ctx;
  ctx.env = &env;
  ctx.pkt = pkt;
  ctx.res = res;
  RunTables(&ctx, w, &first);
}

void RunPacketOut(const PipelineEnv& env, const ActionList& actions, msw_packet* pkt,
                  msw_result* res) {
  ExecContext ctx;
  ctx.env = &env;
  ctx.pkt = pkt;
  ctx.res = res;
  // Not from a flow: OpenFlow 1.3 §7.4.1 gives packet-ins cookie -1.
  ctx.cookie = ~uint64_t{0};
  ctx.table = 0;
  ctx.reason = kReasonAction;
  WorkHead w;
  InitWorkHead(*pkt, 0, &w);
  ExecuteActions(actions, &ctx, &w);
}

}  // namespace ofl
