// JS class `MemifClient`: our memif client library for tests, tools and
// Node applications (see memif_client_wrap.cc).
#ifndef MSWITCH_BINDING_MEMIF_CLIENT_WRAP_H_
#define MSWITCH_BINDING_MEMIF_CLIENT_WRAP_H_

#include <napi.h>

#include <memory>

#include "mswitch/memif_client.h"

namespace msw {

class MemifClientWrap : public Napi::ObjectWrap<MemifClientWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit MemifClientWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Recv(const Napi::CallbackInfo& info);
  Napi::Value WaitRx(const Napi::CallbackInfo& info);
  Napi::Value Connected(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  MemifClient& Client(Napi::Env env);
  uint32_t Queue(const Napi::CallbackInfo& info, size_t arg);

  std::unique_ptr<MemifClient> client_;
  uint32_t queues_ = 1;
};

}  // namespace msw

#endif  // MSWITCH_BINDING_MEMIF_CLIENT_WRAP_H_
