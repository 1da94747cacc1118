// A worker: one native thread that owns some ports' receive queues.
//
// Design (the paper's interrupt model, §3.1 and §4.2)
//   The loop takes a batch from each of its queues in turn and hands it to
//   its Fabric.  While there is traffic it never sleeps and never makes a
//   system call of its own (the only ones on the path are the per-batch
//   kicks the ports do).  After 'idle_polls' rounds that found nothing,
//   and 'idle_spin_us' since its last frame, it enables the queues'
//   interrupts, checks once more for frames that raced
//   in, and sleeps in epoll_wait on their eventfds; a kick wakes it and it
//   masks interrupts again.  An idle switch therefore costs no CPU.
//
//   Queue ownership changes by command: a control thread posts a command
//   and waits; the worker applies it at the top of its loop (or on being
//   woken through its command eventfd).  So 'queues_' is touched only by
//   the worker thread.
//
//   Each loop round the worker publishes the switch epoch it saw (its
//   quiescent point); while asleep it is marked offline.  See switch.h.
#ifndef MSWITCH_CORE_WORKER_H_
#define MSWITCH_CORE_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/fabric.h"
#include "core/port.h"
#include "core/status.h"

namespace msw {

class Switch;
struct WorkerStats;

class Worker {
 public:
  Worker(Switch* sw, uint32_t index, uint32_t batch_size, uint32_t idle_polls,
         uint32_t idle_spin_us);
  ~Worker();  // Stop()

  Status Start();
  void Stop();

  // Control threads: hand queue 'q' of 'port' to this worker / take every
  // queue of 'port' away.  Return once the worker applied the change.
  void AddQueue(Port* port, uint32_t q);
  void RemovePort(Port* port);

  uint32_t index() const { return index_; }
  void FillStats(WorkerStats& s) const;

 private:
  struct Queue {
    Port* port;
    uint32_t q;
    int fd;
  };
  struct Command {
    enum Kind { kAdd, kRemove } kind;
    Port* port;
    uint32_t q;
  };

  void Run();
  void ApplyCommands();
  uint32_t PollRound(uint64_t now_ns);
  void Sleep();
  void Post(const Command& c);
  void Online();

  Switch* const sw_;
  const uint32_t index_;
  const uint32_t batch_size_;
  const uint32_t idle_polls_;
  const uint64_t idle_spin_ns_;
  Fabric fabric_;
  RxBatch batch_;
  std::unique_ptr<RxFrame[]> frames_;
  std::unique_ptr<Segment[]> segs_;
  std::vector<Queue> queues_;
  int epfd_ = -1;
  int cmd_fd_ = -1;

  std::mutex cmd_mu_;
  std::condition_variable cmd_cv_;
  std::deque<Command> cmds_;
  uint64_t cmd_posted_ = 0;   // cmd_mu_
  uint64_t cmd_applied_ = 0;  // cmd_mu_
  std::atomic<bool> cmd_pending_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;

  std::atomic<uint64_t> batches_{0}, frames_total_{0}, sleep_ns_{0}, wakeups_{0};
  std::atomic<uint32_t> n_queues_{0};
  mutable std::mutex stats_mu_;  // sleep transitions vs FillStats, never per frame
  uint64_t sleep_since_ = 0;     // stats_mu_; start of the sleep in progress, or 0
  uint64_t start_ns_ = 0;
};

}  // namespace msw

#endif  // MSWITCH_CORE_WORKER_H_
