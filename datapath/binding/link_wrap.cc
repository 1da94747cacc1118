// The Switch methods for ports on Linux interfaces that are not the
// afpacket/afxdp attach calls themselves: the TAP host-stack port
// (addTapPort) and the link state of every such port, which the switch's
// NetlinkMonitor reports.
//
// Design
//   The monitor is started with the first Linux port and lives until the
//   switch closes.  On a report for a watched interface:
//     link up/down  the port's up() follows it (SetLinkUp on the port
//                   kind), the logic hears MSW_PORT_LINK, and JS gets a
//                   'link-up' / 'link-down' event;
//     MTU           afpacket and afxdp ports move their transmit limit
//                   (SetMtu); an afxdp port whose MTU no longer fits its
//                   buffers goes down with that reason (afxdp_port.h);
//     every report  records the MTU and the speed (ports/link_facts.h)
//                   that ports() shows;
//     deleted       the port is taken out of the switch right there (its
//                   socket or TAP fd closes with it) and JS gets a
//                   'port-removed' event with the reason.
//   So a veth deleted under traffic removes its port even if nobody is
//   listening for events.
//
// Thread-safety
//   OnLink runs on the monitor thread (or on the JS thread inside
//   WatchLink) under the monitor's lock; link_mu_ guards the ifindex ->
//   port map, taken after the monitor's lock, never before it.  The JS
//   thread unwatches a port before it removes it (RemovePort), so OnLink
//   never sees a port being destroyed elsewhere.  Teardown stops the
//   monitor before the switch is destroyed.
#include <net/if.h>

#include <cstdio>

#include "binding/errors.h"
#include "binding/switch_wrap.h"
#include "ports/afpacket_port.h"
#include "ports/afxdp_port.h"
#include "ports/link_facts.h"
#include "ports/tap_port.h"

namespace msw {

namespace {

// "aa:bb:cc:dd:ee:ff" into 'mac'; false if it is not one.
bool ParseMac(const std::string& text, uint8_t mac[6]) {
  unsigned v[6];
  char tail;
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &tail) != 6)
    return false;
  for (int i = 0; i < 6; i++) mac[i] = uint8_t(v[i]);
  return true;
}

// A link event for the JS thread (EmitLink).
struct LinkEventCopy {
  std::string type;
  uint32_t port;
  std::string name;
  std::string ifname;
  uint32_t mtu;
  std::string reason;
};

}  // namespace

// addTapPort({ifname?, name?, port?, worker?, mac?, mtu?, up?}): creates a
// TAP device (default name: the switch's, so it is OpenFlow's LOCAL port)
// and makes it a port; returns its port number.  'up' sets the device up
// (default false: the host decides, as with Open vSwitch's LOCAL port).
Napi::Value SwitchWrap::AddTapPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsUndefined() && !info[0].IsObject())
    throw ArgError(env, "addTapPort(options?): options must be an object");
  Napi::Object o = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  TapConfig cfg;
  cfg.ifname = OptStr(o, "ifname", sw.name());
  const std::string name = OptStr(o, "name", cfg.ifname);
  const std::string mac = OptStr(o, "mac", "");
  if (!mac.empty()) {
    if (!ParseMac(mac, cfg.mac) || (cfg.mac[0] & 1))
      throw ArgError(env, "addTapPort: mac '" + mac + "' is not a unicast aa:bb:cc:dd:ee:ff address");
    cfg.has_mac = true;
  }
  cfg.mtu = OptU32(o, "mtu", 0, 0, kMaxFrameLen);
  cfg.bring_up = OptBool(o, "up", false);
  const uint32_t index = AttachLinuxPort(env, o, [&](uint32_t number, int* ifindex, Status* st) {
    std::unique_ptr<TapPort> port = TapPort::Open(number, name, cfg, st);
    if (port) {
      *ifindex = port->ifindex();
    }
    return std::unique_ptr<Port>(std::move(port));
  });
  return Napi::Number::New(env, index);
}

uint32_t SwitchWrap::AttachLinuxPort(Napi::Env env, const Napi::Object& o,
                                     const LinuxPortOpener& open) {
  Switch& sw = Sw(env);
  const uint32_t want = OptU32(o, "port", 0, 0, MSW_MAX_PORTS);
  Napi::Value w = o.Get("worker");
  const int worker = w.IsUndefined() ? -1 : int(OptU32(o, "worker", 0, 0, kMaxWorkers - 1));
  const uint32_t index = sw.ReserveIndex(want);
  if (!index)
    throw StatusError(env, Status::Error(want ? EEXIST : ENOSPC,
                                         "switch " + sw.name() + ": port number " +
                                             (want ? std::to_string(want) + " is taken" : "table is full")));
  Status st;
  int ifindex = 0;
  std::unique_ptr<Port> port = open(index, &ifindex, &st);
  if (port) st = sw.AddPort(std::move(port), worker);
  if (st.ok()) {
    st = WatchLink(index, ifindex);
    if (!st.ok()) sw.RemovePort(index, false);
  }
  if (!st.ok()) {
    sw.ReleaseIndex(index);
    throw StatusError(env, st);
  }
  return index;
}

Status SwitchWrap::WatchLink(uint32_t port, int ifindex) {
  if (!links_) {
    Status st;
    links_ = NetlinkMonitor::Start([this](const LinkState& s) { OnLink(s); }, &st);
    if (!links_) return st;
  }
  {
    std::lock_guard<std::mutex> lock(link_mu_);
    link_ports_[ifindex] = port;
  }
  Status st = links_->Watch(ifindex);
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(link_mu_);
    link_ports_.erase(ifindex);
  }
  return st;
}

void SwitchWrap::UnwatchLink(uint32_t port) {
  if (!links_) return;
  int ifindex = -1;
  {
    std::lock_guard<std::mutex> lock(link_mu_);
    for (const auto& [i, p] : link_ports_)
      if (p == port) ifindex = i;
  }
  if (ifindex < 0) return;
  links_->Unwatch(ifindex);  // waits for a report in progress
  std::lock_guard<std::mutex> lock(link_mu_);
  link_ports_.erase(ifindex);
  link_info_.erase(port);
}

// The monitor's lock is held (see the file comment).
void SwitchWrap::OnLink(const LinkState& s) {
  uint32_t index = 0;
  {
    std::lock_guard<std::mutex> lock(link_mu_);
    auto it = link_ports_.find(s.ifindex);
    if (it == link_ports_.end()) return;
    index = it->second;
    if (s.deleted) {
      link_ports_.erase(it);
      link_info_.erase(index);
    }
  }
  Port* p = sw_ ? sw_->port(index) : nullptr;
  if (!p) return;
  const std::string name = p->name();
  if (!s.deleted) {
    // Speed moves with the carrier on NICs, so it is read on each report.
    const uint32_t speed = LinkSpeedMbps(s.ifname);
    std::lock_guard<std::mutex> lock(link_mu_);
    LinkInfo& li = link_info_[index];
    if (s.mtu) li.mtu = s.mtu;
    li.speed_mbps = speed;
  }
  if (s.deleted) {
    std::unique_ptr<Port> gone = sw_->RemovePort(index);
    gone.reset();
    EmitLink("port-removed", index, name, s, "interface " + (s.ifname.empty() ? name : s.ifname) +
                                                 " was deleted (or left the switch's network namespace)");
    return;
  }
  const bool was_up = p->up();
  std::string reason = s.up ? "" : (s.flags & IFF_UP) ? "no carrier" : "administratively down";
  if (p->kind() == "afpacket") {
    auto* ap = static_cast<AfPacketPort*>(p);
    if (s.mtu) ap->SetMtu(s.mtu);
    ap->SetLinkUp(s.up);
  } else if (p->kind() == "tap") {
    static_cast<TapPort*>(p)->SetLinkUp(s.up);
  } else if (p->kind() == "afxdp") {
    auto* xp = static_cast<AfXdpPort*>(p);
    if (s.mtu) xp->SetMtu(s.mtu);
    xp->SetLinkUp(s.up);
    if (s.up) reason = xp->MtuDownReason();
  } else {
    return;
  }
  const bool now_up = p->up();
  if (now_up == was_up) return;  // an MTU change only, or the state it joined with
  sw_->PortLinkChanged(index);
  EmitLink(now_up ? "link-up" : "link-down", index, name, s, reason);
}

void SwitchWrap::EmitLink(const char* type, uint32_t port, const std::string& name, const LinkState& s,
                          const std::string& reason) {
  std::lock_guard<std::mutex> lock(tsfn_mu_);
  if (!has_tsfn_) return;
  auto* copy = new LinkEventCopy{type, port, name, s.ifname, s.mtu, reason};
  const std::string sw_name = sw_ ? sw_->name() : "";
  napi_status st = tsfn_.NonBlockingCall(copy, [sw_name](Napi::Env env, Napi::Function cb, LinkEventCopy* e) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", e->type);
    o.Set("switch", sw_name);
    o.Set("port", e->port);
    o.Set("name", e->name);
    o.Set("ifname", e->ifname);
    if (e->mtu) o.Set("mtu", e->mtu);
    if (!e->reason.empty()) o.Set("reason", e->reason);
    delete e;
    cb.Call({o});
  });
  if (st != napi_ok) delete copy;
}

}  // namespace msw
