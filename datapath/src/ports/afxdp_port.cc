// AfXdpPort: see afxdp_port.h for the design.
#include "ports/afxdp_port.h"

#include "ports/link_facts.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

namespace msw {

namespace {

constexpr uint32_t kEthHdr = 14;
constexpr uint32_t kVlanHdr = 4;
// Repeated kicks when copy mode's per-call budget leaves work behind.
constexpr uint32_t kMaxKicks = 64;

uint32_t Load(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void Store(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

// Receive queues the kernel shows for 'ifname' (/sys/class/net/X/queues/rx-N).
uint32_t CountRxQueues(const std::string& ifname) {
  DIR* d = opendir(("/sys/class/net/" + ifname + "/queues").c_str());
  if (!d) return 1;
  uint32_t n = 0;
  while (dirent* e = readdir(d))
    if (std::strncmp(e->d_name, "rx-", 3) == 0) n++;
  closedir(d);
  return n ? n : 1;
}

}  // namespace

AfXdpPort::AfXdpPort(uint32_t index, std::string name) : Port(index, std::move(name), "afxdp") {}

// The program goes first, so no frame is steered to a socket being closed.
AfXdpPort::~AfXdpPort() {
  redirect_.reset();
  queues_.reset();
}

std::unique_ptr<AfXdpPort> AfXdpPort::Open(uint32_t index, std::string name, const AfXdpConfig& cfg,
                                           Status* status) {
  std::unique_ptr<AfXdpPort> p(new AfXdpPort(index, std::move(name)));
  Status st = p->Setup(cfg);
  if (!st.ok()) {
    if (status) *status = st;
    return nullptr;
  }
  p->set_up(true);
  if (status) *status = Status::Ok();
  return p;
}

// Interface facts, the program, a socket per queue, then steering: a frame
// reaches a socket only once the socket is bound and in the map.
Status AfXdpPort::Setup(const AfXdpConfig& cfg) {
  ifname_ = cfg.ifname;
  const std::string who = "afxdp " + ifname_;
  if (ifname_.empty() || ifname_.size() >= IFNAMSIZ)
    return Status::Error(EINVAL, "afxdp: interface name '" + ifname_ + "' is empty or too long");
  ifindex_ = int(if_nametoindex(ifname_.c_str()));
  if (ifindex_ == 0) return Status::Error(ENODEV, "afxdp: no interface '" + ifname_ + "'");

  uint32_t mtu = 1500;
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s >= 0) {
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname_.c_str(), ifname_.size());
    if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0) mtu = uint32_t(ifr.ifr_mtu);
    close(s);
  }
  const uint32_t frame_room = kFrameSize - kXdpHeadroom;
  if (mtu > MaxMtu())
    return Status::Error(EMSGSIZE, who + ": MTU " + std::to_string(mtu) + " needs frames of " +
                                       std::to_string(mtu + kEthHdr + kVlanHdr) +
                                       " bytes, an AF_XDP buffer holds " + std::to_string(frame_room) +
                                       " (multi-buffer AF_XDP is not supported): use an afpacket port");
  SetMtu(mtu);

  const TxOffloadFacts fx = ReadTxOffload(ifname_);
  if (fx.is_veth() && fx.tx_csum) {
    csum_warning_ = "veth " + ifname_ + " has transmit checksum offload on (so, by default, has its peer): "
                    "TCP/UDP frames its peer sends reach AF_XDP with unfinished checksums, which XDP cannot "
                    "see, and are forwarded broken; use an afpacket port (it finishes them) or run "
                    "`ethtool -K <peer> tx off`";
    if (cfg.refuse_partial_csum) return Status::Error(ENOTSUP, who + ": " + csum_warning_);
  }

  const uint32_t have = CountRxQueues(ifname_);
  n_queues_ = cfg.queues ? cfg.queues : have;
  if (n_queues_ > have)
    return Status::Error(EINVAL, who + ": asked for " + std::to_string(n_queues_) + " queues, it has " +
                                     std::to_string(have));
  if (n_queues_ > kMaxQueues)
    return Status::Error(EINVAL, who + ": " + std::to_string(n_queues_) + " queues, a port takes at most " +
                                     std::to_string(kMaxQueues) + " (lower them with ethtool -L, or pass 'queues')");
  rx_frames_ = cfg.rx_frames;
  tx_frames_ = cfg.tx_frames;
  if (rx_frames_ < 64 || tx_frames_ < 64 || (rx_frames_ & (rx_frames_ - 1)) || (tx_frames_ & (tx_frames_ - 1)))
    return Status::Error(EINVAL, who + ": rx/tx frames must be powers of two of at least 64");

  Status st;
  redirect_ = XskRedirect::Attach(ifindex_, ifname_, n_queues_, cfg.mode, &st);
  if (!redirect_) return st;

  queues_.reset(new Queue[n_queues_]);
  tx_budget_ = ~uint32_t{0};
  zerocopy_ = true;
  for (uint32_t q = 0; q < n_queues_; q++) {
    Queue& qu = queues_[q];
    XskSocketConfig sc;
    sc.ifname = ifname_;
    sc.ifindex = ifindex_;
    sc.queue = q;
    sc.frame_size = kFrameSize;
    sc.rx_frames = rx_frames_;
    sc.tx_frames = tx_frames_;
    sc.try_zerocopy = cfg.zerocopy && redirect_->mode() == XdpMode::kNative;
    qu.xsk = XskSocket::Open(sc, &st);
    if (!qu.xsk) return st;
    zerocopy_ = zerocopy_ && qu.xsk->zerocopy();
    tx_budget_ = std::min(tx_budget_, qu.xsk->tx_budget());
    qu.fill_prod = rx_frames_;  // the socket stocked the whole fill ring
    qu.held_addrs.reset(new uint64_t[kMaxRxBatch]);
    qu.free_addrs.reset(new uint64_t[tx_frames_]);
    qu.slot_addr.reset(new uint64_t[tx_frames_]);
    for (uint32_t i = 0; i < tx_frames_; i++)
      qu.free_addrs[i] = uint64_t(rx_frames_ + i) * kFrameSize;
    qu.n_free = tx_frames_;
  }
  for (uint32_t q = 0; q < n_queues_; q++) {
    st = redirect_->SetSocket(q, queues_[q].xsk->fd());
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// ---- receive ----

// Takes up to 'max' descriptors; each is read once and must lie inside one
// receive chunk.  A bad one is dropped (bad-offset / bad-length) and its
// chunk still goes back to the fill ring when it is a receive chunk.
uint32_t AfXdpPort::Receive(uint32_t q, RxBatch& batch, uint32_t max, PortCounters& counters) {
  Queue& qu = queues_[q];
  XskRing& rx = qu.xsk->rx;
  const uint32_t avail = Load(rx.producer) - qu.rx_cons;
  uint32_t take = std::min(avail, std::min(max, kMaxRxBatch - qu.held));
  const uint64_t rx_area = uint64_t(rx_frames_) * kFrameSize;
  const uint8_t* umem = qu.xsk->umem();
  uint32_t got = 0;
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < take; i++) {
    if (!batch.HasRoom(1)) break;
    const xdp_desc& d = rx.descs_xdp()[qu.rx_cons & (rx.size - 1)];
    const uint64_t addr = d.addr;
    const uint32_t len = d.len;
    qu.rx_cons++;
    if (addr >= rx_area) {  // not a chunk of ours: never refill with it
      counters.Drop(kBadOffset);
      continue;
    }
    const uint64_t chunk = addr & ~uint64_t(kFrameSize - 1);
    qu.held_addrs[qu.held++] = chunk;
    if (len < kEthHdr || addr + len > chunk + kFrameSize) {
      counters.Drop(kBadLength);
      continue;
    }
    RxFrame& f = batch.frames[batch.n_frames++];
    f.first_seg = batch.n_segs;
    f.nsegs = 1;
    f.len = len;
    batch.segs[batch.n_segs++] = Segment{umem + addr, len};
    got++;
    bytes += len;
  }
  if (got) {
    counters.Add(counters.rx_packets, got);
    counters.Add(counters.rx_bytes, bytes);
  } else if (qu.held || take) {
    Refill(qu);  // nothing points into them: the worker calls no ReleaseRx
  }
  return got;
}

void AfXdpPort::ReleaseRx(uint32_t q) { Refill(queues_[q]); }

// Held chunks to the fill ring, then the RX consumer: the kernel may reuse
// an RX entry only after we read it, and a chunk only once it is refilled.
// Both release stores pair with the kernel's acquire reads.
void AfXdpPort::Refill(Queue& qu) {
  XskSocket& x = *qu.xsk;
  if (qu.held) {
    for (uint32_t i = 0; i < qu.held; i++) x.fill.addrs()[(qu.fill_prod + i) & (x.fill.size - 1)] = qu.held_addrs[i];
    qu.fill_prod += qu.held;
    qu.held = 0;
    Store(x.fill.producer, qu.fill_prod);
  }
  Store(x.rx.consumer, qu.rx_cons);
  if (zerocopy_ && (__atomic_load_n(x.fill.flags, __ATOMIC_ACQUIRE) & XDP_RING_NEED_WAKEUP))
    (void)!recvfrom(x.fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
}

bool AfXdpPort::RxPending(uint32_t q) const {
  const Queue& qu = queues_[q];
  return Load(qu.xsk->rx.producer) != qu.rx_cons;
}

// Going to sleep: a zero-copy driver that ran out of fill entries waits for
// a kick before it looks at the fill ring again.
void AfXdpPort::RxIrqEnable(uint32_t q, bool enable) {
  if (!enable || !zerocopy_) return;
  XskSocket& x = *queues_[q].xsk;
  if (__atomic_load_n(x.fill.flags, __ATOMIC_ACQUIRE) & XDP_RING_NEED_WAKEUP)
    (void)!recvfrom(x.fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
}

void AfXdpPort::RxIrqAck(uint32_t q) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(queues_[q].xsk->fd(), SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) SocketError(err);
}

void AfXdpPort::SetLinkUp(bool up) {
  link_up_.store(up, std::memory_order_relaxed);
  set_up(up && mtu() <= MaxMtu());
}

void AfXdpPort::SetMtu(uint32_t mtu) {
  mtu_.store(mtu, std::memory_order_relaxed);
  tx_max_len_.store(std::min(mtu, MaxMtu()) + kEthHdr + kVlanHdr, std::memory_order_relaxed);
  set_up(link_up_.load(std::memory_order_relaxed) && mtu <= MaxMtu());
}

std::string AfXdpPort::MtuDownReason() const {
  const uint32_t m = mtu();
  if (m <= MaxMtu()) return "";
  return "MTU " + std::to_string(m) + " is over the " + std::to_string(MaxMtu()) +
         " an AF_XDP buffer carries (use an afpacket port for jumbo frames)";
}

void AfXdpPort::SocketError(int err) {
  socket_errors_.fetch_add(1, std::memory_order_relaxed);
  if (err == ENXIO || err == ENODEV) set_up(false);  // the interface is gone for good
}

AfXdpStats AfXdpPort::XdpStats() const {
  AfXdpStats s;
  for (uint32_t q = 0; q < n_queues_; q++) {
    xdp_statistics k{};
    socklen_t len = sizeof k;
    if (getsockopt(queues_[q].xsk->fd(), SOL_XDP, XDP_STATISTICS, &k, &len) < 0) continue;
    s.rx_dropped += k.rx_dropped;
    s.rx_invalid_descs += k.rx_invalid_descs;
    s.tx_invalid_descs += k.tx_invalid_descs;
    s.rx_ring_full += k.rx_ring_full;
    s.rx_fill_ring_empty += k.rx_fill_ring_empty_descs;
    s.tx_ring_empty += k.tx_ring_empty_descs;
  }
  return s;
}

// ---- transmit ----

// Takes back completed chunks, then grants the longest prefix of the 'n'
// frames (one slot and one chunk each) that fits.
uint32_t AfXdpPort::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n, TxLease& lease) {
  lease.queue = q;
  lease.start = 0;
  lease.count = 0;
  lease.id = ~uint32_t{0};
  if (n == 0) return 0;
  Queue& qu = queues_[q];
  XskSocket& x = *qu.xsk;
  const uint64_t tx_lo = uint64_t(rx_frames_) * kFrameSize;
  qu.tx_lock.lock();
  // Completions: each a chunk address, read once; only TX chunks return.
  const uint32_t done = Load(x.comp.producer);
  for (; qu.comp_cons != done; qu.comp_cons++) {
    const uint64_t a = x.comp.addrs()[qu.comp_cons & (x.comp.size - 1)];
    if (a >= tx_lo && a < x.umem_len() && qu.n_free < tx_frames_)
      qu.free_addrs[qu.n_free++] = a & ~uint64_t(kFrameSize - 1);
  }
  Store(x.comp.consumer, qu.comp_cons);
  const uint32_t ring_room = x.tx.size - (qu.reserve_cursor - Load(x.tx.consumer));
  uint32_t fit = 0;
  if (qu.lease_next - qu.lease_first < kMaxLeases) fit = std::min(n, std::min(ring_room, qu.n_free));
  if (fit) {
    for (uint32_t i = 0; i < fit; i++)
      qu.slot_addr[(qu.reserve_cursor + i) & (tx_frames_ - 1)] = qu.free_addrs[--qu.n_free];
    const uint32_t id = qu.lease_next % kMaxLeases;
    qu.leases[id] = LeaseRecord{qu.reserve_cursor, qu.reserve_cursor + fit, 0, false};
    qu.lease_next++;
    lease.start = qu.reserve_cursor;
    lease.count = fit;
    lease.id = id;
    qu.reserve_cursor += fit;
  }
  qu.tx_lock.unlock();
  return fit;
}

// Copies good frames, packed from the lease's first slot, with no lock.
uint32_t AfXdpPort::TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                           PortCounters& counters) {
  Queue& qu = queues_[lease.queue];
  XskSocket& x = *qu.xsk;
  uint32_t written = 0;
  uint64_t bytes = 0;
  const uint32_t max_len = tx_max_len_.load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < n && i < lease.count; i++) {
    const FrameView& f = frames[i];
    if (f.len > max_len || f.len < kEthHdr) {
      counters.Drop(f.len < kEthHdr ? kBadLength : kTooLong);
      continue;
    }
    const uint32_t slot = (lease.start + written) & (tx_frames_ - 1);
    const uint64_t addr = qu.slot_addr[slot];
    uint8_t* dst = x.umem() + addr;
    ForEachChunk(f, [&dst](const uint8_t* p, uint32_t c) {
      std::memcpy(dst, p, c);
      dst += c;
    });
    xdp_desc& d = x.tx.descs_xdp()[slot];
    d.addr = addr;
    d.len = f.len;
    d.options = 0;
    written++;
    bytes += f.len;
  }
  qu.leases[lease.id].written = written;
  counters.Add(counters.tx_packets, written);
  counters.Add(counters.tx_bytes, bytes);
  return written;
}

// Gives back or voids unused slots, publishes every leading finished lease,
// then kicks once if the kernel asks for it.
void AfXdpPort::TxCommit(const TxLease& lease) {
  if (lease.id == ~uint32_t{0} || lease.count == 0) return;
  Queue& qu = queues_[lease.queue];
  XskSocket& x = *qu.xsk;
  qu.tx_lock.lock();
  LeaseRecord& r = qu.leases[lease.id];
  const uint32_t used_end = r.start + r.written;
  for (uint32_t s = used_end; s != r.end; s++)
    qu.free_addrs[qu.n_free++] = qu.slot_addr[s & (tx_frames_ - 1)];
  if (used_end != r.end) {
    if (r.end == qu.reserve_cursor) {  // the newest lease: the slots come back
      qu.reserve_cursor = used_end;
      r.end = used_end;
    } else {  // a later lease follows: the kernel skips (and counts) these
      for (uint32_t s = used_end; s != r.end; s++) {
        xdp_desc& d = x.tx.descs_xdp()[s & (tx_frames_ - 1)];
        d.addr = x.umem_len();
        d.len = 0;
        d.options = 0;
      }
    }
  }
  r.done = true;
  uint32_t upto = qu.published;
  while (qu.lease_first != qu.lease_next) {
    const LeaseRecord& first = qu.leases[qu.lease_first % kMaxLeases];
    if (!first.done) break;
    upto = first.end;
    qu.lease_first++;
  }
  const bool moved = upto != qu.published;
  // The release store makes every published descriptor and its bytes
  // (ours, or a lease holder's ordered before by the lock) visible first.
  if (moved) Store(x.tx.producer, upto);
  qu.published = upto;
  qu.tx_lock.unlock();
  if (moved) Kick(qu);
}

// One sendto per batch when the TX ring's need-wakeup flag is set; again
// only while copy mode's budget stopped it short and the kernel progresses.
void AfXdpPort::Kick(Queue& qu) {
  XskSocket& x = *qu.xsk;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // producer store before the flags load
  if (!(__atomic_load_n(x.tx.flags, __ATOMIC_RELAXED) & XDP_RING_NEED_WAKEUP)) return;
  for (uint32_t i = 0; i < kMaxKicks; i++) {
    const uint32_t before = Load(x.tx.consumer);
    if (sendto(x.fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) return;
    const int e = errno;
    if (e == EAGAIN || e == EBUSY) {
      if (Load(x.tx.consumer) == before) return;  // no progress: a later kick finishes
      continue;
    }
    if (e != ENOBUFS && e != EINTR && e != ENETDOWN) SocketError(e);
    return;
  }
}

}  // namespace msw
