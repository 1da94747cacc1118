// Flow mods of the `openflow` logic: the add / mod / del lines of the
// control form (control-text.md "Flow mods") parsed into a FlowMod, and
// applied with OpenFlow 1.3 §6.4 semantics.  The same parser reads the
// filters of dump and aggregate.
//
// Design
//   Parsing checks everything that does not depend on the tables' state
//   (syntax, ranges, prerequisites, goto_table direction), so that a batch
//   is refused whole before anything changes.  Applying checks what does
//   (overlap, table full, the groups and meters the instructions name),
//   on control-side state that includes the batch's earlier lines.
//
// Thread-safety: control thread only.
#ifndef MSWITCH_OVS_COMPAT_FLOW_MODS_H_
#define MSWITCH_OVS_COMPAT_FLOW_MODS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flow_tables.h"
#include "instructions.h"

namespace ofl {

struct FlowMod {
  enum Verb { kAdd, kMod, kDel, kFilter } verb = kAdd;  // kFilter: dump, aggregate
  int table = 0;  // -1: all
  bool strict = false;
  int32_t priority = kDefaultPriority;
  uint64_t cookie = 0;
  uint64_t cookie_mask = 0;
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
  uint16_t importance = 0;
  uint16_t flags = 0;  // kSendFlowRem, kNoPacketCounts, kNoByteCounts
  bool check_overlap = false;
  bool reset_counts = false;
  uint32_t out_port = kAnyPort;
  uint32_t out_group = kAnyGroup;
  FlowKey match{};
  FlowKey mask{};
  std::shared_ptr<const Instructions> ins;
  std::vector<std::string> ins_tokens;  // re-parsed at apply when they name a group
  uint64_t after = 0;  // dump paging
  uint64_t limit = 0;  // 0: no limit
};

// Parses one line whose first word is add, mod, del, dump or aggregate.
// Returns "" or "TYPE.CODE: reason naming the token".
std::string ParseFlowMod(const FlowTables& ft, const std::string& line, FlowMod* out);

// What ApplyFlowMod did, summed over a batch.
struct ModCounts {
  size_t added = 0, replaced = 0, modified = 0, deleted = 0;
};

// Applies 'fm' to the control-side tables, marking what it touched dirty.
// Returns "" or "TYPE.CODE: reason" with '*err_no' (EEXIST for an
// overlap, ENOSPC for a full table, ENOENT for an unknown group or meter).
std::string ApplyFlowMod(FlowTables* ft, const FlowMod& fm, uint64_t now_ns, ModCounts* counts,
                         int* err_no);

// What 'fm' selects, as mod, del, dump and aggregate read it (cookie mask,
// strictness, out_port, out_group).
Selector MakeSelector(const FlowMod& fm);

// Deletes the rules 'sel' selects in 'table' (-1: every table), queueing
// flow-removed events with 'reason' for those that asked; returns how many.
size_t DeleteRules(FlowTables* ft, int table, const Selector& sel, const char* reason,
                   uint64_t now_ns);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_FLOW_MODS_H_
