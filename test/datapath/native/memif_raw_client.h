// RawClient: a hand-rolled memif client for the master's tests.  It lays
// out its memory as DPDK's net_memif does (one region: S2M rings, M2S
// rings, then one buffer per ring slot; every descriptor preset to its
// buffer) and speaks the handshake one message at a time, so a test can
// stop anywhere, send something wrong, or scribble on the rings.
//
// It is deliberately independent of our client library (client.cc): the
// master is tested against a peer that follows the wire format, not
// against the code on the other side of it.
#ifndef MSWITCH_TEST_NATIVE_MEMIF_RAW_CLIENT_H_
#define MSWITCH_TEST_NATIVE_MEMIF_RAW_CLIENT_H_

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "memif/memif_port.h"
#include "memif/protocol.h"

namespace msw_test {

using Bytes = std::vector<uint8_t>;

struct RawLayout {
  uint32_t n_s2m = 1;
  uint32_t n_m2s = 1;
  uint8_t log2 = 8;
  uint32_t buf_size = 2048;
  bool seal = true;  // F_SEAL_SHRINK the memfd, as DPDK does
};

class RawClient {
 public:
  explicit RawClient(const RawLayout& l) : l_(l) {
    const uint32_t size = 1u << l.log2;
    rings_bytes_ = uint64_t(l.n_s2m + l.n_m2s) * msw::memif::RingBytes(l.log2);
    region_size_ = rings_bytes_ + uint64_t(l.n_s2m + l.n_m2s) * size * l.buf_size;
    memfd_ = memfd_create("raw-memif", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    if (ftruncate(memfd_, off_t(region_size_)) != 0) std::abort();
    if (l.seal && fcntl(memfd_, F_ADD_SEALS, F_SEAL_SHRINK) != 0) std::abort();
    base_ = static_cast<uint8_t*>(
        mmap(nullptr, region_size_, PROT_READ | PROT_WRITE, MAP_SHARED, memfd_, 0));
    if (base_ == MAP_FAILED) std::abort();
    for (uint32_t r = 0; r < l.n_s2m + l.n_m2s; r++) {
      msw::memif::Ring* ring = RingAt(r);
      ring->cookie = msw::memif::kCookie;
      for (uint32_t j = 0; j < size; j++) {
        ring->desc[j].region = 0;
        ring->desc[j].offset = uint32_t(rings_bytes_ + (uint64_t(r) * size + j) * l.buf_size);
        ring->desc[j].length = l.buf_size;
        ring->desc[j].flags = 0;
      }
      efd_.push_back(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    }
    last_tail_.assign(l.n_m2s, 0);
  }
  ~RawClient() {
    Close();
    munmap(base_, region_size_);
    close(memfd_);
    for (int fd : efd_) close(fd);
  }

  // ---- memory ----
  uint32_t ring_size() const { return 1u << l_.log2; }
  uint64_t region_size() const { return region_size_; }
  uint32_t RingOffset(uint32_t r) const { return uint32_t(r * msw::memif::RingBytes(l_.log2)); }
  msw::memif::Ring* RingAt(uint32_t r) { return reinterpret_cast<msw::memif::Ring*>(base_ + RingOffset(r)); }
  msw::memif::Ring* s2m(uint32_t q) { return RingAt(q); }
  msw::memif::Ring* m2s(uint32_t q) { return RingAt(l_.n_s2m + q); }
  int s2m_fd(uint32_t q) const { return efd_[q]; }
  int m2s_fd(uint32_t q) const { return efd_[l_.n_s2m + q]; }
  uint8_t* At(const msw::memif::Desc& d) { return base_ + d.offset; }
  int memfd() const { return memfd_; }

  // What the master would build: a second mapping and copies of the fds.
  msw::memif::SharedMemory MakeShared() {
    msw::memif::SharedMemory shm;
    void* p = mmap(nullptr, region_size_, PROT_READ | PROT_WRITE, MAP_SHARED, memfd_, 0);
    shm.regions.push_back(msw::memif::Region{static_cast<uint8_t*>(p), region_size_});
    for (uint32_t q = 0; q < l_.n_s2m; q++)
      shm.s2m[q] = msw::memif::RingSpec{true, 0, RingOffset(q), l_.log2, dup(s2m_fd(q))};
    for (uint32_t q = 0; q < l_.n_m2s; q++)
      shm.m2s[q] = msw::memif::RingSpec{true, 0, RingOffset(l_.n_s2m + q), l_.log2, dup(m2s_fd(q))};
    shm.n_s2m = l_.n_s2m;
    shm.n_m2s = l_.n_m2s;
    return shm;
  }

  // ---- data: the client's side of the rings ----

  // Puts one frame on S2M ring 'q' (split into buf_size pieces) and
  // publishes it; false when the ring is full.  Kicks if asked to.
  bool SendFrame(uint32_t q, const Bytes& f) {
    msw::memif::Ring* r = s2m(q);
    const uint16_t head = r->head;
    const uint16_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    const uint32_t need = f.empty() ? 1 : uint32_t((f.size() + l_.buf_size - 1) / l_.buf_size);
    if (uint16_t(ring_size() - uint16_t(head - tail)) < need) return false;
    uint16_t s = head;
    size_t off = 0;
    do {
      msw::memif::Desc& d = r->desc[s & (ring_size() - 1)];
      d.region = 0;
      d.offset = DefaultOffset(q, s);
      const size_t n = std::min<size_t>(l_.buf_size, f.size() - off);
      std::memcpy(base_ + d.offset, f.data() + off, n);
      d.length = uint32_t(n);
      off += n;
      d.flags = off < f.size() ? msw::memif::kDescFlagNext : 0;
      s++;
    } while (off < f.size());
    Publish(q, s);
    return true;
  }

  // Publishes S2M descriptors up to 'head' as they stand (for hostile
  // tests that wrote them by hand).
  void Publish(uint32_t q, uint16_t head) {
    msw::memif::Ring* r = s2m(q);
    __atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!(r->flags & msw::memif::kRingFlagMaskInt)) {
      const uint64_t one = 1;
      (void)!write(s2m_fd(q), &one, sizeof(one));
    }
  }

  uint32_t DefaultOffset(uint32_t q, uint16_t slot) const {
    return uint32_t(rings_bytes_ + (uint64_t(q) * ring_size() + (slot & (ring_size() - 1))) * l_.buf_size);
  }

  // Offers every free M2S buffer of ring 'q' (reset to its own buffer).
  void Offer(uint32_t q) {
    msw::memif::Ring* r = m2s(q);
    uint16_t head = r->head;
    const uint16_t limit = uint16_t(last_tail_[q] + ring_size());
    for (; head != limit; head++) {
      msw::memif::Desc& d = r->desc[head & (ring_size() - 1)];
      d.region = 0;
      d.offset = DefaultOffset(l_.n_s2m + q, head);
      d.length = l_.buf_size;
      d.flags = 0;
    }
    __atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
  }

  // Takes the frames the switch published on M2S ring 'q'.
  std::vector<Bytes> Take(uint32_t q) {
    msw::memif::Ring* r = m2s(q);
    const uint16_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    std::vector<Bytes> out;
    Bytes cur;
    for (uint16_t s = last_tail_[q]; s != tail; s++) {
      const msw::memif::Desc& d = r->desc[s & (ring_size() - 1)];
      cur.insert(cur.end(), base_ + d.offset, base_ + d.offset + d.length);
      if (!(d.flags & msw::memif::kDescFlagNext)) {
        out.push_back(cur);
        cur.clear();
      }
    }
    last_tail_[q] = tail;
    return out;
  }

  // Consumes what the switch published on M2S ring 'q' without reading
  // the descriptors (for tests that scribble on them).
  void Skip(uint32_t q) { last_tail_[q] = __atomic_load_n(&m2s(q)->tail, __ATOMIC_ACQUIRE); }

  // ---- control channel ----

  bool Connect(const std::string& path, bool abstract = false) {
    fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    socklen_t len;
    if (abstract) {
      std::memcpy(a.sun_path + 1, path.data(), path.size());
      len = socklen_t(offsetof(sockaddr_un, sun_path) + 1 + path.size());
    } else {
      std::memcpy(a.sun_path, path.data(), path.size());
      len = sizeof(a);
    }
    timeval tv{10, 0};  // longer than the master's handshake timeout
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return connect(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }

  static msw::memif::Msg Make(uint16_t type) {
    msw::memif::Msg m;
    std::memset(&m, 0, sizeof(m));
    m.type = type;
    return m;
  }
  bool Send(const msw::memif::Msg& m, int pass_fd = -1, size_t bytes = sizeof(msw::memif::Msg)) {
    iovec iov = {const_cast<msw::memif::Msg*>(&m), bytes};
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (pass_fd >= 0) {
      mh.msg_control = ctl;
      mh.msg_controllen = sizeof(ctl);
      cmsghdr* c = CMSG_FIRSTHDR(&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    return sendmsg(fd_, &mh, MSG_NOSIGNAL) == ssize_t(bytes);
  }
  // Receives one message; type kMsgNone on EOF or timeout.
  msw::memif::Msg Recv() {
    msw::memif::Msg m = Make(msw::memif::kMsgNone);
    if (recv(fd_, &m, sizeof(m), 0) != ssize_t(sizeof(m))) m.type = msw::memif::kMsgNone;
    return m;
  }
  // True once the master closed the connection (EOF).
  bool Closed() {
    char b[256];
    for (;;) {
      const ssize_t n = recv(fd_, b, sizeof(b), 0);
      if (n == 0) return true;
      if (n < 0) return false;
    }
  }

  msw::memif::Msg InitMsg(uint32_t id, const std::string& secret = "") {
    msw::memif::Msg m = Make(msw::memif::kMsgInit);
    m.init.version = msw::memif::kVersion;
    m.init.id = id;
    m.init.mode = msw::memif::kModeEthernet;
    std::memcpy(m.init.secret, secret.data(), std::min(secret.size(), msw::memif::kSecretSize));
    std::memcpy(m.init.name, "raw-client", 10);
    return m;
  }
  msw::memif::Msg RegionMsg(uint16_t index = 0, uint64_t size = 0) {
    msw::memif::Msg m = Make(msw::memif::kMsgAddRegion);
    m.add_region.index = index;
    m.add_region.size = size ? size : region_size_;
    return m;
  }
  msw::memif::Msg RingMsg(bool s2m_dir, uint16_t q) {
    msw::memif::Msg m = Make(msw::memif::kMsgAddRing);
    m.add_ring.flags = s2m_dir ? msw::memif::kAddRingFlagS2M : 0;
    m.add_ring.index = q;
    m.add_ring.region = 0;
    m.add_ring.offset = RingOffset(s2m_dir ? q : l_.n_s2m + q);
    m.add_ring.log2_ring_size = l_.log2;
    return m;
  }

  // Expects one message of 'type'.
  bool Expect(uint16_t type) { return Recv().type == type; }

  // The whole handshake; true once CONNECTED arrived.
  bool Handshake(const std::string& path, uint32_t id, const std::string& secret = "") {
    if (!Connect(path) || !Expect(msw::memif::kMsgHello)) return false;
    if (!Send(InitMsg(id, secret)) || !Expect(msw::memif::kMsgAck)) return false;
    if (!Send(RegionMsg(), memfd_) || !Expect(msw::memif::kMsgAck)) return false;
    for (uint32_t q = 0; q < l_.n_s2m; q++)
      if (!Send(RingMsg(true, uint16_t(q)), s2m_fd(q)) || !Expect(msw::memif::kMsgAck)) return false;
    for (uint32_t q = 0; q < l_.n_m2s; q++)
      if (!Send(RingMsg(false, uint16_t(q)), m2s_fd(q)) || !Expect(msw::memif::kMsgAck)) return false;
    return Send(Make(msw::memif::kMsgConnect)) && Expect(msw::memif::kMsgConnected);
  }

 private:
  RawLayout l_;
  uint64_t rings_bytes_ = 0;
  uint64_t region_size_ = 0;
  int memfd_ = -1;
  uint8_t* base_ = nullptr;
  std::vector<int> efd_;  // s2m rings, then m2s rings
  std::vector<uint16_t> last_tail_;
  int fd_ = -1;
};

}  // namespace msw_test

#endif  // MSWITCH_TEST_NATIVE_MEMIF_RAW_CLIENT_H_
