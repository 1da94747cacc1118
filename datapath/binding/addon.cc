// Module entry of the native addon: registers the classes and the few
// process-wide functions.  The only file set that includes napi.h is this
// directory; the datapath below knows nothing of Node.
#include <napi.h>

#include "binding/errors.h"
#include "binding/memif_client_wrap.h"
#include "binding/switch_wrap.h"
#include "core/drop_reasons.h"
#include "core/logic_registry.h"

namespace msw {
namespace {

Napi::Value Logics(const Napi::CallbackInfo& info) {
  std::vector<std::string> names = LogicNames();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); i++) out.Set(uint32_t(i), names[i]);
  return out;
}

Napi::Value LoadLogic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw ArgError(env, "loadLogic(path): path must be a string");
  std::string name;
  Status st = LoadLogicLibrary(info[0].As<Napi::String>().Utf8Value(), &name);
  if (!st.ok()) throw StatusError(env, st);
  return Napi::String::New(env, name);
}

Napi::Value DropReasons(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env(), kNumDropReasons);
  for (uint32_t r = 0; r < kNumDropReasons; r++) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("name", DropReasonName(r));
    o.Set("help", DropReasonHelp(r));
    out.Set(r, o);
  }
  return out;
}

}  // namespace
}  // namespace msw

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  using namespace msw;
  exports.Set("Switch", SwitchWrap::Init(env));
  exports.Set("MemifClient", MemifClientWrap::Init(env));
  exports.Set("logics", Napi::Function::New(env, Logics));
  exports.Set("loadLogic", Napi::Function::New(env, LoadLogic));
  exports.Set("dropReasons", Napi::Function::New(env, DropReasons));
  return exports;
}

NODE_API_MODULE(mswitch, InitAddon)
