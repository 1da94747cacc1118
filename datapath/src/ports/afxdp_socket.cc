// XskSocket: see afxdp_socket.h for the design.
#include "ports/afxdp_socket.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif
// Linux 6.17's copy-mode per-sendto descriptor budget (uapi if_xdp.h);
// older headers lack it and older kernels refuse it (ENOPROTOOPT).
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif

namespace msw {

namespace {

bool IsPow2(uint32_t v) { return v && !(v & (v - 1)); }

}  // namespace

XskSocket::~XskSocket() {
  for (XskRing* r : {&fill, &comp, &rx, &tx})
    if (r->map) munmap(r->map, r->map_len);
  if (fd_ >= 0) close(fd_);  // unbinds: the kernel lets go of the UMEM first
  if (umem_) munmap(umem_, umem_len_);
}

std::unique_ptr<XskSocket> XskSocket::Open(const XskSocketConfig& cfg, Status* status) {
  std::unique_ptr<XskSocket> s(new XskSocket());
  Status st = s->Setup(cfg);
  if (status) *status = st;
  if (!st.ok()) return nullptr;
  return s;
}

Status XskSocket::MapRing(XskRing& r, uint64_t pgoff, const xdp_ring_offset& off,
                          uint32_t entries, size_t desc_size, const std::string& what) {
  r.map_len = off.desc + size_t(entries) * desc_size;
  void* m = mmap(nullptr, r.map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_,
                 off_t(pgoff));
  if (m == MAP_FAILED) {
    const int e = errno;
    r.map = nullptr;
    return Status::Error(e, "afxdp " + ifname_ + ": mapping the " + what + " ring: " + std::strerror(e));
  }
  auto* base = static_cast<uint8_t*>(m);
  r.map = m;
  r.producer = reinterpret_cast<uint32_t*>(base + off.producer);
  r.consumer = reinterpret_cast<uint32_t*>(base + off.consumer);
  r.flags = reinterpret_cast<uint32_t*>(base + off.flags);
  r.descs = base + off.desc;
  r.size = entries;
  return Status::Ok();
}

// UMEM, ring sizes, mappings, the fill ring stocked, then bind: frames can
// only arrive once the socket is bound (and in the XDP program's map).
Status XskSocket::Setup(const XskSocketConfig& cfg) {
  ifname_ = cfg.ifname + " queue " + std::to_string(cfg.queue);
  auto err = [this](const std::string& what) {
    const int e = errno ? errno : EIO;
    return Status::Error(e, "afxdp " + ifname_ + ": " + what + ": " + std::strerror(e));
  };
  if (!IsPow2(cfg.frame_size) || cfg.frame_size < 2048 || !IsPow2(cfg.rx_frames) ||
      !IsPow2(cfg.tx_frames))
    return Status::Error(EINVAL, "afxdp " + ifname_ + ": frame size and ring sizes must be powers of two");

  umem_len_ = size_t(cfg.frame_size) * (cfg.rx_frames + cfg.tx_frames);
  void* m = mmap(nullptr, umem_len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                 -1, 0);
  if (m == MAP_FAILED) return err("allocating the UMEM");
  umem_ = static_cast<uint8_t*>(m);

  fd_ = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return err("socket(AF_XDP)");

  xdp_umem_reg reg{};
  reg.addr = reinterpret_cast<uint64_t>(umem_);
  reg.len = umem_len_;
  reg.chunk_size = cfg.frame_size;
  reg.headroom = 0;
  if (setsockopt(fd_, SOL_XDP, XDP_UMEM_REG, &reg, sizeof reg) < 0) return err("XDP_UMEM_REG");
  const int rx_n = int(cfg.rx_frames), tx_n = int(cfg.tx_frames);
  if (setsockopt(fd_, SOL_XDP, XDP_UMEM_FILL_RING, &rx_n, sizeof rx_n) < 0) return err("XDP_UMEM_FILL_RING");
  if (setsockopt(fd_, SOL_XDP, XDP_UMEM_COMPLETION_RING, &tx_n, sizeof tx_n) < 0)
    return err("XDP_UMEM_COMPLETION_RING");
  if (setsockopt(fd_, SOL_XDP, XDP_RX_RING, &rx_n, sizeof rx_n) < 0) return err("XDP_RX_RING");
  if (setsockopt(fd_, SOL_XDP, XDP_TX_RING, &tx_n, sizeof tx_n) < 0) return err("XDP_TX_RING");
  const uint32_t budget = cfg.tx_frames;
  if (budget > 32 && setsockopt(fd_, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof budget) == 0)
    tx_budget_ = budget;

  xdp_mmap_offsets off{};
  socklen_t optlen = sizeof off;
  if (getsockopt(fd_, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen) < 0) return err("XDP_MMAP_OFFSETS");
  Status st = MapRing(fill, XDP_UMEM_PGOFF_FILL_RING, off.fr, cfg.rx_frames, sizeof(uint64_t), "fill");
  if (st.ok()) st = MapRing(comp, XDP_UMEM_PGOFF_COMPLETION_RING, off.cr, cfg.tx_frames, sizeof(uint64_t), "completion");
  if (st.ok()) st = MapRing(rx, XDP_PGOFF_RX_RING, off.rx, cfg.rx_frames, sizeof(xdp_desc), "RX");
  if (st.ok()) st = MapRing(tx, XDP_PGOFF_TX_RING, off.tx, cfg.tx_frames, sizeof(xdp_desc), "TX");
  if (!st.ok()) return st;

  // Every receive chunk to the kernel.  The release store of the producer
  // pairs with the kernel's acquire read of it.
  for (uint32_t i = 0; i < cfg.rx_frames; i++) fill.addrs()[i] = uint64_t(i) * cfg.frame_size;
  __atomic_store_n(fill.producer, cfg.rx_frames, __ATOMIC_RELEASE);

  sockaddr_xdp sa{};
  sa.sxdp_family = AF_XDP;
  sa.sxdp_ifindex = uint32_t(cfg.ifindex);
  sa.sxdp_queue_id = cfg.queue;
  // Without XDP_ZEROCOPY or XDP_COPY the kernel tries zero-copy and falls
  // back to copy mode itself (a failed forced bind cannot be retried on
  // the same socket: the rings went with it); XDP_OPTIONS says which.
  sa.sxdp_flags = XDP_USE_NEED_WAKEUP | (cfg.try_zerocopy ? 0 : XDP_COPY);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) return err("bind");
  xdp_options opts{};
  optlen = sizeof opts;
  if (getsockopt(fd_, SOL_XDP, XDP_OPTIONS, &opts, &optlen) == 0)
    zerocopy_ = opts.flags & XDP_OPTIONS_ZEROCOPY;
  return Status::Ok();
}

}  // namespace msw
