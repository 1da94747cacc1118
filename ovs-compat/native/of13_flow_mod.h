// OpenFlow 1.3 FLOW_MODs taken straight from the wire: the `of13 HEX`
// control line (control-text.md "OpenFlow 1.3 flow mods").
//
// What?
//   DecodeOf13FlowMod turns one whole OFPT_FLOW_MOD message (OpenFlow
//   1.3.5 §7.3.4.1) into the FlowMod that the agent's text line for it
//   (codec, flow-mods.ts, to-native.ts) would parse into, so that a 1.3
//   controller's flows skip decoding and translating in JavaScript.
//
// Design
//   The agent's TypeScript codec stays the authority on errors.  This
//   decoder takes a message only where that path would install it without
//   a parse-stage error; for anything else (malformed, a buffer id, a field
//   or action the logic leaves to the agent, a table out of range...) it
//   answers "not taken" with a reason, and the agent decodes that message
//   itself and answers the exact OFPT_ERROR.  Not taking is always safe;
//   taking must give the same flow as the text path, which the agent's
//   differential test checks message by message.
//   Match fields go straight into the FlowKey (match_text places them by
//   name); instructions are rebuilt as the text path's instruction tokens
//   and parsed by ParseInstructionToken, so every action rule, and the
//   group check at apply time, is the text path's own.
//
// Thread-safety: control thread only (like every parse).
#ifndef MSWITCH_OVS_COMPAT_OF13_FLOW_MOD_H_
#define MSWITCH_OVS_COMPAT_OF13_FLOW_MOD_H_

#include <cstddef>
#include <string>

#include "flow_mods.h"

namespace ofl {

// Decodes 'hex' ('len' hex digits of one whole message, header included)
// into '*fm'.  True when taken; false with the reason in '*why' when the
// agent must handle the message itself.
bool DecodeOf13FlowMod(const FlowTables& ft, const char* hex, size_t len, FlowMod* fm,
                       std::string* why);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_OF13_FLOW_MOD_H_
