// JS class `MemifClient`.  Frames cross into JS here, which is fine: this
// is a client application's side, never the switch's packet path.
#include "binding/memif_client_wrap.h"

#include <vector>

#include "binding/errors.h"

namespace msw {

Napi::Function MemifClientWrap::Init(Napi::Env env) {
  return DefineClass(env, "MemifClient",
                     {
                         InstanceMethod<&MemifClientWrap::Send>("send"),
                         InstanceMethod<&MemifClientWrap::Recv>("recv"),
                         InstanceMethod<&MemifClientWrap::WaitRx>("waitRx"),
                         InstanceMethod<&MemifClientWrap::Connected>("connected"),
                         InstanceMethod<&MemifClientWrap::Close>("close"),
                     });
}

MemifClientWrap::MemifClientWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<MemifClientWrap>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw ArgError(env, "new MemifClient(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  MemifClientConfig cfg;
  cfg.socket = OptStr(o, "socket", "");
  if (cfg.socket.empty()) throw ArgError(env, "MemifClient: option 'socket' is required");
  cfg.abstract = OptBool(o, "abstract", false);
  cfg.id = OptU32(o, "id", 0, 0, 0xffffffffu);
  cfg.secret = OptStr(o, "secret", "");
  cfg.name = OptStr(o, "name", "mswitch-client");
  cfg.queues = OptU32(o, "queues", 1, 1, 16);
  cfg.ring_size = OptU32(o, "ringSize", 1024, 2, 1u << 14);
  cfg.buffer_size = OptU32(o, "bufferSize", 2048, 2048, 65535);
  cfg.timeout_ms = int(OptU32(o, "timeoutMs", 3000, 1, 600000));
  std::string err;
  client_ = MemifClient::Connect(cfg, &err);
  if (!client_) {
    Napi::Error e = Napi::Error::New(env, "memif connect to " + cfg.socket + " id " +
                                              std::to_string(cfg.id) + ": " + err);
    e.Set("code", Napi::String::New(env, "ECONNREFUSED"));
    throw e;
  }
  queues_ = cfg.queues;
}

MemifClient& MemifClientWrap::Client(Napi::Env env) {
  if (!client_) throw StatusError(env, Status::Error(ENOTCONN, "memif client is closed"));
  return *client_;
}

uint32_t MemifClientWrap::Queue(const Napi::CallbackInfo& info, size_t arg) {
  if (info.Length() <= arg || info[arg].IsUndefined()) return 0;
  if (!info[arg].IsNumber()) throw ArgError(info.Env(), "queue must be a number");
  uint32_t q = info[arg].As<Napi::Number>().Uint32Value();
  if (q >= queues_) throw ArgError(info.Env(), "queue " + std::to_string(q) + " out of range");
  return q;
}

Napi::Value MemifClientWrap::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MemifClient& c = Client(env);
  if (!info[0].IsArray()) throw ArgError(env, "send(frames, queue?): frames must be an array of Buffers");
  Napi::Array arr = info[0].As<Napi::Array>();
  const uint32_t q = Queue(info, 1);
  std::vector<const uint8_t*> ptrs(arr.Length());
  std::vector<uint32_t> lens(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value v = arr.Get(i);
    if (!v.IsBuffer()) throw ArgError(env, "send: frame " + std::to_string(i) + " is not a Buffer");
    auto b = v.As<Napi::Buffer<uint8_t>>();
    if (b.Length() == 0 || b.Length() > 65535)
      throw ArgError(env, "send: frame " + std::to_string(i) + " length must be 1..65535");
    ptrs[i] = b.Data();
    lens[i] = uint32_t(b.Length());
  }
  return Napi::Number::New(env, c.Send(q, ptrs.data(), lens.data(), uint32_t(ptrs.size())));
}

Napi::Value MemifClientWrap::Recv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MemifClient& c = Client(env);
  uint32_t max = 256;
  if (info.Length() > 0 && info[0].IsNumber()) max = info[0].As<Napi::Number>().Uint32Value();
  const uint32_t q = Queue(info, 1);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  c.Recv(q, max, [&](const uint8_t* data, uint32_t len) {
    out.Set(n++, Napi::Buffer<uint8_t>::Copy(env, data, len));
  });
  return out;
}

Napi::Value MemifClientWrap::WaitRx(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MemifClient& c = Client(env);
  if (!info[0].IsNumber()) throw ArgError(env, "waitRx(timeoutMs, queue?): timeoutMs must be a number");
  return Napi::Boolean::New(env, c.WaitRx(Queue(info, 1), info[0].As<Napi::Number>().Int32Value()));
}

Napi::Value MemifClientWrap::Connected(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), client_ && client_->Connected());
}

Napi::Value MemifClientWrap::Close(const Napi::CallbackInfo& info) {
  client_.reset();
  return info.Env().Undefined();
}

}  // namespace msw
