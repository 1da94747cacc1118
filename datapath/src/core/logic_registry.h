// The process-wide registry of switching logics: the built-in ones and
// those loaded from shared objects, by name.  Registration checks the ABI
// version and the required members, so a switch never holds a logic it
// cannot call.
#ifndef MSWITCH_CORE_LOGIC_REGISTRY_H_
#define MSWITCH_CORE_LOGIC_REGISTRY_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "mswitch/logic.h"

namespace msw {

using msw_logic_lookup_batch_fn = void (*)(void*, msw_packet* const*, msw_result* const*,
                                           uint32_t);

// One live instance of a logic inside one switch.
struct LogicInstance {
  const msw_logic_ops* ops = nullptr;
  void* instance = nullptr;
  std::string config;
  // ops->lookup_batch when the logic's ABI version has that member (3 on),
  // else null: the fabric reads this, never ops->lookup_batch itself.
  msw_logic_lookup_batch_fn lookup_batch = nullptr;
};

// Registers 'ops' (EPROTO for an ABI version outside
// [MSW_LOGIC_ABI_VERSION_MIN, MSW_LOGIC_ABI_VERSION], EINVAL without a
// name or a lookup, EEXIST for a name already taken).
Status RegisterLogic(const msw_logic_ops* ops);

// Loads a logic from the shared object at 'path' and registers it;
// '*name' gets its name.
Status LoadLogicLibrary(const std::string& path, std::string* name);

// The logic called 'name', or nullptr.
const msw_logic_ops* FindLogic(const std::string& name);

std::vector<std::string> LogicNames();

// Creates an instance of logic 'name' for a switch; on error returns
// nullptr and sets 'status'.
LogicInstance* CreateLogicInstance(const std::string& name,
                                   const std::string& config,
                                   const msw_switch_info& info, Status* status);
void DestroyLogicInstance(LogicInstance* li);

}  // namespace msw

#endif  // MSWITCH_CORE_LOGIC_REGISTRY_H_
