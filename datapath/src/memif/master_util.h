// Helpers shared by the memif master's two files (master.cc: sockets,
// the control thread and teardown; handshake.cc: the messages), and the
// FdList that guards the fds a client sends.  Internal to the master.
#ifndef MSWITCH_MEMIF_MASTER_UTIL_H_
#define MSWITCH_MEMIF_MASTER_UTIL_H_

#include "memif/master.h"


#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>


namespace msw {
namespace master_util {

using memif::Msg;


constexpr uint64_t kTagListen[2] = {1, 2};  // filesystem, abstract
constexpr uint64_t kTagWake = 3;
constexpr int kMaxFdsPerMsg = 4;
constexpr int kMsgsPerWake = 64;  // then let other connections run

inline uint64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

inline std::string ErrnoText(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

// A string field a client sent: up to its first NUL, never past 'n' bytes,
// anything unprintable replaced (it ends up in events and logs).
inline std::string ClientString(const uint8_t* p, size_t n) {
  std::string s;
  for (size_t i = 0; i < n && p[i]; i++) s += (p[i] >= 0x20 && p[i] < 0x7f) ? char(p[i]) : '?';
  return s;
}

// NUL-padded copy of 's' into a fixed field, always NUL-terminated.
inline void PutString(uint8_t* dst, size_t n, const std::string& s) {
  std::memset(dst, 0, n);
  std::memcpy(dst, s.data(), std::min(s.size(), n - 1));
}

inline bool SendMsg(int fd, const Msg& m) {
  return send(fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL) == ssize_t(sizeof(m));
}

inline Msg MakeMsg(uint16_t type) {
  Msg m;
  std::memset(&m, 0, sizeof(m));
  m.type = type;
  return m;
}

// Eventfds are anonymous inodes; /proc names them.
inline bool IsEventFd(int fd) {
  char path[64], target[64];
  std::snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(path, target, sizeof(target) - 1);
  if (n < 0) return false;
  target[n] = '\0';
  return std::strcmp(target, "anon_inode:[eventfd]") == 0;
}

// Compares the configured secret with the client's field in constant time
// (the client's field is read up to its NUL, as DPDK's server does).
inline bool SecretMatches(const std::string& want, const uint8_t* got) {
  uint8_t a[memif::kSecretSize] = {}, b[memif::kSecretSize] = {};
  std::memcpy(a, want.data(), std::min(want.size(), memif::kSecretSize));
  for (size_t i = 0; i < memif::kSecretSize && got[i]; i++) b[i] = got[i];
  uint8_t diff = 0;
  for (size_t i = 0; i < memif::kSecretSize; i++) diff |= a[i] ^ b[i];
  return diff == 0;
}

inline socklen_t MakeAddr(const std::string& path, bool abstract, sockaddr_un* a) {
  std::memset(a, 0, sizeof(*a));
  a->sun_family = AF_UNIX;
  if (!abstract) {
    std::memcpy(a->sun_path, path.data(), path.size());
    return socklen_t(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  }
  // DPDK's length: the leading NUL and the name, no terminator.
  std::memcpy(a->sun_path + 1, path.data(), path.size());
  return socklen_t(offsetof(sockaddr_un, sun_path) + 1 + path.size());
}

// Whether the peer on 'fd' could have opened a socket file owned by
// 'owner':'group' with mode 0660: root, the owner, or the group as its
// primary or a supplementary group (/proc names those).
inline bool PeerAllowed(int fd, uid_t owner, gid_t group) {
  ucred cr;
  socklen_t len = sizeof(cr);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) return false;
  if (cr.uid == 0 || cr.uid == owner || cr.gid == group) return true;
  std::ifstream status("/proc/" + std::to_string(cr.pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.compare(0, 7, "Groups:") != 0) continue;
    std::istringstream groups(line.substr(7));
    for (unsigned long g; groups >> g;)
      if (gid_t(g) == group) return true;
  }
  return false;
}

struct UniqueFd {
  int fd = -1;
  explicit UniqueFd(int f = -1) : fd(f) {}
  ~UniqueFd() { if (fd >= 0) close(fd); }
  int release() { int f = fd; fd = -1; return f; }
};


}  // namespace master_util

using namespace master_util;  // NOLINT: internal header of two files

// The fds that came with one message.  Whatever a handler does not take is
// closed, so a client cannot leak fds into the switch.
class MemifMaster::FdList {
 public:
  ~FdList() {
    for (int i = 0; i < n; i++)
      if (fds[i] >= 0) close(fds[i]);
  }
  void Collect(msghdr& mh) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < k; i++) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        if (n < kMaxFdsPerMsg) fds[n++] = fd;
        else close(fd);
      }
    }
  }
  int Take() {  // the single fd of ADD_REGION / ADD_RING
    const int fd = fds[0];
    fds[0] = -1;
    return fd;
  }
  int n = 0;
  int fds[kMaxFdsPerMsg];
};

}  // namespace msw

#endif  // MSWITCH_MEMIF_MASTER_UTIL_H_
