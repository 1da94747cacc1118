// OpenFlow meters of the `openflow` logic: the meter table, its text
// control form (meter_add / meter_mod / meter_del) and the per-packet rate
// decision.
//
// What?
//   A meter (OpenFlow 1.3 §5.7) measures the rate of the packets sent to
//   it, in kbit/s (`kbps`) or packets/s (`pktps`), and has bands: a band
//   of rate R applies when the measured rate exceeds R; of the bands
//   exceeded, the one of highest rate applies.  Band types: `drop`, and
//   `dscp_remark` (the packet goes on with its DSCP drop precedence raised
//   by prec_level; the actions side rewrites it).
//
// Design
//   Each band is a token bucket of depth B (its burst_size, in kbit or
//   packets; without the meter's `burst` flag or without burst_size,
//   kDefaultBurstMs of the band's rate, at least kMinBurstKbit /
//   kMinBurstPackets).  A packet fits a band when the band's bucket holds
//   its cost (bits or 1 packet), and then takes it; a band it does not fit
//   is exceeded.  This is what Open vSwitch's userspace datapath does.
//
//   The bucket is kept as GCRA (the virtual-scheduling form of a token
//   bucket): one 64-bit "theoretical arrival time" TAT per band, in units
//   of 1/16 ns of CLOCK_MONOTONIC.  A packet of cost c (time the band's
//   rate needs to send it) fits iff max(TAT, now) + c - now <= B (B as
//   time), and then TAT becomes max(TAT, now) + c: one compare-and-swap,
//   retried on contention, so workers share the band's exact rate without
//   locks.  Accuracy: a packet's cost is rounded to the nearest 1/16 ns,
//   an error of at most 1/32 ns per packet (0.06% of a 64-byte packet's
//   time at 10 Gbit/s; none for rates that divide 16e9, as the tests'
//   do); the time unit wraps after 36 years of uptime.
//   A new band starts with a full bucket.
//
// Thread-safety
//   As classifier.h: the control thread edits a private map; Publish()
//   swaps in an immutable id index (published_ids.h) with one atomic
//   store; ReleaseRetired() frees old versions and meters after the
//   caller's grace period.  Workers (Apply) touch only the bands' TAT
//   atomics and per-worker counters (WorkerCounters, exact).  meter_mod keeps
//   the meter's counters and starts its bands anew.
#ifndef MSWITCH_OVS_COMPAT_METERS_H_
#define MSWITCH_OVS_COMPAT_METERS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "published_ids.h"
#include "worker_counters.h"
#include "pipeline.h"

namespace ofl {

constexpr uint32_t kMeterMax = 0xffff0000u;  // OFPM_MAX: highest meter id
constexpr uint32_t kMeterAll = 0xffffffffu;  // OFPM_ALL (meter_del all)
constexpr uint32_t kMaxMeters = 4096;        // meter_mod_failed.out_of_meters
constexpr uint32_t kMaxBands = 8;            // meter_mod_failed.out_of_bands
constexpr uint32_t kDefaultBurstMs = 100;
constexpr uint32_t kMinBurstKbit = 16;       // two 1000-byte packets
constexpr uint32_t kMinBurstPackets = 1;

enum class BandType : uint8_t { kDrop, kDscpRemark };

struct alignas(64) BandState {
  std::atomic<uint64_t> tat{0};  // GCRA theoretical arrival time, 1/16 ns
};

struct Band {
  BandType type = BandType::kDrop;
  uint32_t rate = 0;        // kbit/s or packets/s (the meter's unit)
  uint32_t burst_size = 0;  // as given (0: none given)
  uint8_t prec_level = 0;   // dscp_remark
  uint64_t burst_t16 = 0;   // bucket depth as time, 1/16 ns
  uint64_t cost_t16 = 0;    // pktps: one packet's cost as time, 1/16 ns
  std::shared_ptr<WorkerCounters> stats;  // packets/bytes this band applied to
};

// A meter as workers see it: immutable once published, but for 'state'.
struct Meter {
  uint32_t id = 0;
  bool pktps = false;  // else kbps
  bool burst = false;  // the `burst` flag: bands' burst_size counts
  bool stats_flag = false;
  std::vector<Band> bands;  // as given
  std::unique_ptr<BandState[]> state;  // one per band
  std::shared_ptr<WorkerCounters> stats;    // packets/bytes in
  uint64_t created_ns = 0;
};

// One parsed meter_add / meter_mod / meter_del line.
struct MeterMod {
  enum Command : uint8_t { kAdd, kModify, kDelete };
  Command command = kAdd;
  uint32_t id = 0;  // kMeterAll only with kDelete
  bool pktps = false;
  bool burst = false;
  bool stats_flag = false;
  std::vector<Band> bands;
};

class MeterTable {
 public:
  enum Verdict { kPass, kDrop, kRemark };

  // 'n_workers' workers plus one spare slot (the control thread's trace).
  explicit MeterTable(uint32_t n_workers);
  ~MeterTable();
  MeterTable(const MeterTable&) = delete;
  MeterTable& operator=(const MeterTable&) = delete;

  // ---- workers (lock-free, no allocation) ----
  // Meters a packet of 'bytes' at 'now_ns' (CLOCK_MONOTONIC) through meter
  // 'id'; on kRemark '*prec_level' gets the band's prec_level.  A meter
  // that does not exist (deleted, its flows not yet) drops.
  Verdict Apply(uint32_t id, uint32_t bytes, uint64_t now_ns, uint32_t worker,
                uint8_t* prec_level);

  // ---- the control thread ----
  // Parses one meter_add / meter_mod / meter_del line (the command word
  // first); "" or "TYPE.CODE: reason naming the token".
  std::string Parse(const std::string& line, const ParseEnv& env, MeterMod* out) const;
  // Applies 'mod' ("" or "TYPE.CODE: reason"); 'deleted' (if set)
  // receives the ids deleted, so that the caller deletes their flows.
  std::string Apply(const MeterMod& mod, std::vector<uint32_t>* deleted);
  void Publish();
  void ReleaseRetired();
  bool Exists(uint32_t id) const;  // control-side state
  size_t size() const { return meters_.size(); }
  // One line per meter, by id, in meter_add syntax:
  //   meter_id=M kbps|pktps [burst] [stats] band=type=T,rate=R[,burst_size=B][,prec_level=L] ...
  std::string Dump() const;
  // One line per meter, by id:
  //   meter_id=M duration_ns=N n_packets=N n_bytes=N band=N_PACKETS:N_BYTES ...
  std::string Stats() const;
  // max_meter=N band_types=drop,dscp_remark capabilities=kbps,pktps,burst,stats
  // max_bands=N max_color=0
  std::string Features() const;

  void SetClockForTest(uint64_t (*now_ns)()) { now_ns_ = now_ns; }

 private:
  uint32_t n_slots_;
  uint64_t (*now_ns_)();
  std::map<uint32_t, std::shared_ptr<Meter>> meters_;  // control-side
  PublishedIds<Meter> published_;  // what workers read
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_METERS_H_
