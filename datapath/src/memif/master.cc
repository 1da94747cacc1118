// MemifMaster: the listening sockets, the control thread and teardown.
// The design and the thread rules are in master.h; the wire format and
// the message sequence in protocol.h; the handshake messages are
// handled in handshake.cc.
#include "memif/master.h"

#include "memif/master_util.h"

namespace msw {

MemifMaster::MemifMaster(Switch* sw, std::function<void(const MemifEvent&)> on_event)
    : sw_(sw), on_event_(std::move(on_event)) {}

// Stop() takes every port out; what is left are pre-created interfaces
// holding reserved numbers.
MemifMaster::~MemifMaster() {
  Stop();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& it : interfaces_) sw_->ReleaseIndex(it.second.cfg.port);
  interfaces_.clear();
}

// ---- public API ----

Status MemifMaster::Listen(const MemifListenConfig& cfg) {
  std::lock_guard<std::mutex> lock(cmd_mu_);
  const std::string where = "switch " + sw_->name() + ": memif socket " + cfg.path;
  if (listened_ || stop_) return Status::Error(EALREADY, where + ": master already listened");
  if (cfg.path.empty() || cfg.path.size() > sizeof(sockaddr_un::sun_path) - 2 ||
      cfg.path.find('\0') != std::string::npos)
    return Status::Error(EINVAL, where + ": path must be 1.." +
                                     std::to_string(sizeof(sockaddr_un::sun_path) - 2) + " bytes");
  if (cfg.secret.size() > memif::kSecretSize)
    return Status::Error(EINVAL, where + ": secret longer than 24 bytes");

  // A socket file left by a dead switch is replaced; a live one, or a file
  // of another kind, is not ours to remove.
  struct stat st;
  if (lstat(cfg.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return Status::Error(EEXIST, where + ": exists and is not a socket");
    UniqueFd probe(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_un a;
    const socklen_t len = MakeAddr(cfg.path, false, &a);
    if (connect(probe.fd, reinterpret_cast<sockaddr*>(&a), len) == 0 || errno != ECONNREFUSED)
      return Status::Error(EADDRINUSE, where + ": another process listens on it");
    if (unlink(cfg.path.c_str()) < 0 && errno != ENOENT)
      return Status::Error(errno, ErrnoText(where + ": unlink stale socket", errno));
  }

  UniqueFd fs(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fs.fd < 0) return Status::Error(errno, ErrnoText(where + ": socket", errno));
  sockaddr_un a;
  socklen_t len = MakeAddr(cfg.path, false, &a);
  if (bind(fs.fd, reinterpret_cast<sockaddr*>(&a), len) < 0)
    return Status::Error(errno, ErrnoText(where + ": bind", errno));
  // From here on a failure must not leave our socket file behind.
  auto fail = [&](const std::string& what) {
    const int e = errno;
    unlink(cfg.path.c_str());
    return Status::Error(e, ErrnoText(where + ": " + what, e));
  };
  // Mode before listen(): nobody can connect while it is still wider.
  if (chmod(cfg.path.c_str(), 0660) < 0) return fail("chmod");
  if (stat(cfg.path.c_str(), &st) < 0) return fail("stat");
  if (listen(fs.fd, 128) < 0) return fail("listen");

  UniqueFd ab;
  if (cfg.abstract) {
    ab.fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ab.fd < 0) return fail("socket (abstract)");
    len = MakeAddr(cfg.path, true, &a);
    if (bind(ab.fd, reinterpret_cast<sockaddr*>(&a), len) < 0) return fail("bind (abstract name)");
    if (listen(ab.fd, 128) < 0) return fail("listen (abstract name)");
  }
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  if (ep.fd < 0) return fail("epoll_create1");
  UniqueFd wk(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (wk.fd < 0) return fail("eventfd");
  const int fds[3] = {fs.fd, ab.fd, wk.fd};
  const uint64_t tags[3] = {kTagListen[0], kTagListen[1], kTagWake};
  for (int i = 0; i < 3; i++) {
    if (fds[i] < 0) continue;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tags[i];
    if (epoll_ctl(ep.fd, EPOLL_CTL_ADD, fds[i], &ev) < 0) return fail("epoll_ctl");
  }

  listen_cfg_ = cfg;
  listen_ino_ = st.st_ino;
  listen_dev_ = st.st_dev;
  listen_uid_ = st.st_uid;
  listen_gid_ = st.st_gid;
  listen_fd_[0] = fs.release();
  listen_fd_[1] = ab.release();
  epfd_ = ep.release();
  wake_fd_ = wk.release();
  listened_ = true;
  running_ = true;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

Status MemifMaster::AddInterface(const MemifInterfaceConfig& cfg, uint32_t* port) {
  const std::string where = "switch " + sw_->name() + ": memif id " + std::to_string(cfg.id);
  if (cfg.secret.size() > memif::kSecretSize)
    return Status::Error(EINVAL, where + ": secret longer than 24 bytes");
  if (cfg.worker >= int(sw_->n_workers()))
    return Status::Error(EINVAL, where + ": no worker " + std::to_string(cfg.worker));
  if (cfg.port > MSW_MAX_PORTS)
    return Status::Error(EINVAL, where + ": port number " + std::to_string(cfg.port) +
                                     " is above " + std::to_string(MSW_MAX_PORTS));
  std::lock_guard<std::mutex> lock(mu_);
  if (interfaces_.count(cfg.id)) return Status::Error(EEXIST, where + ": already exists");
  const uint32_t idx = sw_->ReserveIndex(cfg.port);
  if (idx == 0) {
    if (cfg.port) return Status::Error(EEXIST, where + ": port " + std::to_string(cfg.port) + " is taken");
    return Status::Error(ENOSPC, where + ": no free port number");
  }
  Interface& i = interfaces_[cfg.id];
  i.cfg = cfg;
  i.cfg.port = idx;
  if (i.cfg.name.empty()) i.cfg.name = "memif" + std::to_string(cfg.id);
  i.precreated = true;
  *port = idx;
  return Status::Ok();
}

Status MemifMaster::RemoveInterface(uint32_t port) {
  Status st;
  if (!RunOnControlThread([&] { st = DoRemoveInterface(port); })) st = DoRemoveInterface(port);
  return st;
}

// Control thread, or any thread once it is gone (then no client is bound).
Status MemifMaster::DoRemoveInterface(uint32_t port) {
  uint64_t conn = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(interfaces_.begin(), interfaces_.end(),
                           [&](const auto& e) { return e.second.cfg.port == port; });
    if (it == interfaces_.end())
      return Status::Error(ENOENT, "switch " + sw_->name() + ": no memif interface on port " +
                                       std::to_string(port));
    if (it->second.conn == 0) {
      sw_->ReleaseIndex(port);
      interfaces_.erase(it);
      return Status::Ok();
    }
    it->second.removing = true;
    conn = it->second.conn;
  }
  Drop(conn, "interface removed", true);  // releases the number, forgets the interface
  return Status::Ok();
}

void MemifMaster::Snapshot(
    const std::function<void(const std::vector<MemifInterfaceInfo>&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MemifInterfaceInfo> out;
  for (const auto& it : interfaces_) {
    const Interface& i = it.second;
    out.push_back(MemifInterfaceInfo{i.cfg.id, i.cfg.port, i.cfg.name, i.connected, i.client_name,
                                     i.carried});
  }
  fn(out);
}

void MemifMaster::CountUnconnectedDrops(uint32_t port, uint64_t frames) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& it : interfaces_) {
    if (it.second.cfg.port != port) continue;
    it.second.carried.drops[kPortDown] += frames;
    return;
  }
}

std::vector<MemifInterfaceInfo> MemifMaster::Interfaces() const {
  std::vector<MemifInterfaceInfo> out;
  Snapshot([&](const std::vector<MemifInterfaceInfo>& ifs) { out = ifs; });
  return out;
}

bool MemifMaster::Owns(uint32_t port) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& it : interfaces_)
    if (it.second.cfg.port == port) return true;
  return false;
}

void MemifMaster::Stop() {
  {
    std::lock_guard<std::mutex> lock(cmd_mu_);
    stop_ = true;
    if (wake_fd_ >= 0) {
      const uint64_t one = 1;
      (void)!write(wake_fd_, &one, sizeof(one));
    }
    // From on_event: the thread ends after the callback, the destructor joins.
    if (thread_.joinable() && std::this_thread::get_id() == thread_.get_id()) return;
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(cmd_mu_);
  for (int& fd : listen_fd_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  if (epfd_ >= 0) close(epfd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  epfd_ = wake_fd_ = -1;
  // Remove the socket file only if it is still the one we bound.
  struct stat st;
  if (listen_ino_ && stat(listen_cfg_.path.c_str(), &st) == 0 && st.st_ino == listen_ino_ &&
      st.st_dev == listen_dev_)
    unlink(listen_cfg_.path.c_str());
  listen_ino_ = 0;
}

// ---- control thread plumbing ----

bool MemifMaster::RunOnControlThread(const std::function<void()>& fn) {
  std::unique_lock<std::mutex> lock(cmd_mu_);
  if (!running_) return false;
  if (std::this_thread::get_id() == thread_.get_id()) {
    lock.unlock();
    fn();
    return true;
  }
  cmds_.push_back(fn);
  const uint64_t ticket = ++cmds_posted_;
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
  cmd_cv_.wait(lock, [&] { return cmds_done_ >= ticket; });
  return true;
}

void MemifMaster::RunCommands() {
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard<std::mutex> lock(cmd_mu_);
      if (cmds_.empty()) return;
      fn = std::move(cmds_.front());
      cmds_.pop_front();
    }
    fn();
    {
      std::lock_guard<std::mutex> lock(cmd_mu_);
      cmds_done_++;
    }
    cmd_cv_.notify_all();
  }
}

void MemifMaster::Emit(MemifEvent::Type type, uint32_t port, uint32_t id,
                       const std::string& name, const std::string& detail) {
  if (!on_event_) return;
  MemifEvent ev{type, port, id, name, detail};
  on_event_(ev);
}

// The loop: connections, accepts and commands as they come; a tick every
// kTickMs while there is anything to time out or watch.  On stop: no new
// clients, every client out, then whatever commands raced with the stop.
void MemifMaster::Run() {
  epoll_event evs[32];
  for (;;) {
    int timeout = -1;
    if (!conns_.empty() || accept_paused_) {
      const uint64_t now = NowMs();
      timeout = next_tick_ms_ > now ? int(next_tick_ms_ - now) : 0;
    }
    const int n = epoll_wait(epfd_, evs, 32, timeout);
    if (n < 0 && errno != EINTR) break;
    bool stop = false;
    for (int i = 0; i < n; i++) {
      const uint64_t tag = evs[i].data.u64;
      if (tag == kTagWake) {
        uint64_t v;
        (void)!read(wake_fd_, &v, sizeof(v));
        RunCommands();
        std::lock_guard<std::mutex> lock(cmd_mu_);
        stop = stop_;
      } else if (tag == kTagListen[0] || tag == kTagListen[1]) {
        Accept(tag == kTagListen[0] ? 0 : 1);
      } else {
        OnReadable(tag);
      }
    }
    if (stop) break;
    const uint64_t now = NowMs();
    if (now >= next_tick_ms_) {
      Tick();
      next_tick_ms_ = now + kTickMs;
    }
  }
  for (int fd : listen_fd_)
    if (fd >= 0) epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  while (!conns_.empty()) Drop(conns_.begin()->first, "switch shutting down", true);
  {
    std::lock_guard<std::mutex> lock(cmd_mu_);
    running_ = false;
  }
  RunCommands();
}

void MemifMaster::SetAcceptPaused(bool paused) {
  for (int i = 0; i < 2; i++) {
    if (listen_fd_[i] < 0) continue;
    epoll_event ev{};
    ev.events = paused ? 0u : uint32_t{EPOLLIN};
    ev.data.u64 = kTagListen[i];
    epoll_ctl(epfd_, EPOLL_CTL_MOD, listen_fd_[i], &ev);
  }
  accept_paused_ = paused;
}

// Accepts pending clients on listener 'which' (0 file, 1 abstract) and
// greets each with HELLO.  Out of fds, the listeners are paused until the
// next tick (else level-triggered epoll would spin on them); past
// kMaxHandshakes, newcomers are turned away, and so are abstract-name
// peers the socket file's mode would not admit.
void MemifMaster::Accept(int which) {
  for (int k = 0; k < 16; k++) {
    const int fd = accept4(listen_fd_[which], nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        SetAcceptPaused(true);
      return;
    }
    const size_t handshakes = std::count_if(conns_.begin(), conns_.end(), [](const auto& e) {
      return e.second->state != Connection::kConnected;
    });
    const char* refusal = nullptr;
    if (handshakes >= kMaxHandshakes) refusal = "too many handshakes in progress";
    else if (which == 1 && !PeerAllowed(fd, listen_uid_, listen_gid_)) refusal = "permission denied";
    if (refusal) {
      Msg m = MakeMsg(memif::kMsgDisconnect);
      PutString(m.disconnect.string, sizeof(m.disconnect.string), refusal);
      SendMsg(fd, m);
      close(fd);
      Emit(MemifEvent::kRefused, 0, 0, "", refusal);
      continue;
    }
    auto c = std::make_unique<Connection>();
    c->serial = next_serial_++;
    c->fd = fd;
    c->deadline_ms = NowMs() + kHandshakeTimeoutMs;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->serial;
    Msg hello = MakeMsg(memif::kMsgHello);
    PutString(hello.hello.name, memif::kNameSize, "mswitch");
    hello.hello.min_version = memif::kVersion;
    hello.hello.max_version = memif::kVersion;
    hello.hello.max_region = memif::kMaxRegions - 1;
    hello.hello.max_m2s_ring = memif::kMaxRingsPerDir - 1;
    hello.hello.max_s2m_ring = memif::kMaxRingsPerDir - 1;
    hello.hello.max_log2_ring_size = memif::kMaxLog2RingSize;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0 || !SendMsg(fd, hello)) {
      close(fd);
      continue;
    }
    conns_[c->serial] = std::move(c);
  }
}

// Reads and handles messages until the socket is empty (or kMsgsPerWake,
// for fairness; level-triggered epoll brings us back).
void MemifMaster::OnReadable(uint64_t serial) {
  for (int k = 0; k < kMsgsPerWake; k++) {
    auto it = conns_.find(serial);
    if (it == conns_.end()) return;  // a stale event for a dropped one
    Connection& c = *it->second;
    Msg msg = MakeMsg(memif::kMsgNone);
    iovec iov = {&msg, sizeof(msg)};
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int) * kMaxFdsPerMsg)];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof(ctl);
    const ssize_t n = recvmsg(c.fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      Drop(serial, ErrnoText("receive", errno), false);
      return;
    }
    FdList fds;
    fds.Collect(mh);
    if (n == 0) {
      Drop(serial, "client closed the connection", false);
      return;
    }
    if ((mh.msg_flags & MSG_TRUNC) || size_t(n) != memif::kMsgSize) {
      Drop(serial, "message of " + std::string(mh.msg_flags & MSG_TRUNC ? "over " : "") +
                       std::to_string(n) + " bytes, memif messages are 128", true);
      return;
    }
    if (mh.msg_flags & MSG_CTRUNC) {
      Drop(serial, "too many fds with one message", true);
      return;
    }
    if (msg.type == memif::kMsgDisconnect) {
      Drop(serial, "client disconnected: " +
                       ClientString(msg.disconnect.string, sizeof(msg.disconnect.string)), false);
      return;
    }
    Status st = Handle(c, msg, fds);
    if (!st.ok()) {
      Drop(serial, st.message, true);
      return;
    }
  }
}

// Ends connection 'serial': tells the client why (if 'tell_client'),
// closes it, takes its port out of the switch (Disconnect first, so no
// worker is stuck in a kick and the grace period ends), frees what it
// shared, updates or forgets its interface and reports the event.
void MemifMaster::Drop(uint64_t serial, const std::string& reason, bool tell_client) {
  auto it = conns_.find(serial);
  if (it == conns_.end()) return;
  std::unique_ptr<Connection> c = std::move(it->second);
  conns_.erase(it);
  if (tell_client) {
    Msg m = MakeMsg(memif::kMsgDisconnect);
    PutString(m.disconnect.string, sizeof(m.disconnect.string), reason);
    SendMsg(c->fd, m);
  }
  close(c->fd);  // also leaves the epoll set

  uint32_t port = 0;
  std::string name;
  bool forget = false;  // auto-created, or being removed: no number kept
  if (c->bound) {
    std::lock_guard<std::mutex> lock(mu_);
    auto i = interfaces_.find(c->id);
    if (i != interfaces_.end() && i->second.conn == serial) {
      port = i->second.cfg.port;
      name = i->second.cfg.name;
      forget = !i->second.precreated || i->second.removing;
    }
  }
  const bool was_up = c->port != nullptr;
  if (c->port) {
    c->port->Disconnect();
    std::unique_ptr<Port> p;
    {
      // One step under mu_: a Snapshot sees the port in the switch or its
      // final counts carried by the interface, never neither.
      std::lock_guard<std::mutex> lock(mu_);
      p = sw_->RemovePort(port, forget);
      auto i = interfaces_.find(c->id);
      if (p && !forget && i != interfaces_.end() && i->second.conn == serial)
        i->second.carried += p->Stats();  // final: no worker touches it any more
    }
    p.reset();  // unmaps the regions, closes the ring eventfds
    c->port = nullptr;
  } else if (c->bound && forget && port) {
    sw_->ReleaseIndex(port);
  }
  if (c->bound) {
    std::lock_guard<std::mutex> lock(mu_);
    auto i = interfaces_.find(c->id);
    if (i != interfaces_.end() && i->second.conn == serial) {
      if (forget) {
        interfaces_.erase(i);
      } else {
        i->second.conn = 0;
        i->second.connected = false;
        i->second.client_name.clear();
      }
    }
  }
  if (was_up) Emit(MemifEvent::kDown, port, c->id, name, reason);
  else if (tell_client || c->bound) Emit(MemifEvent::kRefused, port, c->id, name, reason);
}

// Handshake deadlines, the kick watchdog, and resuming paused listeners.
void MemifMaster::Tick() {
  const uint64_t now = NowMs();
  std::vector<std::pair<uint64_t, const char*>> drops;
  for (auto& e : conns_) {
    Connection& c = *e.second;
    if (c.state != Connection::kConnected) {
      if (now >= c.deadline_ms) drops.emplace_back(e.first, "handshake timed out");
    } else if (c.port->KickStalled(kStallTicks)) {
      drops.emplace_back(e.first, "client blocked its M2S interrupt eventfd");
    }
  }
  for (auto& d : drops) Drop(d.first, d.second, true);
  if (accept_paused_) SetAcceptPaused(false);
}

// ---- the handshake ----

}  // namespace msw
