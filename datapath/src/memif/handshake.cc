// MemifMaster: the handshake, one handler per message (INIT, ADD_REGION,
// ADD_RING, CONNECT).  Error strings returned by the handlers are what
// the client gets in DISCONNECT (at most 95 bytes survive there) and what
// the kRefused/kDown event reports.  Runs on the control thread only.
#include "memif/master.h"

#include "memif/master_util.h"

namespace msw {

Status MemifMaster::Handle(Connection& c, const Msg& msg, FdList& fds) {
  const bool wants_fd = msg.type == memif::kMsgAddRegion || msg.type == memif::kMsgAddRing;
  if (fds.n != (wants_fd ? 1 : 0))
    return Status::Error(EPROTO, "message type " + std::to_string(msg.type) + " came with " +
                                     std::to_string(fds.n) + " fds");
  const bool in_handshake = c.state == Connection::kAwaitConnect;
  switch (msg.type) {
    case memif::kMsgInit:
      if (c.state == Connection::kAwaitInit) return HandleInit(c, msg.init);
      break;
    case memif::kMsgAddRegion:
      if (in_handshake) return HandleAddRegion(c, msg.add_region, fds);
      break;
    case memif::kMsgAddRing:
      if (in_handshake) return HandleAddRing(c, msg.add_ring, fds);
      break;
    case memif::kMsgConnect:
      if (in_handshake) return HandleConnect(c, msg.connect);
      break;
    default:
      break;
  }
  return Status::Error(EPROTO, "unexpected message type " + std::to_string(msg.type));
}

// Binds the connection to interface 'id': a pre-created one, else a new
// one if the listener auto-creates.  Checks version, mode and secret.
Status MemifMaster::HandleInit(Connection& c, const memif::MsgInit& m) {
  c.id = m.id;
  if (m.version != memif::kVersion)
    return Status::Error(EPROTONOSUPPORT, "incompatible memif version " +
                                              std::to_string(m.version >> 8) + "." +
                                              std::to_string(m.version & 0xff));
  if (m.mode != memif::kModeEthernet)
    return Status::Error(EPROTONOSUPPORT, "only ethernet mode supported");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = interfaces_.find(m.id);
  if (it == interfaces_.end()) {
    if (!listen_cfg_.auto_create) return Status::Error(ENOENT, "ID not found");
    const uint32_t idx = sw_->ReserveIndex(0);
    if (idx == 0) return Status::Error(ENOSPC, "no free port number");
    Interface& i = interfaces_[m.id];
    i.cfg.id = m.id;
    i.cfg.port = idx;
    i.cfg.name = "memif" + std::to_string(m.id);
    it = interfaces_.find(m.id);
  } else if (it->second.conn != 0) {
    return Status::Error(EBUSY, "already connected");
  }
  Interface& i = it->second;
  const std::string& secret = i.cfg.secret.empty() ? listen_cfg_.secret : i.cfg.secret;
  if (!secret.empty() && !SecretMatches(secret, m.secret)) {
    if (!i.precreated) {  // nobody else holds it: undo the auto-create
      sw_->ReleaseIndex(i.cfg.port);
      interfaces_.erase(it);
    }
    return Status::Error(EACCES, m.secret[0] ? "incorrect secret" : "secret required");
  }
  i.conn = c.serial;
  c.bound = true;
  c.client_name = ClientString(m.name, memif::kNameSize);
  c.state = Connection::kAwaitConnect;
  if (!SendMsg(c.fd, MakeMsg(memif::kMsgAck))) return Status::Error(EPIPE, "cannot send ACK");
  return Status::Ok();
}

// Maps region 'index' from its memfd.  The checks make every later access
// safe: the region is a regular file at least 'size' bytes long that can
// never shrink (F_SEAL_SHRINK), so no byte of the mapping can SIGBUS.
Status MemifMaster::HandleAddRegion(Connection& c, const memif::MsgAddRegion& m, FdList& fds) {
  const uint16_t index = m.index;
  const uint64_t size = m.size;
  const std::string what = "region " + std::to_string(index);
  if (index != c.shm.regions.size() || index >= memif::kMaxRegions)
    return Status::Error(EINVAL, what + ": expected region " + std::to_string(c.shm.regions.size()));
  if (size == 0 || size > kMaxRegionSize)
    return Status::Error(EINVAL, what + ": size " + std::to_string(size) + " not in 1..4 GiB");
  const int fd = fds.fds[0];
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
    return Status::Error(EINVAL, what + ": fd is not a memfd");
  if (uint64_t(st.st_size) < size)
    return Status::Error(EINVAL, what + ": memfd is smaller than the declared size");
  const int seals = fcntl(fd, F_GET_SEALS);
  if (seals < 0 || !(seals & F_SEAL_SHRINK))
    return Status::Error(EPERM, what + ": memfd not sealed with F_SEAL_SHRINK");
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) return Status::Error(errno, ErrnoText(what + ": mmap", errno));
  c.shm.regions.push_back(memif::Region{static_cast<uint8_t*>(base), size});
  if (!SendMsg(c.fd, MakeMsg(memif::kMsgAck))) return Status::Error(EPIPE, "cannot send ACK");
  return Status::Ok();  // fds closes the memfd: the mapping keeps the memory
}

// Records a ring: it must lie inside a known region, 8-byte aligned (so
// descriptors are read with aligned 8-byte loads), and come with an
// eventfd.  The S2M eventfd, which workers read, is made non-blocking.
Status MemifMaster::HandleAddRing(Connection& c, const memif::MsgAddRing& m, FdList& fds) {
  const bool s2m = m.flags & memif::kAddRingFlagS2M;
  const uint16_t index = m.index, region = m.region;
  const uint32_t offset = m.offset;
  const uint8_t log2 = m.log2_ring_size;
  const std::string what = std::string(s2m ? "S2M" : "M2S") + " ring " + std::to_string(index);
  memif::RingSpec* rings = s2m ? c.shm.s2m : c.shm.m2s;
  if (index >= memif::kMaxRingsPerDir || rings[index].present)
    return Status::Error(EINVAL, what + ": bad or repeated ring index");
  if (region >= c.shm.regions.size())
    return Status::Error(EINVAL, what + ": unknown region " + std::to_string(region));
  if (log2 > memif::kMaxLog2RingSize)
    return Status::Error(EINVAL, what + ": log2 size " + std::to_string(log2) + " above " +
                                     std::to_string(memif::kMaxLog2RingSize));
  if (offset % 8 || uint64_t{offset} + memif::RingBytes(log2) > c.shm.regions[region].size)
    return Status::Error(EINVAL, what + ": offset " + std::to_string(offset) +
                                     " unaligned or ring beyond its region");
  const int fd = fds.fds[0];
  if (!IsEventFd(fd)) return Status::Error(EINVAL, what + ": fd is not an eventfd");
  if (s2m) {
    const int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
      return Status::Error(errno, ErrnoText(what + ": fcntl", errno));
  }
  rings[index] = memif::RingSpec{true, region, offset, log2, fds.Take()};
  if (!SendMsg(c.fd, MakeMsg(memif::kMsgAck))) return Status::Error(EPIPE, "cannot send ACK");
  return Status::Ok();
}

// Checks the complete set (rings 0..n-1 each way, valid cookies), builds
// the port and puts it in the switch, then tells the client CONNECTED.
Status MemifMaster::HandleConnect(Connection& c, const memif::MsgConnect& m) {
  uint32_t n[2] = {0, 0};
  const memif::RingSpec* dirs[2] = {c.shm.s2m, c.shm.m2s};
  for (int d = 0; d < 2; d++) {
    const char* dir = d == 0 ? "S2M" : "M2S";
    while (n[d] < memif::kMaxRingsPerDir && dirs[d][n[d]].present) n[d]++;
    if (n[d] == 0) return Status::Error(EINVAL, std::string("no ") + dir + " ring");
    for (uint32_t q = n[d]; q < memif::kMaxRingsPerDir; q++)
      if (dirs[d][q].present)
        return Status::Error(EINVAL, std::string(dir) + " ring indices are not 0..n-1");
    for (uint32_t q = 0; q < n[d]; q++)
      if (__atomic_load_n(&c.shm.RingOf(dirs[d][q])->cookie, __ATOMIC_ACQUIRE) != memif::kCookie)
        return Status::Error(EINVAL, std::string(dir) + " ring " + std::to_string(q) +
                                         ": bad cookie");
  }
  c.shm.n_s2m = n[0];
  c.shm.n_m2s = n[1];
  const std::string if_name = ClientString(m.if_name, memif::kNameSize);
  if (!if_name.empty()) c.client_name += (c.client_name.empty() ? "" : " ") + ("(" + if_name + ")");

  uint32_t index;
  std::string name;
  int worker;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = interfaces_.find(c.id);  // bound: only Drop forgets it
    if (it == interfaces_.end()) return Status::Error(ENOENT, "interface vanished");
    index = it->second.cfg.port;
    name = it->second.cfg.name;
    worker = it->second.cfg.worker;
  }
  auto port = std::make_unique<MemifPort>(index, name, std::move(c.shm));
  MemifPort* raw = port.get();
  Status st = sw_->AddPort(std::move(port), worker);
  if (!st.ok()) return Status::Error(st.code, "switch refused the port: " + st.message);
  c.port = raw;
  c.state = Connection::kConnected;
  Msg reply = MakeMsg(memif::kMsgConnected);
  PutString(reply.connected.if_name, memif::kNameSize, name);
  if (!SendMsg(c.fd, reply)) return Status::Error(EPIPE, "cannot send CONNECTED");
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = interfaces_.find(c.id);
    if (it != interfaces_.end()) {
      it->second.connected = true;
      it->second.client_name = c.client_name;
    }
  }
  Emit(MemifEvent::kUp, index, c.id, name, c.client_name);
  return Status::Ok();
}

}  // namespace msw
