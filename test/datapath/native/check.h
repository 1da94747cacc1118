// A tiny test harness for the native datapath tests: no framework, just
// registration, checks and a runner (main.cc).
//
// What?
//   MSW_TEST(name) { ... } defines a test case and registers it by name.
//   Inside, CHECK(cond), CHECK_EQ(a, b) and CHECK_MSG(cond, stream-args)
//   fail the case by throwing TestFailure, which the runner turns into
//   "FAIL name: file:line: reason".  Checks made on threads other than the
//   test's own must not throw: use ThreadCheck (records the first failure,
//   the test thread reports it with CheckThreads()).
//
// Determinism
//   Every case gets a seed (the base seed, fixed unless --seed or
//   MSW_TEST_SEED says otherwise, mixed with the case name) and prints it,
//   so a failure reproduces with `--run NAME --seed N`.  Cases wait for
//   things with WaitFor(), which gives up after a generous deadline (a hang
//   guard, never a timing assertion).
#ifndef MSWITCH_TEST_NATIVE_CHECK_H_
#define MSWITCH_TEST_NATIVE_CHECK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace msw_test {

// Thrown by SKIP_TEST: the case cannot run here (a peer is not installed);
// the runner prints SKIP and the mocha wrapper marks it pending, never
// passed.
struct TestSkipped {
  std::string reason;
};
#define SKIP_TEST(reason) throw ::msw_test::TestSkipped{reason}

struct TestFailure {
  std::string message;
};

// What a running case may ask of the harness.
struct TestContext {
  uint64_t seed;
};

using TestFn = void (*)(TestContext&);

struct TestCase {
  const char* name;
  TestFn fn;
};

std::vector<TestCase>& Registry();

struct Registrar {
  Registrar(const char* name, TestFn fn) { Registry().push_back({name, fn}); }
};

[[noreturn]] void Fail(const char* file, int line, const std::string& what);

// The first failure seen on a helper thread, reported by CheckThreads().
void ThreadFail(const char* file, int line, const std::string& what);
void CheckThreads();  // throws if a helper thread failed
bool ThreadFailed();

// Polls 'cond' until it holds or 'seconds' pass; returns whether it held.
bool WaitFor(const std::function<bool()>& cond, double seconds = 20.0);

inline void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

inline uint64_t NowNs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// Seeded randomness with the few draws the tests need.
class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t Next() { return gen_(); }
  // Uniform in [lo, hi].
  uint32_t Range(uint32_t lo, uint32_t hi) {
    return lo + uint32_t(gen_() % (uint64_t(hi) - lo + 1));
  }
  bool Chance(double p) { return double(gen_() >> 11) * (1.0 / 9007199254740992.0) < p; }
  uint8_t Byte() { return uint8_t(gen_()); }

 private:
  std::mt19937_64 gen_;
};

}  // namespace msw_test

#define MSW_TEST(name)                                                   \
  static void MswTest_##name(::msw_test::TestContext& ctx);              \
  static ::msw_test::Registrar msw_test_reg_##name(#name, MswTest_##name); \
  static void MswTest_##name(::msw_test::TestContext& ctx)

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) ::msw_test::Fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

#define CHECK_MSG(cond, msg)                                          \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::ostringstream msw_os_;                                     \
      msw_os_ << "CHECK(" #cond "): " << msg;                         \
      ::msw_test::Fail(__FILE__, __LINE__, msw_os_.str());            \
    }                                                                 \
  } while (0)

#define CHECK_EQ(a, b)                                                       \
  do {                                                                       \
    const auto msw_a_ = (a);                                                 \
    const auto msw_b_ = (b);                                                 \
    if (!(msw_a_ == msw_b_)) {                                               \
      std::ostringstream msw_os_;                                            \
      msw_os_ << "CHECK_EQ(" #a ", " #b "): " << msw_a_ << " != " << msw_b_; \
      ::msw_test::Fail(__FILE__, __LINE__, msw_os_.str());                   \
    }                                                                        \
  } while (0)

// For helper threads: records the failure instead of throwing.
#define THREAD_CHECK_MSG(cond, msg)                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::ostringstream msw_os_;                                     \
      msw_os_ << "CHECK(" #cond "): " << msg;                         \
      ::msw_test::ThreadFail(__FILE__, __LINE__, msw_os_.str());      \
    }                                                                 \
  } while (0)

#endif  // MSWITCH_TEST_NATIVE_CHECK_H_
