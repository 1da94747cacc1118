// Actions of the `openflow` logic: their text form, and how a packet's
// list of outputs is built from them.
//
// Text (comma separated, as in `actions=` of a control command):
//   output:PORT  in_port  flood  all  drop
//   set_eth_src:MAC  set_eth_dst:MAC
//   push_vlan:ETHERTYPE (0x8100 or 0x88a8)  pop_vlan
//   set_vlan_vid:VID (0..4095)  set_vlan_pcp:PCP (0..7)
//   goto_table:T (an instruction: last, T above the rule's own table)
// An empty list or `drop` drops.  These are OpenFlow 1.3 apply-actions:
// executed in order, each output sending the packet as it stands then.
//
// Design
//   The packet is never rewritten in place.  What actions change (so far
//   only the Ethernet header and VLAN tags) is kept in a small working head
//   that replaces the frame's first 'strip' bytes; an output of a changed
//   packet becomes an MSW_OUT_VARIANT whose head bytes go to the result's
//   scratch, an output of an unchanged one points at the frame itself.
//   Thus several differently modified copies of one packet leave in one
//   answer, and the fabric sends them in the same batch.
#ifndef MSWITCH_OVS_COMPAT_ACTIONS_H_
#define MSWITCH_OVS_COMPAT_ACTIONS_H_

#include <string>
#include <vector>

#include "flow_key.h"
#include "mswitch/logic.h"

namespace ofl {

enum class Act : uint8_t {
  kOutput, kInPort, kFlood, kAll, kSetEthSrc, kSetEthDst, kPushVlan, kPopVlan, kSetVlanVid,
  kSetVlanPcp,
};

struct Action {
  Act type;
  uint16_t arg16;   // ethertype, VID or PCP
  uint32_t port;    // output
  uint8_t mac[6];
};

constexpr uint8_t kNoGoto = 0xff;

struct ActionList {
  std::vector<Action> actions;
  uint8_t goto_table = kNoGoto;
  bool modifies = false;  // some action changes the packet (the key must be redone)
};

// Parses 'text' for a rule of table 'table' of 'n_tables'; "" or a reason
// naming the offending token.
std::string ParseActions(const std::string& text, uint32_t table, uint32_t n_tables,
                         ActionList* out);
std::string FormatActions(const ActionList& list);

// The packet as actions change it: head[0..len) replaces the frame's
// first 'strip' bytes (the MACs and any VLAN tags).
struct WorkHead {
  static constexpr uint32_t kMax = 12 + 4 * 6;
  uint8_t head[kMax];
  uint32_t len;
  uint32_t strip;
  bool changed;
};

void InitWorkHead(const msw_packet& pkt, WorkHead* w);

// Runs 'list' on 'w', appending outputs to 'res' (MULTI form).
// 'scratch_used' is the bytes of res->scratch taken so far.
void ExecuteActions(const ActionList& list, const msw_packet& pkt, WorkHead* w,
                    msw_result* res, uint32_t* scratch_used);

// The flow key of the packet as 'w' has changed it.
void ReextractKey(const msw_packet& pkt, const WorkHead& w, uint64_t metadata, FlowKey* key);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_ACTIONS_H_
