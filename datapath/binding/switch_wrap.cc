// JS class `Switch`: a switch instance with its memif master.  Control
// only: every method is a thin translation of arguments and results; the
// datapath threads never call into JavaScript except through the event
// ThreadSafeFunction, which queues events to the JS thread.
//
// Teardown order matters (node-addon-examples' tsfn_object_wrap): stop the
// memif master first (joins its thread, so no event is produced after),
// then release the ThreadSafeFunction, then destroy the switch (joins its
// workers, so no controller-queue wake-up comes after), then close the
// wake-up's uv handle.
#include "binding/switch_wrap.h"

#include "binding/errors.h"
#include "core/drop_reasons.h"
#include "core/fabric.h"
#include "ports/afpacket_port.h"

namespace msw {

namespace {

FabricMode ParseMode(Napi::Env env, const std::string& s) {
  if (s == "mswitch") return FabricMode::kMSwitch;
  if (s == "vale") return FabricMode::kVale;
  throw ArgError(env, "mode must be 'mswitch' or 'vale', got '" + s + "'");
}

const char* ModeName(FabricMode m) { return m == FabricMode::kVale ? "vale" : "mswitch"; }

}  // namespace

Napi::Function SwitchWrap::Init(Napi::Env env) {
  return DefineClass(env, "Switch",
                     {
                         InstanceAccessor<&SwitchWrap::Name>("name"),
                         InstanceMethod<&SwitchWrap::ListenMemif>("listenMemif"),
                         InstanceMethod<&SwitchWrap::AddMemifInterface>("addMemifInterface"),
                         InstanceMethod<&SwitchWrap::AddAfPacketPort>("addAfPacketPort"),
                         InstanceMethod<&SwitchWrap::AddAfXdpPort>("addAfXdpPort"),
                         InstanceMethod<&SwitchWrap::AfXdpInfo>("afXdpInfo"),
                         InstanceMethod<&SwitchWrap::AddTapPort>("addTapPort"),
                         InstanceMethod<&SwitchWrap::RemovePort>("removePort"),
                         InstanceMethod<&SwitchWrap::Ports>("ports"),
                         InstanceMethod<&SwitchWrap::Workers>("workers"),
                         InstanceMethod<&SwitchWrap::SetLogic>("setLogic"),
                         InstanceMethod<&SwitchWrap::Logic>("logic"),
                         InstanceMethod<&SwitchWrap::LogicControl>("logicControl"),
                         InstanceMethod<&SwitchWrap::SetMode>("setMode"),
                         InstanceMethod<&SwitchWrap::Mode>("mode"),
                         InstanceMethod<&SwitchWrap::SetPortWorker>("setPortWorker"),
                         InstanceMethod<&SwitchWrap::OnEvent>("onEvent"),
                         InstanceMethod<&SwitchWrap::ReadControllerQueuePacked>("readControllerQueuePacked"),
                         InstanceMethod<&SwitchWrap::OnControllerQueue>("onControllerQueue"),
                         InstanceMethod<&SwitchWrap::ControllerQueueInfo>("controllerQueue"),
                         InstanceMethod<&SwitchWrap::SendFrames>("sendFrames"),
                         InstanceMethod<&SwitchWrap::Close>("close"),
                     });
}

SwitchWrap::SwitchWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SwitchWrap>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw ArgError(env, "new Switch(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  SwitchConfig cfg;
  cfg.name = OptStr(o, "name", "");
  cfg.n_workers = OptU32(o, "workers", 1, 1, kMaxWorkers);
  cfg.batch_size = OptU32(o, "batchSize", 256, 1, Fabric::kMaxBatch);
  cfg.mode = ParseMode(env, OptStr(o, "mode", "mswitch"));
  cfg.logic = OptStr(o, "logic", "l2-learning");
  cfg.logic_config = OptStr(o, "logicConfig", "");
  cfg.idle_polls = OptU32(o, "idlePolls", 64, 1, 1u << 30);
  cfg.idle_spin_us = OptU32(o, "idleSpinUs", 50, 0, 1000000);
  cfg.controller_queue_slots = OptU32(o, "controllerQueueSlots", ControllerQueue::kDefaultSlots,
                                      ControllerQueue::kMinSlots, ControllerQueue::kMaxSlots);
  Status st;
  sw_ = Switch::Create(cfg, &st);
  if (!sw_) throw StatusError(env, st);
  master_ = std::make_unique<MemifMaster>(sw_.get(), [this](const MemifEvent& ev) { Emit(ev); });
  sw_->set_unowned_drop_counter([m = master_.get()](uint32_t port, uint64_t frames) {
    m->CountUnconnectedDrops(port, frames);
  });
}

SwitchWrap::~SwitchWrap() { Teardown(); }

void SwitchWrap::Teardown() {
  if (sw_) sw_->set_unowned_drop_counter(nullptr);  // the master goes first
  if (master_) master_->Stop();
  master_.reset();
  links_.reset();  // joins the netlink thread: no link event after this
  {
    std::lock_guard<std::mutex> lock(tsfn_mu_);
    if (has_tsfn_) {
      tsfn_.Release();
      has_tsfn_ = false;
    }
  }
  sw_.reset();
  CloseCtlNotifier();
}

Switch& SwitchWrap::Sw(Napi::Env env) {
  if (!sw_) throw StatusError(env, Status::Error(ENOTCONN, "switch is closed"));
  return *sw_;
}

Napi::Value SwitchWrap::Name(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), sw_ ? sw_->name() : std::string());
}

Napi::Value SwitchWrap::ListenMemif(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sw(env);
  if (!info[0].IsObject()) throw ArgError(env, "listenMemif(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  MemifListenConfig cfg;
  cfg.path = OptStr(o, "path", "");
  if (cfg.path.empty()) throw ArgError(env, "listenMemif: option 'path' is required");
  cfg.abstract = OptBool(o, "abstract", true);
  cfg.auto_create = OptBool(o, "autoCreate", true);
  cfg.secret = OptStr(o, "secret", "");
  Status st = master_->Listen(cfg);
  if (!st.ok()) throw StatusError(env, st);
  return env.Undefined();
}

Napi::Value SwitchWrap::AddMemifInterface(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sw(env);
  if (!info[0].IsObject()) throw ArgError(env, "addMemifInterface(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  MemifInterfaceConfig cfg;
  cfg.id = OptU32(o, "id", 0, 0, 0xffffffffu);
  cfg.name = OptStr(o, "name", "");
  cfg.port = OptU32(o, "port", 0, 0, MSW_MAX_PORTS);
  cfg.secret = OptStr(o, "secret", "");
  Napi::Value w = o.Get("worker");
  cfg.worker = w.IsUndefined() ? -1 : int(OptU32(o, "worker", 0, 0, kMaxWorkers - 1));
  uint32_t port = 0;
  Status st = master_->AddInterface(cfg, &port);
  if (!st.ok()) throw StatusError(env, st);
  return Napi::Number::New(env, port);
}

// addAfPacketPort({ifname, port?, name?, worker?}): opens an AF_PACKET
// port on an existing interface; returns its port number.  removePort
// takes it out like any port (the socket closes when it is destroyed).
Napi::Value SwitchWrap::AddAfPacketPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sw(env);  // a closed switch refuses first
  if (!info[0].IsObject()) throw ArgError(env, "addAfPacketPort(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  AfPacketConfig cfg;
  cfg.ifname = OptStr(o, "ifname", "");
  if (cfg.ifname.empty()) throw ArgError(env, "addAfPacketPort(options): ifname is required");
  const std::string name = OptStr(o, "name", cfg.ifname);
  const uint32_t index = AttachLinuxPort(env, o, [&](uint32_t number, int* ifindex, Status* st) {
    std::unique_ptr<AfPacketPort> port = AfPacketPort::Open(number, name, cfg, st);
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

Napi::Value SwitchWrap::RemovePort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsNumber()) throw ArgError(env, "removePort(port): port must be a number");
  const uint32_t port = info[0].As<Napi::Number>().Uint32Value();
  if (master_->Owns(port)) {
    Status st = master_->RemoveInterface(port);
    if (!st.ok()) throw StatusError(env, st);
    return env.Undefined();
  }
  UnwatchLink(port);
  std::unique_ptr<Port> p = sw.RemovePort(port);
  if (!p) throw StatusError(env, Status::Error(ENOENT, "switch " + sw.name() + " has no port " +
                                                           std::to_string(port)));
  return env.Undefined();
}

Napi::Value SwitchWrap::Ports(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  auto fill = [&](uint32_t index, const std::string& name, const std::string& kind, bool up,
                  const MemifInterfaceInfo* mi, const PortStats& s, uint32_t rxq, uint32_t txq) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", index);
    o.Set("name", name);
    o.Set("kind", kind);
    o.Set("up", up);
    if (mi) o.Set("memifId", mi->id);
    {
      std::lock_guard<std::mutex> lock(link_mu_);  // Linux ports: link_wrap.cc
      auto li = link_info_.find(index);
      if (li != link_info_.end()) {
        o.Set("mtu", li->second.mtu);
        if (li->second.speed_mbps) o.Set("speedMbps", li->second.speed_mbps);
      }
    }
    o.Set("rxQueues", rxq);
    o.Set("txQueues", txq);
    o.Set("rxPackets", double(s.rx_packets));
    o.Set("rxBytes", double(s.rx_bytes));
    o.Set("txPackets", double(s.tx_packets));
    o.Set("txBytes", double(s.tx_bytes));
    Napi::Object d = Napi::Object::New(env);
    for (uint32_t r = 0; r < kNumDropReasons; r++) d.Set(DropReasonName(r), double(s.drops[r]));
    o.Set("drops", d);
    out.Set(n++, o);
  };
  // Collected under the master's snapshot, turned into JS objects after.
  struct Row {
    uint32_t index;
    std::string name, kind;
    bool up;
    bool has_mi;
    MemifInterfaceInfo mi;
    PortStats s;
    uint32_t rxq, txq;
  };
  std::vector<Row> rows;
  master_->Snapshot([&](const std::vector<MemifInterfaceInfo>& ifs) {
    std::vector<uint32_t> seen;
    sw.ForEachPort([&](Port& p) {
      const MemifInterfaceInfo* mi = nullptr;
      for (const auto& i : ifs)
        if (i.port == p.index()) mi = &i;
      PortStats s = p.Stats();
      if (mi) s += mi->carried;
      rows.push_back(Row{p.index(), p.name(), p.kind(), p.up(), mi != nullptr,
                         mi ? *mi : MemifInterfaceInfo{}, s, p.num_rx_queues(), p.num_tx_queues()});
      seen.push_back(p.index());
    });
    for (const auto& i : ifs) {
      bool listed = false;
      for (uint32_t s : seen) listed = listed || s == i.port;
      if (!listed) rows.push_back(Row{i.port, i.name, "memif", false, true, i, i.carried, 0, 0});
    }
  });
  for (const Row& r : rows)
    fill(r.index, r.name, r.kind, r.up, r.has_mi ? &r.mi : nullptr, r.s, r.rxq, r.txq);
  return out;
}

Napi::Value SwitchWrap::Workers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<WorkerStats> ws = Sw(env).WorkerStatsSnapshot();
  Napi::Array out = Napi::Array::New(env, ws.size());
  for (size_t i = 0; i < ws.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", double(i));
    o.Set("queues", ws[i].queues);
    o.Set("batches", double(ws[i].batches));
    o.Set("frames", double(ws[i].frames));
    o.Set("busySeconds", double(ws[i].busy_ns) / 1e9);
    o.Set("sleepSeconds", double(ws[i].sleep_ns) / 1e9);
    o.Set("wakeups", double(ws[i].wakeups));
    out.Set(uint32_t(i), o);
  }
  return out;
}

Napi::Value SwitchWrap::SetLogic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsString()) throw ArgError(env, "setLogic(name, config?): name must be a string");
  std::string config = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  Status st = sw.SetLogic(info[0].As<Napi::String>().Utf8Value(), config);
  if (!st.ok()) throw StatusError(env, st);
  return env.Undefined();
}

Napi::Value SwitchWrap::Logic(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Sw(info.Env()).logic_name());
}

Napi::Value SwitchWrap::LogicControl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsString()) throw ArgError(env, "logicControl(command): command must be a string");
  std::string reply;
  Status st = sw.LogicControl(info[0].As<Napi::String>().Utf8Value(), &reply);
  if (!st.ok()) throw StatusError(env, st);
  return Napi::String::New(env, reply);
}

Napi::Value SwitchWrap::SetMode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsString()) throw ArgError(env, "setMode(mode): mode must be a string");
  sw.set_mode(ParseMode(env, info[0].As<Napi::String>().Utf8Value()));
  return env.Undefined();
}

Napi::Value SwitchWrap::Mode(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), ModeName(Sw(info.Env()).mode()));
}

Napi::Value SwitchWrap::SetPortWorker(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Switch& sw = Sw(env);
  if (!info[0].IsNumber() || !info[1].IsNumber())
    throw ArgError(env, "setPortWorker(port, worker): both must be numbers");
  Status st = sw.SetPortWorker(info[0].As<Napi::Number>().Uint32Value(),
                               info[1].As<Napi::Number>().Uint32Value());
  if (!st.ok()) throw StatusError(env, st);
  return env.Undefined();
}

Napi::Value SwitchWrap::OnEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sw(env);
  if (!info[0].IsFunction()) throw ArgError(env, "onEvent(callback): callback must be a function");
  std::lock_guard<std::mutex> lock(tsfn_mu_);
  if (has_tsfn_) tsfn_.Release();
  tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "mswitch-events", 0, 1);
  has_tsfn_ = true;
  return env.Undefined();
}

// Master thread: hand a copy of the event to the JS thread.
void SwitchWrap::Emit(const MemifEvent& ev) {
  std::lock_guard<std::mutex> lock(tsfn_mu_);
  if (!has_tsfn_) return;
  auto* copy = new MemifEvent(ev);
  const std::string sw_name = sw_ ? sw_->name() : "";
  napi_status s = tsfn_.NonBlockingCall(copy, [sw_name](Napi::Env env, Napi::Function cb,
                                                          MemifEvent* e) {
    Napi::Object o = Napi::Object::New(env);
    const char* type = e->type == MemifEvent::kUp     ? "port-up"
                       : e->type == MemifEvent::kDown ? "port-down"
                                                      : "memif-refused";
    o.Set("type", type);
    o.Set("switch", sw_name);
    o.Set("port", e->port);
    o.Set("memifId", e->id);
    o.Set("name", e->name);
    if (e->type == MemifEvent::kUp) o.Set("clientName", e->detail);
    else o.Set("reason", e->detail);
    delete e;
    cb.Call({o});
  });
  if (s != napi_ok) delete copy;
}

Napi::Value SwitchWrap::Close(const Napi::CallbackInfo& info) {
  Teardown();
  return info.Env().Undefined();
}

}  // namespace msw
