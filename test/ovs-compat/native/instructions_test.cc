// Instruction tokens: parse and print round trip in execution order,
// errors naming the token (repeats, goto not forward, unknown meter or
// group), and the out_port / out_group filters.
#include <sstream>
#include <string>
#include <vector>

#include "../../datapath/native/check.h"
#include "groups.h"
#include "instructions.h"
#include "meters.h"

namespace {

// Parses every space separated token of 'text'; "" or the first error.
std::string ParseAll(const std::string& text, const ofl::ParseEnv& env, ofl::Instructions* ins) {
  *ins = ofl::Instructions();
  std::istringstream in(text);
  std::string tok, err;
  while (in >> tok) {
    const ofl::InstParse p = ofl::ParseInstructionToken(tok, env, ins, &err);
    if (p == ofl::InstParse::kError) return err;
    if (p == ofl::InstParse::kNotInstruction) return "not an instruction: " + tok;
  }
  return "";
}

}  // namespace

MSW_TEST(instructions_round_trip_in_execution_order) {
  ofl::ParseEnv env;
  env.table = 1;
  env.n_tables = 8;
  ofl::Instructions ins;
  CHECK_EQ(ParseAll("goto_table=5 write_metadata=0x1200/0xff00 write=group:4,output:3 "
                    "clear_actions apply=set_field:ip_dscp=3,output:controller:64 meter=7",
                    env, &ins),
           std::string(""));
  const std::string text = ofl::FormatInstructions(ins);
  CHECK_EQ(text, std::string("meter=7 apply=set_field:ip_dscp=3,output:controller:64 "
                             "clear_actions write=group:4,output:3 "
                             "write_metadata=0x1200/0xff00 goto_table=5"));
  ofl::Instructions again;
  CHECK_EQ(ParseAll(text, env, &again), std::string(""));
  CHECK_EQ(ofl::FormatInstructions(again), text);
  // The value is kept under its mask only; no mask means all 64 bits.
  CHECK_EQ(ParseAll("write_metadata=0xffff/0xf0", env, &ins), std::string(""));
  CHECK_EQ(ins.metadata, 0xf0u);
  CHECK_EQ(ParseAll("write_metadata=5", env, &ins), std::string(""));
  CHECK_EQ(ofl::FormatInstructions(ins), std::string("write_metadata=0x5/0xffffffffffffffff"));
  // None: drop, printed as nothing.
  CHECK_EQ(ParseAll("", env, &ins), std::string(""));
  CHECK_EQ(ofl::FormatInstructions(ins), std::string(""));
  // Match tokens are not instructions.
  std::string err;
  CHECK(ofl::ParseInstructionToken("tcp_dst=80", env, &ins, &err) ==
        ofl::InstParse::kNotInstruction);
  CHECK(ofl::ParseInstructionToken("priority=5", env, &ins, &err) ==
        ofl::InstParse::kNotInstruction);
}

MSW_TEST(instructions_errors_name_the_token) {
  ofl::GroupTable groups(1);
  ofl::MeterTable meters(1);
  ofl::ParseEnv env;
  env.table = 2;
  env.n_tables = 4;
  env.groups = &groups;
  env.meters = &meters;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"goto_table=2", "bad_instruction.bad_table_id: 'goto_table=2'"},
      {"goto_table=1", "bad_instruction.bad_table_id: 'goto_table=1'"},
      {"goto_table=4", "bad_instruction.bad_table_id: 'goto_table=4'"},
      {"goto_table=3 goto_table=3", "bad_instruction.dup_inst: 'goto_table=3'"},
      {"apply=output:1 apply=output:2", "bad_instruction.dup_inst: 'apply=output:2'"},
      {"clear_actions clear_actions", "bad_instruction.dup_inst: 'clear_actions'"},
      {"apply=output:0", "bad_action.bad_out_port: 'output:0'"},
      {"write=group:9", "bad_action.bad_out_group: 'group:9'"},
      {"meter=3", "meter_mod_failed.unknown_meter: 'meter=3'"},
      {"meter=0", "meter_mod_failed.invalid_meter: 'meter=0'"},
      {"write_metadata=zz", "bad_instruction.unsup_metadata: 'write_metadata=zz'"},
  };
  ofl::Instructions ins;
  for (const auto& b : bad) {
    const std::string err = ParseAll(b.first, env, &ins);
    CHECK_MSG(err.compare(0, b.second.size(), b.second) == 0, b.first << " -> " << err);
  }
}

MSW_TEST(instructions_out_port_and_out_group_filters) {
  ofl::ParseEnv env;
  env.n_tables = 4;
  ofl::Instructions ins;
  CHECK_EQ(ParseAll("apply=output:3,output:controller write=group:7,output:in_port", env, &ins),
           std::string(""));
  CHECK(ofl::InstructionsOutputTo(ins, 3));
  CHECK(ofl::InstructionsOutputTo(ins, ofl::kPortController));
  CHECK(ofl::InstructionsOutputTo(ins, ofl::kPortInPort));
  CHECK(!ofl::InstructionsOutputTo(ins, 7));
  CHECK(!ofl::InstructionsOutputTo(ins, ofl::kPortFlood));
  CHECK(ofl::InstructionsUseGroup(ins, 7));
  CHECK(!ofl::InstructionsUseGroup(ins, 3));
}
