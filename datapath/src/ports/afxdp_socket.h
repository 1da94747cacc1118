// XskSocket: one AF_XDP socket bound to one queue of an interface, with
// its own UMEM and its four mapped rings, set up through the kernel's
// socket API (linux/if_xdp.h) directly.
//
// What?
//   UMEM: 'rx_frames + tx_frames' chunks of 'frame_size' bytes in one
//   anonymous mapping.  Chunks [0, rx_frames) are receive buffers: all of
//   them start in the fill ring and each comes back to it once the frame
//   it carried was forwarded.  Chunks [rx_frames, rx_frames + tx_frames)
//   are transmit buffers, lent by the port to the TX ring and returned by
//   the completion ring.  The fill and completion rings are as large as
//   the chunk sets they carry, so neither can ever be full.
//   Rings: producer, consumer and flags words plus the descriptor array,
//   mapped from the socket at the offsets XDP_MMAP_OFFSETS reports.
//
// Design
//   A UMEM per socket rather than one shared by every queue: queues never
//   share buffers (the fabric copies between ports anyway), so nothing
//   needs XDP_SHARED_UMEM's rules, and a queue's buffers sit in one place.
//   Bind lets the kernel pick zero-copy where the driver supports it
//   (falling back to copy mode itself) unless the caller forces copy mode
//   (generic XDP cannot feed a zero-copy socket); XDP_USE_NEED_WAKEUP
//   always, so the kernel says when a kick (sendto / recvfrom) is needed
//   and we make no syscall otherwise.
//   In copy mode one sendto transmits at most 32 descriptors unless
//   XDP_MAX_TX_SKB_BUDGET (Linux 6.17+) raises it: Open raises it to the TX
//   ring size where the kernel has it, and says so in tx_budget().
//
// Thread-safety
//   Open and the destructor run on a control thread; the ring words are
//   used by the port under its own rules (afxdp_port.h).
#ifndef MSWITCH_PORTS_AFXDP_SOCKET_H_
#define MSWITCH_PORTS_AFXDP_SOCKET_H_

#include <linux/if_xdp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace msw {

// One mapped ring: the shared index words and the descriptor array.
struct XskRing {
  uint32_t* producer = nullptr;
  uint32_t* consumer = nullptr;
  uint32_t* flags = nullptr;
  void* descs = nullptr;
  uint32_t size = 0;  // entries, a power of two
  void* map = nullptr;
  size_t map_len = 0;

  uint64_t* addrs() const { return static_cast<uint64_t*>(descs); }   // fill, completion
  xdp_desc* descs_xdp() const { return static_cast<xdp_desc*>(descs); }  // rx, tx
};

struct XskSocketConfig {
  std::string ifname;
  int ifindex = 0;
  uint32_t queue = 0;
  uint32_t frame_size = 4096;
  uint32_t rx_frames = 2048;  // power of two: the fill and RX ring size
  uint32_t tx_frames = 2048;  // power of two: the TX and completion ring size
  bool try_zerocopy = true;
};

class XskSocket {
 public:
  static std::unique_ptr<XskSocket> Open(const XskSocketConfig& cfg, Status* status);
  ~XskSocket();
  XskSocket(const XskSocket&) = delete;
  XskSocket& operator=(const XskSocket&) = delete;

  int fd() const { return fd_; }
  uint8_t* umem() const { return umem_; }
  size_t umem_len() const { return umem_len_; }
  bool zerocopy() const { return zerocopy_; }
  uint32_t tx_budget() const { return tx_budget_; }

  XskRing fill, comp, rx, tx;

 private:
  XskSocket() = default;
  Status Setup(const XskSocketConfig& cfg);
  Status MapRing(XskRing& r, uint64_t pgoff, const xdp_ring_offset& off, uint32_t entries,
                 size_t desc_size, const std::string& what);

  std::string ifname_;
  int fd_ = -1;
  uint8_t* umem_ = nullptr;
  size_t umem_len_ = 0;
  bool zerocopy_ = false;
  uint32_t tx_budget_ = 32;
};

}  // namespace msw

#endif  // MSWITCH_PORTS_AFXDP_SOCKET_H_
