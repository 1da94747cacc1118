// Switch::Inject: frames from the control plane (OpenFlow packet-out) out
// of switch ports.  See switch.h.
//
// Design
//   Control rate, one call per agent message: the frames go out from the
//   calling thread with the ports' own reserve / copy / commit, one lease
//   per frame and port, counted in the control-thread counter slot.
//   'control_mu_' is held throughout: it keeps every port we send to in
//   the table (RemovePort takes it too) and makes this the only writer of
//   the control slot.  Ports take concurrent transmitters by design, so
//   workers forwarding to the same port meanwhile are fine.
#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "core/switch.h"

namespace msw {

namespace {

// Sends one frame out of 'p'; false if dropped (counted on 'p').
bool SendOne(Port& p, const InjectFrame& f) {
  PortCounters& ctr = p.counters(kControlSlot);
  if (!p.up()) {
    ctr.Drop(kPortDown);
    return false;
  }
  FrameView v{f.data, f.len, nullptr, 0, f.len, f.len};
  const uint32_t slots = p.TxSlotsFor(f.len);
  const uint32_t q = kControlSlot % std::max<uint32_t>(1, p.num_tx_queues());
  TxLease lease;
  if (p.TxReserve(q, &slots, 1, lease) == 0) {
    ctr.Drop(kNoSpace);
    return false;
  }
  const uint32_t written = p.TxCopy(lease, &v, 1, ctr);
  p.TxCommit(lease);
  return written == 1;
}

}  // namespace

Status Switch::Inject(const InjectFrame* frames, uint32_t n, uint32_t* sent) {
  *sent = 0;
  // Frames to a reserved number with no port object, counted by whoever
  // keeps that port's counters once control_mu_ is released.
  std::vector<std::pair<uint32_t, uint64_t>> unowned;
  Status st = InjectLocked(frames, n, sent, &unowned);
  if (unowned_drops_)
    for (const auto& u : unowned) unowned_drops_(u.first, u.second);
  return st;
}

Status Switch::InjectLocked(const InjectFrame* frames, uint32_t n, uint32_t* sent,
                            std::vector<std::pair<uint32_t, uint64_t>>* unowned) {
  std::lock_guard<std::mutex> lock(control_mu_);
  for (uint32_t i = 0; i < n; i++) {
    const InjectFrame& f = frames[i];
    if (f.len == 0 || f.len > kMaxFrameLen)
      return Status::Error(EINVAL, "switch " + cfg_.name + ": frame " + std::to_string(i) +
                                       " is " + std::to_string(f.len) +
                                       " bytes, must be 1.." + std::to_string(kMaxFrameLen));
    if (f.port == MSW_PORT_FLOOD) continue;
    // A reserved number with no port object is a memif interface waiting
    // for its client: a port, just down.
    if (f.port == 0 || f.port > MSW_MAX_PORTS || !reserved_[f.port])
      return Status::Error(ENOENT, "switch " + cfg_.name + ": frame " + std::to_string(i) +
                                       " names port " + std::to_string(f.port) +
                                       ", which does not exist");
  }
  for (uint32_t i = 0; i < n; i++) {
    const InjectFrame& f = frames[i];
    if (f.port != MSW_PORT_FLOOD) {
      if (owned_[f.port]) {
        if (SendOne(*owned_[f.port], f)) ++*sent;
      } else if (!unowned->empty() && unowned->back().first == f.port) {
        unowned->back().second++;  // no client connected: port-down, counted after the lock
      } else {
        unowned->emplace_back(f.port, 1);
      }
      continue;
    }
    const PortList* list = port_list_.load(std::memory_order_acquire);
    for (uint32_t k = 0; list && k < list->n; k++) {
      const uint32_t dst = list->index[k];
      if (dst == f.except_port || !owned_[dst]) continue;
      if (SendOne(*owned_[dst], f)) ++*sent;
    }
  }
  return Status::Ok();
}

}  // namespace msw
