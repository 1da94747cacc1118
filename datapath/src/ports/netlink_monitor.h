// NetlinkMonitor: watches the link state of the Linux interfaces a switch
// has ports on (afpacket and afxdp ports' interfaces, tap devices), so
// that a carrier or admin change becomes the port's up() and the logic's
// MSW_PORT_LINK, and a deleted interface takes its port out.
//
// What?
//   One rtnetlink socket subscribed to RTNLGRP_LINK, read by a small
//   control thread of its own (not a worker: link changes are rare, and a
//   worker's epoll set should hold only packet sources).  Every
//   RTM_NEWLINK / RTM_DELLINK for a watched ifindex is reduced to a
//   LinkState; the handler hears it when 'up', 'mtu' or existence changed.
//   Link up means IFF_UP and IFF_LOWER_UP (admin up with carrier: a veth
//   whose peer is down has no carrier), read from the message's 32-bit
//   ifi_flags; IFF_RUNNING would lag behind by the kernel's linkwatch
//   delay.
//
// Design
//   Watch(ifindex) asks the kernel for the interface's current state
//   (RTM_GETLINK on a private socket) and reports it to the handler before
//   returning, with the monitor's lock held across the query and the
//   report; the thread reports changes under the same lock.  The
//   subscription exists before the query, so no change falls between the
//   two, and reports for one ifindex never run concurrently or out of
//   order.  An overrun (ENOBUFS: the kernel dropped notifications) makes
//   the thread query every watched interface again.  A deleted interface
//   is reported once (deleted = true) and forgotten: its ifindex may be
//   reused by a new device.
//
// Thread-safety
//   Start, Watch, Unwatch and the destructor are for control threads.  The
//   handler runs on the monitor thread, or on the thread calling Watch,
//   always under the monitor's lock: it must not call Watch or Unwatch.
//   Unwatch returns once no report for that ifindex is running, so after
//   it the caller may destroy what the handler would have touched.
//   The monitor sees the network namespace of the thread that started it.
#ifndef MSWITCH_PORTS_NETLINK_MONITOR_H_
#define MSWITCH_PORTS_NETLINK_MONITOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace msw {

struct LinkState {
  int ifindex = 0;
  std::string ifname;
  bool up = false;        // IFF_UP && IFF_LOWER_UP
  bool deleted = false;   // RTM_DELLINK (or gone when queried)
  uint32_t mtu = 0;
  uint32_t flags = 0;     // ifi_flags as the kernel sent them
};

class NetlinkMonitor {
 public:
  using Handler = std::function<void(const LinkState&)>;

  // Opens the subscribed socket and starts the thread.  On error returns
  // nullptr and sets 'status'.
  static std::unique_ptr<NetlinkMonitor> Start(Handler handler, Status* status);
  ~NetlinkMonitor();  // stops and joins the thread; no report after it
  NetlinkMonitor(const NetlinkMonitor&) = delete;
  NetlinkMonitor& operator=(const NetlinkMonitor&) = delete;

  // Starts watching 'ifindex' and reports its current state (see the
  // header comment).  ENODEV when there is no such interface (then it is
  // not watched and nothing was reported).
  Status Watch(int ifindex);
  // Stops watching 'ifindex' (no-op if not watched).
  void Unwatch(int ifindex);

  // Asks the kernel for 'ifindex''s state now (any thread, no lock).
  static Status Query(int ifindex, LinkState* out);

 private:
  struct Watched {
    int ifindex;
    bool up;
    uint32_t mtu;
  };

  explicit NetlinkMonitor(Handler handler) : handler_(std::move(handler)) {}
  void Run();
  void Resync();                          // mu_ held
  void Report(const LinkState& s);        // mu_ held

  Handler handler_;
  int fd_ = -1;
  int stop_fd_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Watched> watched_;          // under mu_
};

}  // namespace msw

#endif  // MSWITCH_PORTS_NETLINK_MONITOR_H_
