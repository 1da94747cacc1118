// A test-and-test-and-set spinlock for the fabric's short critical
// sections (reserving and committing ring slots: a few dozen instructions,
// never a copy or a system call inside).  Unlocking pairs with the acquire
// in lock(), so what one holder wrote is visible to the next.
#ifndef MSWITCH_CORE_SPINLOCK_H_
#define MSWITCH_CORE_SPINLOCK_H_

#include <atomic>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MSW_CPU_RELAX() _mm_pause()
#else
#define MSW_CPU_RELAX() ((void)0)
#endif

namespace msw {

class SpinLock {
 public:
  void lock() {
    for (;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) MSW_CPU_RELAX();
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace msw

#endif  // MSWITCH_CORE_SPINLOCK_H_
