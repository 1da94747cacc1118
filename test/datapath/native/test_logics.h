// Switching logics written for the tests, registered through the public
// registry (msw::RegisterLogic) exactly as a loaded logic would be.
//
//   test-oracle    answers whatever a plan says for the frame whose id is in
//                  its first 4 bytes (little endian): UNICAST, FLOOD, DROP,
//                  MULTI with plain and variant outputs (push, pop, arbitrary
//                  head replacement), an in-place rewrite of the head, and
//                  malformed answers.  It relies on the ABI's promise that
//                  the result arrives zeroed: it writes only the fields the
//                  plan sets, and counts a violation if the promise breaks.
//   test-oracle-batch  test-oracle with lookup_batch (ABI version 3): the
//                  fabric's batch path; it checks each chunk against what
//                  logic.h promises and answers its packets in order.
//   test-oracle-v2 test-oracle registered as ABI version 2 (no
//                  lookup_batch member in its table).
//   test-directed  reads its answer from the frame: bytes 0-1 the
//                  destination port (little endian), byte 2 the verdict
//                  (0 unicast, 1 flood, 2 drop, 3 call the test's hook
//                  with the frame's tag, then drop).  For tests that need
//                  a logic but no plan, or need to stop a worker in the
//                  middle of a batch.
#ifndef MSWITCH_TEST_NATIVE_TEST_LOGICS_H_
#define MSWITCH_TEST_NATIVE_TEST_LOGICS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fake_port.h"
#include "mswitch/logic.h"

namespace msw_test {

struct PlanOutput {
  uint32_t port = 0;
  uint16_t flags = 0;
  uint16_t head_off = 0, head_len = 0, strip = 0;
  Bytes scratch;  // written at scratch[head_off..), clipped to the scratch
};

struct PlanEntry {
  uint32_t verdict = MSW_VERDICT_DROP;
  uint32_t port = 0;
  uint32_t flags = 0;
  uint32_t n_outputs = 0;   // may exceed outs.size() (a logic bug)
  std::vector<PlanOutput> outs;
  // In-place rewrite: head bytes [rw_off, rw_off + rw_len) ^= rw_xor.
  uint32_t rw_off = 0, rw_len = 0;
  uint8_t rw_xor = 0;
  // What the lookup must be shown.
  uint32_t expect_src = 0, expect_len = 0;
};

// Registers test-oracle and test-directed (once per process).
void RegisterTestLogics();

// The plan test-oracle follows, indexed by frame id.  Change it only while
// no frame is in flight.
void SetOraclePlan(const std::vector<PlanEntry>* plan);

// Lookups that saw something the ABI does not allow (a result not zeroed,
// a packet not matching the plan); the first one described.
uint64_t OracleViolations();
std::string OracleFirstViolation();
void ResetOracleViolations();

// How the fabric called test-oracle-batch (totals since the process
// started): lookup_batch calls, frames in them, the largest chunk, and
// calls of its per-packet lookup (which the fabric should never make).
struct OracleBatchStats {
  uint64_t calls, frames, max_chunk, singles;
};
OracleBatchStats GetOracleBatchStats();

// What test-directed's verdict 3 calls (on a worker, inside lookup).  Set
// it only while no such frame is in flight.
void SetDirectedHook(std::function<void(uint64_t tag)> hook);

// A test-directed frame of 'len' bytes: dst port, verdict, then 'tag'
// (8 bytes, little endian) at offset 4 and a fill derived from it.
Bytes DirectedFrame(uint32_t dst, uint8_t verdict, uint64_t tag, uint32_t len);
uint64_t FrameTag(const Bytes& f);

// An Ethernet frame dst MAC, src MAC, ethertype 0x88b5, 'tag' at 14.
Bytes EthFrame(uint64_t dst_mac, uint64_t src_mac, uint64_t tag, uint32_t len = 64);

}  // namespace msw_test

#endif  // MSWITCH_TEST_NATIVE_TEST_LOGICS_H_
