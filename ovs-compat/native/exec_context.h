// What executing actions on one packet needs besides the packet's head:
// where its outputs go, and which rule and table it is in (for packet-ins).
//
// What?
//   One ExecContext lives on the stack for one packet's pipeline (or one
//   packet-out).  Every output of that packet appends to the same result
//   and the same scratch, so scratch and MSW_MAX_OUTPUTS are shared by all
//   of them; what does not fit is dropped and counted in 'lost_outputs'.
//
// Thread-safety: per packet, one thread.
#ifndef MSWITCH_OVS_COMPAT_EXEC_CONTEXT_H_
#define MSWITCH_OVS_COMPAT_EXEC_CONTEXT_H_

#include <cstdint>

#include "mswitch/logic.h"
#include "pipeline.h"

namespace ofl {

struct WorkHead;

// OpenFlow 1.3 ofp_packet_in_reason.
enum : uint8_t { kReasonNoMatch = 0, kReasonAction = 1, kReasonInvalidTtl = 2 };

struct ExecContext {
  const PipelineEnv* env = nullptr;
  msw_packet* pkt = nullptr;
  msw_result* res = nullptr;
  uint32_t scratch_used = 0;
  uint32_t lost_outputs = 0;  // outputs dropped: no scratch or no output slot left
  uint8_t table = 0;          // the table the packet is in (packet-in header)
  uint64_t cookie = 0;        // the cookie of the rule running (packet-in header)
  uint8_t reason = kReasonAction;  // reason of an output:controller here
  uint16_t pin_flags = 0;     // MSW_TO_CONTROLLER_* of the packet-ins emitted now
  uint32_t queue = 0;         // the last set_queue (recorded; there are no queues)
  uint32_t group_depth = 0;   // groups entered, against loops
  uint32_t table_depth = 0;   // output:table from a packet-out, against loops
};

// Appends one output of the packet as 'w' holds it to 'port' (a switch
// port, MSW_PORT_FLOOD or MSW_PORT_CONTROLLER with a packet-in header of
// reason 'reason').  Drops and counts it when the result is full.
void EmitOutput(ExecContext* ctx, WorkHead* w, uint32_t port, uint16_t flags);
void EmitPacketIn(ExecContext* ctx, WorkHead* w, uint8_t reason, uint16_t max_len);

// Runs group 'id' (each chosen bucket on its own copy of 'w').
void RunGroup(ExecContext* ctx, const WorkHead& w, uint32_t id);

// output:table: the pipeline from table 0 on the packet as 'w' holds it
// (pipeline.cc).
void RunTablesFrom(ExecContext* ctx, WorkHead* w);

// RunPipeline for a caller that has already initialised 'w' for 'pkt'
// (InitWorkHead, metadata 0) and looked up and counted table 0: 'first' is
// that answer (null: a miss).  The batched look-up (lookup.cc) uses it.
void RunPipelineFrom(const PipelineEnv& env, msw_packet* pkt, msw_result* res, WorkHead* w,
                     const Rule* first);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_EXEC_CONTEXT_H_
