// Actions of the `openflow` logic: their text form, their parsed form, and
// how one list of them runs on a packet.
//
// What?
//   An ActionList is what an apply or write instruction, a group bucket or
//   a packet-out carries (text grammar: control-text.md "Actions").  In an
//   apply list, a bucket or a packet-out the actions run in order, each
//   output sending the packet as it stands then (OpenFlow 1.3 §5.12).  A
//   write list is merged into the packet's action set (instructions.h).
//
// Design
//   The packet is never rewritten in place.  A WorkHead (packet_edit.h)
//   holds a private copy of the frame's first bytes plus room for pushed
//   tags; set-field, push, pop and TTL actions edit it, and an output of a
//   changed head becomes an MSW_OUT_VARIANT whose bytes (only up to the
//   last changed one) go to the result's scratch, while an output of an
//   unchanged one points at the frame itself.  Thus several differently
//   modified copies of one packet leave in one answer and the fabric sends
//   them in the same batch.  Group buckets run on their own copy of the
//   WorkHead.
//
//   Output ports are switch port numbers 1..MSW_MAX_PORTS or OpenFlow's
//   reserved numbers (kPortInPort ... kPortLocal, the OFPP_* values), so
//   that out_port filters compare one number space.
//
// Behaviour worth knowing (decisions where OpenFlow leaves room)
//   - One packet's outputs share MSW_MAX_OUTPUTS slots and
//     MSW_SCRATCH_BYTES of variant heads; an output that does not fit is
//     dropped and counted (PipelineEnv::lost_outputs), the others go.
//   - output:flood and output:all are the same (no OFPPC_NO_FLOOD ports).
//   - output:normal without a NormalAction, output:local without a LOCAL
//     port, output:in_port of a packet-out from the controller: dropped.
//   - dec_nw_ttl / dec_mpls_ttl of a TTL of 0 or 1 emit a packet-in with
//     reason invalid_ttl and stop the packet (OVS's behaviour); whether the
//     controller wants it (OFPC_INVALID_TTL_TO_CONTROLLER) is the agent's
//     to decide.
//   - set_queue is accepted and recorded; there are no queues.
//   - set_field on a protocol the packet does not carry does nothing; the
//     checksum and SCTP limits are in packet_edit.h.  eth_type, ip_proto
//     and tcp_flags are not writable (bad_action.bad_set_type); mpls_bos
//     is (OVS refuses it).
//
// Thread-safety
//   Parsing and formatting run on the control thread and allocate.  An
//   ActionList is immutable once parsed; ExecuteActions runs on workers
//   without allocating, locking, logging or system calls.
#ifndef MSWITCH_OVS_COMPAT_ACTIONS_H_
#define MSWITCH_OVS_COMPAT_ACTIONS_H_

#include <string>
#include <vector>

#include "flow_key.h"
#include "mswitch/logic.h"
#include "pipeline.h"

namespace ofl {

// OpenFlow 1.3 reserved port numbers (ofp_port_no), as outputs use them.
constexpr uint32_t kPortInPort = 0xfffffff8;
constexpr uint32_t kPortTable = 0xfffffff9;
constexpr uint32_t kPortNormal = 0xfffffffa;
constexpr uint32_t kPortFlood = 0xfffffffb;
constexpr uint32_t kPortAll = 0xfffffffc;
constexpr uint32_t kPortController = 0xfffffffd;
constexpr uint32_t kPortLocal = 0xfffffffe;

enum class Act : uint8_t {
  kOutput,      // arg32 port, arg16 controller max_len
  kGroup,       // arg32 group id
  kSetField,    // field, value
  kPushVlan,    // arg16 ethertype
  kPopVlan,
  kPushMpls,    // arg16 ethertype
  kPopMpls,     // arg16 ethertype of what follows
  kSetMplsTtl,  // arg16 ttl
  kDecMplsTtl,
  kSetNwTtl,    // arg16 ttl
  kDecNwTtl,
  kCopyTtlOut,
  kCopyTtlIn,
  kSetQueue,    // arg32 queue id
};

// Fields set_field can write (every extracted field but in_port, metadata,
// eth_type, ip_proto and tcp_flags, which OpenFlow and OVS leave read-only).
enum class SetF : uint8_t {
  kEthDst, kEthSrc, kVlanVid, kVlanPcp, kIpDscp, kIpEcn, kIpTtl, kIpv4Src, kIpv4Dst,
  kTcpSrc, kTcpDst, kUdpSrc, kUdpDst, kSctpSrc, kSctpDst, kIcmpv4Type, kIcmpv4Code,
  kIcmpv6Type, kIcmpv6Code, kArpOp, kArpSpa, kArpTpa, kArpSha, kArpTha, kIpv6Src, kIpv6Dst,
  kIpv6Flabel, kMplsLabel, kMplsTc, kMplsBos,
  kCount
};

struct Action {
  Act type;
  SetF field;        // kSetField
  uint16_t arg16;    // ethertype, TTL or controller max_len
  uint32_t arg32;    // port, group or queue
  uint64_t num;      // kSetField of a number or IPv4 address (host order)
  uint8_t bytes[16]; // kSetField of a MAC or IPv6 address (wire order)
};

struct ActionList {
  std::vector<Action> actions;
};

// Parses 'text' (comma separated; "" or "drop": none) for a rule or bucket
// described by 'env'.  Returns "" or "TYPE.CODE: reason naming the token"
// (control-text.md), e.g. "bad_action.bad_out_port: 'output:0' ...".
std::string ParseActions(const std::string& text, const ParseEnv& env, ActionList* out);
// The list as ParseActions reads it back; "drop" when empty.
std::string FormatActions(const ActionList& list);

// The reserved port's word in the text form (in_port, table, normal, flood,
// all, controller, local), or null for a port number.
const char* ReservedPortName(uint32_t port);
// An output action as the text form writes it (`output:2`, `output:flood`,
// `output:controller:128`; 0xffff as 'max_len' is the whole packet).
std::string FormatOutput(uint32_t port, uint16_t max_len);

// True if 'list' outputs to 'port' (a port number or kPort*), or uses
// 'group' (for out_port / out_group filters).
bool ActionsOutputTo(const ActionList& list, uint32_t port);
bool ActionsUseGroup(const ActionList& list, uint32_t group);

struct WorkHead;     // packet_edit.h
struct ExecContext;  // exec_context.h: the packet, its result, its rule

// Runs 'list' in order on 'w'.  Returns false when the packet must stop
// here (a TTL expired: the invalid-TTL packet-in has been emitted).
bool ExecuteActions(const ActionList& list, ExecContext* ctx, WorkHead* w);
// Runs one action (the action set runs its slots through this).
bool ExecuteAction(const Action& a, ExecContext* ctx, WorkHead* w);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_ACTIONS_H_
