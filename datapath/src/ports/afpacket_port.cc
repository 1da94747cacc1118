// AfPacketPort: see afpacket_port.h for the design.
#include "ports/afpacket_port.h"

#include "ports/frame_offload.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace msw {

namespace {

constexpr uint32_t kEthHdr = 14;
constexpr uint32_t kVlanHdr = 4;
constexpr uint32_t kVlanHeadLen = 16;  // dst, src, TPID, TCI
constexpr uint32_t kVnetLen = sizeof(VnetHdr);
constexpr uint32_t kMinTxFrame = 2048;
constexpr uint32_t kTxBlockSize = 1u << 16;

// Where frame data starts in a TPACKET_V3 transmit slot (the kernel's
// "tp_hdrlen - sizeof(struct sockaddr_ll)" without PACKET_TX_HAS_OFF).
constexpr uint32_t kTxDataOff = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));

uint32_t LoadStatus(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void StoreStatus(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

Status Errno(const std::string& what, const std::string& ifname) {
  const int e = errno;
  return Status::Error(e ? e : EIO, "afpacket " + ifname + ": " + what + ": " + std::strerror(e));
}

template <typename T>
int SetOpt(int fd, int level, int name, const T& v) {
  return setsockopt(fd, level, name, &v, sizeof v);
}

uint32_t RoundUpPow2(uint32_t v) {
  uint32_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

AfPacketPort::AfPacketPort(uint32_t index, std::string name) : Port(index, std::move(name), "afpacket") {}

AfPacketPort::~AfPacketPort() {
  if (map_) munmap(map_, map_len_);
  if (fd_ >= 0) close(fd_);
}

std::unique_ptr<AfPacketPort> AfPacketPort::Open(uint32_t index, std::string name,
                                                 const AfPacketConfig& cfg, Status* status) {
  std::unique_ptr<AfPacketPort> p(new AfPacketPort(index, std::move(name)));
  Status st = p->Setup(cfg);
  if (!st.ok()) {
    if (status) *status = st;
    return nullptr;
  }
  p->set_up(true);
  if (status) *status = Status::Ok();
  return p;
}

// Socket, options, rings, mapping, then bind: the socket is created with
// protocol 0 so nothing is queued before the rings exist, and bound to
// ETH_P_ALL on the interface last.
Status AfPacketPort::Setup(const AfPacketConfig& cfg) {
  ifname_ = cfg.ifname;
  if (ifname_.empty() || ifname_.size() >= IFNAMSIZ)
    return Status::Error(EINVAL, "afpacket: interface name '" + ifname_ + "' is empty or too long");
  if (cfg.rx_block_size < 4096 || (cfg.rx_block_size & (cfg.rx_block_size - 1)) || cfg.rx_blocks < 2 ||
      cfg.tx_frames < 16)
    return Status::Error(EINVAL, "afpacket " + ifname_ + ": bad ring geometry");
  ifindex_ = int(if_nametoindex(ifname_.c_str()));
  if (ifindex_ == 0) return Status::Error(ENODEV, "afpacket: no interface '" + ifname_ + "'");

  fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return Errno("socket(AF_PACKET)", ifname_);

  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname_.c_str(), ifname_.size());
  uint32_t mtu = 1500;
  if (ioctl(fd_, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0) mtu = uint32_t(ifr.ifr_mtu);
  mtu_.store(mtu, std::memory_order_relaxed);

  if (SetOpt(fd_, SOL_PACKET, PACKET_VERSION, int(TPACKET_V3)) < 0)
    return Errno("PACKET_VERSION TPACKET_V3", ifname_);
  // Before the rings: the kernel refuses it once they exist.
  if (SetOpt(fd_, SOL_PACKET, PACKET_VNET_HDR, int(1)) < 0) return Errno("PACKET_VNET_HDR", ifname_);
  if (SetOpt(fd_, SOL_PACKET, PACKET_LOSS, int(1)) < 0) return Errno("PACKET_LOSS", ifname_);
  if (SetOpt(fd_, SOL_PACKET, PACKET_QDISC_BYPASS, int(1)) < 0)
    return Errno("PACKET_QDISC_BYPASS", ifname_);
  if (SetOpt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, int(1)) < 0)
    return Errno("PACKET_IGNORE_OUTGOING", ifname_);

  // RX ring: blocks of frames; tp_frame_size only sizes the kernel's count.
  rx_block_size_ = cfg.rx_block_size;
  rx_blocks_ = cfg.rx_blocks;
  tpacket_req3 rx{};
  rx.tp_block_size = rx_block_size_;
  rx.tp_block_nr = rx_blocks_;
  rx.tp_frame_size = kMinTxFrame;
  rx.tp_frame_nr = (rx_block_size_ / kMinTxFrame) * rx_blocks_;
  rx.tp_retire_blk_tov = kRxBlockTimeoutMs;
  if (SetOpt(fd_, SOL_PACKET, PACKET_RX_RING, rx) < 0) return Errno("PACKET_RX_RING", ifname_);

  // TX ring: one frame per slot, big enough for its virtio_net_hdr and
  // MTU + Ethernet + a VLAN tag.
  tx_frame_size_ = RoundUpPow2(std::max(kMinTxFrame, kTxDataOff + kVnetLen + mtu + kEthHdr + kVlanHdr));
  const uint32_t block = std::max(kTxBlockSize, tx_frame_size_);
  const uint32_t per_block = block / tx_frame_size_;
  const uint32_t tx_blocks = std::max(1u, (cfg.tx_frames + per_block - 1) / per_block);
  tx_frames_ = tx_blocks * per_block;
  tx_data_off_ = kTxDataOff;
  tx_slot_room_ = tx_frame_size_ - kTxDataOff - kVnetLen;
  tx_max_len_.store(std::min(tx_slot_room_, mtu + kEthHdr + kVlanHdr), std::memory_order_relaxed);
  tpacket_req3 tx{};
  tx.tp_block_size = block;
  tx.tp_block_nr = tx_blocks;
  tx.tp_frame_size = tx_frame_size_;
  tx.tp_frame_nr = tx_frames_;
  if (SetOpt(fd_, SOL_PACKET, PACKET_TX_RING, tx) < 0) return Errno("PACKET_TX_RING", ifname_);

  const size_t rx_len = size_t(rx_block_size_) * rx_blocks_;
  map_len_ = rx_len + size_t(block) * tx_blocks;
  void* m = mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, 0);
  if (m == MAP_FAILED) {
    map_ = nullptr;
    return Errno("mmap rings", ifname_);
  }
  map_ = static_cast<uint8_t*>(m);
  rx_base_ = map_;
  tx_base_ = map_ + rx_len;
  heads_.reset(new uint8_t[size_t(kMaxRxFrames) * kMaxSegmentHead]);

  packet_mreq mr{};
  mr.mr_ifindex = ifindex_;
  mr.mr_type = PACKET_MR_PROMISC;
  if (SetOpt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mr) < 0)
    return Errno("PACKET_ADD_MEMBERSHIP promiscuous", ifname_);

  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex_;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0) return Errno("bind", ifname_);
  return Status::Ok();
}

// ---- receive ----

// Walks user-owned blocks from 'cur_block_', appending up to 'max' frames.
// Each header is read once into locals; a frame whose bounds do not fit
// its block is skipped as bad-length (the kernel never writes one, but a
// wrong read must not send us outside the mapping).  Offloaded work is
// finished on the way (see the header): a checksum in place, a
// super-frame as segments, resumed by the next call if the batch fills.
uint32_t AfPacketPort::Receive(uint32_t q, RxBatch& batch, uint32_t max,
                               PortCounters& counters) {
  uint32_t got = 0;
  uint64_t bytes = 0;
  heads_used_ = 0;
  while (got < max) {
    uint8_t* block = rx_base_ + size_t(cur_block_) * rx_block_size_;
    auto* bd = reinterpret_cast<tpacket_block_desc*>(block);
    if (pkts_left_ == 0) {
      if (!(LoadStatus(&bd->hdr.bh1.block_status) & TP_STATUS_USER)) break;
      pkts_left_ = bd->hdr.bh1.num_pkts;
      next_off_ = bd->hdr.bh1.offset_to_first_pkt;
      gso_next_ = 0;
      if (pkts_left_ == 0 || next_off_ >= rx_block_size_) {  // empty or nonsense: done with it
        pkts_left_ = 0;
        to_release_++;
        cur_block_ = (cur_block_ + 1) % rx_blocks_;
        continue;
      }
    }
    if (!batch.HasRoom(2) || heads_used_ == kMaxRxFrames) break;
    const auto* h = reinterpret_cast<const tpacket3_hdr*>(block + next_off_);
    const uint32_t next = h->tp_next_offset;
    const uint32_t mac = h->tp_mac;
    const uint32_t snap = h->tp_snaplen;
    const uint32_t len = h->tp_len;
    const uint32_t status = h->tp_status;
    const uint64_t end = uint64_t(next_off_) + mac + snap;
    bool finished = true;  // false: segments of this frame are left for the next call
    if (end > rx_block_size_ || snap < kEthHdr || mac < sizeof(tpacket3_hdr) + kVnetLen) {
      counters.Drop(kBadLength);
    } else if (snap < len) {
      counters.Drop(kTooLong);
    } else {
      uint8_t* data = block + next_off_ + mac;
      VnetHdr vh;
      std::memcpy(&vh, data - kVnetLen, sizeof vh);
      // The 802.1Q tag the kernel stripped, to put back after the MACs.
      uint8_t tag[4];
      const bool tagged = status & TP_STATUS_VLAN_VALID;
      if (tagged) {
        const uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
        const uint16_t tci = uint16_t(h->hv1.tp_vlan_tci);
        tag[0] = uint8_t(tpid >> 8);
        tag[1] = uint8_t(tpid);
        tag[2] = uint8_t(tci >> 8);
        tag[3] = uint8_t(tci);
      }
      GsoFrame g;
      if (vh.gso_type != VnetHdr::kGsoNone) {
        if (!ParseGso(data, snap, vh, &g)) {
          counters.Drop(kOffloadUnsupported);
        } else {
          while (gso_next_ < g.segments && got < max && batch.HasRoom(2) && heads_used_ < kMaxRxFrames) {
            uint8_t* head = heads_.get() + size_t(heads_used_++) * kMaxSegmentHead;
            const uint8_t* payload;
            uint32_t plen;
            const uint32_t hl = BuildSegment(g, gso_next_++, tagged ? tag : nullptr, head, &payload, &plen);
            RxFrame& f = batch.frames[batch.n_frames++];
            f.first_seg = batch.n_segs;
            f.nsegs = 2;
            f.len = hl + plen;
            batch.segs[batch.n_segs++] = Segment{head, hl};
            batch.segs[batch.n_segs++] = Segment{payload, plen};
            got++;
            bytes += f.len;
          }
          finished = gso_next_ == g.segments;
        }
      } else if ((vh.flags & VnetHdr::kNeedsCsum) &&
                 !CompleteChecksum(data, snap, vh.csum_start, vh.csum_offset)) {
        counters.Drop(kOffloadUnsupported);
      } else {
        RxFrame& f = batch.frames[batch.n_frames++];
        f.first_seg = batch.n_segs;
        if (tagged) {
          uint8_t* vh16 = heads_.get() + size_t(heads_used_++) * kMaxSegmentHead;
          std::memcpy(vh16, data, 12);
          std::memcpy(vh16 + 12, tag, 4);
          batch.segs[batch.n_segs++] = Segment{vh16, kVlanHeadLen};
          batch.segs[batch.n_segs++] = Segment{data + 12, snap - 12};
          f.len = snap + kVlanHdr;
          f.nsegs = 2;
        } else {
          batch.segs[batch.n_segs++] = Segment{data, snap};
          f.len = snap;
          f.nsegs = 1;
        }
        got++;
        bytes += f.len;
      }
    }
    if (!finished) break;
    // Next frame, or the block is finished.
    gso_next_ = 0;
    if (--pkts_left_ == 0 || next == 0 || uint64_t(next_off_) + next >= rx_block_size_) {
      pkts_left_ = 0;
      to_release_++;
      cur_block_ = (cur_block_ + 1) % rx_blocks_;
    } else {
      next_off_ += next;
    }
  }
  if (got) {
    counters.Add(counters.rx_packets, got);
    counters.Add(counters.rx_bytes, bytes);
  } else if (to_release_) {
    ReleaseBlocks();  // nothing points into them: the worker calls no ReleaseRx
  }
  return got;
}

void AfPacketPort::ReleaseRx(uint32_t q) { ReleaseBlocks(); }

// Hands finished blocks back to the kernel, oldest first.  The release
// store pairs with the kernel's read of block_status before it refills.
void AfPacketPort::ReleaseBlocks() {
  while (to_release_) {
    auto* bd = reinterpret_cast<tpacket_block_desc*>(rx_base_ + size_t(release_from_) * rx_block_size_);
    StoreStatus(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL);
    release_from_ = (release_from_ + 1) % rx_blocks_;
    to_release_--;
  }
}

bool AfPacketPort::RxPending(uint32_t q) const {
  if (pkts_left_) return true;
  const auto* bd = reinterpret_cast<const tpacket_block_desc*>(rx_base_ + size_t(cur_block_) * rx_block_size_);
  return LoadStatus(&bd->hdr.bh1.block_status) & TP_STATUS_USER;
}

// The socket woke us: a block is ready, or an error is set (the interface
// went down or away).  Reading SO_ERROR clears it so epoll stops reporting.
void AfPacketPort::RxIrqAck(uint32_t q) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) SocketError(err);
}

void AfPacketPort::SocketError(int err) {
  socket_errors_.fetch_add(1, std::memory_order_relaxed);
  if (err == ENXIO || err == ENODEV) set_up(false);  // the interface is gone for good
}

uint32_t AfPacketPort::MtuCapacity() const { return tx_slot_room_ - kEthHdr - kVlanHdr; }

void AfPacketPort::SetMtu(uint32_t mtu) {
  mtu_.store(mtu, std::memory_order_relaxed);
  tx_max_len_.store(std::min(tx_slot_room_, mtu + kEthHdr + kVlanHdr), std::memory_order_relaxed);
}

// ---- transmit ----

// Grants the longest prefix of the 'n' frames (one slot each) that fits
// between the reserve cursor and the oldest slot the kernel still holds.
uint32_t AfPacketPort::TxReserve(uint32_t q, const uint32_t* cum_slots, uint32_t n,
                                 TxLease& lease) {
  lease.queue = 0;
  lease.start = 0;
  lease.count = 0;
  lease.id = ~uint32_t{0};
  if (n == 0) return 0;
  tx_lock_.lock();
  // Reclaim: published slots the kernel has sent (or skipped) are free.
  while (reclaimed_ != published_) {
    const auto* h = reinterpret_cast<const tpacket3_hdr*>(
        tx_base_ + size_t(reclaimed_ % tx_frames_) * tx_frame_size_);
    if (LoadStatus(&h->tp_status) != TP_STATUS_AVAILABLE) break;
    reclaimed_++;
  }
  const uint32_t room = tx_frames_ - (reserve_cursor_ - reclaimed_);
  uint32_t fit = 0;
  if (room && lease_next_ - lease_first_ < kMaxLeases) fit = std::min(n, room);
  if (fit) {
    const uint32_t id = lease_next_ % kMaxLeases;
    leases_[id] = LeaseRecord{reserve_cursor_, reserve_cursor_ + fit, 0, false};
    lease_next_++;
    lease.start = reserve_cursor_;
    lease.count = fit;
    lease.id = id;
    reserve_cursor_ += fit;
  }
  tx_lock_.unlock();
  return fit;
}

// Copies frames into their slots with no lock.  A frame too long for the
// interface leaves an empty slot (tp_len 0, skipped by the kernel).
uint32_t AfPacketPort::TxCopy(const TxLease& lease, const FrameView* frames, uint32_t n,
                              PortCounters& counters) {
  uint32_t sent = 0;
  uint64_t bytes = 0;
  const uint32_t max_len = tx_max_len_.load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < n && i < lease.count; i++) {
    uint8_t* slot = tx_base_ + size_t((lease.start + i) % tx_frames_) * tx_frame_size_;
    auto* h = reinterpret_cast<tpacket3_hdr*>(slot);
    const FrameView& f = frames[i];
    if (f.len > max_len || f.len < kEthHdr) {
      counters.Drop(f.len < kEthHdr ? kBadLength : kTooLong);
      h->tp_len = 0;
      h->tp_next_offset = 0;
      continue;
    }
    // A zeroed virtio_net_hdr (no offload asked), then the frame.
    uint8_t* dst = slot + tx_data_off_;
    std::memset(dst, 0, kVnetLen);
    dst += kVnetLen;
    ForEachChunk(f, [&dst](const uint8_t* p, uint32_t c) {
      std::memcpy(dst, p, c);
      dst += c;
    });
    h->tp_len = f.len + kVnetLen;
    h->tp_snaplen = f.len + kVnetLen;
    h->tp_next_offset = 0;
    sent++;
    bytes += f.len;
  }
  // Every granted slot up to n carries a frame or an empty marker.
  leases_[lease.id].written = std::min(n, lease.count);
  counters.Add(counters.tx_packets, sent);
  counters.Add(counters.tx_bytes, bytes);
  return sent;
}

// Marks the lease done, hands every slot of the leading finished leases to
// the kernel in ring order, and flushes them with one send().
void AfPacketPort::TxCommit(const TxLease& lease) {
  if (lease.id == ~uint32_t{0} || lease.count == 0) return;
  tx_lock_.lock();
  LeaseRecord& r = leases_[lease.id];
  if (r.written < lease.count) {
    if (r.end == reserve_cursor_) {  // the newest lease: give spare slots back
      r.end = r.start + r.written;
      reserve_cursor_ = r.end;
    } else {  // a later lease owns what follows: publish the spares empty
      for (uint32_t s = r.start + r.written; s != r.end; s++) {
        auto* h = reinterpret_cast<tpacket3_hdr*>(tx_base_ + size_t(s % tx_frames_) * tx_frame_size_);
        h->tp_len = 0;
        h->tp_next_offset = 0;
      }
    }
  }
  r.done = true;
  uint32_t upto = published_;
  while (lease_first_ != lease_next_) {
    const LeaseRecord& first = leases_[lease_first_ % kMaxLeases];
    if (!first.done) break;
    upto = first.end;
    lease_first_++;
  }
  const bool moved = upto != published_;
  // In ring order: the kernel sends from its head and stops at the first
  // slot not requested.  The release store pairs with its status read and
  // makes the frame bytes (ours, or a lease holder's ordered before by the
  // lock) visible first.
  for (uint32_t s = published_; s != upto; s++) {
    auto* h = reinterpret_cast<tpacket3_hdr*>(tx_base_ + size_t(s % tx_frames_) * tx_frame_size_);
    StoreStatus(&h->tp_status, TP_STATUS_SEND_REQUEST);
  }
  published_ = upto;
  tx_lock_.unlock();
  if (moved && send(fd_, nullptr, 0, MSG_DONTWAIT) < 0) {
    const int e = errno;
    if (e != EAGAIN && e != EINTR && e != ENOBUFS) SocketError(e);
  }
}

}  // namespace msw
