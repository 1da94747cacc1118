// Instruction tokens of flow-mod lines: parsing with OpenFlow 1.3 error
// codes and printing in execution order (see instructions.h).
#include "instructions.h"

#include <cstdio>

#include "match_text.h"
#include "meters.h"

namespace ofl {
namespace {

std::string Quote(const std::string& tok) { return "'" + tok + "'"; }

InstParse Fail(std::string* err, const std::string& why) {
  *err = why;
  return InstParse::kError;
}

InstParse Twice(const std::string& tok, std::string* err) {
  // OpenFlow 1.3 §7.2.4: each instruction type at most once per flow.
  return Fail(err, "bad_instruction.dup_inst: " + Quote(tok) + " repeats an instruction");
}

// V or V/M, 64-bit each.
bool ParseMasked64(const std::string& s, uint64_t* v, uint64_t* m) {
  const size_t slash = s.find('/');
  *m = ~uint64_t{0};
  if (slash != std::string::npos && !ParseUint(s.substr(slash + 1), ~uint64_t{0}, m))
    return false;
  return ParseUint(s.substr(0, slash), ~uint64_t{0}, v);
}

}  // namespace

InstParse ParseInstructionToken(const std::string& tok, const ParseEnv& env,
                                Instructions* out, std::string* err) {
  const size_t eq = tok.find('=');
  const std::string name = tok.substr(0, eq);
  const std::string arg = eq == std::string::npos ? "" : tok.substr(eq + 1);
  const bool has_arg = eq != std::string::npos;
  uint64_t v = 0;
  if (name == "clear_actions" && !has_arg) {
    if (out->clear_actions) return Twice(tok, err);
    out->clear_actions = true;
    return InstParse::kOk;
  }
  if (!has_arg) return InstParse::kNotInstruction;
  if (name == "apply" || name == "write") {
    const bool apply = name == "apply";
    if (apply ? out->has_apply : out->has_write) return Twice(tok, err);
    ActionList* list = apply ? &out->apply : &out->write;
    const std::string e = ParseActions(arg, env, list);
    if (!e.empty()) return Fail(err, e);
    (apply ? out->has_apply : out->has_write) = true;
    return InstParse::kOk;
  }
  if (name == "meter") {
    if (out->meter) return Twice(tok, err);
    if (!ParseUint(arg, kMeterMax, &v) || v == 0)
      return Fail(err, "meter_mod_failed.invalid_meter: " + Quote(tok) +
                           ": meter ids are 1..0xffff0000");
    if (env.meters && !env.meters->Exists(uint32_t(v)))
      return Fail(err, "meter_mod_failed.unknown_meter: " + Quote(tok) + ": no such meter");
    out->meter = uint32_t(v);
    return InstParse::kOk;
  }
  if (name == "write_metadata") {
    if (out->has_metadata) return Twice(tok, err);
    if (!ParseMasked64(arg, &out->metadata, &out->metadata_mask))
      return Fail(err, "bad_instruction.unsup_metadata: " + Quote(tok) + " is no V[/M]");
    out->metadata &= out->metadata_mask;
    out->has_metadata = true;
    return InstParse::kOk;
  }
  if (name == "goto_table") {
    if (out->goto_table != kNoGoto) return Twice(tok, err);
    // OpenFlow 1.3 §5.1: the pipeline only goes forward.
    if (!ParseUint(arg, 0xfe, &v) || v >= env.n_tables || v <= env.table)
      return Fail(err, "bad_instruction.bad_table_id: " + Quote(tok) +
                           ": goto_table needs a table above " + std::to_string(env.table) +
                           " and below " + std::to_string(env.n_tables));
    out->goto_table = uint8_t(v);
    return InstParse::kOk;
  }
  return InstParse::kNotInstruction;
}

std::string FormatInstructions(const Instructions& ins) {
  std::string out;
  auto add = [&out](const std::string& s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  if (ins.meter) add("meter=" + std::to_string(ins.meter));
  if (ins.has_apply) add("apply=" + FormatActions(ins.apply));
  if (ins.clear_actions) add("clear_actions");
  if (ins.has_write) add("write=" + FormatActions(ins.write));
  if (ins.has_metadata) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "write_metadata=0x%llx/0x%llx",
                  static_cast<unsigned long long>(ins.metadata),
                  static_cast<unsigned long long>(ins.metadata_mask));
    add(buf);
  }
  if (ins.goto_table != kNoGoto) add("goto_table=" + std::to_string(ins.goto_table));
  return out;
}

bool InstructionsOutputTo(const Instructions& ins, uint32_t port) {
  return ActionsOutputTo(ins.apply, port) || ActionsOutputTo(ins.write, port);
}

bool InstructionsUseGroup(const Instructions& ins, uint32_t group) {
  return ActionsUseGroup(ins.apply, group) || ActionsUseGroup(ins.write, group);
}

}  // namespace ofl
