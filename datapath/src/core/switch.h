// A switch instance (`br0`): its port table, its switching logic and its
// workers.  Several run in one process.
//
// Design
//   The port table is an array of atomic Port pointers indexed by port
//   number, read by workers without locks.  Changes (add/remove a port,
//   swap the logic) are made by control threads under 'control_mu_' and
//   published with release stores; what they replace is freed only after a
//   grace period (Synchronize: every worker has since passed a quiescent
//   point or was asleep), the QSBR scheme of RCU.  So workers never lock
//   to forward and never see a freed port or logic.
//
//   Receive queues are handed to workers with a command the worker applies
//   at the top of its loop; RemovePort returns only once no worker polls
//   the port's queues and no worker can still be copying into it.
//
//   Besides its ports a switch has a controller queue (controller_queue.h):
//   the destination of the logic's MSW_PORT_CONTROLLER outputs, which the
//   agent drains.  Frames the agent sends (OpenFlow packet-out) go out
//   through Inject (inject.cc), from the calling thread, with the same
//   transmit leases the fabric uses.
//
// Host services
//   Every msw_switch_info a switch hands a logic carries the process-wide
//   msw_host (HostServices()): find_logic answers from the logic registry,
//   so a logic can run another (openflow's NORMAL runs l2-learning).
//
// Port events
//   A logic hears MSW_PORT_ADDED when a port joins the table and
//   MSW_PORT_REMOVED when it leaves.  Around those, link state is reported
//   as MSW_PORT_LINK: a port that joins up (a memif client connected) is
//   followed by LINK up; a port that leaves because its link went down (a
//   memif client disconnected, up() already false) is preceded by LINK
//   down.  So a fast-failover group watching a memif port sees its client
//   come and go as link up/down.  Port kinds whose link changes while they
//   stay in the table call PortLinkChanged.
//
// Thread-safety
//   Public methods are for control threads (the binding, the memif master)
//   and may block briefly; none is called by workers.
#ifndef MSWITCH_CORE_SWITCH_H_
#define MSWITCH_CORE_SWITCH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/controller_queue.h"
#include "core/logic_registry.h"
#include "core/port.h"
#include "core/status.h"
#include "mswitch/logic.h"

namespace msw {

class Worker;

enum class FabricMode : uint32_t { kMSwitch = 0, kVale = 1 };

struct SwitchConfig {
  std::string name = "br0";
  uint32_t n_workers = 1;
  uint32_t batch_size = 256;   // frames per input batch, 1..1024
  FabricMode mode = FabricMode::kMSwitch;
  std::string logic = "l2-learning";
  std::string logic_config;
  // Busy polls with nothing to do before a worker arms interrupts and sleeps,
  // and how long after its last frame it keeps polling (0: sleep as soon
  // as the polls ran out).
  uint32_t idle_polls = 64;
  uint32_t idle_spin_us = 50;
  // Slots of the controller queue (ControllerQueue::kSlotBytes each).
  uint32_t controller_queue_slots = 4096;
};

// One frame for Switch::Inject.  'port' is a port number or MSW_PORT_FLOOD
// (every port in the table but 'except_port', 0 for none).
struct InjectFrame {
  uint32_t port;
  uint32_t except_port;
  const uint8_t* data;
  uint32_t len;
};

// The msw_host every switch gives its logics (find_logic: the registry).
const msw_host* HostServices();

struct WorkerStats {
  uint64_t batches = 0;
  uint64_t frames = 0;
  uint64_t busy_ns = 0;
  uint64_t sleep_ns = 0;
  uint64_t wakeups = 0;
  uint32_t queues = 0;
};

class Switch {
 public:
  // Builds the switch and starts its workers.  On error returns nullptr and
  // sets 'status'.
  static std::unique_ptr<Switch> Create(const SwitchConfig& cfg, Status* status);
  ~Switch();  // stops the workers; ports must have been removed

  const std::string& name() const { return cfg_.name; }
  const SwitchConfig& config() const { return cfg_; }
  FabricMode mode() const {
    return static_cast<FabricMode>(mode_.load(std::memory_order_relaxed));
  }
  void set_mode(FabricMode m) {
    mode_.store(static_cast<uint32_t>(m), std::memory_order_relaxed);
  }

  // ---- ports ----

  // Reserves a port number: 'want' if it is free (and nonzero), else the
  // lowest free one.  Returns 0 when the table is full or 'want' is taken.
  uint32_t ReserveIndex(uint32_t want = 0);
  // Gives back a reserved number that was never used for AddPort.
  void ReleaseIndex(uint32_t index);

  // Publishes 'port' (its index reserved beforehand) and hands its receive
  // queues to workers ('worker' >= 0 pins them all to that worker).
  Status AddPort(std::unique_ptr<Port> port, int worker = -1);

  // Takes a port out of the table, out of its workers, waits a grace period
  // and returns it: the caller may then tear it down.  The index stays
  // reserved unless 'release_index'.
  std::unique_ptr<Port> RemovePort(uint32_t index, bool release_index = true);

  // Reports port 'index''s current up() to the logic as MSW_PORT_LINK (for
  // port kinds whose link changes while they stay in the table).
  void PortLinkChanged(uint32_t index);

  // Transmits 'frames[0..n)' out of their ports from the calling thread
  // (a control thread: OpenFlow packet-out).  Checks every frame first:
  // EINVAL for a length outside 1..65535, ENOENT for a port number that is
  // not a port of this switch; then nothing is sent.  A port with no
  // client (port-down) or no room (no-space) drops and counts on that
  // port.  '*sent' gets the frames (flood copies each) that went out.
  Status Inject(const InjectFrame* frames, uint32_t n, uint32_t* sent);
  // Who counts Inject's frames to a reserved number with no port object
  // (a memif interface waiting for its client): the memif master, whose
  // interface keeps that port's counters meanwhile.  Called after
  // control_mu_ is released (the master takes its own lock, and it calls
  // the switch under that lock).  Set once, before Inject runs.
  void set_unowned_drop_counter(std::function<void(uint32_t port, uint64_t frames)> fn) {
    unowned_drops_ = std::move(fn);
  }

  // Runs 'fn' on each port in the table under the control lock.
  void ForEachPort(const std::function<void(Port&)>& fn);
  uint32_t port_count() const;

  // ---- logic ----

  Status SetLogic(const std::string& name, const std::string& config);
  std::string logic_name() const;
  Status LogicControl(const std::string& cmd, std::string* reply);

  // ---- workers ----

  uint32_t n_workers() const { return static_cast<uint32_t>(workers_.size()); }
  std::vector<WorkerStats> WorkerStatsSnapshot() const;
  // Moves every receive queue of port 'index' to 'worker'.
  Status SetPortWorker(uint32_t index, uint32_t worker);

  // Waits until every worker passed a quiescent point (or slept) since the
  // call: what was unpublished before it is no longer in use after it.
  void Synchronize();

  // ---- for the fabric (worker threads) ----

  Port* port(uint32_t index) const {
    return index <= MSW_MAX_PORTS ? ports_[index].load(std::memory_order_acquire)
                                  : nullptr;
  }
  // The compact list of ports in the table (for flooding and VALE mode):
  // an immutable array published like the ports themselves.
  struct PortList {
    uint32_t n;
    uint32_t index[1];  // n entries
  };
  const PortList* port_list() const {
    return port_list_.load(std::memory_order_acquire);
  }
  LogicInstance* logic() const { return logic_.load(std::memory_order_acquire); }
  // Never null; lives as long as the switch.
  ControllerQueue* controller_queue() const { return ctl_queue_.get(); }
  // Whether 'index' is a port number in use, connected or not (a memif
  // interface waiting for its client): frames to it count as port-down.
  bool reserved(uint32_t index) const {
    return index <= MSW_MAX_PORTS && reserved_flag_[index].load(std::memory_order_relaxed);
  }

  // Quiescent-state bookkeeping, one slot per worker.
  struct alignas(64) QsSlot {
    std::atomic<uint64_t> seen{0};  // last epoch observed; kOffline asleep
  };
  static constexpr uint64_t kOffline = ~uint64_t{0};
  QsSlot& qs_slot(uint32_t w) { return qs_[w]; }
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

 private:
  explicit Switch(const SwitchConfig& cfg);
  void PublishPortList();  // control_mu_ held
  Status InjectLocked(const InjectFrame* frames, uint32_t n, uint32_t* sent,
                      std::vector<std::pair<uint32_t, uint64_t>>* unowned);  // takes control_mu_
  void SetReserved(uint32_t index, bool v);  // control_mu_ held
  void NotifyLogic(msw_port_event ev, Port& port);
  msw_switch_info LogicInfo() const;

  SwitchConfig cfg_;
  std::atomic<uint32_t> mode_{0};
  std::function<void(uint32_t, uint64_t)> unowned_drops_;  // set_unowned_drop_counter
  mutable std::mutex control_mu_;
  static constexpr size_t kControlReplyBytes = 64 * 1024;
  std::string control_reply_;  // LogicControl's reply buffer, control_mu_
  std::atomic<Port*> ports_[MSW_MAX_PORTS + 1] = {};
  std::vector<std::unique_ptr<Port>> owned_;  // by index, control_mu_
  std::vector<bool> reserved_;                // by index, control_mu_
  std::atomic<bool> reserved_flag_[MSW_MAX_PORTS + 1] = {};
  std::vector<int> port_worker_;              // by index, control_mu_
  std::atomic<const PortList*> port_list_{nullptr};
  std::atomic<LogicInstance*> logic_{nullptr};
  std::unique_ptr<ControllerQueue> ctl_queue_;
  std::atomic<uint64_t> epoch_{1};
  QsSlot qs_[kMaxWorkers];
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace msw

#endif  // MSWITCH_CORE_SWITCH_H_
