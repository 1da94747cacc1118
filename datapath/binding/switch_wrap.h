// JS class `Switch` (see switch_wrap.cc).
#ifndef MSWITCH_BINDING_SWITCH_WRAP_H_
#define MSWITCH_BINDING_SWITCH_WRAP_H_

#include <napi.h>

#include <memory>
#include <mutex>

#include "core/switch.h"
#include "memif/master.h"

namespace msw {

class SwitchWrap : public Napi::ObjectWrap<SwitchWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit SwitchWrap(const Napi::CallbackInfo& info);
  ~SwitchWrap() override;

 private:
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value ListenMemif(const Napi::CallbackInfo& info);
  Napi::Value AddMemifInterface(const Napi::CallbackInfo& info);
  Napi::Value AddAfPacketPort(const Napi::CallbackInfo& info);
  Napi::Value RemovePort(const Napi::CallbackInfo& info);
  Napi::Value Ports(const Napi::CallbackInfo& info);
  Napi::Value Workers(const Napi::CallbackInfo& info);
  Napi::Value SetLogic(const Napi::CallbackInfo& info);
  Napi::Value Logic(const Napi::CallbackInfo& info);
  Napi::Value LogicControl(const Napi::CallbackInfo& info);
  Napi::Value SetMode(const Napi::CallbackInfo& info);
  Napi::Value Mode(const Napi::CallbackInfo& info);
  Napi::Value SetPortWorker(const Napi::CallbackInfo& info);
  Napi::Value OnEvent(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  Switch& Sw(Napi::Env env);
  void Emit(const MemifEvent& ev);
  void Teardown();

  std::unique_ptr<Switch> sw_;
  std::unique_ptr<MemifMaster> master_;
  std::mutex tsfn_mu_;
  Napi::ThreadSafeFunction tsfn_;
  bool has_tsfn_ = false;
};

}  // namespace msw

#endif  // MSWITCH_BINDING_SWITCH_WRAP_H_
