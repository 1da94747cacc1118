// mswitch-hostile-client internals, shared by hostile_client.cc (options,
// the run, the JSON summary), hostile_rx_attacks.cc (the attacks that
// post bad S2M descriptors) and hostile_race_attacks.cc (the two that
// need a second thread or the M2S ring: rewrite, tx-bad-buffers).
//
// What?
//   A memif client that connects to a switch like any other (our
//   MemifClient, so the handshake is a real one) and then writes its rings
//   by hand, through MemifClient's raw accessors, breaking the rules of
//   datapath/src/memif/protocol.h in one chosen way.  The switch must drop
//   what it cannot trust, count each drop under its named reason
//   (core/drop_reasons.h) and keep serving everybody else.
//
// Design
//   Every attack is a loop of rounds.  A round posts a few frames with one
//   release store of head, kicks the switch, and waits until the switch
//   gave every slot back (tail == head): the switch's drop counters are
//   then final for that round, so the summary's per-reason counts are
//   exact oracles for them.  A round the switch does not consume within
//   kDrainMs is counted 'undrained' and ends the attack (a switch that
//   stops reading a ring is a finding, not something to pile onto).
//
//   Buffer content.  Every S2M buffer is filled, once, with the periodic
//   pattern PatternByte(i) = 0xC0 | (i & 63), and every descriptor an attack
//   posts as "in bounds" starts at a buffer boundary.  Buffer sizes are
//   multiples of 64, so any frame the switch could legitimately assemble
//   from our buffers, chained or not, reads byte k == PatternByte(k).  A
//   peer receiving our port's traffic can check that nothing else (ring
//   headers, other clients' memory) was ever forwarded.
//
//   The M2S ring.  Right after connecting, the client withdraws every M2S
//   buffer MemifClient offered (head = tail): the switch can write nothing
//   to us except into the bad buffers tx-bad-buffers offers later, so its
//   txPackets for our port must stay 0.
//
// Threads
//   One attack thread; rewrite adds one rewriting thread for the length
//   of its attack.  Counters in Summary are written by the attack thread
//   (the rewriting thread's count is merged after it is joined).
#ifndef MSWITCH_TEST_HOSTILE_HOSTILE_H_
#define MSWITCH_TEST_HOSTILE_HOSTILE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "memif/protocol.h"
#include "mswitch/memif_client.h"

namespace msw {
namespace hostile {

// The attacks, in the order 'all' runs them.
extern const char* const kAttacks[];
extern const size_t kNumAttacks;

constexpr int kDrainMs = 2000;

inline uint8_t PatternByte(uint32_t i) { return static_cast<uint8_t>(0xC0 | (i & 63)); }

// What one attack (or the whole run) posted.  'frames' is keyed by the
// drop reason the switch must count each frame under (exactly one drop
// per frame); the other fields are for attacks whose outcome per frame is
// not fixed in advance.
struct Counts {
  uint64_t rounds = 0;
  std::map<std::string, uint64_t> frames;  // reason -> frames posted
  uint64_t valid = 0;          // well-formed frames posted (must be forwarded)
  uint64_t racy = 0;           // frames whose descriptors were being rewritten
  uint64_t rewrites = 0;       // descriptor rewrites by the rewriting thread
  uint64_t ring_jumps = 0;     // hostile head values held (head-jump)
  uint64_t tx_bad_offered = 0; // bad M2S buffers offered (tx-bad-buffers)
  uint64_t tx_bad_taken = 0;   // of those, slots the switch gave back
  uint64_t undrained = 0;      // rounds the switch did not consume in time

  void Merge(const Counts& o);
};

struct Options {
  MemifClientConfig memif;
  std::string attack;
  double duration = 0;      // seconds per run ('all': split between attacks)
  uint64_t rounds = 0;      // rounds per attack; 0 = until 'duration'
  uint32_t pause_us = 1000; // between rounds
  uint64_t seed = 1;
  double hold = 0;          // seconds to stay connected after the summary
};

// The client, its S2M ring 0 and the clock an attack runs against.
class Rig {
 public:
  Rig(MemifClient* c, const Options& o, double seconds);

  // True while the attack should go on: rounds left, time left, still
  // connected, no undrained round.
  bool More(const Counts& n);

  // Writes 'd' into S2M slot 'idx' (free-running index) in one 16-byte
  // store.
  void Put(uint16_t idx, const memif::Desc& d);
  // A descriptor naming slot 'idx''s own buffer with 'len' bytes.
  memif::Desc Own(uint16_t idx, uint32_t len, uint16_t flags = 0) const;

  // Posts 'descs' at head (one release store), kicks, waits until the
  // switch consumed them; false (and n->undrained++) if it did not.
  bool Post(const std::vector<memif::Desc>& descs, Counts* n);
  // Waits until the switch's tail reached 'head' (or kDrainMs passed).
  bool Drain(uint16_t head);
  // Sleeps between rounds.
  void Pause() const;

  MemifClient* client() const { return c_; }
  memif::Ring* s2m() const { return s2m_; }
  memif::Ring* m2s() const { return m2s_; }
  uint32_t ring_size() const { return c_->RingSize(); }
  uint32_t buffer_size() const { return c_->BufferSize(); }
  uint64_t region_size() const { return c_->RegionSize(); }
  const Options& options() const { return o_; }
  uint64_t Random();  // xorshift64*, seeded from the options

 private:
  MemifClient* c_;
  const Options& o_;
  memif::Ring* s2m_;
  memif::Ring* m2s_;
  int64_t end_ns_;
  uint64_t rng_;
};

int64_t NowNs();
inline uint16_t LoadAcquire(const uint16_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
inline void StoreRelease(uint16_t* p, uint16_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

// The attacks.  Each runs rounds until rig->More() says stop and adds
// what it posted to '*n'.
void BadRegion(Rig* rig, Counts* n);
void BadOffset(Rig* rig, Counts* n);
void BadLength(Rig* rig, Counts* n);
void LoopChain(Rig* rig, Counts* n);
void LongChain(Rig* rig, Counts* n);
void HeadJump(Rig* rig, Counts* n);
void Rewrite(Rig* rig, Counts* n);
void TxBadBuffers(Rig* rig, Counts* n);

}  // namespace hostile
}  // namespace msw

#endif  // MSWITCH_TEST_HOSTILE_HOSTILE_H_
