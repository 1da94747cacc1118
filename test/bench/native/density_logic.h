// `density-bench`: the dummy switching logic of the port-density
// benchmark (the paper's Figures 10-11 use a dummy module too).  Written
// against the public ABI only.
//
// Config:
//   "one-active DST"        every frame to port DST, whatever else is
//                           attached (Fig. 10a/b, 11: idle ports);
//   "round-robin FIRST N"   frame i to port FIRST + (i mod N) (Fig. 10c/d):
//                           a batch of B frames gives each of the N
//                           destinations B/N of them.
// 'i' counts the frames one worker looked up (one cursor per worker, so
// workers never share a cache line).
#ifndef MSWITCH_TEST_BENCH_NATIVE_DENSITY_LOGIC_H_
#define MSWITCH_TEST_BENCH_NATIVE_DENSITY_LOGIC_H_

#include "mswitch/logic.h"

namespace msw_bench {

constexpr const char* kDensityLogicName = "density-bench";

const msw_logic_ops* DensityLogicOps();

}  // namespace msw_bench

#endif  // MSWITCH_TEST_BENCH_NATIVE_DENSITY_LOGIC_H_
