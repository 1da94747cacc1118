// The flow sets and the traffic of the per-logic benchmark
// (mswitch-logic-bench): what flows the `openflow` logic holds and which
// 64-byte frames the bench thread feeds it.
//
// What?
//   A FlowSet is N flows written as the logic's control text (`add ...`
//   lines) together with, for each flow, one 5-tuple that matches it and
//   no other flow of the set:
//     exact     N exact 5-tuple UDP flows (eth_type, ip_proto, ipv4_src,
//               ipv4_dst, udp_src, udp_dst), all of one mask;
//     wildcard  N flows over 20 distinct masks: flow i belongs to mask
//               k = i mod 20, whose flows match ipv4_src=10.k.0.0/16 and
//               ipv4_dst with a prefix of 13 + k bits (odd k also match
//               ip_proto=17,udp_dst=53).  The /16 on the source keeps the
//               masks' regions disjoint, so each frame has exactly one
//               matching flow; priority grows with the prefix as in a
//               longest-prefix table, so a look-up visits the subtables
//               from the longest prefix down to the frame's own.  The
//               tuple of a wildcard flow sets bits the flow does not match
//               (host bits, ports), as real traffic under a prefix would.
//   A TrafficBatch is one input batch of frames in their own 2 KiB
//   buffers, as a port's ring would hold them.  Before each Forward the
//   bench thread rewrites the batch's 5-tuples from a tuple table, in
//   order, cycling over its first 'n' tuples, and optionally the last two
//   bytes of the source MAC from a counter cycling over 'n_macs' values.
//
// Design
//   Rewriting a fixed set of buffers, rather than reading a pool of
//   prebuilt frames, keeps the frames where a receive ring keeps them (in
//   cache) whatever the number of flows, so 100 000 flows cost what their
//   look-ups cost and not what 100 000 cold frames would.  The rewrite
//   (12 bytes per frame, plus 2 for the MAC) is done for every logic,
//   baselines included; the bench measures its cost alone and reports it.
//   Varying the source MAC is how the exact-match cache's miss path is
//   taken with few flows: the cache is keyed on the whole flow key, the
//   flows match only the 5-tuple, so every frame is a new cache key and
//   still matches its flow.
//
// Thread-safety: single-threaded (the bench thread).
#ifndef MSWITCH_TEST_BENCH_NATIVE_LOGIC_TRAFFIC_H_
#define MSWITCH_TEST_BENCH_NATIVE_LOGIC_TRAFFIC_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.h"

namespace msw_bench {

// A 5-tuple in network byte order, ready to be copied into a frame.
struct Tuple {
  uint32_t src;
  uint32_t dst;
  uint16_t sport;
  uint16_t dport;
};

enum class FlowKind { kExact, kWildcard };

constexpr uint32_t kWildcardMasks = 20;

struct FlowSet {
  FlowKind kind;
  std::vector<std::string> adds;  // one control line per flow, without its instructions
  std::vector<Tuple> tuples;      // tuples[i] matches flow i only
};

const char* KindName(FlowKind k);

// 'n' flows of kind 'k' (wildcard: n >= kWildcardMasks, n <= 163840).
FlowSet MakeFlowSet(FlowKind k, uint32_t n);

// The source and destination MACs of every frame, and the destination's
// ("ours") as a source: what l2-learning is warmed with.
extern const uint8_t kSrcMac[6];
extern const uint8_t kDstMac[6];

class TrafficBatch {
 public:
  // 'n' frames of 'len' bytes (>= 42): Ethernet, IPv4, UDP, src kSrcMac,
  // dst kDstMac (or both kDstMac when 'from_dst': a frame from the
  // destination's side, to warm a learning bridge).
  TrafficBatch(uint32_t n, uint32_t len, bool from_dst = false);

  // Rewrites the batch: frame j gets the next tuple of tuples[0..n_tuples)
  // and the next of 'n_macs' source MACs (the last two bytes counting from
  // kSrcMac's; 'n_macs' <= 65536).
  void Fill(const Tuple* tuples, uint32_t n_tuples, uint32_t n_macs) {
    for (uint32_t j = 0; j < n_; j++) {
      uint8_t* p = bufs_.get() + size_t{j} * kBufBytes;
      const Tuple& t = tuples[next_tuple_];
      CopyTuple(p, t);
      if (++next_tuple_ >= n_tuples) next_tuple_ = 0;
      // Written even when 'n_macs' is 1: a batch must not keep the MACs of
      // an earlier fill with more of them.  MAC 0 is kSrcMac (...:00:01).
      const uint32_t mac = next_mac_ + 1;
      p[10] = uint8_t(mac >> 8);
      p[11] = uint8_t(mac);
      if (++next_mac_ >= n_macs) next_mac_ = 0;
    }
  }
  // Starts the cycles over (tuple 0, MAC 0).
  void Rewind() { next_tuple_ = next_mac_ = 0; }

  const msw::RxBatch& batch() const { return batch_; }
  uint32_t size() const { return n_; }

 private:
  static constexpr uint32_t kBufBytes = 2048;
  // IPv4 source and destination at 26..33, UDP ports at 34..37.
  static void CopyTuple(uint8_t* p, const Tuple& t) {
    std::memcpy(p + 26, &t.src, 8);
    std::memcpy(p + 34, &t.sport, 4);
  }

  uint32_t n_;
  uint32_t next_tuple_ = 0;
  uint32_t next_mac_ = 0;
  std::unique_ptr<uint8_t[]> bufs_;
  std::vector<msw::RxFrame> frames_;
  std::vector<msw::Segment> segs_;
  msw::RxBatch batch_;
};

}  // namespace msw_bench

#endif  // MSWITCH_TEST_BENCH_NATIVE_LOGIC_TRAFFIC_H_
