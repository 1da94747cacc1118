// mswitch-pkt-gen's AF_XDP modes: see pkt_gen_xdp.h for the design.
#include "tools/pkt_gen_xdp.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

namespace msw {
namespace pktgen {
namespace {

// Receive chunks per xdp-rx socket, transmit chunks per xdp-tx socket, and
// the few chunks the unused direction of each socket still needs
// (XskSocket always maps all four rings).
constexpr uint32_t kRingFrames = 4096;
constexpr uint32_t kUnusedFrames = 64;

int InterfaceMtu(const std::string& ifname) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  ifreq ifr{};
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname.c_str());
  const int rc = ioctl(fd, SIOCGIFMTU, &ifr);
  close(fd);
  return rc < 0 ? -1 : ifr.ifr_mtu;
}

// sendto() with nothing to send: in copy mode the kernel transmits the TX
// ring's descriptors (up to its per-call budget) inside this call.
// Returns 0 or the errno that is not merely "try again".
int Kick(int fd) {
  if (sendto(fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) return 0;
  switch (errno) {
    case EAGAIN: case EBUSY: case ENOBUFS: case EINTR: case ENETDOWN:
      return 0;
    default:
      return errno;
  }
}

}  // namespace

std::unique_ptr<XdpIo> XdpIo::Open(const Options& o, std::string* err) {
  std::unique_ptr<XdpIo> io(new XdpIo());
  io->ifname_ = o.ifname;
  io->rx_ = o.mode == Mode::kXdpRx;
  io->ifindex_ = static_cast<int>(if_nametoindex(o.ifname.c_str()));
  if (io->ifindex_ == 0) {
    *err = "no interface '" + o.ifname + "' in this network namespace";
    return nullptr;
  }
  io->mtu_ = InterfaceMtu(o.ifname);
  if (!io->rx_ && io->mtu_ > 0 && o.len > static_cast<uint32_t>(io->mtu_) + 14) {
    *err = o.ifname + ": a " + std::to_string(o.len) + "-byte frame is over the MTU (" +
           std::to_string(io->mtu_) + ") + 14";
    return nullptr;
  }
  io->chunk_size_ = io->rx_ || o.len > 2048 ? 4096 : 2048;
  io->rx_frames_ = io->rx_ ? kRingFrames : kUnusedFrames;
  io->tx_frames_ = io->rx_ ? kUnusedFrames : kRingFrames;
  const uint32_t queues = o.memif.queues ? o.memif.queues : 1;
  Status st;
  if (io->rx_) {
    const XdpModeRequest req = o.xdp_attach == "native" ? XdpModeRequest::kNative
                               : o.xdp_attach == "generic" ? XdpModeRequest::kGeneric
                                                           : XdpModeRequest::kAuto;
    io->redirect_ = XskRedirect::Attach(io->ifindex_, o.ifname, queues, req, &st);
    if (!io->redirect_) {
      *err = st.message;
      return nullptr;
    }
  }
  for (uint32_t q = 0; q < queues; q++) {
    XskSocketConfig cfg;
    cfg.ifname = o.ifname;
    cfg.ifindex = io->ifindex_;
    cfg.queue = q;
    cfg.frame_size = io->chunk_size_;
    cfg.rx_frames = io->rx_frames_;
    cfg.tx_frames = io->tx_frames_;
    // Generic XDP cannot feed a zero-copy socket; veth has none anyway.
    cfg.try_zerocopy = !io->redirect_ || io->redirect_->mode() == XdpMode::kNative;
    std::unique_ptr<XskSocket> s = XskSocket::Open(cfg, &st);
    if (!s) {
      *err = st.message;
      return nullptr;
    }
    if (io->redirect_) {
      st = io->redirect_->SetSocket(q, s->fd());
      if (!st.ok()) {
        *err = st.message;
        return nullptr;
      }
    }
    io->sockets_.push_back(std::move(s));
  }
  return io;
}

std::string XdpIo::Describe() const {
  char buf[512];
  snprintf(buf, sizeof buf, "%s (ifindex %d, MTU %d): %u queue(s), %s, chunks of %u bytes%s%s",
           ifname_.c_str(), ifindex_, mtu_, queues(),
           sockets_.empty() || !sockets_[0]->zerocopy() ? "copy mode" : "zero-copy",
           chunk_size_, rx_ ? ", XDP " : "",
           rx_ ? XdpModeName(redirect_->mode()) : "");
  std::string out = buf;
  if (!rx_ && !sockets_.empty()) out += ", " + std::to_string(sockets_[0]->tx_budget()) + " frames per kick";
  if (rx_ && !redirect_->native_refusal().empty()) out += " (native refused: " + redirect_->native_refusal() + ")";
  return out;
}

XdpIo::KernelStats XdpIo::Stats() const {
  KernelStats k;
  for (const auto& s : sockets_) {
    xdp_statistics st{};
    socklen_t len = sizeof st;
    if (getsockopt(s->fd(), SOL_XDP, XDP_STATISTICS, &st, &len) < 0) continue;
    k.rx_dropped += st.rx_dropped;
    k.rx_invalid += st.rx_invalid_descs;
    k.tx_invalid += st.tx_invalid_descs;
    k.rx_ring_full += st.rx_ring_full;
    k.fill_ring_empty += st.rx_fill_ring_empty_descs;
    k.tx_ring_empty += st.tx_ring_empty_descs;
  }
  return k;
}

void XdpIo::PrintStats() const {
  const KernelStats k = Stats();
  if (rx_) {
    printf("xdp: dropped %" PRIu64 " (RX ring full %" PRIu64 ", fill ring empty %" PRIu64
           "), invalid descriptors %" PRIu64 "\n",
           k.rx_dropped, k.rx_ring_full, k.fill_ring_empty, k.rx_invalid);
  } else {
    printf("xdp: invalid TX descriptors %" PRIu64 "\n", k.tx_invalid);
  }
}

std::string XdpIo::StatsJson() const {
  const KernelStats k = Stats();
  char buf[384];
  snprintf(buf, sizeof buf,
           ",\"xdp\":{\"ifname\":\"%s\",\"mode\":\"%s\",\"zerocopy\":%s,\"rx_dropped\":%" PRIu64
           ",\"rx_ring_full\":%" PRIu64 ",\"fill_ring_empty\":%" PRIu64
           ",\"rx_invalid_descs\":%" PRIu64 ",\"tx_invalid_descs\":%" PRIu64 "}",
           ifname_.c_str(), rx_ ? XdpModeName(redirect_->mode()) : "none",
           !sockets_.empty() && sockets_[0]->zerocopy() ? "true" : "false", k.rx_dropped,
           k.rx_ring_full, k.fill_ring_empty, k.rx_invalid, k.tx_invalid);
  return buf;
}

// Posts frames on queue 'q' as fast as the kernel takes them (or at
// 'rate'), until 'quota' frames have completed or the run stops.
//   free_:  the TX chunks we own (not on the TX ring, not in flight)
//   Ring words: we produce TX and consume completions; each release store
//   of our index pairs with the kernel's acquire load of it, and our
//   acquire load of the kernel's index pairs with its release store.
void XdpTxLoop(Run* run, uint32_t q, uint64_t quota, double rate) {
  const Options& o = *run->opt;
  XdpIo& io = *run->xdp;
  XskSocket& s = io.socket(q);
  const uint32_t stream = o.stream + q;
  const uint32_t chunk = io.chunk_size();
  const uint64_t first = uint64_t{io.rx_frames()} * chunk;   // TX chunks follow the RX ones
  const uint32_t n_chunks = io.tx_frames();
  std::vector<uint64_t> free_chunks(n_chunks);
  for (uint32_t i = 0; i < n_chunks; i++) {
    free_chunks[i] = first + uint64_t{i} * chunk;
    BuildFrame(o, stream, 0, 0, s.umem() + free_chunks[i], o.len, o.len);
  }
  uint32_t n_free = n_chunks;
  const uint32_t mask = s.tx.size - 1, cmask = s.comp.size - 1;
  uint32_t tx_prod = *s.tx.producer, comp_cons = *s.comp.consumer;
  uint64_t seq = 0, done = 0;
  uint32_t flow = 0;   // seq % flows, kept incrementally
  const uint64_t burst =
      rate > 0 ? std::max<uint64_t>(1, std::min<uint64_t>(o.batch, rate * 200e-6)) : o.batch;
  const int64_t start = NowNs();
  uint32_t spins = 0;

  // Takes back what the kernel completed; returns how many.
  auto reclaim = [&]() -> uint32_t {
    const uint32_t prod = __atomic_load_n(s.comp.producer, __ATOMIC_ACQUIRE);
    const uint32_t n = prod - comp_cons;
    for (uint32_t i = 0; i < n; i++) {
      free_chunks[n_free++] = s.comp.addrs()[(comp_cons + i) & cmask] & ~uint64_t{chunk - 1};
    }
    comp_cons = prod;
    __atomic_store_n(s.comp.consumer, comp_cons, __ATOMIC_RELEASE);
    return n;
  };

  while (!run->stop.load(std::memory_order_relaxed) && done < quota) {
    const uint32_t completed = reclaim();
    if (completed) {
      done += completed;
      run->tx[q].Add(completed, uint64_t{completed} * o.len, NowNs());
    }
    uint64_t want = std::min<uint64_t>({burst, quota - seq, n_free});
    if (want && rate > 0) {
      SleepUntil(start + static_cast<int64_t>((seq + want - 1) / rate * 1e9), run->stop);
    }
    // TX ring space: the kernel's consumer index, acquired.
    const uint32_t cons = __atomic_load_n(s.tx.consumer, __ATOMIC_ACQUIRE);
    want = std::min<uint64_t>(want, s.tx.size - (tx_prod - cons));
    for (uint32_t i = 0; i < want; i++) {
      const uint64_t addr = free_chunks[--n_free];
      StampFrame(o, s.umem() + addr, seq + i, flow);
      if (++flow == o.flows) flow = 0;
      xdp_desc& d = s.tx.descs_xdp()[(tx_prod + i) & mask];
      d.addr = addr;
      d.len = o.len;
      d.options = 0;
    }
    if (want) {
      tx_prod += static_cast<uint32_t>(want);
      __atomic_store_n(s.tx.producer, tx_prod, __ATOMIC_RELEASE);
      seq += want;
    }
    // Copy mode sends only inside a syscall: kick while anything is queued.
    if (tx_prod != cons || want) {
      if (const int e = Kick(s.fd())) {
        run->Fail(io.Describe() + ": sendto: " + strerror(e));
        break;
      }
    }
    if (!want && !completed) {
      Backoff(o, &spins);
    } else {
      spins = 0;
    }
  }
  // Frames posted before a stop still complete (bounded): the count is
  // then what the kernel really took.
  const int64_t give_up = NowNs() + 1000000000;
  while (done < seq && NowNs() < give_up) {
    Kick(s.fd());
    const uint32_t completed = reclaim();
    if (completed) {
      done += completed;
      run->tx[q].Add(completed, uint64_t{completed} * o.len, NowNs());
    } else {
      usleep(100);
    }
  }
  run->tx_running.fetch_sub(1);
}

// Drains queue 'q''s RX ring in batches, checks every frame, and hands
// each chunk straight back to the fill ring (as large as the chunk set, so
// never full).  Sleeps in poll() when the ring is empty (--busy: spins).
void XdpRxLoop(Run* run, uint32_t q) {
  const Options& o = *run->opt;
  XdpIo& io = *run->xdp;
  XskSocket& s = io.socket(q);
  RxChecker& check = run->checkers[q];
  const uint64_t chunk_mask = ~uint64_t{io.chunk_size() - 1};
  const uint32_t mask = s.rx.size - 1, fmask = s.fill.size - 1;
  uint32_t rx_cons = *s.rx.consumer, fill_prod = *s.fill.producer;
  while (!run->stop.load(std::memory_order_relaxed)) {
    const uint32_t avail = __atomic_load_n(s.rx.producer, __ATOMIC_ACQUIRE) - rx_cons;
    const uint32_t n = std::min(avail, o.batch);
    if (n == 0) {
      if (o.busy) continue;
      pollfd p{s.fd(), POLLIN, 0};
      poll(&p, 1, 100);
      continue;
    }
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < n; i++) {
      const xdp_desc d = s.rx.descs_xdp()[(rx_cons + i) & mask];
      // The kernel wrote these; bound-check anyway before reading.
      if (d.addr + d.len <= s.umem_len()) {
        bytes += d.len;
        check.Add(s.umem() + d.addr, d.len);
      }
      s.fill.addrs()[(fill_prod + i) & fmask] = d.addr & chunk_mask;
    }
    rx_cons += n;
    fill_prod += n;
    __atomic_store_n(s.rx.consumer, rx_cons, __ATOMIC_RELEASE);
    __atomic_store_n(s.fill.producer, fill_prod, __ATOMIC_RELEASE);
    if (__atomic_load_n(s.fill.flags, __ATOMIC_RELAXED) & XDP_RING_NEED_WAKEUP) {
      recvfrom(s.fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
    }
    run->rx[q].Add(n, bytes, NowNs());
    if (o.count && run->rx_total.fetch_add(n) + n >= o.count) run->stop.store(true);
  }
}

}  // namespace pktgen
}  // namespace msw
