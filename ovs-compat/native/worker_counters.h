// Exact packet and byte counters written by many workers without atomics'
// read-modify-write: one cache line per worker slot, each slot written by
// its own worker only, summed by the control thread.  Groups, buckets,
// meters and meter bands count with it.
//
// Thread-safety
//   Count(w, ...) only from worker 'w' (the spare last slot is the control
//   thread's, for trace and packet_out); Sum from any thread, seeing each
//   slot's latest relaxed store.
#ifndef MSWITCH_OVS_COMPAT_WORKER_COUNTERS_H_
#define MSWITCH_OVS_COMPAT_WORKER_COUNTERS_H_

#include <atomic>
#include <cstdint>
#include <memory>

namespace ofl {

class WorkerCounters {
 public:
  explicit WorkerCounters(uint32_t n_slots) : n_(n_slots ? n_slots : 1), slots_(new Slot[n_]) {}
  void Count(uint32_t w, uint64_t bytes) {
    Slot& s = slots_[w < n_ ? w : n_ - 1];
    s.packets.store(s.packets.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    s.bytes.store(s.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
  }
  void Sum(uint64_t* packets, uint64_t* bytes) const {
    *packets = *bytes = 0;
    for (uint32_t i = 0; i < n_; i++) {
      *packets += slots_[i].packets.load(std::memory_order_relaxed);
      *bytes += slots_[i].bytes.load(std::memory_order_relaxed);
    }
  }

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};
  };
  uint32_t n_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_WORKER_COUNTERS_H_
