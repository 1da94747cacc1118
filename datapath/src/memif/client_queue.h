// Per-queue state of MemifClient (datapath/include/mswitch/memif_client.h),
// shared by client.cc (handshake, set-up) and client_rings.cc (data path).
//
// Design
//   A queue pair is two independent halves: the transmit half (S2M ring,
//   its kick eventfd, tx counters) used only by the queue's sending thread,
//   and the receive half (M2S ring, its interrupt eventfd, the rx cursor,
//   the chain scratch buffer, rx counters) used only by its receiving
//   thread.  Each half starts on its own cache line so the two threads do
//   not false-share.
//
// Invariants
//   - 's2m' / 'm2s' point into the client's region and stay valid until the
//     client is destroyed; 'buf0' is the region offset of slot 0's buffer,
//     slot s's buffer is at buf0 + s * buffer size.
//   - 'last_tail' is the M2S index up to which frames were consumed: the
//     master filled [last_tail, ring->tail), the client offers
//     [ring->tail .. last_tail + ring size) back.
//   - Counters have one writer each; Add() is a plain load + store (no
//     locked instruction), readers on other threads load relaxed.
#ifndef MSWITCH_MEMIF_CLIENT_QUEUE_H_
#define MSWITCH_MEMIF_CLIENT_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "memif/protocol.h"
#include "mswitch/memif_client.h"

namespace msw {

struct MemifClientCounter {
  std::atomic<uint64_t> v{0};
  void Add(uint64_t n) {
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return v.load(std::memory_order_relaxed); }
};

struct MemifClient::Queue {
  // Transmit half.
  alignas(64) memif::Ring* s2m = nullptr;
  int s2m_fd = -1;        // eventfd we kick
  uint32_t s2m_buf0 = 0;
  MemifClientCounter tx_packets, tx_bytes, tx_invalid, tx_kicks;

  // Receive half.
  alignas(64) memif::Ring* m2s = nullptr;
  int m2s_fd = -1;        // eventfd the master kicks
  uint32_t m2s_buf0 = 0;
  uint16_t last_tail = 0;
  std::vector<uint8_t> scratch;  // kMemifMaxFrame bytes, for chains
  MemifClientCounter rx_packets, rx_bytes, rx_errors, rx_wakeups;
};

// Ring index helpers (free-running uint16 counters, see protocol.h).
inline uint16_t MemifLoadAcquire(const uint16_t* p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
inline uint16_t MemifLoadRelaxed(const uint16_t* p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
inline void MemifStoreRelease(uint16_t* p, uint16_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
inline void MemifStoreRelaxed(uint16_t* p, uint16_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

}  // namespace msw

#endif  // MSWITCH_MEMIF_CLIENT_QUEUE_H_
