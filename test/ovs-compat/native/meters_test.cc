// The meter table: error codes, token-bucket decisions with a controlled
// clock (against hand arithmetic and against an integer token-bucket
// oracle written from OpenFlow 1.3 §5.7's words), band choice, remark,
// default bursts, concurrency, counters, dump and features.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "../../datapath/native/check.h"
#include "meters.h"

namespace {

using ofl::MeterMod;
using ofl::MeterTable;
using ofl::ParseEnv;

constexpr uint64_t kSec = 1000000000ull;
constexpr uint64_t kMs = 1000000ull;

std::string Code(const std::string& err) { return err.substr(0, err.find(':')); }

std::string Run(MeterTable* t, const std::string& line, std::vector<uint32_t>* deleted = nullptr) {
  MeterMod mod;
  std::string err = t->Parse(line, ParseEnv(), &mod);
  if (err.empty()) err = t->Apply(mod, deleted);
  return Code(err);
}

// Sends 'n' packets of 'bytes' at 'now' through meter 'id'; counts verdicts.
struct Tally {
  int pass = 0, drop = 0, remark = 0;
  uint8_t prec = 0;
};
Tally Send(MeterTable* t, uint32_t id, int n, uint32_t bytes, uint64_t now, uint32_t worker = 0) {
  Tally r;
  for (int i = 0; i < n; i++) {
    uint8_t prec = 0;
    switch (t->Apply(id, bytes, now, worker, &prec)) {
      case MeterTable::kPass: r.pass++; break;
      case MeterTable::kDrop: r.drop++; break;
      case MeterTable::kRemark: r.remark++; r.prec = prec; break;
    }
  }
  return r;
}

uint64_t g_clock = 0;
uint64_t TestClock() { return g_clock; }

MSW_TEST(meters_parse_errors_carry_openflow_codes) {
  MeterTable t(1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"meter_add kbps band=type=drop,rate=10", "meter_mod_failed.invalid_meter"},
      {"meter_add meter_id=0 kbps band=type=drop,rate=10", "meter_mod_failed.invalid_meter"},
      {"meter_add meter_id=0xffff0001 kbps band=type=drop,rate=10",
       "meter_mod_failed.invalid_meter"},
      {"meter_add meter_id=all kbps band=type=drop,rate=10", "meter_mod_failed.invalid_meter"},
      {"meter_add meter_id=1 kbps pktps band=type=drop,rate=10", "meter_mod_failed.bad_flags"},
      {"meter_add meter_id=1 kbps colour band=type=drop,rate=10", "meter_mod_failed.bad_flags"},
      {"meter_add meter_id=1 kbps band=type=police,rate=10", "meter_mod_failed.bad_band"},
      {"meter_add meter_id=1 kbps band=rate=10", "meter_mod_failed.bad_band"},
      {"meter_add meter_id=1 kbps band=type=drop", "meter_mod_failed.bad_rate"},
      {"meter_add meter_id=1 kbps band=type=drop,rate=0", "meter_mod_failed.bad_rate"},
      {"meter_add meter_id=1 kbps band=type=drop,rate=ten", "meter_mod_failed.bad_rate"},
      {"meter_add meter_id=1 kbps burst band=type=drop,rate=10,burst_size=lots",
       "meter_mod_failed.bad_burst"},
      {"meter_add meter_id=1 kbps band=type=drop,rate=10,prec_level=1", "meter_mod_failed.bad_band"},
      {"meter_add meter_id=1 kbps band=type=dscp_remark,rate=10,prec_level=64",
       "meter_mod_failed.bad_band"},
      {"meter_del meter_id=1 kbps", "meter_mod_failed.bad_flags"},
      {"meter_frob meter_id=1", "bad_request.bad_type"},
  };
  for (const auto& c : cases) {
    MeterMod mod;
    const std::string err = t.Parse(c.first, ParseEnv(), &mod);
    CHECK_MSG(Code(err) == c.second, "'" << c.first << "' gave '" << err << "', want " << c.second);
  }
  std::string many = "meter_add meter_id=1 kbps";
  for (uint32_t i = 0; i <= ofl::kMaxBands; i++) many += " band=type=drop,rate=" + std::to_string(i + 1);
  MeterMod mod;
  CHECK_EQ(Code(t.Parse(many, ParseEnv(), &mod)), std::string("meter_mod_failed.out_of_bands"));
  // Neither kbps nor pktps: kbps.
  CHECK_EQ(t.Parse("meter_add meter_id=1 band=type=drop,rate=10", ParseEnv(), &mod), std::string(""));
  CHECK(!mod.pktps);
}

MSW_TEST(meters_apply_errors_limits_and_deletes) {
  MeterTable t(1);
  CHECK_EQ(Run(&t, "meter_add meter_id=1 kbps band=type=drop,rate=10"), std::string(""));
  CHECK_EQ(Run(&t, "meter_add meter_id=1 kbps band=type=drop,rate=20"),
           std::string("meter_mod_failed.meter_exists"));
  CHECK_EQ(Run(&t, "meter_mod meter_id=2 kbps band=type=drop,rate=20"),
           std::string("meter_mod_failed.unknown_meter"));
  for (uint32_t id = 2; id <= ofl::kMaxMeters; id++)
    CHECK_EQ(Run(&t, "meter_add meter_id=" + std::to_string(id) + " pktps band=type=drop,rate=5"),
             std::string(""));
  CHECK_EQ(Run(&t, "meter_add meter_id=0xffff0000 pktps band=type=drop,rate=5"),
           std::string("meter_mod_failed.out_of_meters"));
  t.Publish();
  for (uint32_t id = 1; id <= ofl::kMaxMeters; id += 411) {
    uint8_t prec;
    CHECK_EQ(t.Apply(id, 64, kSec, 0, &prec), MeterTable::kPass);
  }
  std::vector<uint32_t> deleted;
  CHECK_EQ(Run(&t, "meter_del meter_id=77777", &deleted), std::string(""));  // no such: no error
  CHECK(deleted.empty());
  CHECK_EQ(Run(&t, "meter_del meter_id=3", &deleted), std::string(""));
  CHECK(deleted == std::vector<uint32_t>({3}));
  uint8_t prec;
  CHECK_EQ(t.Apply(3, 64, kSec, 0, &prec), MeterTable::kPass);  // not yet published
  t.Publish();
  CHECK_EQ(t.Apply(3, 64, kSec, 0, &prec), MeterTable::kDrop);  // gone: its flows go next
  deleted.clear();
  CHECK_EQ(Run(&t, "meter_del meter_id=all", &deleted), std::string(""));
  CHECK_EQ(deleted.size(), size_t(ofl::kMaxMeters - 1));
  CHECK_EQ(t.size(), size_t(0));
  t.Publish();
  t.ReleaseRetired();
}

MSW_TEST(meters_pktps_burst_and_refill_by_hand) {
  MeterTable t(1);
  // 1000 packets/s: one packet per ms; a bucket of 10 packets.
  CHECK_EQ(Run(&t, "meter_add meter_id=1 pktps burst band=type=drop,rate=1000,burst_size=10"),
           std::string(""));
  t.Publish();
  const uint64_t t0 = 7 * kSec;
  Tally a = Send(&t, 1, 20, 64, t0);
  CHECK_EQ(a.pass, 10);
  CHECK_EQ(a.drop, 10);
  Tally b = Send(&t, 1, 10, 64, t0 + 5 * kMs);  // 5 ms refill 5 packets
  CHECK_EQ(b.pass, 5);
  Tally c = Send(&t, 1, 3, 64, t0 + 5 * kMs + kMs - 1);  // 1 ns short of the next token
  CHECK_EQ(c.pass, 0);
  Tally d = Send(&t, 1, 3, 64, t0 + 6 * kMs);
  CHECK_EQ(d.pass, 1);
  Tally e = Send(&t, 1, 30, 64, t0 + kSec);  // a full bucket holds 10, not 994
  CHECK_EQ(e.pass, 10);
}

MSW_TEST(meters_kbps_counts_bits) {
  MeterTable t(1);
  // 1000 kbit/s: a 125-byte (1000-bit) packet per ms; 8 kbit of burst.
  CHECK_EQ(Run(&t, "meter_add meter_id=9 kbps burst band=type=drop,rate=1000,burst_size=8"),
           std::string(""));
  t.Publish();
  const uint64_t t0 = kSec;
  CHECK_EQ(Send(&t, 9, 20, 125, t0).pass, 8);
  CHECK_EQ(Send(&t, 9, 20, 250, t0 + 4 * kMs).pass, 2);  // 4 kbit back, 2 kbit each
  CHECK_EQ(Send(&t, 9, 20, 125, t0 + 4 * kMs).pass, 0);
  // A packet larger than the whole bucket (12 kbit > 8 kbit) never fits.
  CHECK_EQ(Send(&t, 9, 5, 1500, t0 + 10 * kSec).pass, 0);
  CHECK_EQ(Send(&t, 9, 9, 125, t0 + 10 * kSec).pass, 8);
}

MSW_TEST(meters_default_burst) {
  MeterTable t(1);
  // Without the burst flag (or without burst_size) a band holds
  // kDefaultBurstMs of its rate: 100 ms of 1000 pkt/s = 100 packets.
  CHECK_EQ(Run(&t, "meter_add meter_id=1 pktps band=type=drop,rate=1000"), std::string(""));
  CHECK_EQ(Run(&t, "meter_add meter_id=2 pktps band=type=drop,rate=1000,burst_size=3"),
           std::string(""));
  CHECK_EQ(Run(&t, "meter_add meter_id=3 pktps burst band=type=drop,rate=1000"), std::string(""));
  // 100 kbit/s: 100 ms is 10 kbit, below the 16 kbit floor: 16 packets of 1000 bits.
  CHECK_EQ(Run(&t, "meter_add meter_id=4 kbps band=type=drop,rate=100"), std::string(""));
  // 1 pkt/s: 100 ms is 0.1 packet, below the 1-packet floor.
  CHECK_EQ(Run(&t, "meter_add meter_id=5 pktps band=type=drop,rate=1"), std::string(""));
  t.Publish();
  CHECK_EQ(Send(&t, 1, 500, 64, kSec).pass, 100);
  CHECK_EQ(Send(&t, 2, 500, 64, kSec).pass, 100);
  CHECK_EQ(Send(&t, 3, 500, 64, kSec).pass, 100);
  CHECK_EQ(Send(&t, 4, 500, 125, kSec).pass, 16);
  CHECK_EQ(Send(&t, 5, 500, 64, kSec).pass, 1);
}

// An integer token bucket, the textbook form: tokens refill at 'rate'
// units per second up to 'depth', a packet passes if its cost is there.
// Units are scaled by 1e9 so that every refill is an integer.
struct OracleBucket {
  uint64_t rate, depth, tokens;  // tokens and depth in unit * 1e9
  uint64_t last = 0;
  bool Take(uint64_t now, uint64_t cost) {
    tokens = std::min(depth, tokens + (now - last) * rate);
    last = now;
    if (tokens < cost) return false;
    tokens -= cost;
    return true;
  }
};

MSW_TEST(meters_match_a_token_bucket_oracle_on_random_arrivals) {
  msw_test::Rng rng(ctx.seed);
  for (int round = 0; round < 2; round++) {
    const bool pktps = round == 0;
    MeterTable t(1);
    const uint32_t rate = pktps ? 5000 : 8000;  // pkt/s, or kbit/s
    const uint32_t burst = pktps ? 20 : 96;     // packets, or kbit
    CHECK_EQ(Run(&t, "meter_add meter_id=1 " + std::string(pktps ? "pktps" : "kbps") +
                         " burst band=type=drop,rate=" + std::to_string(rate) +
                         ",burst_size=" + std::to_string(burst)),
             std::string(""));
    t.Publish();
    // Units: packets, or bits (kbit/s = 1000 bits/s).
    const uint64_t unit_rate = pktps ? rate : uint64_t(rate) * 1000;
    const uint64_t depth = (pktps ? burst : uint64_t(burst) * 1000) * kSec;
    OracleBucket o{unit_rate, depth, depth};
    uint64_t now = 3 * kSec;
    o.last = now;
    int agree = 0, passes = 0;
    for (int i = 0; i < 20000; i++) {
      now += rng.Range(0, 200000);  // 0..0.2 ms: about twice the rate
      const uint32_t bytes = pktps ? 64 : 125 * rng.Range(1, 12);
      const uint64_t cost = (pktps ? 1 : uint64_t(bytes) * 8) * kSec;
      const bool want = o.Take(now, cost);
      uint8_t prec;
      const bool got = t.Apply(1, bytes, now, 0, &prec) == MeterTable::kPass;
      CHECK_MSG(got == want, "packet " << i << " at " << now << " of " << bytes << " bytes");
      agree++;
      passes += got;
    }
    // The rate really bounds: not all passed, not none.
    CHECK_MSG(agree == 20000 && passes > 1000 && passes < 19000, passes);
  }
}

MSW_TEST(meters_highest_exceeded_band_applies_with_remark) {
  MeterTable t(1);
  g_clock = 100;
  t.SetClockForTest(TestClock);
  CHECK_EQ(Run(&t, "meter_add meter_id=3 pktps burst stats "
                   "band=type=dscp_remark,rate=100,burst_size=5,prec_level=2 "
                   "band=type=drop,rate=200,burst_size=10"),
           std::string(""));
  t.Publish();
  // Packets 1-5 fit both bands; 6-10 exceed only the remark band (rate
  // 100); 11-15 exceed both, and the drop band has the higher rate.
  Tally a = Send(&t, 3, 5, 100, kSec);
  Tally b = Send(&t, 3, 5, 100, kSec);
  Tally c = Send(&t, 3, 5, 100, kSec);
  CHECK(a.pass == 5 && a.remark == 0 && a.drop == 0);
  CHECK(b.pass == 0 && b.remark == 5 && b.drop == 0 && b.prec == 2);
  CHECK(c.pass == 0 && c.remark == 0 && c.drop == 5);
  g_clock = 2100;
  CHECK_EQ(t.Stats(),
           std::string("meter_id=3 duration_ns=2000 n_packets=15 n_bytes=1500 band=5:500 band=5:500\n"));
  // Without prec_level a remark band raises the precedence by 1.
  CHECK_EQ(Run(&t, "meter_add meter_id=4 pktps burst band=type=dscp_remark,rate=1,burst_size=1"),
           std::string(""));
  t.Publish();
  Tally d = Send(&t, 4, 2, 100, kSec);
  CHECK(d.pass == 1 && d.remark == 1 && d.prec == 1);
}

MSW_TEST(meters_mod_keeps_counters_and_refills_bands) {
  MeterTable t(2);
  CHECK_EQ(Run(&t, "meter_add meter_id=1 pktps burst band=type=drop,rate=10,burst_size=2"),
           std::string(""));
  t.Publish();
  CHECK_EQ(Send(&t, 1, 4, 10, kSec, 0).pass, 2);
  CHECK_EQ(Send(&t, 1, 4, 10, kSec, 2).pass, 0);  // the spare (control) slot counts too
  CHECK_EQ(Run(&t, "meter_mod meter_id=1 pktps burst band=type=drop,rate=10,burst_size=3"),
           std::string(""));
  t.Publish();
  t.ReleaseRetired();
  CHECK_EQ(Send(&t, 1, 4, 10, kSec, 1).pass, 3);
  const std::string s = t.Stats();
  CHECK_EQ(s.substr(s.find(" n_packets")), std::string(" n_packets=12 n_bytes=120 band=1:10\n"));
}

MSW_TEST(meters_workers_share_one_rate_exactly) {
  MeterTable t(2);
  CHECK_EQ(Run(&t, "meter_add meter_id=1 pktps burst band=type=drop,rate=1000,burst_size=5000"),
           std::string(""));
  t.Publish();
  // Both workers at the same instant: however the CAS loops interleave,
  // exactly the bucket's 5000 packets pass.
  std::atomic<int> passes[2];
  passes[0] = passes[1] = 0;
  std::vector<std::thread> th;
  for (uint32_t w = 0; w < 2; w++)
    th.emplace_back([&, w] { passes[w] = Send(&t, 1, 10000, 64, 5 * kSec, w).pass; });
  for (auto& x : th) x.join();
  CHECK_EQ(passes[0] + passes[1], 5000);
  const std::string s = t.Stats();
  CHECK_EQ(s.substr(s.find(" n_packets")), std::string(" n_packets=20000 n_bytes=1280000 band=15000:960000\n"));
}

MSW_TEST(meters_dump_reads_back_and_features_say_the_limits) {
  MeterTable t(1);
  CHECK_EQ(Run(&t, "meter_add meter_id=2 kbps burst stats band=type=drop,rate=1000,burst_size=64 "
                   "band=type=dscp_remark,rate=500,prec_level=1"),
           std::string(""));
  CHECK_EQ(Run(&t, "meter_add meter_id=1 pktps band=type=drop,rate=7"), std::string(""));
  const std::string dump = t.Dump();
  CHECK_EQ(dump, std::string("meter_id=1 pktps band=type=drop,rate=7\n"
                             "meter_id=2 kbps burst stats band=type=drop,rate=1000,burst_size=64 "
                             "band=type=dscp_remark,rate=500,prec_level=1\n"));
  MeterTable u(1);
  size_t pos = 0;
  while (pos < dump.size()) {
    const size_t nl = dump.find('\n', pos);
    CHECK_EQ(Run(&u, "meter_add " + dump.substr(pos, nl - pos)), std::string(""));
    pos = nl + 1;
  }
  CHECK_EQ(u.Dump(), dump);
  CHECK_EQ(t.Features(), std::string("max_meter=4096 band_types=drop,dscp_remark "
                                     "capabilities=kbps,pktps,burst,stats max_bands=8 max_color=0\n"));
}

}  // namespace
