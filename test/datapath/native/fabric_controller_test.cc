// The fabric's MSW_PORT_CONTROLLER outputs, in both fabric modes, with
// the test-oracle logic answering per frame: a valid controller variant
// reaches the switch's controller queue as header + the frame as modified,
// cut to max_len with the full length kept, from frames split over several
// segments; the plain outputs of the same answers still reach their port;
// every malformed controller output is dropped and counted on the source
// port (bad-controller-output) and nothing reaches the queue.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <random>

#include "check.h"
#include "switch_rig.h"
#include "test_logics.h"

namespace msw_test {
namespace {

const msw::FabricMode kModes[] = {msw::FabricMode::kMSwitch, msw::FabricMode::kVale};
const char* ModeName(msw::FabricMode m) { return m == msw::FabricMode::kVale ? "VALE" : "mSwitch"; }
constexpr uint32_t kHdr = sizeof(msw_to_controller);

msw_to_controller Header(uint32_t id, uint16_t max_len) {
  msw_to_controller h;
  std::memset(&h, 0, sizeof h);
  h.magic = MSW_TO_CONTROLLER_MAGIC;
  h.hdr_len = kHdr;
  h.reason = uint8_t(id % 3);
  h.table_id = uint8_t(id);
  h.cookie = 0xabcd000000000000ull | id;
  h.metadata = ~h.cookie;
  h.in_port = 1;
  h.max_len = max_len;
  return h;
}

// A frame with its id in the first 4 bytes (the oracle's key).
Bytes IdFrame(uint32_t id, uint32_t len) {
  Bytes f(len);
  for (uint32_t i = 0; i < len; i++) f[i] = uint8_t(id * 13 + i * 7);
  std::memcpy(f.data(), &id, 4);
  return f;
}

// Plan output: to the controller, 'hdr' then the frame's first 12 bytes
// with byte 11 inverted (replacing them: strip 12).
PlanOutput ControllerOut(const msw_to_controller& hdr, const Bytes& f) {
  PlanOutput o;
  o.port = MSW_PORT_CONTROLLER;
  o.flags = MSW_OUT_VARIANT;
  o.head_off = 64;
  o.head_len = kHdr + 12;
  o.strip = 12;
  o.scratch.resize(kHdr);
  std::memcpy(o.scratch.data(), &hdr, kHdr);
  o.scratch.insert(o.scratch.end(), f.begin(), f.begin() + 12);
  o.scratch.back() ^= 0xff;
  return o;
}

struct QueueEntry {
  msw_to_controller hdr;
  uint32_t total_len;
  Bytes data;
};

std::vector<QueueEntry> ReadQueue(msw::Switch& sw) {
  std::vector<QueueEntry> out;
  sw.controller_queue()->Read(1u << 20, [&](const msw::ControllerEntry& e) {
    QueueEntry q{e.hdr, e.total_len, Bytes(e.data, e.data + e.data_len)};
    q.data.insert(q.data.end(), e.data2, e.data2 + e.data2_len);
    out.push_back(std::move(q));
  });
  return out;
}

}  // namespace

MSW_TEST(fabric_delivers_controller_outputs_to_the_queue) {
  std::mt19937_64 rnd(1);
  for (msw::FabricMode mode : kModes) {
    msw::SwitchConfig cfg = RigConfig("test-oracle");
    cfg.mode = mode;
    SwitchRig rig(cfg);
    FakePort* p1 = rig.Add(1);
    FakePort* p2 = rig.Add(2);
    const uint32_t lens[] = {60, 128, 129, 200, 1514, 3000, 9000, 65535};
    const uint16_t max_lens[] = {0xffff, 100, 0, 128, 65534};
    std::vector<Bytes> frames;
    std::vector<InFrame> in;
    std::vector<PlanEntry> plan;
    uint32_t id = 0;
    for (uint32_t len : lens) {
      for (uint16_t ml : max_lens) {
        Bytes f = IdFrame(id, len);
        PlanEntry e;
        e.verdict = MSW_VERDICT_MULTI;
        e.n_outputs = 2;
        e.expect_src = 1;
        e.expect_len = len;
        e.outs.push_back(ControllerOut(Header(id, ml), f));
        PlanOutput plain;
        plain.port = 2;
        e.outs.push_back(plain);
        plan.push_back(e);
        in.push_back(SplitFrame(f, 4, rnd()));
        frames.push_back(std::move(f));
        id++;
      }
    }
    ResetOracleViolations();
    SetOraclePlan(&plan);
    p1->Inject(0, in);
    rig.WaitDrained(p1);
    const std::vector<Bytes> at2 = p2->Drain();
    SetOraclePlan(nullptr);
    CHECK_MSG(OracleViolations() == 0, OracleFirstViolation());
    CHECK_MSG(at2 == frames, ModeName(mode) << ": port 2 did not get every frame unmodified");
    const std::vector<QueueEntry> got = ReadQueue(rig.sw());
    CHECK_MSG(got.size() == frames.size(), ModeName(mode) << ": " << got.size() << " entries");
    for (uint32_t i = 0; i < got.size(); i++) {
      uint16_t ml;
      std::memcpy(&ml, plan[i].outs[0].scratch.data() + offsetof(msw_to_controller, max_len), 2);
      CHECK_MSG(std::memcmp(&got[i].hdr, plan[i].outs[0].scratch.data(), kHdr) == 0,
                ModeName(mode) << ": entry " << i << " header changed");
      CHECK_EQ(got[i].total_len, uint32_t(frames[i].size()));
      Bytes want = frames[i];
      want[11] ^= 0xff;
      want.resize(ml == 0xffff ? want.size() : std::min<size_t>(want.size(), ml));
      CHECK_MSG(got[i].data == want, ModeName(mode) << ": entry " << i << " (len "
                                                    << frames[i].size() << ", max_len " << ml
                                                    << ") kept " << got[i].data.size() << " bytes");
    }
    CHECK_EQ(p1->Stats().drops[msw::kBadControllerOutput], 0u);
    rig.CheckPorts();
  }
}

MSW_TEST(fabric_drops_and_counts_malformed_controller_outputs) {
  for (msw::FabricMode mode : kModes) {
    msw::SwitchConfig cfg = RigConfig("test-oracle");
    cfg.mode = mode;
    SwitchRig rig(cfg);
    FakePort* p1 = rig.Add(1);
    FakePort* p2 = rig.Add(2);
    std::vector<Bytes> frames;
    std::vector<PlanEntry> plan;
    // Each breaks one rule; each answer also has a plain output to port 2.
    for (uint32_t id = 0; id < 6; id++) {
      Bytes f = IdFrame(id, 300);
      PlanEntry e;
      e.verdict = MSW_VERDICT_MULTI;
      e.n_outputs = 2;
      e.expect_src = 1;
      e.expect_len = 300;
      msw_to_controller h = Header(id, 0xffff);
      if (id == 0) h.magic ^= 1;
      if (id == 1) h.hdr_len = kHdr + 8;
      PlanOutput o = ControllerOut(h, f);
      if (id == 2) o.flags = 0;                         // not a variant
      if (id == 3) o.head_len = kHdr - 1;                // no room for the header
      if (id == 4) o.head_off = MSW_SCRATCH_BYTES - 8;   // outside the scratch
      if (id == 5) {                                     // UNICAST to the controller
        e.verdict = MSW_VERDICT_UNICAST;
        e.port = MSW_PORT_CONTROLLER;
        e.n_outputs = 0;
      } else {
        e.outs.push_back(o);
        PlanOutput plain;
        plain.port = 2;
        e.outs.push_back(plain);
      }
      plan.push_back(e);
      frames.push_back(f);
    }
    ResetOracleViolations();
    SetOraclePlan(&plan);
    p1->Inject(0, Whole(frames));
    rig.WaitDrained(p1);
    const std::vector<Bytes> at2 = p2->Drain();
    SetOraclePlan(nullptr);
    CHECK_MSG(OracleViolations() == 0, OracleFirstViolation());
    CHECK_MSG(at2 == std::vector<Bytes>(frames.begin(), frames.begin() + 5),
              ModeName(mode) << ": port 2 got " << at2.size() << " frames");
    CHECK_EQ(p1->Stats().drops[msw::kBadControllerOutput], 6u);
    CHECK_EQ(ReadQueue(rig.sw()).size(), 0u);
    CHECK_EQ(rig.sw().controller_queue()->QueueStats().enqueued, 0u);
    rig.CheckPorts();
  }
}

}  // namespace msw_test
