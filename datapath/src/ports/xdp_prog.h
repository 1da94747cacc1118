// XskRedirect: the XDP program that hands an interface's frames to our
// AF_XDP sockets, built, loaded and attached by the project itself.
//
// What?
//   The classic AF_XDP steering program, written here as eBPF instructions
//   (no clang and no object file needed at build or run time):
//       return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
//   'xsks' is an XSKMAP with one entry per receive queue; entry q holds the
//   AF_XDP socket bound to queue q.  A frame arriving on a queue without a
//   socket in the map takes the flags' fallback action, XDP_PASS: it goes
//   up the kernel stack as if no program were attached.
//
// Design
//   Attached through a BPF link (bpf_link_create, BPF_XDP), not the netlink
//   attach: the program goes away when the link fd closes, and the kernel
//   closes it when our process dies, so a crashed switch never leaves an
//   interface steering frames into sockets that no longer exist.  A link
//   also refuses (EBUSY) an interface that already has someone else's XDP
//   program, instead of replacing it.
//   Native (driver) mode is tried first, generic (SKB) mode second; which
//   one took, and why native was refused, are kept for the port's report.
//   We chose this over libxdp's xsk_socket__create with its default
//   program: that needs /usr/lib/bpf/xsk_def_xdp_prog.o at run time (not
//   installed on Debian 12 without libxdp1's data files) and a dispatcher
//   program; ours is 6 instructions and needs nothing but libbpf.
//
// Thread-safety
//   Control threads only (create, SetSocket, destroy); the program itself
//   runs in the kernel and never calls us.
#ifndef MSWITCH_PORTS_XDP_PROG_H_
#define MSWITCH_PORTS_XDP_PROG_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace msw {

enum class XdpMode { kNative, kGeneric };

// What mode the caller allows: 'kAuto' tries native then generic.
enum class XdpModeRequest { kAuto, kNative, kGeneric };

class XskRedirect {
 public:
  // Creates the map for 'n_queues' sockets, loads the program and attaches
  // it to interface 'ifindex' ('ifname' for messages).  On error returns
  // nullptr and sets 'status' (EPERM without CAP_BPF/CAP_NET_ADMIN, EBUSY
  // when another XDP program is attached).
  static std::unique_ptr<XskRedirect> Attach(int ifindex, const std::string& ifname,
                                             uint32_t n_queues, XdpModeRequest req,
                                             Status* status);
  ~XskRedirect();  // closes the link (detaches), the program and the map
  XskRedirect(const XskRedirect&) = delete;
  XskRedirect& operator=(const XskRedirect&) = delete;

  // Steers queue 'queue' to the bound AF_XDP socket 'xsk_fd'.
  Status SetSocket(uint32_t queue, int xsk_fd);

  XdpMode mode() const { return mode_; }
  // Why native mode was not used (empty when it was, or not asked for).
  const std::string& native_refusal() const { return native_refusal_; }

 private:
  XskRedirect() = default;

  std::string ifname_;
  int map_fd_ = -1;
  int prog_fd_ = -1;
  int link_fd_ = -1;
  uint32_t n_queues_ = 0;
  XdpMode mode_ = XdpMode::kNative;
  std::string native_refusal_;
};

const char* XdpModeName(XdpMode m);

}  // namespace msw

#endif  // MSWITCH_PORTS_XDP_PROG_H_
