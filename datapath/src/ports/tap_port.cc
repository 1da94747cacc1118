// TapPort: see tap_port.h for the design.
#include "ports/tap_port.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>

namespace msw {

namespace {

constexpr uint32_t kEthHdr = 14;

Status Errno(const std::string& what, const std::string& ifname) {
  const int e = errno;
  return Status::Error(e ? e : EIO, "tap " + ifname + ": " + what + ": " + std::strerror(e));
}

// An ifreq naming 'ifname' (checked to fit by Setup).
ifreq NamedIfreq(const std::string& ifname) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  return ifr;
}

}  // namespace

TapPort::TapPort(uint32_t index, std::string name) : Port(index, std::move(name), "tap") {}

TapPort::~TapPort() {
  if (slots_) munmap(slots_, size_t(kRxSlots) * kSlotBytes);
  if (fd_ >= 0) close(fd_);  // the device goes with its last fd
}

std::unique_ptr<TapPort> TapPort::Open(uint32_t index, std::string name, const TapConfig& cfg,
                                       Status* status) {
  std::unique_ptr<TapPort> p(new TapPort(index, std::move(name)));
  Status st = p->Setup(cfg);
  if (!st.ok()) {
    if (status) *status = st;
    return nullptr;
  }
  if (status) *status = Status::Ok();
  return p;
}

// Device, then its MAC and MTU (both need it to exist, the MAC needs it
// down), then up if asked; the receive area last, so a refused device
// costs no mapping.
Status TapPort::Setup(const TapConfig& cfg) {
  ifname_ = cfg.ifname;
  if (ifname_.empty() || ifname_.size() >= IFNAMSIZ)
    return Status::Error(EINVAL, "tap: interface name '" + ifname_ + "' is empty or longer than " +
                                     std::to_string(IFNAMSIZ - 1) + " characters");
  if (cfg.mtu && (cfg.mtu < 68 || cfg.mtu > kMaxFrameLen - kEthHdr))
    return Status::Error(EINVAL, "tap " + ifname_ + ": mtu " + std::to_string(cfg.mtu) +
                                     " is outside 68.." + std::to_string(kMaxFrameLen - kEthHdr));

  fd_ = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) return Errno("open /dev/net/tun", ifname_);
  ifreq ifr = NamedIfreq(ifname_);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(fd_, TUNSETIFF, &ifr) < 0) return Errno("TUNSETIFF (create the device)", ifname_);

  // Interface ioctls go through any socket of the namespace.
  const int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (ctl < 0) return Errno("control socket", ifname_);
  Status st = Status::Ok();
  if (cfg.has_mac) {
    ifr = NamedIfreq(ifname_);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    std::memcpy(ifr.ifr_hwaddr.sa_data, cfg.mac, 6);
    if (ioctl(ctl, SIOCSIFHWADDR, &ifr) < 0) st = Errno("SIOCSIFHWADDR (set the MAC)", ifname_);
  }
  if (st.ok() && cfg.mtu) {
    ifr = NamedIfreq(ifname_);
    ifr.ifr_mtu = int(cfg.mtu);
    if (ioctl(ctl, SIOCSIFMTU, &ifr) < 0) st = Errno("SIOCSIFMTU " + std::to_string(cfg.mtu), ifname_);
  }
  if (st.ok() && cfg.bring_up) {
    ifr = NamedIfreq(ifname_);
    if (ioctl(ctl, SIOCGIFFLAGS, &ifr) < 0) {
      st = Errno("SIOCGIFFLAGS", ifname_);
    } else {
      ifr.ifr_flags = short(ifr.ifr_flags | IFF_UP);
      if (ioctl(ctl, SIOCSIFFLAGS, &ifr) < 0) st = Errno("SIOCSIFFLAGS up", ifname_);
    }
  }
  close(ctl);
  if (!st.ok()) return st;
  ifindex_ = int(if_nametoindex(ifname_.c_str()));
  if (ifindex_ == 0) return Errno("if_nametoindex", ifname_);
  // A TAP has carrier while its fd is open: it is up when the host set it up.
  set_up(cfg.bring_up);

  void* m = mmap(nullptr, size_t(kRxSlots) * kSlotBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return Errno("mmap receive slots", ifname_);
  slots_ = static_cast<uint8_t*>(m);
  return Status::Ok();
}

// ---- receive ----

// One read() per frame until the tun queue is empty (EAGAIN), the batch
// is full or our slots are used.  A frame shorter than an Ethernet header
// is counted bad-length and its slot reused.
uint32_t TapPort::Receive(uint32_t q, RxBatch& batch, uint32_t max, PortCounters& counters) {
  uint32_t got = 0;
  uint32_t slot = 0;
  uint64_t bytes = 0;
  while (got < max && slot < kRxSlots && batch.HasRoom(1)) {
    uint8_t* buf = slots_ + size_t(slot) * kSlotBytes;
    const ssize_t n = read(fd_, buf, kSlotBytes);
    if (n < 0) break;  // EAGAIN: drained; EIO/EBADFD: the device is going away
    if (uint32_t(n) < kEthHdr) {
      counters.Drop(kBadLength);
      continue;
    }
    if (uint32_t(n) > kMaxFrameLen) {
      counters.Drop(kTooLong);
      continue;
    }
    RxFrame& f = batch.frames[batch.n_frames++];
    f.first_seg = batch.n_segs;
    f.nsegs = 1;
    f.len = uint32_t(n);
    batch.segs[batch.n_segs++] = Segment{buf, uint32_t(n)};
    slot++;
    got++;
    bytes += uint32_t(n);
  }
  if (got) {
    counters.Add(counters.rx_packets, got);
    counters.Add(counters.rx_bytes, bytes);
  }
  return got;
}

// ---- transmit ----

// Every frame is granted: the kernel queue behind the fd is the ring.
uint32_t TapPort::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n, TxLease& lease) {
  lease.queue = 0;
  lease.start = 0;
  lease.id = 0;
  lease.count = n ? cum_slots[n - 1] : 0;
  return n;
}

// One writev() per frame, its iovecs the view's chunks (at most the head
// plus the source's segments).
uint32_t TapPort::TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                         PortCounters& counters) {
  uint32_t sent = 0;
  uint64_t bytes = 0;
  iovec iov[kMaxChain + 1];
  for (uint32_t i = 0; i < n && i < lease.count; i++) {
    const FrameView& f = frames[i];
    if (f.len < kEthHdr) {
      counters.Drop(kBadLength);
      continue;
    }
    int niov = 0;
    bool fits = true;
    ForEachChunk(f, [&](const uint8_t* p, uint32_t c) {
      if (niov == int(kMaxChain + 1)) {
        fits = false;
        return;
      }
      iov[niov].iov_base = const_cast<uint8_t*>(p);
      iov[niov].iov_len = c;
      niov++;
    });
    if (!fits) {
      counters.Drop(kBadChain);
      continue;
    }
    if (writev(fd_, iov, niov) < 0) {
      counters.Drop(errno == EIO || errno == EBADFD ? kPortDown : kNoSpace);
      continue;
    }
    sent++;
    bytes += f.len;
  }
  counters.Add(counters.tx_packets, sent);
  counters.Add(counters.tx_bytes, bytes);
  return sent;
}

}  // namespace msw
