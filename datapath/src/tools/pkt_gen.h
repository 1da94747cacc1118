// mswitch-pkt-gen internals shared by pkt_gen.cc (options, threads,
// reports), pkt_gen_frame.cc (frames and sequence checks),
// pkt_gen_modes.cc (the memif mode loops) and pkt_gen_xdp.cc (the AF_XDP
// modes on a Linux interface, xdp-tx and xdp-rx).
//
// Frame format (all Ethernet/IPv4/UDP, IP checksum valid, UDP checksum 0):
//   [0..14)   Ethernet: dst MAC, src MAC, type 0x0800
//   [14..34)  IPv4, total length = frame length - 14, TTL 64, protocol 17
//   [34..42)  UDP, length = frame length - 34
//   [42..58)  marker: magic "MSWG", stream id, sequence number (host order)
//   [58..)    a fixed byte pattern
// Flow f (0..flows-1) uses src IP + f, dst IP + f, src port + f and dst
// port + f (ports wrap within 1024..65535).  A frame's flow is its
// sequence number modulo the flow count.
#ifndef MSWITCH_TOOLS_PKT_GEN_H_
#define MSWITCH_TOOLS_PKT_GEN_H_

#include <atomic>
#include <mutex>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "mswitch/memif_client.h"

namespace msw {
namespace pktgen {

enum class Mode { kTx, kRx, kTxRx, kPing, kPong, kXdpTx, kXdpRx };

inline bool IsXdp(Mode m) { return m == Mode::kXdpTx || m == Mode::kXdpRx; }
// Whether the mode transmits (its summary has a tx side) / receives.
inline bool ModeSends(Mode m) { return m != Mode::kRx && m != Mode::kXdpRx; }
inline bool ModeReceives(Mode m) { return m != Mode::kTx && m != Mode::kXdpTx; }

class XdpIo;  // pkt_gen_xdp.h

struct Options {
  Mode mode = Mode::kTx;
  MemifClientConfig memif;     // memif.queues is -q for the xdp modes too
  std::string ifname;          // xdp modes: the interface (-i / --ifname)
  std::string xdp_attach = "auto";  // xdp-rx: auto, native or generic XDP
  uint32_t len = 60;           // frame length, 60..65535
  uint32_t batch = 256;        // frames per ring operation
  double rate = 0;             // pps over all queues, 0 = unlimited
  uint64_t count = 0;          // frames (tx: over all queues; ping: round trips)
  double duration = 0;         // seconds, 0 = unlimited
  uint32_t flows = 1;
  uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
  uint8_t dst_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint32_t src_ip = 0x0a000001;  // 10.0.0.1, host order
  uint32_t dst_ip = 0x0a010001;  // 10.1.0.1
  uint16_t src_port = 1024;
  uint16_t dst_port = 2048;
  uint32_t stream = 0;         // queue q sends stream 'stream + q'
  bool busy = false;
  bool json = false;
};

constexpr uint32_t kMinFrame = 60;
constexpr uint32_t kMarkerOffset = 42;
constexpr uint32_t kMarkerEnd = 58;
constexpr uint32_t kMagic = 0x4757534d;  // "MSWG" in memory, little endian

// Writes a complete frame template of 'frame_len' bytes, of which the first
// 'n' are stored in 'buf' (n < frame_len for a chain's first buffer).
void BuildFrame(const Options& o, uint32_t stream, uint64_t seq, uint32_t flow,
                uint8_t* buf, uint32_t n, uint32_t frame_len);

// Rewrites the per-frame fields of a template in place: the sequence
// number and, when the run has several flows, the addresses, ports and IP
// checksum of 'flow' (the caller's seq % flows, kept incrementally).
void StampFrame(const Options& o, uint8_t* buf, uint64_t seq, uint32_t flow);

// Swaps the Ethernet source and destination (pong).
void SwapMacs(uint8_t* frame);

enum class FrameKind { kOurs, kForeign, kBadLength };
FrameKind ParseFrame(const uint8_t* p, uint32_t len, uint32_t* stream, uint64_t* seq);

// Sequence verification of one stream: counts duplicates, out-of-order
// arrivals and sequence numbers never seen (gaps), remembering which of
// the last kWindow numbers arrived.
class SeqCheck {
 public:
  static constexpr uint64_t kWindow = 4096;
  void Add(uint64_t seq);

  uint64_t received = 0, out_of_order = 0, duplicates = 0, gaps = 0;
  uint64_t first = 0, max = 0;

 private:
  bool Test(uint64_t s) const { return bits_[(s % kWindow) / 64] >> (s % 64) & 1; }
  void Set(uint64_t s) { bits_[(s % kWindow) / 64] |= uint64_t{1} << (s % 64); }
  void Clear(uint64_t s) { bits_[(s % kWindow) / 64] &= ~(uint64_t{1} << (s % 64)); }
  bool started_ = false;
  uint64_t bits_[kWindow / 64] = {};
};

// One receive thread's checks: a SeqCheck per stream seen, and counts of
// frames that are not ours or whose length disagrees with their IP header.
class RxChecker {
 public:
  void Add(const uint8_t* p, uint32_t len);
  std::unordered_map<uint32_t, SeqCheck> streams;
  uint64_t foreign = 0, bad_length = 0;

 private:
  uint32_t last_stream_ = 0;     // the stream of the previous frame, whose
  SeqCheck* last_ = nullptr;     // check is cached here (map nodes never move)
};

// Per-thread packet/byte counters, read by the reporter once a second.
struct alignas(64) Counters {
  std::atomic<uint64_t> packets{0}, bytes{0};
  std::atomic<int64_t> first_ns{0}, last_ns{0};  // first/last activity
  void Add(uint64_t p, uint64_t b, int64_t now) {
    if (first_ns.load(std::memory_order_relaxed) == 0) first_ns.store(now, std::memory_order_relaxed);
    last_ns.store(now, std::memory_order_relaxed);
    packets.store(packets.load(std::memory_order_relaxed) + p, std::memory_order_relaxed);
    bytes.store(bytes.load(std::memory_order_relaxed) + b, std::memory_order_relaxed);
  }
};

// Everything the mode loops share with the main thread.
struct Run {
  const Options* opt = nullptr;
  MemifClient* client = nullptr;         // memif modes
  XdpIo* xdp = nullptr;                  // xdp modes
  std::string extra_json;                // appended to the JSON summary (",\"xdp\":{...}")
  std::atomic<bool> stop{false};
  std::vector<Counters> tx, rx;          // per queue
  std::vector<RxChecker> checkers;       // per queue (rx side)
  std::atomic<uint64_t> rx_total{0};
  std::atomic<uint32_t> tx_running{0};   // tx/ping workers not yet done
  std::vector<double> rtt_us;            // ping
  std::atomic<uint64_t> ping_lost{0};
  std::atomic<uint64_t> pong_dropped{0};
  explicit Run(uint32_t queues) : tx(queues), rx(queues), checkers(queues) {}

  // A worker that cannot go on records why (the first reason wins) and
  // ends the run.
  void Fail(const std::string& why) {
    {
      std::lock_guard<std::mutex> g(failed_mu_);
      if (failed_.empty()) failed_ = why;
    }
    stop.store(true);
  }
  std::string Failure() const {
    std::lock_guard<std::mutex> g(failed_mu_);
    return failed_;
  }

 private:
  mutable std::mutex failed_mu_;
  std::string failed_;
};

int64_t NowNs();
// 'quota': frames to send on this queue (UINT64_MAX: no limit); 'rate':
// this queue's share of -R in pps (0: no limit).
void TxLoop(Run* run, uint32_t q, uint64_t quota, double rate);
void RxLoop(Run* run, uint32_t q);
void PingLoop(Run* run);
void PongLoop(Run* run, uint32_t q);
void XdpTxLoop(Run* run, uint32_t q, uint64_t quota, double rate);
void XdpRxLoop(Run* run, uint32_t q);

// Pacing and backoff shared by the memif and xdp loops (pkt_gen_modes.cc).
void SleepUntil(int64_t due_ns, const std::atomic<bool>& stop);
void Backoff(const Options& o, uint32_t* spins);

// Totals over the per-queue counters of one side; first/last activity
// over all queues.
struct Totals {
  uint64_t packets = 0, bytes = 0;
  int64_t first_ns = 0, last_ns = 0;
};
Totals Sum(const std::vector<Counters>& v);

// The final human summary and, with --json, the JSON line (pkt_gen_report.cc).
// 'start_ns': when the workers started; 'disconnect': the master's reason
// if it ended the run.
void PrintSummary(const Run& run, int64_t start_ns, const std::string& disconnect,
                  bool interrupted);

}  // namespace pktgen
}  // namespace msw

#endif  // MSWITCH_TOOLS_PKT_GEN_H_
