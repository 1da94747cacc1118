// The `openflow` logic's lookup_batch against its lookup, packet by packet:
// two instances hold the same random flows (several tables, goto_table,
// set_field, VLAN push/pop, write actions, a select group, output to the
// controller); one decides every frame with lookup, the other decides the
// same frames in chunks of random size (1..32, and one call of 70 that the
// logic must split) with lookup_batch.  Every answer must be the same
// (verdict, port, flags, outputs, and the bytes each output sends), and so
// must every flow's counters and every table's lookups and matches at the
// end.  Between rounds both get the same random flow changes, so the
// batch path's exact-match cache must notice every generation bump.
// Frames repeat within and across chunks (few distinct keys), so chunks
// hold cache hits, misses and keys seen twice.
#include <memory>
#include <vector>

#include "openflow_harness.h"

using oflt::Logic;
using oflt::Pkt;

namespace {

std::vector<uint8_t> RandomFrame(msw_test::Rng& rng) {
  // Few values per field: keys repeat, rules overlap.
  const uint8_t host = uint8_t(rng.Range(1, 6));
  const uint16_t port = uint16_t(rng.Range(0, 3) * 10 + 50);
  const int vid = rng.Chance(0.25) ? int(rng.Range(1, 3)) : -1;
  std::vector<uint8_t> f = oflt::UdpFrame(host, port, vid);
  if (rng.Chance(0.1)) f[vid >= 0 ? 27 : 23] = 6;  // TCP (a short header: no ports)
  if (rng.Chance(0.05)) f.resize(rng.Range(10, 40));  // cut short
  return f;
}

std::string RandomFlow(msw_test::Rng& rng) {
  const uint32_t table = rng.Range(0, 2);
  std::string line = "add table=" + std::to_string(table) +
                     " priority=" + std::to_string(rng.Range(1, 5) * 10);
  if (rng.Chance(0.5)) line += " in_port=" + std::to_string(rng.Range(1, 3));
  if (rng.Chance(0.6)) {
    line += " eth_type=0x800";
    if (rng.Chance(0.6)) line += " ipv4_dst=10.0.0." + std::to_string(rng.Range(1, 6));
    if (rng.Chance(0.4)) line += " ip_proto=17 udp_dst=" + std::to_string(rng.Range(0, 3) * 10 + 50);
  }
  if (rng.Chance(0.2)) line += " vlan_vid=" + std::to_string(0x1000 + rng.Range(1, 3));
  const char* actions[] = {"output:2", "output:3", "output:4", "output:flood",
                           "set_field:ipv4_dst=10.9.9.9,output:4", "push_vlan:0x8100,output:2",
                           "pop_vlan,output:3", "output:controller", "group:7",
                           "output:2,output:3", "output:in_port"};
  line += " apply=" + std::string(actions[rng.Range(0, 10)]);
  if (rng.Chance(0.2)) line += " write=output:4";
  if (table < 2 && rng.Chance(0.4)) line += " goto_table=" + std::to_string(table + 1);
  return line;
}

// Both instances get the same lines; a line the logic refuses (a goto
// from a flow that cannot have one, say) is refused by both.
void ApplyBoth(Logic& a, Logic& b, const std::string& line) {
  std::string ra, rb;
  const int ca = a.Run(line, &ra), cb = b.Run(line, &rb);
  CHECK_MSG(ca == cb && ra == rb, line << ": " << ra << " / " << rb);
}

void CheckSame(const Pkt& one, const Pkt& batch, int round, uint32_t i) {
  const msw_result& x = one.res;
  const msw_result& y = batch.res;
  CHECK_MSG(x.verdict == y.verdict && x.port == y.port && x.flags == y.flags &&
                x.n_outputs == y.n_outputs,
            "round " << round << " frame " << i << ": lookup verdict " << x.verdict << " port "
                     << x.port << " outputs " << x.n_outputs << ", lookup_batch " << y.verdict
                     << " port " << y.port << " outputs " << y.n_outputs);
  for (uint32_t k = 0; k < x.n_outputs && k < MSW_MAX_OUTPUTS; k++) {
    CHECK_MSG(x.outputs[k].port == y.outputs[k].port && x.outputs[k].flags == y.outputs[k].flags,
              "round " << round << " frame " << i << " output " << k);
    CHECK_MSG(one.Sent(k) == batch.Sent(k), "round " << round << " frame " << i << " output "
                                                     << k << ": " << oflt::Hex(one.Sent(k))
                                                     << " / " << oflt::Hex(batch.Sent(k)));
  }
}

// 'dump' without the duration_ns tokens (the two dumps run at different
// times).
std::string Timeless(const std::string& dump) {
  std::string out;
  size_t at = 0;
  while (at < dump.size()) {
    size_t end = dump.find_first_of(" \n", at);
    if (end == std::string::npos) end = dump.size();
    if (dump.compare(at, 12, "duration_ns=") != 0) out += dump.substr(at, end - at);
    if (end < dump.size()) out += dump[end];
    at = end + 1;
  }
  return out;
}

}  // namespace

MSW_TEST(lookup_batch_equals_lookup_per_packet) {
  msw_test::Rng rng(ctx.seed);
  Logic one("tables=3", 2), batch("tables=3", 2);
  const std::string group = "group_add group_id=7 type=select bucket=actions=output:2 "
                            "bucket=actions=set_field:udp_dst=99,output:3";
  ApplyBoth(one, batch, group);
  for (int i = 0; i < 30; i++) ApplyBoth(one, batch, RandomFlow(rng));
  uint64_t sent = 0, forwarded = 0;
  for (int round = 0; round < 40; round++) {
    const uint32_t n = round % 10 == 9 ? 70 : rng.Range(1, 96);
    const uint32_t in_port = rng.Range(1, 3);
    const uint64_t now = uint64_t(round + 1) * 1000;
    std::vector<std::unique_ptr<Pkt>> a(n), b(n);
    for (uint32_t i = 0; i < n; i++) {
      a[i].reset(new Pkt());
      b[i].reset(new Pkt());
      a[i]->frame = b[i]->frame = RandomFrame(rng);
      oflt::Decide(one, a[i].get(), in_port, 1, now);
      Pkt& p = *b[i];
      p.pkt.data = p.frame.data();
      p.pkt.head_len = uint32_t(std::min<size_t>(p.frame.size(), MSW_HEAD_BYTES));
      p.pkt.len = uint32_t(p.frame.size());
      p.pkt.src_port = in_port;
      p.pkt.worker = 1;
      p.pkt.now_ns = now;
      p.res = msw_result{};
      p.res.scratch = p.scratch;
    }
    // Chunks of random size, as the fabric's last chunk of a batch is;
    // the 70-frame rounds go in one call the logic must cut itself.
    for (uint32_t base = 0; base < n;) {
      const uint32_t m = n == 70 ? 70 : std::min(n - base, rng.Range(1, MSW_LOOKUP_BATCH_MAX));
      std::vector<msw_packet*> pkts(m);
      std::vector<msw_result*> res(m);
      for (uint32_t k = 0; k < m; k++) {
        pkts[k] = &b[base + k]->pkt;
        res[k] = &b[base + k]->res;
      }
      batch.ops->lookup_batch(batch.inst, pkts.data(), res.data(), m);
      base += m;
    }
    for (uint32_t i = 0; i < n; i++) {
      CheckSame(*a[i], *b[i], round, i);
      sent++;
      forwarded += a[i]->res.verdict != MSW_VERDICT_DROP;
    }
    // Flow changes between chunks: the batch path's EMC must see them.
    const uint32_t changes = rng.Range(0, 3);
    for (uint32_t c = 0; c < changes; c++) {
      if (rng.Chance(0.3))
        ApplyBoth(one, batch, "del table=" + std::to_string(rng.Range(0, 2)) + " in_port=" +
                                  std::to_string(rng.Range(1, 3)));
      else
        ApplyBoth(one, batch, RandomFlow(rng));
    }
  }
  // Same counters: flows' packets and bytes, tables' lookups and matches.
  const std::string da = Timeless(one.Ok("dump")), db = Timeless(batch.Ok("dump"));
  CHECK_MSG(da == db, "dump differs:\n" << da << "---\n" << db);
  const std::string ta = one.Ok("table_stats"), tb = batch.Ok("table_stats");
  for (const char* key : {"lookups", "matched"})
    for (const char* table : {"table=0", "table=1", "table=2"})
      CHECK_MSG(oflt::Value(ta, table, key) == oflt::Value(tb, table, key),
                table << " " << key << ": " << ta << "---\n" << tb);
  CHECK_MSG(forwarded > sent / 4, "only " << forwarded << " of " << sent << " frames forwarded");
  CHECK_MSG(oflt::Value(tb, "table=0", "emc_hits") != "0", tb);
}
