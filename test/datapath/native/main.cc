// The runner of the native tests (mswitch-native-test).
//
//   mswitch-native-test                 runs every case
//   mswitch-native-test --list          prints the case names, one a line
//   mswitch-native-test --run NAME      runs one case
//   --seed N (or MSW_TEST_SEED=N)       changes the base seed (default 1)
//
// Each case prints "seed NAME N", then "PASS NAME" or "FAIL NAME: reason";
// the exit status is 0 only if every case run passed.  A watchdog ends the
// process with a FAIL line if one case runs longer than 120 s, so a
// deadlock in the datapath shows up as a failure, not a hang.
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "check.h"

namespace msw_test {

namespace {

std::mutex g_thread_mu;
std::string g_thread_failure;
std::atomic<bool> g_thread_failed{false};

uint64_t Fnv1a(const char* s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ uint8_t(*s)) * 1099511628211ull;
  return h;
}

// Ends the process if the running case outlives its deadline.
class Watchdog {
 public:
  explicit Watchdog(const char* name, int seconds) : name_(name) {
    thread_ = std::thread([this, seconds] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) {
        std::printf("FAIL %s: still running after %d s (deadlock?)\n", name_, seconds);
        std::fflush(stdout);
        _exit(2);
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  const char* name_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

bool RunOne(const TestCase& tc, uint64_t base_seed) {
  TestContext ctx{base_seed ^ Fnv1a(tc.name)};
  std::printf("seed %s %llu\n", tc.name, (unsigned long long)base_seed);
  std::fflush(stdout);
  {
    std::lock_guard<std::mutex> lock(g_thread_mu);
    g_thread_failure.clear();
    g_thread_failed.store(false);
  }
  const uint64_t t0 = NowNs();
  std::string failure, skipped;
  {
    Watchdog dog(tc.name, 120);
    try {
      tc.fn(ctx);
      if (ThreadFailed()) CheckThreads();
    } catch (const TestFailure& f) {
      failure = f.message;
    } catch (const TestSkipped& s) {
      skipped = s.reason;
    }
  }
  const double ms = double(NowNs() - t0) / 1e6;
  if (!skipped.empty() && failure.empty())
    std::printf("SKIP %s: %s\n", tc.name, skipped.c_str());
  else if (failure.empty())
    std::printf("PASS %s (%.0f ms)\n", tc.name, ms);
  else
    std::printf("FAIL %s: %s\n", tc.name, failure.c_str());
  std::fflush(stdout);
  return failure.empty();
}

}  // namespace

std::vector<TestCase>& Registry() {
  static std::vector<TestCase> cases;
  return cases;
}

void Fail(const char* file, int line, const std::string& what) {
  const char* base = std::strrchr(file, '/');
  throw TestFailure{std::string(base ? base + 1 : file) + ":" + std::to_string(line) + ": " +
                    what};
}

void ThreadFail(const char* file, int line, const std::string& what) {
  std::lock_guard<std::mutex> lock(g_thread_mu);
  if (g_thread_failed.load()) return;
  const char* base = std::strrchr(file, '/');
  g_thread_failure = std::string(base ? base + 1 : file) + ":" + std::to_string(line) + ": " + what;
  g_thread_failed.store(true);
}

bool ThreadFailed() { return g_thread_failed.load(); }

void CheckThreads() {
  std::lock_guard<std::mutex> lock(g_thread_mu);
  if (g_thread_failed.load()) throw TestFailure{"on a helper thread: " + g_thread_failure};
}

bool WaitFor(const std::function<bool()>& cond, double seconds) {
  const uint64_t deadline = NowNs() + uint64_t(seconds * 1e9);
  for (uint32_t i = 0;; i++) {
    if (cond()) return true;
    if (NowNs() > deadline) return cond();
    if (i < 200) std::this_thread::yield();
    else usleep(i < 2000 ? 20 : 200);
  }
}

}  // namespace msw_test

int main(int argc, char** argv) {
  using msw_test::Registry;
  uint64_t seed = 1;
  if (const char* env = std::getenv("MSW_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
  const char* run = nullptr;
  bool list = false;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--list")) {
      list = true;
    } else if (!std::strcmp(argv[i], "--run") && i + 1 < argc) {
      run = argv[++i];
    } else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--list] [--run NAME] [--seed N]\n", argv[0]);
      return 64;
    }
  }
  if (list) {
    for (const auto& tc : Registry()) std::printf("%s\n", tc.name);
    return 0;
  }
  int failed = 0, ran = 0;
  for (const auto& tc : Registry()) {
    if (run && std::strcmp(run, tc.name) != 0) continue;
    ran++;
    if (!msw_test::RunOne(tc, seed)) failed++;
  }
  if (run && ran == 0) {
    std::printf("FAIL %s: no such test\n", run);
    return 1;
  }
  if (!run) std::printf("%d of %d passed\n", ran - failed, ran);
  return failed ? 1 : 0;
}
