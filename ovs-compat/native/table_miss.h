// The table-miss mode of the `openflow` logic: what a packet that no flow
// of a table matches does when that table has no table-miss flow.
//
// What?
//   OpenFlow 1.3 (§5.4) drops such a packet; OpenFlow 1.0 sends it to the
//   controller as a packet-in of reason no_match.  Open vSwitch does both
//   at once: a miss goes to the controller while at least one OpenFlow
//   connection speaks a version below 1.3, and only those connections get
//   it (ofproto-dpif.c rule_dpif_lookup_from_table picks its miss_rule
//   when connmgr_wants_packet_in_on_miss()).  The logic knows nothing of
//   connections: the agent switches the mode with the control line
//   `table_miss controller|drop` (control-text.md), and the packet-ins
//   carry MSW_TO_CONTROLLER_TABLE_MISS so the agent can route them.
//
// Design
//   The mode is one atomic flag read only on a miss, after the EMC
//   generation (pipeline.h PipelineEnv::miss_to_controller); the EMC keeps
//   caching the look-up's answer (no rule) and the decision is taken after
//   it.  Switching the mode publishes like a flow change (PublishAndSync:
//   generation bump and grace period), so when the control call returns,
//   every packet looked up afterwards sees the new mode, as a barrier
//   expects, and no cache entry made under the old mode is used again.
//
// Thread-safety
//   SendTableMiss: on the packet path (workers, and the control thread for
//   trace and packet_out), no allocation, lock or system call.  TableMiss:
//   control thread only.
#ifndef MSWITCH_OVS_COMPAT_TABLE_MISS_H_
#define MSWITCH_OVS_COMPAT_TABLE_MISS_H_

#include <cstdint>
#include <string>

namespace ofl {

struct ExecContext;
struct FlowTables;
struct WorkHead;

// A table miss in 'table' of the packet 'w' holds: sends it to the
// controller if the mode says so, else does nothing (the packet drops).
void SendTableMiss(ExecContext* ctx, WorkHead* w, uint32_t table);

// The control line `table_miss [controller|drop]`: sets the mode if one is
// given, and replies with the mode now in force (`table_miss controller`).
std::string TableMiss(FlowTables* ft, const std::string& line, std::string* err);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_TABLE_MISS_H_
