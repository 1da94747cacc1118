// mswitch-pkt-gen's AF_XDP modes: xdp-tx generates into a Linux interface
// (a veth end inside a generator namespace) and xdp-rx counts and verifies
// what an interface receives.
//
// What?
//   XdpIo owns one AF_XDP socket per queue 0..q-1 of the interface (the
//   switch's own XskSocket, datapath/src/ports/afxdp_socket.h) and, for
//   xdp-rx, the switch's own XDP program that steers each queue to its
//   socket (XskRedirect, xdp_prog.h).  xdp-tx attaches no program: a
//   socket transmits without one.
//
// Design
//   Why AF_XDP for a generator: an AF_PACKET sender (trafgen, our pkt-gen
//   had none) pays a socket send and an skb per frame, about 1.3 µs per
//   frame per core on a veth here, so it tops out near 0.75 Mpps and hides
//   any switch faster than that.  An AF_XDP socket in copy mode (veth has
//   no zero-copy) still builds an skb per frame in the kernel, but takes a
//   whole ring of descriptors per sendto (Linux 6.17's
//   XDP_MAX_TX_SKB_BUDGET raises the per-call budget from 32 to the ring
//   size) and skips the qdisc: several Mpps into a veth on one core.
//   xdp-tx: every TX chunk of the UMEM holds a prebuilt frame; per frame
//   only the sequence number (and with several flows the addresses, ports
//   and IP checksum) is rewritten, then its descriptor is posted.  A chunk
//   is reused once the completion ring hands it back, and a frame counts
//   as sent then: the kernel has passed it to the device (which may still
//   drop it; the receiver tells).
//   xdp-rx: the redirect program copies each frame into a receive chunk
//   (copy mode) and the loop checks it (RxChecker) and gives the chunk back
//   to the fill ring at once.  The sink costs a program run and a copy per
//   frame in the kernel plus a few header reads here, far less than the
//   kernel stack would.
//   The sockets are the switch's, so whatever the generator does to a
//   veth is what the afxdp port does: the benchmark's generator and
//   switch share the same kernel paths and limits.
//
// Thread-safety
//   Open, Describe and the stats run on the main thread; queue q's socket
//   is used only by that queue's loop thread.
#ifndef MSWITCH_TOOLS_PKT_GEN_XDP_H_
#define MSWITCH_TOOLS_PKT_GEN_XDP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ports/afxdp_socket.h"
#include "ports/xdp_prog.h"
#include "tools/pkt_gen.h"

namespace msw {
namespace pktgen {

// The largest frame xdp-tx sends: one UMEM chunk of a page (4096 bytes).
constexpr uint32_t kXdpMaxFrame = 4096;

class XdpIo {
 public:
  // Opens a socket on each of queues 0..o.memif.queues-1 of 'o.ifname'
  // (xdp-rx: and attaches the redirect program); nullptr and 'err' saying
  // what failed on which interface otherwise.
  static std::unique_ptr<XdpIo> Open(const Options& o, std::string* err);

  uint32_t queues() const { return static_cast<uint32_t>(sockets_.size()); }
  XskSocket& socket(uint32_t q) { return *sockets_[q]; }
  uint32_t chunk_size() const { return chunk_size_; }
  uint32_t rx_frames() const { return rx_frames_; }
  uint32_t tx_frames() const { return tx_frames_; }

  // "veth0 (ifindex 5, MTU 1500): 1 queue(s), copy mode, native XDP, ..."
  std::string Describe() const;
  // The kernel's XDP_STATISTICS summed over the sockets: printed, and as
  // the summary's JSON member ",\"xdp\":{...}".
  void PrintStats() const;
  std::string StatsJson() const;

 private:
  struct KernelStats {
    uint64_t rx_dropped = 0, rx_invalid = 0, tx_invalid = 0, rx_ring_full = 0,
             fill_ring_empty = 0, tx_ring_empty = 0;
  };
  KernelStats Stats() const;

  XdpIo() = default;
  std::string ifname_;
  int ifindex_ = 0;
  int mtu_ = 0;
  bool rx_ = false;
  uint32_t chunk_size_ = 0, rx_frames_ = 0, tx_frames_ = 0;
  std::unique_ptr<XskRedirect> redirect_;   // xdp-rx only
  std::vector<std::unique_ptr<XskSocket>> sockets_;
};

// Runs the xdp modes (pkt_gen.cc): sockets instead of a memif connection.
int XdpMain(const Options& o);

}  // namespace pktgen
}  // namespace msw

#endif  // MSWITCH_TOOLS_PKT_GEN_XDP_H_
