// MemifClient: configuration, shared memory, the handshake, the control
// channel after it, and teardown.  The data path is in client_rings.cc.
//
// Design
//   Connect() is a straight line: validate the configuration, connect the
//   SOCK_SEQPACKET socket, read HELLO, create the region, then send INIT,
//   ADD_REGION, ADD_RING... and CONNECT, each followed by a wait for the
//   master's answer.  Waiting for every ACK (as libmemif does; DPDK's
//   client sends everything at once) means a refusal names the message it
//   answered.  The socket is non-blocking throughout; every wait is a
//   poll() against one deadline, so a silent master costs at most
//   'timeout_ms'.
//
//   After CONNECTED the control socket carries only DISCONNECT (either
//   way).  Nobody reads it in the background: Connected() and WaitRx()
//   drain it without blocking, under 'control_mu_', and the first
//   DISCONNECT, EOF or malformed message ends the connection for good.
//   The fd itself stays open until Close() so that a thread polling it in
//   WaitRx never sees it reused.
//
// Invariants
//   - Everything Connect() created is released by the destructor, whatever
//     step failed (the object is built first and owns each resource as soon
//     as it exists).
//   - 'connected_' goes true once, after the rings were reset and the M2S
//     buffers offered, and false once.
#include "mswitch/memif_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "memif/client_queue.h"
#include "memif/protocol.h"

namespace msw {
namespace {

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

std::string Errno(const char* what) {
  return std::string(what) + ": " + strerror(errno);
}

// Copies 's' into a fixed, NUL-padded wire field of 'n' bytes.
void PutString(uint8_t* field, size_t n, const std::string& s) {
  memset(field, 0, n);
  memcpy(field, s.data(), std::min(n, s.size()));
}

// Reads a wire string field that may lack its NUL.
std::string GetString(const uint8_t* field, size_t n) {
  const char* p = reinterpret_cast<const char*>(field);
  return std::string(p, strnlen(p, n));
}

const char* MsgName(uint16_t type) {
  switch (type) {
    case memif::kMsgAck: return "ACK";
    case memif::kMsgHello: return "HELLO";
    case memif::kMsgInit: return "INIT";
    case memif::kMsgAddRegion: return "ADD_REGION";
    case memif::kMsgAddRing: return "ADD_RING";
    case memif::kMsgConnect: return "CONNECT";
    case memif::kMsgConnected: return "CONNECTED";
    case memif::kMsgDisconnect: return "DISCONNECT";
    default: return "unknown";
  }
}

// Sends one 128-byte message, with 'fd' in SCM_RIGHTS when >= 0, waiting
// for room until 'deadline_ms' (a negative deadline: don't wait at all).
bool SendMsg(int sock, const memif::Msg& msg, int fd, int64_t deadline_ms,
             std::string* err) {
  iovec iov{const_cast<memif::Msg*>(&msg), sizeof(msg)};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  if (fd >= 0) {
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof(ctl);
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  for (;;) {
    ssize_t r = sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r == static_cast<ssize_t>(sizeof(msg))) return true;
    if (r >= 0) {
      *err = "short send of " + std::string(MsgName(msg.type));
      return false;
    }
    if (errno == EINTR) continue;
    int64_t left = deadline_ms - NowMs();
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || left <= 0) {
      *err = Errno((std::string("sending ") + MsgName(msg.type)).c_str());
      return false;
    }
    pollfd p{sock, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(left));
  }
}

// Receives one message.  Returns 1 on a message, 0 when none is ready by
// 'deadline_ms' (negative: don't wait), -1 on EOF, error or a malformed
// message ('*err' says which).  fds a master should never send are closed.
int RecvMsg(int sock, memif::Msg* msg, int64_t deadline_ms, std::string* err) {
  for (;;) {
    iovec iov{msg, sizeof(*msg)};
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int) * 4)];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof(ctl);
    ssize_t r = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (r >= 0) {
      for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
          int fd;
          memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
          close(fd);
        }
      }
    }
    if (r == static_cast<ssize_t>(sizeof(*msg))) return 1;
    if (r == 0) {
      *err = "master closed the connection";
      return -1;
    }
    if (r > 0) {
      *err = "master sent a " + std::to_string(r) + "-byte message (want 128)";
      return -1;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      *err = Errno("control socket");
      return -1;
    }
    int64_t left = deadline_ms - NowMs();
    if (left <= 0) return 0;
    pollfd p{sock, POLLIN, 0};
    poll(&p, 1, static_cast<int>(left));
  }
}

// Turns a received DISCONNECT into the text callers see.
std::string DisconnectText(const memif::Msg& msg) {
  return "master disconnected: " +
         GetString(msg.disconnect.string, sizeof(msg.disconnect.string)) +
         " (code " + std::to_string(msg.disconnect.code) + ")";
}

bool ValidateConfig(const MemifClientConfig& c, std::string* err) {
  size_t max_path = sizeof(sockaddr_un::sun_path) - 1;  // NUL, or the '\0' prefix
  if (c.socket.empty()) {
    *err = "no socket path given";
  } else if (c.socket.size() > max_path) {
    *err = "socket path longer than " + std::to_string(max_path) + " bytes";
  } else if (c.queues < 1 || c.queues > memif::kMaxRingsPerDir) {
    *err = "queues must be 1.." + std::to_string(memif::kMaxRingsPerDir);
  } else if (c.ring_size < 2 || c.ring_size > (1u << memif::kMaxLog2RingSize) ||
             (c.ring_size & (c.ring_size - 1)) != 0) {
    *err = "ring size must be a power of two in 2.." +
           std::to_string(1u << memif::kMaxLog2RingSize);
  } else if (c.buffer_size < 2048 || c.buffer_size > kMemifMaxFrame) {
    *err = "buffer size must be 2048..65535";
  } else if (c.secret.size() > memif::kSecretSize) {
    *err = "secret longer than 24 bytes";
  } else if (c.name.size() >= memif::kNameSize) {
    *err = "name longer than 31 bytes";
  } else if (c.timeout_ms <= 0) {
    *err = "timeout must be positive";
  } else {
    return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<MemifClient> MemifClient::Connect(const MemifClientConfig& cfg,
                                                  std::string* err) {
  std::string e;
  std::unique_ptr<MemifClient> c(new MemifClient());
  c->socket_label_ = (cfg.abstract ? "@" : "") + cfg.socket;
  if (!ValidateConfig(cfg, &e) || !c->Setup(cfg, &e)) {
    if (err) *err = "memif client " + c->socket_label_ + ": " + e;
    return nullptr;
  }
  return c;
}

// Connects the socket and runs the handshake; on failure the caller's
// unique_ptr releases whatever was built.
bool MemifClient::Setup(const MemifClientConfig& cfg, std::string* err) {
  int64_t deadline = NowMs() + cfg.timeout_ms;
  control_fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (control_fd_ < 0) {
    *err = Errno("socket");
    return false;
  }
  // The abstract name is "\0" + path with no trailing NUL, its length
  // carried by the address length: what DPDK binds and connects to.
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  socklen_t len;
  if (cfg.abstract) {
    memcpy(sun.sun_path + 1, cfg.socket.data(), cfg.socket.size());
    len = offsetof(sockaddr_un, sun_path) + 1 + cfg.socket.size();
  } else {
    memcpy(sun.sun_path, cfg.socket.data(), cfg.socket.size());
    len = sizeof(sun);
  }
  // A full listen backlog makes a non-blocking unix connect fail with
  // EAGAIN rather than wait: retry until the deadline.
  while (connect(control_fd_, reinterpret_cast<sockaddr*>(&sun), len) < 0) {
    if (errno == EINTR) continue;
    if (errno != EAGAIN || NowMs() >= deadline) {
      *err = Errno("connect");
      return false;
    }
    usleep(5000);
  }
  return Handshake(cfg, deadline, err);
}

// Lays out the one region: rings first (S2M then M2S, ring i of a
// direction at index i), then each ring's buffers in the same order.
bool MemifClient::CreateRegion(std::string* err) {
  const uint64_t ring_bytes = memif::RingBytes(log2_ring_size_);
  const uint64_t rings = 2ull * queues_;
  buffers_offset_ = rings * ring_bytes;
  region_size_ = buffers_offset_ + rings * ring_size_ * uint64_t{buffer_size_};
  if (region_size_ > UINT32_MAX) {  // descriptor offsets are 32-bit
    *err = "region of " + std::to_string(region_size_) +
           " bytes exceeds 4 GiB: fewer queues, smaller rings or buffers";
    return false;
  }
  region_fd_ = memfd_create("memif_region_0", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (region_fd_ < 0) {
    *err = Errno("memfd_create");
    return false;
  }
  if (fcntl(region_fd_, F_ADD_SEALS, F_SEAL_SHRINK) < 0 ||
      ftruncate(region_fd_, static_cast<off_t>(region_size_)) < 0 ||
      fcntl(region_fd_, F_ADD_SEALS, F_SEAL_GROW) < 0) {
    *err = Errno("sizing and sealing the region memfd");
    return false;
  }
  void* p = mmap(nullptr, region_size_, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, region_fd_, 0);
  if (p == MAP_FAILED) {
    *err = Errno("mmap of the region");
    return false;
  }
  base_ = static_cast<uint8_t*>(p);

  for (uint32_t i = 0; i < queues_; i++) {
    auto q = std::make_unique<Queue>();
    q->s2m = reinterpret_cast<memif::Ring*>(base_ + i * ring_bytes);
    q->m2s = reinterpret_cast<memif::Ring*>(base_ + (queues_ + i) * ring_bytes);
    q->s2m_buf0 = static_cast<uint32_t>(
        buffers_offset_ + uint64_t{i} * ring_size_ * buffer_size_);
    q->m2s_buf0 = static_cast<uint32_t>(
        buffers_offset_ + uint64_t{queues_ + i} * ring_size_ * buffer_size_);
    q->s2m_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    q->m2s_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    q->scratch.resize(kMemifMaxFrame);
    q_.push_back(std::move(q));
    if (q_.back()->s2m_fd < 0 || q_.back()->m2s_fd < 0) {
      *err = Errno("eventfd");
      return false;
    }
    // Rings as DPDK's memif_init_rings leaves them: cookie, no flags,
    // indices 0, every descriptor pointing at its slot's buffer.
    for (int dir = 0; dir < 2; dir++) {
      memif::Ring* r = dir == 0 ? q_.back()->s2m : q_.back()->m2s;
      uint32_t buf0 = dir == 0 ? q_.back()->s2m_buf0 : q_.back()->m2s_buf0;
      r->cookie = memif::kCookie;
      r->flags = 0;
      r->head = 0;
      r->tail = 0;
      for (uint32_t s = 0; s < ring_size_; s++) {
        r->desc[s] = memif::Desc{0, 0, buffer_size_, buf0 + s * buffer_size_, 0};
      }
    }
  }
  return true;
}

bool MemifClient::Handshake(const MemifClientConfig& cfg, int64_t deadline,
                            std::string* err) {
  memif::Msg msg{};
  std::string e;
  // Waits for the message of type 'want' answering 'step'.
  auto expect = [&](uint16_t want, const char* step) {
    int r = RecvMsg(control_fd_, &msg, deadline, &e);
    if (r == 0) e = "no answer from the master within the timeout";
    if (r == 1 && msg.type == memif::kMsgDisconnect) e = DisconnectText(msg);
    if (r == 1 && msg.type == want) return true;
    if (r == 1 && msg.type != memif::kMsgDisconnect) {
      e = std::string("unexpected ") + MsgName(msg.type) + " message";
      memif::Msg d{};
      d.type = memif::kMsgDisconnect;
      PutString(d.disconnect.string, sizeof(d.disconnect.string), "Unexpected message");
      std::string ignored;
      SendMsg(control_fd_, d, -1, -1, &ignored);
    }
    *err = std::string(step) + ": " + e;
    return false;
  };
  auto send = [&](int fd, const char* step) {
    if (SendMsg(control_fd_, msg, fd, deadline, &e)) return true;
    *err = std::string(step) + ": " + e;
    return false;
  };

  // HELLO: the master's version range and limits.  Like DPDK's client,
  // take the smaller of what we asked for and what the master allows.
  if (!expect(memif::kMsgHello, "waiting for HELLO")) return false;
  const memif::MsgHello h = msg.hello;
  peer_name_ = GetString(h.name, sizeof(h.name));
  if (h.min_version > memif::kVersion || h.max_version < memif::kVersion) {
    memif::Msg d{};
    d.type = memif::kMsgDisconnect;
    PutString(d.disconnect.string, sizeof(d.disconnect.string), "Incompatible memif version");
    SendMsg(control_fd_, d, -1, -1, &e);
    *err = "HELLO: master speaks memif versions " + std::to_string(h.min_version >> 8) +
           "." + std::to_string(h.min_version & 0xff) + ".." +
           std::to_string(h.max_version >> 8) + "." + std::to_string(h.max_version & 0xff) +
           ", we speak 2.0";
    return false;
  }
  queues_ = std::min<uint32_t>({cfg.queues, h.max_s2m_ring + 1u, h.max_m2s_ring + 1u});
  uint32_t log2 = 0;
  while ((1u << log2) < cfg.ring_size) log2++;
  log2_ring_size_ = std::min<uint32_t>(log2, h.max_log2_ring_size);
  ring_size_ = 1u << log2_ring_size_;
  buffer_size_ = cfg.buffer_size;
  if (!CreateRegion(err)) return false;

  msg = memif::Msg{};
  msg.type = memif::kMsgInit;
  msg.init.version = memif::kVersion;
  msg.init.id = cfg.id;
  msg.init.mode = memif::kModeEthernet;
  PutString(msg.init.secret, sizeof(msg.init.secret), cfg.secret);
  PutString(msg.init.name, sizeof(msg.init.name), cfg.name);
  if (!send(-1, "INIT") || !expect(memif::kMsgAck, "INIT")) return false;

  msg = memif::Msg{};
  msg.type = memif::kMsgAddRegion;
  msg.add_region.index = 0;
  msg.add_region.size = region_size_;
  if (!send(region_fd_, "ADD_REGION") || !expect(memif::kMsgAck, "ADD_REGION")) {
    return false;
  }

  // S2M rings first, then M2S, as DPDK's client adds them.
  for (int dir = 0; dir < 2; dir++) {
    for (uint32_t i = 0; i < queues_; i++) {
      const Queue& q = *q_[i];
      const memif::Ring* r = dir == 0 ? q.s2m : q.m2s;
      msg = memif::Msg{};
      msg.type = memif::kMsgAddRing;
      msg.add_ring.flags = dir == 0 ? memif::kAddRingFlagS2M : 0;
      msg.add_ring.index = static_cast<uint16_t>(i);
      msg.add_ring.region = 0;
      msg.add_ring.offset = static_cast<uint32_t>(
          reinterpret_cast<const uint8_t*>(r) - base_);
      msg.add_ring.log2_ring_size = static_cast<uint8_t>(log2_ring_size_);
      msg.add_ring.private_hdr_size = 0;
      std::string step = std::string("ADD_RING ") + (dir == 0 ? "S2M " : "M2S ") +
                         std::to_string(i);
      if (!send(dir == 0 ? q.s2m_fd : q.m2s_fd, step.c_str()) ||
          !expect(memif::kMsgAck, step.c_str())) {
        return false;
      }
    }
  }

  msg = memif::Msg{};
  msg.type = memif::kMsgConnect;
  PutString(msg.connect.if_name, sizeof(msg.connect.if_name), cfg.name);
  if (!send(-1, "CONNECT") || !expect(memif::kMsgConnected, "CONNECT")) return false;
  peer_if_ = GetString(msg.connected.if_name, sizeof(msg.connected.if_name));

  ResetRingsOnConnected();
  connected_.store(true, std::memory_order_release);
  return true;
}

// What DPDK's memif_connect does on the client side when CONNECTED
// arrives: indices back to 0, and the rings we read put in polling mode.
// The S2M rings' flags belong to the master (it may already have masked
// them) and are left alone.  Then all M2S buffers are offered at once.
void MemifClient::ResetRingsOnConnected() {
  for (auto& q : q_) {
    MemifStoreRelaxed(&q->s2m->head, 0);
    MemifStoreRelaxed(&q->s2m->tail, 0);
    MemifStoreRelaxed(&q->m2s->head, 0);
    MemifStoreRelaxed(&q->m2s->tail, 0);
    __atomic_store_n(&q->m2s->flags, memif::kRingFlagMaskInt, __ATOMIC_RELAXED);
    q->last_tail = 0;
    Refill(q.get(), 0);  // head = ring size: every buffer offered
  }
}

bool MemifClient::Connected() {
  if (!connected_.load(std::memory_order_acquire)) return false;
  std::lock_guard<std::mutex> lock(control_mu_);
  return ProcessControl();
}

std::string MemifClient::DisconnectReason() const {
  std::lock_guard<std::mutex> lock(control_mu_);
  return disconnect_reason_;
}

// Drains the control socket without blocking.  After CONNECTED only a
// DISCONNECT is meaningful; anything else well-formed is ignored, and a
// malformed message or a closed socket ends the connection.
bool MemifClient::ProcessControl() {
  if (!connected_.load(std::memory_order_relaxed)) return false;
  memif::Msg msg;
  std::string e;
  for (;;) {
    int r = RecvMsg(control_fd_, &msg, -1, &e);
    if (r == 0) return true;
    if (r < 0) {
      MarkDisconnected(e);
      return false;
    }
    if (msg.type == memif::kMsgDisconnect) {
      MarkDisconnected(DisconnectText(msg));
      return false;
    }
  }
}

void MemifClient::MarkDisconnected(const std::string& reason) {
  disconnect_reason_ = reason;
  connected_.store(false, std::memory_order_release);
}

void MemifClient::Close(const std::string& reason) {
  std::lock_guard<std::mutex> lock(control_mu_);
  if (control_fd_ < 0) return;
  if (connected_.load(std::memory_order_relaxed)) {
    memif::Msg d{};
    d.type = memif::kMsgDisconnect;
    PutString(d.disconnect.string, sizeof(d.disconnect.string), reason);
    std::string ignored;
    SendMsg(control_fd_, d, -1, -1, &ignored);
    MarkDisconnected("closed by the client: " + reason);
  }
  close(control_fd_);
  control_fd_ = -1;
}

MemifClient::~MemifClient() {
  Close();
  for (auto& q : q_) {
    if (q->s2m_fd >= 0) close(q->s2m_fd);
    if (q->m2s_fd >= 0) close(q->m2s_fd);
  }
  if (base_) munmap(base_, region_size_);
  if (region_fd_ >= 0) close(region_fd_);
}

MemifClientStats MemifClient::Stats(uint32_t q) const {
  MemifClientStats s;
  if (q >= q_.size()) return s;
  const Queue& x = *q_[q];
  s.tx_packets = x.tx_packets.Get();
  s.tx_bytes = x.tx_bytes.Get();
  s.tx_invalid = x.tx_invalid.Get();
  s.tx_kicks = x.tx_kicks.Get();
  s.rx_packets = x.rx_packets.Get();
  s.rx_bytes = x.rx_bytes.Get();
  s.rx_errors = x.rx_errors.Get();
  s.rx_wakeups = x.rx_wakeups.Get();
  return s;
}

memif::Ring* MemifClient::S2mRing(uint32_t q) { return q_.at(q)->s2m; }
memif::Ring* MemifClient::M2sRing(uint32_t q) { return q_.at(q)->m2s; }
int MemifClient::RxFd(uint32_t q) const { return q_.at(q)->m2s_fd; }
int MemifClient::TxFd(uint32_t q) const { return q_.at(q)->s2m_fd; }

uint32_t MemifClient::BufferOffset(uint32_t q, bool s2m, uint32_t slot) const {
  const Queue& x = *q_.at(q);
  return (s2m ? x.s2m_buf0 : x.m2s_buf0) + (slot & (ring_size_ - 1)) * buffer_size_;
}

}  // namespace msw
