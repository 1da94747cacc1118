// JS class `Switch` (see switch_wrap.cc; the controller-queue and
// packet-out methods are in controller_wrap.cc).
#ifndef MSWITCH_BINDING_SWITCH_WRAP_H_
#define MSWITCH_BINDING_SWITCH_WRAP_H_

#include <napi.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/switch.h"
#include "memif/master.h"
#include "ports/netlink_monitor.h"

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
  Napi::Value AddAfXdpPort(const Napi::CallbackInfo& info);  // afxdp_wrap.cc
  Napi::Value AfXdpInfo(const Napi::CallbackInfo& info);     // afxdp_wrap.cc
  Napi::Value AddTapPort(const Napi::CallbackInfo& info);  // link_wrap.cc
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
  Napi::Value ReadControllerQueuePacked(const Napi::CallbackInfo& info);
  Napi::Value OnControllerQueue(const Napi::CallbackInfo& info);
  Napi::Value ControllerQueueInfo(const Napi::CallbackInfo& info);
  Napi::Value SendFrames(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  Switch& Sw(Napi::Env env);
  void Emit(const MemifEvent& ev);
  void Teardown();
  // The wake-up of onControllerQueue (controller_wrap.cc): one
  // uv_async_send, from a worker, on a handle of the JS thread's loop.
  class CtlNotifier : public ControllerNotifier {
   public:
    explicit CtlNotifier(uv_async_t* handle) : handle_(handle) {}
    void Notify() override { uv_async_send(handle_); }
    uv_async_t* handle() const { return handle_; }

   private:
    uv_async_t* const handle_;  // freed by uv_close's callback
  };
  static void OnCtlAsync(uv_async_t* handle);
  void CloseCtlNotifier();  // after the switch (its workers) is gone

  // Link state of ports on Linux interfaces (link_wrap.cc): 'port' follows
  // 'ifindex' from now on; call after Switch::AddPort.  UnwatchLink before
  // Switch::RemovePort, so no link report touches a port being destroyed.
  Status WatchLink(uint32_t port, int ifindex);
  void UnwatchLink(uint32_t port);
  // What every kind of Linux port shares when attached (link_wrap.cc):
  // reserve the number options 'o' ask for ("port"), open the port with
  // 'open' (which gives the interface's ifindex), add it on the worker 'o'
  // names ("worker"), then follow its link.  On failure nothing stays and
  // a StatusError is thrown.  Returns the port number.
  using LinuxPortOpener =
      std::function<std::unique_ptr<Port>(uint32_t index, int* ifindex, Status* st)>;
  uint32_t AttachLinuxPort(Napi::Env env, const Napi::Object& o, const LinuxPortOpener& open);
  void OnLink(const LinkState& s);  // the monitor's handler
  void EmitLink(const char* type, uint32_t port, const std::string& name, const LinkState& s,
                const std::string& reason);
  std::unique_ptr<NetlinkMonitor> links_;       // started with the first Linux port
  std::mutex link_mu_;                          // guards link_ports_
  std::unordered_map<int, uint32_t> link_ports_;  // ifindex -> port number
  // What the last link report said of each such port (ports() shows it).
  struct LinkInfo {
    uint32_t mtu;
    uint32_t speed_mbps;  // 0: unknown
  };
  std::unordered_map<uint32_t, LinkInfo> link_info_;  // port number -> under link_mu_

  std::unique_ptr<Switch> sw_;
  std::unique_ptr<MemifMaster> master_;
  std::mutex tsfn_mu_;
  Napi::ThreadSafeFunction tsfn_;
  bool has_tsfn_ = false;
  // onControllerQueue: the callback and the uv_async_t that calls it.
  std::unique_ptr<CtlNotifier> ctl_notifier_;
  Napi::FunctionReference ctl_cb_;
  // readControllerQueuePacked's staging buffer, grown to the largest read.
  std::vector<uint8_t> ctl_packed_;
};

}  // namespace msw

#endif  // MSWITCH_BINDING_SWITCH_WRAP_H_
