// The worker loop; see worker.h.
#include "core/worker.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/spinlock.h"
#include "core/switch.h"

namespace msw {

namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// Single-writer counter bump: the worker is the only writer.
inline void Bump(std::atomic<uint64_t>& c, uint64_t v) {
  c.store(c.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
}

constexpr uint64_t kCmdTag = ~uint64_t{0};
// Even asleep, wake once a second: cheap, and bounds how stale anything
// time-driven in a logic can get.
constexpr int kSleepTimeoutMs = 1000;

}  // namespace

Worker::Worker(Switch* sw, uint32_t index, uint32_t batch_size, uint32_t idle_polls,
               uint32_t idle_spin_us)
    : sw_(sw),
      index_(index),
      batch_size_(batch_size),
      idle_polls_(idle_polls ? idle_polls : 1),
      idle_spin_ns_(uint64_t{idle_spin_us} * 1000),
      fabric_(sw, index, batch_size),
      frames_(new RxFrame[Fabric::kMaxBatch]),
      segs_(new Segment[Fabric::kMaxBatch * 4 + kMaxChain]) {
  batch_.frames = frames_.get();
  batch_.cap_frames = batch_size_;
  batch_.segs = segs_.get();
  batch_.cap_segs = Fabric::kMaxBatch * 4 + kMaxChain;
}

Worker::~Worker() { Stop(); }

Status Worker::Start() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0)
    return Status::Error(errno, "worker " + std::to_string(index_) +
                                    ": epoll_create1: " + std::strerror(errno));
  cmd_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (cmd_fd_ < 0)
    return Status::Error(errno, "worker " + std::to_string(index_) +
                                    ": eventfd: " + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kCmdTag;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, cmd_fd_, &ev);
  start_ns_ = NowNs();
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Worker::Stop() {
  if (thread_.joinable()) {
    stop_.store(true, std::memory_order_release);
    uint64_t one = 1;
    (void)!write(cmd_fd_, &one, sizeof one);
    thread_.join();
  }
  if (epfd_ >= 0) close(epfd_);
  if (cmd_fd_ >= 0) close(cmd_fd_);
  epfd_ = cmd_fd_ = -1;
}

void Worker::Post(const Command& c) {
  std::unique_lock<std::mutex> lock(cmd_mu_);
  if (!thread_.joinable()) {  // not running: apply directly
    cmds_.push_back(c);
    lock.unlock();
    ApplyCommands();
    return;
  }
  cmds_.push_back(c);
  const uint64_t ticket = ++cmd_posted_;
  cmd_pending_.store(true, std::memory_order_release);
  uint64_t one = 1;
  (void)!write(cmd_fd_, &one, sizeof one);
  cmd_cv_.wait(lock, [&] { return cmd_applied_ >= ticket; });
}

void Worker::AddQueue(Port* port, uint32_t q) { Post(Command{Command::kAdd, port, q}); }
void Worker::RemovePort(Port* port) { Post(Command{Command::kRemove, port, 0}); }

// Worker thread (or a control thread before the worker started).
void Worker::ApplyCommands() {
  std::lock_guard<std::mutex> lock(cmd_mu_);
  while (!cmds_.empty()) {
    Command c = cmds_.front();
    cmds_.pop_front();
    if (c.kind == Command::kAdd) {
      const int fd = c.port->RxIrqFd(c.q);
      c.port->RxIrqEnable(c.q, false);  // we poll it from now on
      if (fd >= 0) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = queues_.size();
        epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
      }
      queues_.push_back(Queue{c.port, c.q, fd});
    } else {
      for (size_t i = 0; i < queues_.size();) {
        if (queues_[i].port == c.port) {
          if (queues_[i].fd >= 0) epoll_ctl(epfd_, EPOLL_CTL_DEL, queues_[i].fd, nullptr);
          queues_.erase(queues_.begin() + i);
        } else {
          i++;
        }
      }
      // Indices in epoll data shifted: re-register what remains.
      for (size_t i = 0; i < queues_.size(); i++) {
        if (queues_[i].fd < 0) continue;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(epfd_, EPOLL_CTL_MOD, queues_[i].fd, &ev);
      }
    }
    cmd_applied_++;
  }
  n_queues_.store(uint32_t(queues_.size()), std::memory_order_relaxed);
  cmd_pending_.store(false, std::memory_order_release);
  cmd_cv_.notify_all();
}

// Marks this worker as having passed a quiescent point in the current epoch.
void Worker::Online() {
  sw_->qs_slot(index_).seen.store(sw_->epoch(), std::memory_order_seq_cst);
}

uint32_t Worker::PollRound(uint64_t now_ns) {
  uint32_t total = 0;
  for (Queue& qu : queues_) {
    batch_.Clear();
    const uint32_t n = qu.port->Receive(qu.q, batch_, batch_size_,
                                        qu.port->counters(index_));
    if (batch_.n_frames) fabric_.Forward(*qu.port, batch_, now_ns);
    if (n || batch_.n_frames) qu.port->ReleaseRx(qu.q);
    else continue;
    total += batch_.n_frames;
    Bump(batches_, 1);
  }
  if (total) Bump(frames_total_, total);
  return total;
}

// Polls while there is work; after 'idle_polls' empty rounds AND
// 'idle_spin_ns' without a frame, sleeps.  The spin is NAPI's busy-poll
// idea: a request/response peer usually answers within tens of
// microseconds, and catching that answer awake saves a thread wake-up
// (several microseconds on real hardware, tens on a VM) per hop.  Idle,
// the switch still costs nothing: the spin follows traffic only.
void Worker::Run() {
  Online();
  uint32_t idle = 0;
  uint64_t last_work = 0;
  while (!stop_.load(std::memory_order_acquire)) {
    if (cmd_pending_.load(std::memory_order_acquire)) ApplyCommands();
    Online();
    const uint64_t now = NowNs();
    if (PollRound(now)) {
      idle = 0;
      last_work = now;
      continue;
    }
    if (++idle < idle_polls_ || now - last_work < idle_spin_ns_) {
      MSW_CPU_RELAX();
      continue;
    }
    idle = 0;
    Sleep();
  }
  sw_->qs_slot(index_).seen.store(Switch::kOffline, std::memory_order_seq_cst);
}

// Arms every queue's interrupt, closes the race with frames that arrived
// meanwhile, then sleeps until a kick, a command or the timeout.
void Worker::Sleep() {
  for (Queue& qu : queues_) qu.port->RxIrqEnable(qu.q, true);
  bool pending = cmd_pending_.load(std::memory_order_acquire);
  for (Queue& qu : queues_) pending = pending || qu.port->RxPending(qu.q);
  if (!pending && !stop_.load(std::memory_order_acquire)) {
    sw_->qs_slot(index_).seen.store(Switch::kOffline, std::memory_order_seq_cst);
    {
      std::lock_guard<std::mutex> lock(stats_mu_);
      sleep_since_ = NowNs();
    }
    epoll_event evs[64];
    const int n = epoll_wait(epfd_, evs, 64, kSleepTimeoutMs);
    {
      // Under the lock with sleep_since_, so a reader never counts this
      // sleep twice or not at all: busy and sleep time only ever grow.
      std::lock_guard<std::mutex> lock(stats_mu_);
      Bump(sleep_ns_, NowNs() - sleep_since_);
      sleep_since_ = 0;
    }
    Bump(wakeups_, 1);
    Online();
    for (int i = 0; i < n; i++) {
      if (evs[i].data.u64 == kCmdTag) {
        uint64_t v;
        (void)!read(cmd_fd_, &v, sizeof v);
      } else if (evs[i].data.u64 < queues_.size()) {
        Queue& qu = queues_[evs[i].data.u64];
        qu.port->RxIrqAck(qu.q);
      }
    }
  }
  for (Queue& qu : queues_) qu.port->RxIrqEnable(qu.q, false);
}

void Worker::FillStats(WorkerStats& s) const {
  s.batches = batches_.load(std::memory_order_relaxed);
  s.frames = frames_total_.load(std::memory_order_relaxed);
  uint64_t now;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    now = NowNs();
    s.sleep_ns = sleep_ns_.load(std::memory_order_relaxed);
    if (sleep_since_) s.sleep_ns += now - sleep_since_;  // the sleep in progress
  }
  const uint64_t alive = start_ns_ ? now - start_ns_ : 0;
  s.busy_ns = alive > s.sleep_ns ? alive - s.sleep_ns : 0;
  s.wakeups = wakeups_.load(std::memory_order_relaxed);
  s.queues = n_queues_.load(std::memory_order_relaxed);
}

}  // namespace msw
