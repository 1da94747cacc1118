// Two tiny measurements the benchmarks need beside the switch itself,
// compiled by the bench at run time (g++ -O2 -pthread) into a temp dir.
//
//   bench-helper memcpy SIZE SECONDS
//     The raw copy ceiling: one thread copies a SIZE-byte frame between
//     buffers that stay in cache (a ring of 8 source and 8 destination
//     frames for small sizes, one pair for large ones), as a switch copies
//     each frame once from the sender's buffer to the receiver's.  Prints
//     {"copies_per_s":..., "gbps":...}.  No switch does better than this
//     on one core; the ratio to it says how much of a core's copy budget
//     the rest of the path costs.
//
//   bench-helper probe MILLISECONDS
//     The cross-core ping-pong probe: two threads pinned to CPUs 0 and 1
//     bounce one cache line back and forth for MILLISECONDS and print
//     {"rtt_ns": round trip}, the fastest mean of 64 rounds.  On this VM
//     the cross-core latency flips between two levels; every shared-memory
//     rate follows it, so each benchmark sample is taken between probes.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Copies 'size' bytes again and again for 'seconds'; checks the clock
// every 4096 copies so the clock costs nothing.
int RunMemcpy(size_t size, double seconds) {
  const size_t ring = size <= 4096 ? 8 : 1;
  std::vector<char> src(size * ring, 'x'), dst(size * ring, 0);
  uint64_t copies = 0;
  const auto start = Clock::now();
  auto now = start;
  do {
    for (int i = 0; i < 4096; i++) {
      const size_t slot = copies++ % ring;
      std::memcpy(&dst[slot * size], &src[slot * size], size);
      asm volatile("" : : "r"(dst.data()) : "memory");   // keep every copy
    }
    now = Clock::now();
  } while (Seconds(start, now) < seconds);
  const double s = Seconds(start, now);
  std::printf("{\"copies_per_s\":%.1f,\"gbps\":%.3f}\n", copies / s, copies * size * 8.0 / s / 1e9);
  return 0;
}

// One cache line owned alternately by the two threads: the pinger writes
// an odd value, the ponger answers with the next even one.
struct alignas(64) Line {
  std::atomic<uint64_t> v{0};
};

int RunProbe(double ms) {
  Line line;
  std::atomic<bool> stop{false};
  std::thread ponger([&] {
    PinTo(1);
    uint64_t want = 1;
    while (!stop.load(std::memory_order_relaxed)) {
      if (line.v.load(std::memory_order_acquire) == want) {
        line.v.store(want + 1, std::memory_order_release);
        want += 2;
      }
    }
  });
  PinTo(0);
  // Rounds are timed 64 at a time so the clock's own cost and resolution
  // do not show; 'rtts' holds the per-round mean of each group.  A round
  // waits as long as it takes (the ponger may not be scheduled yet on a
  // busy machine), but a group cut off by the deadline is not counted.
  constexpr int kGroup = 64;
  std::vector<double> rtts;
  const auto start = Clock::now();
  const double deadline_s = ms / 1e3 + 0.5;
  uint64_t next = 1;
  bool late = false;
  while (!late && Seconds(start, Clock::now()) * 1e3 < ms) {
    const auto t0 = Clock::now();
    for (int i = 0; i < kGroup && !late; i++, next += 2) {
      line.v.store(next, std::memory_order_release);
      uint64_t spins = 0;
      while (line.v.load(std::memory_order_acquire) != next + 1) {
        if (++spins % 4096 == 0 && Seconds(start, Clock::now()) > deadline_s) {
          late = true;
          break;
        }
      }
    }
    if (!late) rtts.push_back(Seconds(t0, Clock::now()) * 1e9 / kGroup);
  }
  stop = true;
  ponger.join();
  if (rtts.empty()) {
    std::printf("{\"rtt_ns\":null}\n");
    return 0;
  }
  // The fastest group: a group during which either thread was preempted
  // (the machine may be busy) is slow for reasons other than the cache
  // line's trip, and preemption only ever adds time.
  std::printf("{\"rtt_ns\":%.1f}\n", *std::min_element(rtts.begin(), rtts.end()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && !std::strcmp(argv[1], "memcpy")) {
    return RunMemcpy(std::strtoul(argv[2], nullptr, 10), std::atof(argv[3]));
  }
  if (argc == 3 && !std::strcmp(argv[1], "probe")) return RunProbe(std::atof(argv[2]));
  std::fprintf(stderr, "usage: bench-helper memcpy SIZE SECONDS | probe MILLISECONDS\n");
  return 2;
}
