// The instructions of one flow (OpenFlow 1.3 §5.9): what a rule does when
// it matches, and its text form in add/mod/dump lines.
//
// What?
//   Each instruction appears at most once:
//     meter=M            the packet first passes meter M (drop or remark)
//     apply=LIST         actions run now, in order
//     clear_actions      the action set is emptied
//     write=LIST         actions merged into the action set (one per type)
//     write_metadata=V[/M]  metadata = (metadata & ~M) | (V & M)
//     goto_table=T       the pipeline continues at table T (> this table)
//   They execute in that order whatever order the text gives them in.  No
//   instruction at all means drop.
//
// Design
//   The tables side parses a flow-mod line token by token and hands every
//   token it does not know to ParseInstructionToken; it stores the result
//   behind a std::shared_ptr<const Instructions> in Rule::actions and
//   prints it back with FormatInstructions.  The action set itself is a
//   per-packet array of slots in the §5.10 execution order (pipeline.cc),
//   filled from write lists without copying actions.
//
// Thread-safety
//   Parsing and formatting run on the control thread.  Instructions are
//   immutable once published; workers only read them.
#ifndef MSWITCH_OVS_COMPAT_INSTRUCTIONS_H_
#define MSWITCH_OVS_COMPAT_INSTRUCTIONS_H_

#include <cstdint>
#include <string>

#include "actions.h"
#include "pipeline.h"

namespace ofl {

constexpr uint8_t kNoGoto = 0xff;

struct Instructions {
  uint32_t meter = 0;  // 0: none
  bool has_apply = false;
  ActionList apply;
  bool clear_actions = false;
  bool has_write = false;
  ActionList write;
  bool has_metadata = false;
  uint64_t metadata = 0;
  uint64_t metadata_mask = 0;
  uint8_t goto_table = kNoGoto;
};

enum class InstParse { kNotInstruction, kOk, kError };

// Parses one token of an add/mod line into '*out'.  kNotInstruction when
// 'tok' is no instruction (the caller tries other kinds of token); kError
// with "TYPE.CODE: reason naming the token" in '*err' when it is one but
// wrong (bad argument, given twice, goto_table not forward, unknown meter).
InstParse ParseInstructionToken(const std::string& tok, const ParseEnv& env,
                                Instructions* out, std::string* err);

// The instructions as space separated tokens that ParseInstructionToken
// reads back to the same Instructions; "" when there are none (drop).
std::string FormatInstructions(const Instructions& ins);

// For del/dump out_port and out_group filters: true if an apply or write
// list outputs to 'port' (a port number or a kPort* value) or uses 'group'.
bool InstructionsOutputTo(const Instructions& ins, uint32_t port);
bool InstructionsUseGroup(const Instructions& ins, uint32_t group);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_INSTRUCTIONS_H_
