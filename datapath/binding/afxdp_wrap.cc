// The Switch methods of the afxdp port: addAfXdpPort attaches an
// interface through AF_XDP (ports/afxdp_port.h), afXdpInfo reports how it
// was attached (XDP mode, copy or zero-copy) and the kernel's socket
// counters.  Thin translations, like the rest of the binding; the port
// joins the switch's link-state watch (link_wrap.cc) like an afpacket port.
#include "binding/errors.h"
#include "binding/switch_wrap.h"
#include "ports/afxdp_port.h"

namespace msw {

namespace {

XdpModeRequest ParseXdpMode(Napi::Env env, const std::string& s) {
  if (s == "auto") return XdpModeRequest::kAuto;
  if (s == "native") return XdpModeRequest::kNative;
  if (s == "generic") return XdpModeRequest::kGeneric;
  throw ArgError(env, "addAfXdpPort: xdpMode must be 'auto', 'native' or 'generic', got '" + s + "'");
}

}  // namespace

// addAfXdpPort({ifname, name?, port?, worker?, queues?, xdpMode?, zeroCopy?,
// rxFrames?, txFrames?, refusePartialChecksum?}): returns the port number.
// refusePartialChecksum: fail (ENOTSUP) on a veth with transmit
// checksum offload on, whose frames AF_XDP would forward unfinished.  removePort takes it
// out like any port (the XDP program is detached when it is destroyed).
Napi::Value SwitchWrap::AddAfXdpPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sw(env);  // a closed switch refuses first
  if (!info[0].IsObject()) throw ArgError(env, "addAfXdpPort(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  AfXdpConfig cfg;
  cfg.ifname = OptStr(o, "ifname", "");
  if (cfg.ifname.empty()) throw ArgError(env, "addAfXdpPort(options): ifname is required");
  cfg.queues = OptU32(o, "queues", 0, 0, kMaxQueues);
  cfg.mode = ParseXdpMode(env, OptStr(o, "xdpMode", "auto"));
  cfg.zerocopy = OptBool(o, "zeroCopy", true);
  cfg.rx_frames = OptU32(o, "rxFrames", cfg.rx_frames, 64, 1u << 16);
  cfg.tx_frames = OptU32(o, "txFrames", cfg.tx_frames, 64, 1u << 16);
  cfg.refuse_partial_csum = OptBool(o, "refusePartialChecksum", false);
  const std::string name = OptStr(o, "name", cfg.ifname);
  const uint32_t index = AttachLinuxPort(env, o, [&](uint32_t number, int* ifindex, Status* st) {
    std::unique_ptr<AfXdpPort> port = AfXdpPort::Open(number, name, cfg, st);
    if (port) {
      // Joins with the interface's carrier state, then follows it.
      *ifindex = port->ifindex();
      LinkState ls;
      if (NetlinkMonitor::Query(*ifindex, &ls).ok()) port->SetLinkUp(ls.up);
    }
    return std::unique_ptr<Port>(std::move(port));
  });
  return Napi::Number::New(env, index);
}

// afXdpInfo(port): how an afxdp port is attached, and the kernel's drop
// counters of its sockets.  ENOENT for a number that is no afxdp port.
Napi::Value SwitchWrap::AfXdpInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsNumber()) throw ArgError(env, "afXdpInfo(port): port must be a number");
  const uint32_t index = info[0].As<Napi::Number>().Uint32Value();
  Napi::Object o = Napi::Object::New(env);
  bool found = false;
  sw.ForEachPort([&](Port& p) {
    if (p.index() != index || p.kind() != "afxdp") return;
    const auto& x = static_cast<const AfXdpPort&>(p);
    found = true;
    o.Set("ifname", x.ifname());
    o.Set("mtu", x.mtu());
    if (!x.csum_warning().empty()) o.Set("checksumWarning", x.csum_warning());
    const std::string mtu_down = x.MtuDownReason();
    if (!mtu_down.empty()) o.Set("mtuDown", mtu_down);
    o.Set("queues", x.num_rx_queues());
    o.Set("xdpMode", XdpModeName(x.xdp_mode()));
    if (!x.native_refusal().empty()) o.Set("nativeRefusal", x.native_refusal());
    o.Set("zeroCopy", x.zerocopy());
    o.Set("txBudget", x.tx_budget());
    o.Set("socketErrors", double(x.socket_errors()));
    const AfXdpStats k = x.XdpStats();
    Napi::Object ks = Napi::Object::New(env);
    ks.Set("rxDropped", double(k.rx_dropped));
    ks.Set("rxInvalidDescs", double(k.rx_invalid_descs));
    ks.Set("txInvalidDescs", double(k.tx_invalid_descs));
    ks.Set("rxRingFull", double(k.rx_ring_full));
    ks.Set("rxFillRingEmpty", double(k.rx_fill_ring_empty));
    ks.Set("txRingEmpty", double(k.tx_ring_empty));
    o.Set("kernel", ks);
  });
  if (!found)
    throw StatusError(env, Status::Error(ENOENT, "switch " + sw.name() + " has no afxdp port " +
                                                     std::to_string(index)));
  return o;
}

}  // namespace msw
