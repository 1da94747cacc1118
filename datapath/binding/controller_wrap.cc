// The Switch methods the agent's OpenFlow side needs from the datapath:
// draining the controller queue (packet-ins), being woken when it fills,
// and sending frames out of ports (packet-outs).
//
// Design
//   The wake-up is a uv_async_t on the JS thread's loop, not a
//   ThreadSafeFunction: uv_async_send neither allocates nor locks, and the
//   queue calls it at most once per arming (controller_queue.h), so a
//   burst of packet-ins costs one wake-up.  The callback runs through
//   MakeCallback (so promise jobs it queues run after it); an exception it
//   throws is reported as uncaught, as for any event emitter.  The handle
//   is unref'ed: a switch waiting for packet-ins does not keep the process
//   alive by itself.
//
// Thread-safety
//   Everything here runs on the JS thread; workers only call Notify.
#include <algorithm>
#include <cstring>
#include <vector>

#include "binding/errors.h"
#include "binding/switch_wrap.h"
#include "core/controller_queue.h"

namespace msw {

namespace {

constexpr uint32_t kDefaultRead = 1024;

// One entry of readControllerQueuePacked's Buffer, little-endian, every
// record 8-byte aligned (controller-agent/src/controller-entries.ts reads
// it; keep the two in step):
//    0 u8  reason        1 u8  table_id      2 u16 max_len
//    4 u16 flags         6 u16 zero          8 u32 in_port
//   12 u32 total_len    16 u64 cookie       24 u64 metadata
//   32 u32 data_len     36 u32 zero         40 data, padded to 8
constexpr size_t kPackedHeader = 40;

size_t PackedSize(uint32_t data_len) { return kPackedHeader + ((size_t{data_len} + 7) & ~size_t{7}); }

void PackEntry(uint8_t* p, const ControllerEntry& e) {
  const uint32_t len = e.data_len + e.data2_len;
  std::memset(p, 0, kPackedHeader);
  p[0] = e.hdr.reason;
  p[1] = e.hdr.table_id;
  std::memcpy(p + 2, &e.hdr.max_len, 2);
  std::memcpy(p + 4, &e.hdr.flags, 2);
  std::memcpy(p + 8, &e.hdr.in_port, 4);
  std::memcpy(p + 12, &e.total_len, 4);
  std::memcpy(p + 16, &e.hdr.cookie, 8);
  std::memcpy(p + 24, &e.hdr.metadata, 8);
  std::memcpy(p + 32, &len, 4);
  std::memcpy(p + kPackedHeader, e.data, e.data_len);
  std::memcpy(p + kPackedHeader + e.data_len, e.data2, e.data2_len);
  std::memset(p + kPackedHeader + len, 0, PackedSize(len) - kPackedHeader - len);
}

}  // namespace

void SwitchWrap::OnCtlAsync(uv_async_t* handle) {
  auto* self = static_cast<SwitchWrap*>(handle->data);
  if (!self->sw_ || self->ctl_cb_.IsEmpty()) return;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  try {
    self->ctl_cb_.MakeCallback(self->Value(), {});
  } catch (const Napi::Error& e) {
    napi_fatal_exception(env, e.Value());
  }
}

void SwitchWrap::CloseCtlNotifier() {
  ctl_cb_.Reset();
  if (!ctl_notifier_) return;
  uv_close(reinterpret_cast<uv_handle_t*>(ctl_notifier_->handle()),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
  ctl_notifier_.reset();
}

// readControllerQueuePacked(max = 1024): the oldest entries packed in one
// Buffer (layout above; datapath.ts turns it into readControllerQueue's
// objects): one allocation per read, not one object, two BigInts and a
// Buffer per entry.  A read that empties the queue re-arms the
// onControllerQueue wake-up.
Napi::Value SwitchWrap::ReadControllerQueuePacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  uint32_t max = kDefaultRead;
  if (!info[0].IsUndefined()) {
    if (!info[0].IsNumber()) throw ArgError(env, "readControllerQueue(max): max must be a number");
    const double d = info[0].As<Napi::Number>().DoubleValue();
    if (d != double(int64_t(d)) || d < 1 || d > ControllerQueue::kMaxSlots)
      throw ArgError(env, "readControllerQueue(max): max must be an integer in 1.." +
                              std::to_string(ControllerQueue::kMaxSlots));
    max = uint32_t(d);
  }
  ControllerQueue* q = sw.controller_queue();
  size_t used = 0;
  const uint32_t n = q->Read(max, [&](const ControllerEntry& e) {
    const size_t need = PackedSize(e.data_len + e.data2_len);
    if (ctl_packed_.size() < used + need) ctl_packed_.resize(std::max(used + need, ctl_packed_.size() * 2));
    PackEntry(ctl_packed_.data() + used, e);
    used += need;
  });
  if (n < max && ctl_notifier_ && !ctl_cb_.IsEmpty() && !q->Arm())
    ctl_notifier_->Notify();  // more came meanwhile: call back again
  if (used == 0) return Napi::Buffer<uint8_t>::New(env, 0);
  return Napi::Buffer<uint8_t>::Copy(env, ctl_packed_.data(), used);
}

// onControllerQueue(cb | null): 'cb()' runs on the JS thread when entries
// are waiting; it should read until readControllerQueue returns fewer than
// asked, which re-arms it.  null stops the calls.
Napi::Value SwitchWrap::OnControllerQueue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  ControllerQueue* q = sw.controller_queue();
  if (info[0].IsNull() || info[0].IsUndefined()) {
    q->Disarm();
    ctl_cb_.Reset();
    return env.Undefined();
  }
  if (!info[0].IsFunction())
    throw ArgError(env, "onControllerQueue(callback): callback must be a function or null");
  if (!ctl_notifier_) {
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop)
      throw StatusError(env, Status::Error(EIO, "onControllerQueue: no event loop"));
    auto* h = new uv_async_t;
    if (uv_async_init(loop, h, &SwitchWrap::OnCtlAsync) != 0) {
      delete h;
      throw StatusError(env, Status::Error(EIO, "onControllerQueue: uv_async_init failed"));
    }
    h->data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(h));
    ctl_notifier_ = std::make_unique<CtlNotifier>(h);
    q->SetNotifier(ctl_notifier_.get());
  }
  ctl_cb_ = Napi::Persistent(info[0].As<Napi::Function>());
  if (!q->Arm()) ctl_notifier_->Notify();  // entries already waiting
  return env.Undefined();
}

Napi::Value SwitchWrap::ControllerQueueInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ControllerQueueStats s = Sw(env).controller_queue()->QueueStats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("enqueued", double(s.enqueued));
  o.Set("bytes", double(s.bytes));
  o.Set("dequeued", double(s.dequeued));
  o.Set("dropped", double(s.dropped));
  o.Set("invalid", double(s.invalid));
  o.Set("pending", s.pending);
  o.Set("slots", s.slots);
  o.Set("usedSlots", s.used_slots);
  o.Set("slotBytes", ControllerQueue::kSlotBytes);
  return o;
}

// sendFrames([{port, data, exceptPort?}]): port a number or 'flood'.
Napi::Value SwitchWrap::SendFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsArray()) throw ArgError(env, "sendFrames(frames): frames must be an array");
  Napi::Array arr = info[0].As<Napi::Array>();
  std::vector<InjectFrame> frames(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    const std::string what = "sendFrames: frames[" + std::to_string(i) + "]";
    Napi::Value v = arr.Get(i);
    if (!v.IsObject()) throw ArgError(env, what + " must be an object");
    Napi::Object o = v.As<Napi::Object>();
    Napi::Value port = o.Get("port");
    InjectFrame& f = frames[i];
    if (port.IsString() && port.As<Napi::String>().Utf8Value() == "flood") {
      f.port = MSW_PORT_FLOOD;
    } else if (port.IsNumber()) {
      const double d = port.As<Napi::Number>().DoubleValue();
      if (d != double(int64_t(d)) || d < 0 || d > 0xffffffffu)
        throw ArgError(env, what + ".port must be a port number or 'flood'");
      f.port = uint32_t(d);
    } else {
      throw ArgError(env, what + ".port must be a port number or 'flood'");
    }
    f.except_port = OptU32(o, "exceptPort", 0, 0, 0xffffffffu);
    Napi::Value data = o.Get("data");
    if (!data.IsBuffer()) throw ArgError(env, what + ".data must be a Buffer");
    Napi::Buffer<uint8_t> b = data.As<Napi::Buffer<uint8_t>>();
    f.data = b.Data();
    f.len = b.Length() > 0xffffffffu ? 0xffffffffu : uint32_t(b.Length());
  }
  uint32_t sent = 0;
  Status st = sw.Inject(frames.data(), uint32_t(frames.size()), &sent);
  if (!st.ok()) throw StatusError(env, st);
  return Napi::Number::New(env, sent);
}

}  // namespace msw
