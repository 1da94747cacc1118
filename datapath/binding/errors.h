// The one place a datapath Status becomes a JavaScript Error: message as
// the datapath wrote it, `.code` the errno's symbolic name (EINVAL...).
#ifndef MSWITCH_BINDING_ERRORS_H_
#define MSWITCH_BINDING_ERRORS_H_

#include <napi.h>

#include <cerrno>
#include <string>

#include "core/status.h"

namespace msw {

inline const char* ErrnoName(int code) {
  switch (code) {
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOSPC: return "ENOSPC";
    case EPROTO: return "EPROTO";
    case ENOTSUP: return "ENOTSUP";
    case EBUSY: return "EBUSY";
    case EACCES: return "EACCES";
    case EADDRINUSE: return "EADDRINUSE";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ENOMEM: return "ENOMEM";
    case ENOEXEC: return "ENOEXEC";
    case ENOTCONN: return "ENOTCONN";
    default: return "EIO";
  }
}

inline Napi::Error StatusError(Napi::Env env, const Status& st) {
  Napi::Error e = Napi::Error::New(env, st.message);
  e.Set("code", Napi::String::New(env, ErrnoName(st.code)));
  e.Set("errno", Napi::Number::New(env, st.code));
  return e;
}

inline Napi::Error ArgError(Napi::Env env, const std::string& message) {
  Napi::TypeError e = Napi::TypeError::New(env, message);
  e.Set("code", Napi::String::New(env, "EINVAL"));
  return e;
}

// Option readers: a wrong type is an error that names the option.
inline uint32_t OptU32(Napi::Object o, const char* key, uint32_t dflt, uint32_t lo, uint32_t hi) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsNumber()) throw ArgError(o.Env(), std::string("option '") + key + "' must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (d != double(int64_t(d)) || d < lo || d > hi)
    throw ArgError(o.Env(), std::string("option '") + key + "' must be an integer in " +
                                std::to_string(lo) + ".." + std::to_string(hi));
  return uint32_t(d);
}

inline std::string OptStr(Napi::Object o, const char* key, const std::string& dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsString()) throw ArgError(o.Env(), std::string("option '") + key + "' must be a string");
  return v.As<Napi::String>().Utf8Value();
}

inline bool OptBool(Napi::Object o, const char* key, bool dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsBoolean()) throw ArgError(o.Env(), std::string("option '") + key + "' must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

}  // namespace msw

#endif  // MSWITCH_BINDING_ERRORS_H_
