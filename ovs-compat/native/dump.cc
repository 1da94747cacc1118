// The flow queries of the control form: dump (paged), aggregate and
// table_stats (control-text.md "Queries").
//
// Design
//   A dump lists flows in id order, which is table ascending, priority
//   descending, then age (flow_tables.h), so `after=ID` resumes after
//   flow ID whether or not it still exists.  A page ends at `limit` flows
//   or when the next line would not fit the caller's reply buffer; either
//   way the last line is `more after=ID`.
//
//   Counters: the per-worker slots summed.  no_packet_counts and
//   no_byte_counts are kept as flags and printed, but counting goes on and
//   the counts are reported, as Open vSwitch does.
//
// Thread-safety: control thread only; counters are read with relaxed
// loads while workers write them (a dump is a snapshot per counter).
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "flow_mods.h"
#include "flow_tables.h"
#include "match_text.h"

namespace ofl {
namespace {

// Every flow 'fm' selects, in id order.
std::vector<std::shared_ptr<const Rule>> Selected(FlowTables* ft, const FlowMod& fm) {
  const Selector sel = MakeSelector(fm);
  std::vector<std::shared_ptr<const Rule>> out;
  for (uint32_t t = 0; t < ft->n_tables; t++) {
    if (fm.table >= 0 && uint32_t(fm.table) != t) continue;
    auto part = ft->tables[t]->Select(sel);
    out.insert(out.end(), part.begin(), part.end());
  }
  std::sort(out.begin(), out.end(),
            [](const std::shared_ptr<const Rule>& a, const std::shared_ptr<const Rule>& b) {
              return a->id < b->id;
            });
  return out;
}

std::string FlowLine(const Rule& r, uint64_t now_ns) {
  uint64_t packets = 0, bytes = 0;
  r.stats->Sum(&packets, &bytes);
  char head[320];
  std::snprintf(head, sizeof head,
                "id=%" PRIu64 " table=%u priority=%d cookie=0x%" PRIx64 " duration_ns=%" PRIu64
                " idle_timeout=%u hard_timeout=%u importance=%u",
                r.id, r.table, r.priority, r.cookie,
                now_ns > r.created_ns ? now_ns - r.created_ns : 0, r.idle_timeout, r.hard_timeout,
                r.importance);
  std::string line = head;
  if (r.flags & kSendFlowRem) line += " send_flow_rem";
  if (r.flags & kNoPacketCounts) line += " no_packet_counts";
  if (r.flags & kNoByteCounts) line += " no_byte_counts";
  line += " n_packets=" + std::to_string(packets) + " n_bytes=" + std::to_string(bytes);
  const std::string match = FormatMatch(r.match, r.mask);
  if (!match.empty()) line += " " + match;
  const std::string ins = r.actions ? FormatInstructions(*r.actions) : "";
  if (!ins.empty()) line += " " + ins;
  return line;
}

bool ParseFilter(FlowTables* ft, const std::string& line, FlowMod* fm, std::string* err) {
  *err = ParseFlowMod(*ft, line, fm);
  return err->empty();
}

}  // namespace

std::string DumpFlows(FlowTables* ft, const std::string& line, size_t reply_len,
                      std::string* err) {
  FlowMod fm;
  if (!ParseFilter(ft, line, &fm, err)) return "";
  const uint64_t now_ns = MonotonicNs();
  // Room for the `more after=ID` line and the NUL.
  const size_t budget = reply_len > 64 ? reply_len - 64 : 0;
  std::string out;
  uint64_t n = 0, last = 0;
  bool full = false;
  const Selector sel = MakeSelector(fm);
  // Ids sort by table first, so the tables are visited in order, each from
  // just after the cursor: a page costs its own flows, not the table's.
  for (uint32_t t = 0; t < ft->n_tables && !full && err->empty(); t++) {
    if (fm.table >= 0 && uint32_t(fm.table) != t) continue;
    ft->tables[t]->ForEachSelectedAfter(sel, fm.after, [&](const std::shared_ptr<const Rule>& r) {
      const std::string l = FlowLine(*r, now_ns);
      if ((fm.limit && n == fm.limit) || out.size() + l.size() + 1 > budget) {
        if (n == 0) {
          *err = "bad_request.bad_len: the reply buffer cannot hold one flow line";
        } else {
          out += "more after=" + std::to_string(last) + "\n";
        }
        full = true;
        return false;
      }
      out += l;
      out += '\n';
      last = r->id;
      n++;
      return true;
    });
  }
  return err->empty() ? out : "";
}

std::string Aggregate(FlowTables* ft, const std::string& line, std::string* err) {
  FlowMod fm;
  if (!ParseFilter(ft, line, &fm, err)) return "";
  uint64_t flows = 0, packets = 0, bytes = 0;
  for (const auto& r : Selected(ft, fm)) {
    uint64_t p, b;
    r->stats->Sum(&p, &b);
    flows++;
    packets += p;
    bytes += b;
  }
  return "flows=" + std::to_string(flows) + " n_packets=" + std::to_string(packets) +
         " n_bytes=" + std::to_string(bytes) + "\n";
}

std::string TableStats(FlowTables* ft) {
  std::string out;
  char line[200];
  for (uint32_t t = 0; t < ft->n_tables; t++) {
    uint64_t lookups = 0, matched = 0, hits = 0, misses = 0;
    for (uint32_t w = 0; w <= ft->n_workers; w++) {
      const TableCounters& c = ft->workers[w].tables[t];
      lookups += c.lookups.load(std::memory_order_relaxed);
      matched += c.matched.load(std::memory_order_relaxed);
      hits += c.emc_hits.load(std::memory_order_relaxed);
      misses += c.emc_misses.load(std::memory_order_relaxed);
    }
    std::snprintf(line, sizeof line,
                  "table=%u active=%zu lookups=%" PRIu64 " matched=%" PRIu64 " emc_hits=%" PRIu64
                  " emc_misses=%" PRIu64 "\n",
                  t, ft->tables[t]->size(), lookups, matched, hits, misses);
    out += line;
  }
  return out;
}

}  // namespace ofl
