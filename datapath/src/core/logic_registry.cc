// The logic registry: a small table guarded by a mutex (registration and
// instance creation are control-plane operations, never on the packet path).
#include "core/logic_registry.h"

#include <dlfcn.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace msw {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

std::vector<const msw_logic_ops*>& Registry() {
  static std::vector<const msw_logic_ops*> logics;
  return logics;
}

bool ValidName(const char* name) {
  if (!name || !*name || std::strlen(name) > 64) return false;
  for (const char* p = name; *p; p++) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (!ok) return false;
  }
  return true;
}

// A version-2 table ends before lookup_batch: never read past it.
msw_logic_lookup_batch_fn LookupBatchOf(const msw_logic_ops* ops) {
  return ops->abi_version >= 3 ? ops->lookup_batch : nullptr;
}

}  // namespace

void RegisterBuiltinLogics();  // logics/builtin.cc

// Registration without first registering the built-ins (builtin.cc uses it
// from inside its call_once).
Status RegisterLogicNoBuiltins(const msw_logic_ops* ops) {
  if (!ops) return Status::Error(EINVAL, "logic registration: null ops table");
  if (ops->abi_version < MSW_LOGIC_ABI_VERSION_MIN || ops->abi_version > MSW_LOGIC_ABI_VERSION)
    return Status::Error(EPROTO, "logic '" + std::string(ops->name ? ops->name : "?") +
                                     "' was built for ABI version " +
                                     std::to_string(ops->abi_version) + ", this switch speaks " +
                                     std::to_string(MSW_LOGIC_ABI_VERSION_MIN) + ".." +
                                     std::to_string(MSW_LOGIC_ABI_VERSION));
  if (!ValidName(ops->name))
    return Status::Error(EINVAL, "logic registration: name must be 1-64 of [a-z0-9-]");
  if (!ops->lookup)
    return Status::Error(EINVAL, "logic '" + std::string(ops->name) + "' has no lookup");
  std::lock_guard<std::mutex> lock(RegistryMutex());
  for (const msw_logic_ops* o : Registry())
    if (std::strcmp(o->name, ops->name) == 0)
      return Status::Error(EEXIST, "logic '" + std::string(ops->name) + "' is already registered");
  Registry().push_back(ops);
  return Status::Ok();
}

// The built-ins go first, so no one can take their names.
Status RegisterLogic(const msw_logic_ops* ops) {
  RegisterBuiltinLogics();
  return RegisterLogicNoBuiltins(ops);
}

Status LoadLogicLibrary(const std::string& path, std::string* name) {
  RegisterBuiltinLogics();
  // RTLD_NODELETE: an instance may outlive any handle we would close.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!handle) return Status::Error(ENOENT, "cannot load logic library " + path + ": " + dlerror());
  auto entry = reinterpret_cast<msw_logic_entry_fn>(dlsym(handle, MSW_LOGIC_ENTRY_SYMBOL));
  if (!entry)
    return Status::Error(ENOEXEC, "logic library " + path + " exports no " MSW_LOGIC_ENTRY_SYMBOL);
  const msw_logic_ops* ops = entry();
  Status st = RegisterLogic(ops);
  if (!st.ok()) return Status::Error(st.code, path + ": " + st.message);
  *name = ops->name;
  return Status::Ok();
}

const msw_logic_ops* FindLogic(const std::string& name) {
  RegisterBuiltinLogics();
  std::lock_guard<std::mutex> lock(RegistryMutex());
  for (const msw_logic_ops* o : Registry())
    if (name == o->name) return o;
  return nullptr;
}

std::vector<std::string> LogicNames() {
  RegisterBuiltinLogics();
  std::lock_guard<std::mutex> lock(RegistryMutex());
  std::vector<std::string> names;
  for (const msw_logic_ops* o : Registry()) names.push_back(o->name);
  return names;
}

LogicInstance* CreateLogicInstance(const std::string& name, const std::string& config,
                                   const msw_switch_info& info, Status* status) {
  const msw_logic_ops* ops = FindLogic(name);
  if (!ops) {
    *status = Status::Error(ENOENT, "no switching logic named '" + name + "'");
    return nullptr;
  }
  auto* li = new LogicInstance{ops, nullptr, config, LookupBatchOf(ops)};
  if (ops->create) {
    char err[256] = {0};
    int rc = ops->create(&info, config.c_str(), &li->instance, err, sizeof err);
    if (rc != 0) {
      delete li;
      *status = Status::Error(rc, "logic '" + name + "' refused config '" + config + "': " +
                                      (err[0] ? err : std::strerror(rc)));
      return nullptr;
    }
  }
  *status = Status::Ok();
  return li;
}

void DestroyLogicInstance(LogicInstance* li) {
  if (!li) return;
  if (li->ops->destroy) li->ops->destroy(li->instance);
  delete li;
}

}  // namespace msw
