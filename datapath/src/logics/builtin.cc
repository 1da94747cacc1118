// Registers the logics compiled into the datapath, once per process.
#include <mutex>

#include "core/logic_registry.h"

extern "C" const msw_logic_ops* msw_l2_learning_ops(void);
extern "C" const msw_logic_ops* msw_static_ops(void);
extern "C" const msw_logic_ops* msw_openflow_ops(void);  // ovs-compat/native

namespace msw {

Status RegisterLogicNoBuiltins(const msw_logic_ops* ops);  // logic_registry.cc

void RegisterBuiltinLogics() {
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterLogicNoBuiltins(msw_l2_learning_ops());
    RegisterLogicNoBuiltins(msw_static_ops());
    RegisterLogicNoBuiltins(msw_openflow_ops());
  });
}

}  // namespace msw
