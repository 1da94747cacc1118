// Switch instance: port table, logic and workers; see switch.h.
#include "core/switch.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

#include "core/worker.h"

namespace msw {

namespace {

Switch::PortList* NewPortList(const std::vector<uint32_t>& idx) {
  const size_t bytes = sizeof(Switch::PortList) + sizeof(uint32_t) * (idx.size() + 1);
  auto* l = static_cast<Switch::PortList*>(std::calloc(1, bytes));
  l->n = uint32_t(idx.size());
  for (size_t i = 0; i < idx.size(); i++) l->index[i] = idx[i];
  return l;
}

// The registry answers for every switch: a logic may look up any
// registered logic by name, built in or loaded.
const msw_logic_ops* HostFindLogic(const char* name) {
  return name ? FindLogic(name) : nullptr;
}

const msw_host kHost = {HostFindLogic};

}  // namespace

const msw_host* HostServices() { return &kHost; }

msw_switch_info Switch::LogicInfo() const {
  return msw_switch_info{cfg_.name.c_str(), cfg_.n_workers, MSW_MAX_PORTS, &kHost};
}

Switch::Switch(const SwitchConfig& cfg)
    : cfg_(cfg),
      owned_(MSW_MAX_PORTS + 1),
      reserved_(MSW_MAX_PORTS + 1, false),
      port_worker_(MSW_MAX_PORTS + 1, -1),
      ctl_queue_(new ControllerQueue(cfg.controller_queue_slots)) {
  reserved_[0] = true;  // 0 is never a port
  mode_.store(static_cast<uint32_t>(cfg.mode));
  for (QsSlot& q : qs_) q.seen.store(kOffline);
}

std::unique_ptr<Switch> Switch::Create(const SwitchConfig& cfg, Status* status) {
  if (cfg.name.empty() || cfg.name.size() > 15) {
    *status = Status::Error(EINVAL, "switch name must be 1-15 characters, got '" + cfg.name + "'");
    return nullptr;
  }
  if (cfg.n_workers < 1 || cfg.n_workers > kMaxWorkers) {
    *status = Status::Error(EINVAL, "switch " + cfg.name + ": workers must be 1.." +
                                        std::to_string(kMaxWorkers));
    return nullptr;
  }
  if (cfg.batch_size < 1 || cfg.batch_size > Fabric::kMaxBatch) {
    *status = Status::Error(EINVAL, "switch " + cfg.name + ": batch size must be 1.." +
                                        std::to_string(Fabric::kMaxBatch));
    return nullptr;
  }
  std::unique_ptr<Switch> sw(new Switch(cfg));
  LogicInstance* li = CreateLogicInstance(cfg.logic, cfg.logic_config, sw->LogicInfo(), status);
  if (!li) return nullptr;
  sw->logic_.store(li);
  sw->port_list_.store(NewPortList({}));
  for (uint32_t w = 0; w < cfg.n_workers; w++) {
    sw->workers_.emplace_back(new Worker(sw.get(), w, cfg.batch_size, cfg.idle_polls,
                                            cfg.idle_spin_us));
    Status st = sw->workers_.back()->Start();
    if (!st.ok()) {
      *status = st;
      return nullptr;
    }
  }
  *status = Status::Ok();
  return sw;
}

Switch::~Switch() {
  for (uint32_t i = 1; i <= MSW_MAX_PORTS; i++)
    if (ports_[i].load()) RemovePort(i);
  for (auto& w : workers_) w->Stop();
  workers_.clear();
  DestroyLogicInstance(logic_.load());
  std::free(const_cast<PortList*>(port_list_.load()));
}

// control_mu_ held: the vector is the control plane's truth, the atomic
// flags its copy for workers (to tell a port with no client from none).
void Switch::SetReserved(uint32_t index, bool v) {
  reserved_[index] = v;
  reserved_flag_[index].store(v, std::memory_order_relaxed);
}

uint32_t Switch::ReserveIndex(uint32_t want) {
  std::lock_guard<std::mutex> lock(control_mu_);
  if (want) {
    if (want > MSW_MAX_PORTS || reserved_[want]) return 0;
    SetReserved(want, true);
    return want;
  }
  for (uint32_t i = 1; i <= MSW_MAX_PORTS; i++) {
    if (!reserved_[i]) {
      SetReserved(i, true);
      return i;
    }
  }
  return 0;
}

void Switch::ReleaseIndex(uint32_t index) {
  std::lock_guard<std::mutex> lock(control_mu_);
  if (index && index <= MSW_MAX_PORTS && !owned_[index]) SetReserved(index, false);
}

// control_mu_ held.  The old list is freed after a grace period by the
// caller's Synchronize (we free it here after our own).
void Switch::PublishPortList() {
  std::vector<uint32_t> idx;
  for (uint32_t i = 1; i <= MSW_MAX_PORTS; i++)
    if (owned_[i]) idx.push_back(i);
  const PortList* old = port_list_.exchange(NewPortList(idx), std::memory_order_acq_rel);
  Synchronize();
  std::free(const_cast<PortList*>(old));
}

Status Switch::AddPort(std::unique_ptr<Port> port, int worker) {
  if (!port) return Status::Error(EINVAL, "switch " + cfg_.name + ": null port");
  const uint32_t idx = port->index();
  if (worker >= int(workers_.size()))
    return Status::Error(EINVAL, "switch " + cfg_.name + ": no worker " + std::to_string(worker));
  std::lock_guard<std::mutex> lock(control_mu_);
  if (idx == 0 || idx > MSW_MAX_PORTS || !reserved_[idx])
    return Status::Error(EINVAL, "switch " + cfg_.name + ": port number " + std::to_string(idx) +
                                     " was not reserved");
  if (owned_[idx])
    return Status::Error(EEXIST, "switch " + cfg_.name + ": port " + std::to_string(idx) +
                                     " is already in use by " + owned_[idx]->name());
  Port* p = port.get();
  owned_[idx] = std::move(port);
  if (worker >= 0) port_worker_[idx] = worker;
  ports_[idx].store(p, std::memory_order_release);
  PublishPortList();
  NotifyLogic(MSW_PORT_ADDED, *p);
  if (p->up()) NotifyLogic(MSW_PORT_LINK, *p);
  const int pinned = port_worker_[idx];
  for (uint32_t q = 0; q < p->num_rx_queues(); q++) {
    const uint32_t w = pinned >= 0 ? uint32_t(pinned) : (idx + q) % workers_.size();
    workers_[w]->AddQueue(p, q);
  }
  return Status::Ok();
}

std::unique_ptr<Port> Switch::RemovePort(uint32_t index, bool release_index) {
  std::lock_guard<std::mutex> lock(control_mu_);
  if (index == 0 || index > MSW_MAX_PORTS || !owned_[index]) return nullptr;
  Port* p = owned_[index].get();
  for (auto& w : workers_) w->RemovePort(p);
  ports_[index].store(nullptr, std::memory_order_release);
  std::unique_ptr<Port> out = std::move(owned_[index]);
  PublishPortList();  // includes the grace period
  if (!p->up()) NotifyLogic(MSW_PORT_LINK, *p);  // its client left: link down first
  NotifyLogic(MSW_PORT_REMOVED, *p);
  if (release_index) {
    SetReserved(index, false);
    port_worker_[index] = -1;
  }
  return out;
}

void Switch::ForEachPort(const std::function<void(Port&)>& fn) {
  std::lock_guard<std::mutex> lock(control_mu_);
  for (uint32_t i = 1; i <= MSW_MAX_PORTS; i++)
    if (owned_[i]) fn(*owned_[i]);
}

uint32_t Switch::port_count() const {
  const PortList* l = port_list_.load(std::memory_order_acquire);
  return l ? l->n : 0;
}

void Switch::PortLinkChanged(uint32_t index) {
  std::lock_guard<std::mutex> lock(control_mu_);
  if (index && index <= MSW_MAX_PORTS && owned_[index]) NotifyLogic(MSW_PORT_LINK, *owned_[index]);
}

void Switch::NotifyLogic(msw_port_event ev, Port& port) {
  LogicInstance* li = logic_.load(std::memory_order_acquire);
  if (!li->ops->port_changed) return;
  msw_port_info info{port.index(), port.up() ? 1u : 0u, port.name().c_str()};
  li->ops->port_changed(li->instance, ev, &info);
}

Status Switch::SetLogic(const std::string& name, const std::string& config) {
  std::lock_guard<std::mutex> lock(control_mu_);
  Status st;
  LogicInstance* li = CreateLogicInstance(name, config, LogicInfo(), &st);
  if (!li) return st;
  // Tell the new logic about the ports before any packet reaches it.
  if (li->ops->port_changed) {
    for (uint32_t i = 1; i <= MSW_MAX_PORTS; i++) {
      if (!owned_[i]) continue;
      msw_port_info pi{i, owned_[i]->up() ? 1u : 0u, owned_[i]->name().c_str()};
      li->ops->port_changed(li->instance, MSW_PORT_ADDED, &pi);
      if (pi.up) li->ops->port_changed(li->instance, MSW_PORT_LINK, &pi);  // as AddPort does
    }
  }
  LogicInstance* old = logic_.exchange(li, std::memory_order_acq_rel);
  Synchronize();  // no batch still runs the old one
  DestroyLogicInstance(old);
  cfg_.logic = name;
  cfg_.logic_config = config;
  return Status::Ok();
}

std::string Switch::logic_name() const {
  std::lock_guard<std::mutex> lock(control_mu_);
  return logic_.load()->ops->name;
}

Status Switch::LogicControl(const std::string& cmd, std::string* reply) {
  std::lock_guard<std::mutex> lock(control_mu_);
  LogicInstance* li = logic_.load();
  if (!li->ops->control)
    return Status::Error(ENOTSUP, std::string("logic '") + li->ops->name + "' takes no commands");
  // One reply buffer per switch, reused under control_mu_: a fresh 64 KiB
  // zeroed string per call cost more than a short command itself (a
  // packet-out is one call).
  if (control_reply_.size() != kControlReplyBytes) control_reply_.assign(kControlReplyBytes, '\0');
  control_reply_[0] = '\0';
  int rc = li->ops->control(li->instance, cmd.c_str(), &control_reply_[0], control_reply_.size());
  control_reply_.back() = '\0';  // a logic that filled the buffer still ends in a NUL here
  const size_t len = std::strlen(control_reply_.c_str());
  if (rc != 0) return Status::Error(rc, std::string(li->ops->name) + ": " + control_reply_.substr(0, len));
  reply->assign(control_reply_, 0, len);
  return Status::Ok();
}

std::vector<WorkerStats> Switch::WorkerStatsSnapshot() const {
  std::vector<WorkerStats> out(workers_.size());
  for (size_t i = 0; i < workers_.size(); i++) workers_[i]->FillStats(out[i]);
  return out;
}

Status Switch::SetPortWorker(uint32_t index, uint32_t worker) {
  if (worker >= workers_.size())
    return Status::Error(EINVAL, "switch " + cfg_.name + ": no worker " + std::to_string(worker));
  std::lock_guard<std::mutex> lock(control_mu_);
  if (index == 0 || index > MSW_MAX_PORTS || !reserved_[index])
    return Status::Error(ENOENT, "switch " + cfg_.name + ": no port " + std::to_string(index));
  port_worker_[index] = int(worker);
  Port* p = owned_[index].get();
  if (!p) return Status::Ok();  // applies when it connects
  for (auto& w : workers_) w->RemovePort(p);
  for (uint32_t q = 0; q < p->num_rx_queues(); q++) workers_[worker]->AddQueue(p, q);
  return Status::Ok();
}

// QSBR grace period: advance the epoch, then wait until each worker has
// either published an epoch at least as new or is offline (asleep).
void Switch::Synchronize() {
  const uint64_t target = epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
  for (size_t w = 0; w < workers_.size(); w++) {
    for (uint32_t spins = 0;; spins++) {
      const uint64_t seen = qs_[w].seen.load(std::memory_order_seq_cst);
      if (seen == kOffline || seen >= target) break;
      if (spins < 1000) std::this_thread::yield();
      else usleep(50);
    }
  }
}

}  // namespace msw
