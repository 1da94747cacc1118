// The per-packet OpenFlow pipeline of the `openflow` logic, and what it
// needs from the rest of the logic.  This header is the seam between the
// flow tables (openflow_logic.cc, classifier, exact-match cache, counting,
// timeouts), the instructions and actions (instructions.h, actions.h) and
// the group, meter and NORMAL machinery (groups.h, meters.h, normal.h).
//
// Design
//   RunPipeline starts at table 0 with the packet's flow key; the table
//   look-up is a callback so that the tables side owns caching, counting
//   and statistics, and this side owns what a matched rule does
//   (OpenFlow 1.3 §5.1, §5.9-5.10): meter, apply-actions, clear-actions,
//   write-actions, write-metadata, goto-table; at the end of the pipeline
//   the action set runs.  A table miss with no table-miss flow drops, or,
//   while the miss mode says so, goes to the controller (table_miss.h).
//   Outputs go into the msw_result as MULTI outputs (see actions.h for
//   how modified copies are expressed as variants); a CONTROLLER output is
//   a variant to MSW_PORT_CONTROLLER headed by a struct msw_to_controller.
//
// Thread-safety
//   RunPipeline runs on workers (pkt->worker distinguishes them) and, for
//   trace and packet_out, on the control thread with worker index
//   n_workers (one spare slot everywhere per-worker state exists).  It
//   never blocks, allocates, logs or makes system calls.
#ifndef MSWITCH_OVS_COMPAT_PIPELINE_H_
#define MSWITCH_OVS_COMPAT_PIPELINE_H_

#include <atomic>
#include <cstdint>

#include "flow_key.h"
#include "mswitch/logic.h"

namespace ofl {

struct Rule;          // classifier.h; Rule::actions holds a const Instructions
struct ActionList;    // actions.h
class GroupTable;     // groups.h
class MeterTable;     // meters.h
class NormalAction;   // normal.h
class WorkerCounters;  // worker_counters.h

// Port liveness and the LOCAL port, written by port_changed on the control
// thread, read by workers (fast-failover groups, output:local).
struct PortState {
  std::atomic<uint8_t> up[MSW_MAX_PORTS + 1] = {};
  std::atomic<uint32_t> local_port{0};  // 0: none
  bool IsUp(uint32_t port) const {
    return port >= 1 && port <= MSW_MAX_PORTS && up[port].load(std::memory_order_relaxed);
  }
};

// What parsing an action list or instructions needs to know (checks such
// as "goto_table above this table", "the group exists").
struct ParseEnv {
  uint32_t table = 0;       // the rule's table
  uint32_t n_tables = 1;
  const GroupTable* groups = nullptr;  // null: group existence unchecked
  const MeterTable* meters = nullptr;
  bool packet_out = false;  // output:table is allowed only here
};

// The rule of 'table' matching 'key' for 'pkt', or null on a miss.  The
// tables side counts the look-up, the match and the rule's counters here.
using TableLookupFn = const Rule* (*)(void* ctx, uint32_t table, const FlowKey& key,
                                      const msw_packet& pkt);

struct PipelineEnv {
  uint32_t n_tables = 0;
  TableLookupFn lookup = nullptr;
  void* lookup_ctx = nullptr;
  const GroupTable* groups = nullptr;
  MeterTable* meters = nullptr;
  NormalAction* normal = nullptr;
  const PortState* ports = nullptr;
  // Optional: while true, a table miss sends a packet-in instead of
  // dropping (table_miss.h).  Read relaxed by workers, after the EMC
  // generation they read with acquire (the control thread stores it
  // before bumping the generation).
  const std::atomic<bool>* miss_to_controller = nullptr;
  // Optional: outputs dropped because the answer was full (MSW_MAX_OUTPUTS
  // outputs or MSW_SCRATCH_BYTES of variant heads), one count per lost
  // output with its frame's bytes, in the packet's worker slot.
  WorkerCounters* lost_outputs = nullptr;
};

// Runs the pipeline from table 0 on 'pkt'; 'res' receives MULTI outputs
// (n_outputs may stay 0: drop).  The caller turns a single plain output
// into UNICAST/FLOOD.
void RunPipeline(const PipelineEnv& env, msw_packet* pkt, msw_result* res);

// OpenFlow PACKET_OUT: runs 'actions' on 'pkt' (src_port is the packet-out
// in_port, or MSW_PORT_CONTROLLER for OFPP_CONTROLLER); output:table runs
// RunPipeline from table 0.
void RunPacketOut(const PipelineEnv& env, const ActionList& actions, msw_packet* pkt,
                  msw_result* res);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_PIPELINE_H_
