// NetlinkMonitor: see netlink_monitor.h for the design.
#include "ports/netlink_monitor.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace msw {

namespace {

constexpr size_t kRecvBytes = 32768;
constexpr int kQueryTimeoutMs = 2000;
// IFF_LOWER_UP (carrier) from linux/if.h, which cannot be included beside
// net/if.h; the value is the kernel's ABI.
constexpr uint32_t kIffLowerUp = 1u << 16;

Status Errno(const std::string& what) {
  const int e = errno;
  return Status::Error(e ? e : EIO, "netlink monitor: " + what + ": " + std::strerror(e));
}

// Reduces one RTM_NEWLINK/RTM_DELLINK to 'out'; false for anything else.
bool ParseLink(const nlmsghdr* h, LinkState* out) {
  if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) return false;
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return false;
  const auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
  LinkState s;
  s.ifindex = ifi->ifi_index;
  s.flags = ifi->ifi_flags;
  s.deleted = h->nlmsg_type == RTM_DELLINK;
  s.up = !s.deleted && (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & kIffLowerUp);
  int len = int(h->nlmsg_len - NLMSG_LENGTH(sizeof(ifinfomsg)));
  for (const rtattr* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    const size_t plen = RTA_PAYLOAD(a);
    if (a->rta_type == IFLA_IFNAME && plen > 0) {
      const char* name = static_cast<const char*>(RTA_DATA(a));
      s.ifname.assign(name, strnlen(name, plen));
    } else if (a->rta_type == IFLA_MTU && plen >= sizeof(uint32_t)) {
      std::memcpy(&s.mtu, RTA_DATA(a), sizeof(uint32_t));
    }
  }
  *out = s;
  return true;
}

}  // namespace

std::unique_ptr<NetlinkMonitor> NetlinkMonitor::Start(Handler handler, Status* status) {
  std::unique_ptr<NetlinkMonitor> m(new NetlinkMonitor(std::move(handler)));
  auto fail = [&](Status st) {
    if (status) *status = st;
    return nullptr;
  };
  m->fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (m->fd_ < 0) return fail(Errno("socket(NETLINK_ROUTE)"));
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK;
  if (bind(m->fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0)
    return fail(Errno("bind RTMGRP_LINK"));
  // Room for a burst (a veth pair deleted with its namespace, ...).
  const int rcvbuf = 1 << 20;
  setsockopt(m->fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  m->stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (m->stop_fd_ < 0) return fail(Errno("eventfd"));
  NetlinkMonitor* raw = m.get();
  m->thread_ = std::thread([raw] { raw->Run(); });
  if (status) *status = Status::Ok();
  return m;
}

NetlinkMonitor::~NetlinkMonitor() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (fd_ >= 0) close(fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

// One RTM_GETLINK for 'ifindex' on a socket of its own, so the reply
// never mixes with notifications.
Status NetlinkMonitor::Query(int ifindex, LinkState* out) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return Errno("socket(NETLINK_ROUTE) for RTM_GETLINK");
  timeval tv{kQueryTimeoutMs / 1000, (kQueryTimeoutMs % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct {
    nlmsghdr h;
    ifinfomsg ifi;
  } req{};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.h.nlmsg_seq = 1;
  req.ifi.ifi_family = AF_UNSPEC;
  req.ifi.ifi_index = ifindex;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  Status st = Status::Error(EIO, "netlink monitor: no RTM_GETLINK reply for ifindex " + std::to_string(ifindex));
  if (sendto(fd, &req, req.h.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    st = Errno("send RTM_GETLINK");
  } else {
    std::vector<uint8_t> buf(kRecvBytes);
    const ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) st = Errno("recv RTM_GETLINK reply");
    int len = int(n > 0 ? n : 0);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        const int code = e->error ? -e->error : EIO;
        st = Status::Error(code, "netlink monitor: no interface with ifindex " + std::to_string(ifindex) +
                                     ": " + std::strerror(code));
        break;
      }
      if (ParseLink(h, out) && out->ifindex == ifindex) {
        st = Status::Ok();
        break;
      }
    }
  }
  close(fd);
  return st;
}

Status NetlinkMonitor::Watch(int ifindex) {
  std::lock_guard<std::mutex> lock(mu_);
  LinkState s;
  Status st = Query(ifindex, &s);
  if (!st.ok()) return st;
  watched_.erase(std::remove_if(watched_.begin(), watched_.end(),
                                [&](const Watched& w) { return w.ifindex == ifindex; }),
                 watched_.end());
  watched_.push_back(Watched{ifindex, s.up, s.mtu});
  handler_(s);
  return Status::Ok();
}

void NetlinkMonitor::Unwatch(int ifindex) {
  std::lock_guard<std::mutex> lock(mu_);
  watched_.erase(std::remove_if(watched_.begin(), watched_.end(),
                                [&](const Watched& w) { return w.ifindex == ifindex; }),
                 watched_.end());
}

// mu_ held.  Passes on changes of watched interfaces only: the kernel
// also sends RTM_NEWLINK for changes we do not care about (promiscuity,
// statistics-free attribute updates).
void NetlinkMonitor::Report(const LinkState& s) {
  auto it = std::find_if(watched_.begin(), watched_.end(),
                         [&](const Watched& w) { return w.ifindex == s.ifindex; });
  if (it == watched_.end()) return;
  if (s.deleted) {
    watched_.erase(it);
    handler_(s);
    return;
  }
  if (it->up == s.up && (s.mtu == 0 || it->mtu == s.mtu)) return;
  it->up = s.up;
  if (s.mtu) it->mtu = s.mtu;
  handler_(s);
}

// mu_ held: notifications were lost, so ask for every watched interface.
void NetlinkMonitor::Resync() {
  std::vector<int> ifs;
  for (const Watched& w : watched_) ifs.push_back(w.ifindex);
  for (int ifindex : ifs) {
    LinkState s;
    Status st = Query(ifindex, &s);
    if (st.ok()) {
      Report(s);
    } else if (st.code == ENODEV) {
      s = LinkState{};
      s.ifindex = ifindex;
      s.deleted = true;
      Report(s);
    }
  }
}

void NetlinkMonitor::Run() {
  std::vector<uint8_t> buf(kRecvBytes);
  pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    for (;;) {
      const ssize_t n = recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) {  // overrun: the kernel dropped notifications
          std::lock_guard<std::mutex> lock(mu_);
          Resync();
          continue;
        }
        break;  // EAGAIN: drained
      }
      std::lock_guard<std::mutex> lock(mu_);
      int len = int(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        LinkState s;
        if (ParseLink(h, &s)) Report(s);
      }
    }
  }
}

}  // namespace msw
