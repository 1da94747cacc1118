// Flow timeouts and flow-removed events (control-text.md `events`).
//
// Design
//   Workers only record, per worker, the time they last counted a packet
//   for a rule (RuleStats); they never expire anything.  `events` runs on
//   the control thread: it deletes every rule whose hard timeout passed
//   (now - created >= hard) or whose idle timeout passed (now - the latest
//   of created and last used >= idle), hard checked first as Open vSwitch
//   does, publishes, then drains the queue.  `events now_ns=N` replaces
//   the clock, so that tests control expiry exactly.
//
//   The queue is bounded (kMaxEvents).  When it is full, a new event is
//   dropped and counted; the next `events` reply ends with
//   `events_lost n=N` (since the previous report).  Deleting a flow never
//   waits for the queue.
//
// Thread-safety: control thread only.
#include <cinttypes>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include "flow_mods.h"
#include "flow_tables.h"
#include "match_text.h"

namespace ofl {

void QueueFlowRemoved(FlowTables* ft, const Rule& r, const char* reason, uint64_t now_ns) {
  if (!(r.flags & kSendFlowRem)) return;
  if (ft->events.size() >= kMaxEvents) {
    ft->events_lost++;
    return;
  }
  uint64_t packets = 0, bytes = 0;
  if (r.stats) r.stats->Sum(&packets, &bytes);
  char head[320];
  std::snprintf(head, sizeof head,
                "flow_removed reason=%s table=%u priority=%d cookie=0x%" PRIx64
                " idle_timeout=%u hard_timeout=%u duration_ns=%" PRIu64 " n_packets=%" PRIu64
                " n_bytes=%" PRIu64,
                reason, r.table, r.priority, r.cookie, r.idle_timeout, r.hard_timeout,
                now_ns > r.created_ns ? now_ns - r.created_ns : 0, packets, bytes);
  FlowRemoved ev;
  ev.line = head;
  const std::string match = FormatMatch(r.match, r.mask);
  if (!match.empty()) ev.line += " " + match;
  ft->events.push_back(std::move(ev));
}

namespace {

// Why 'r' expires at 'now_ns', or null.
const char* ExpiryReason(const Rule& r, uint64_t now_ns) {
  constexpr uint64_t kNsPerSec = 1000000000ull;
  if (r.hard_timeout && now_ns >= r.created_ns + r.hard_timeout * kNsPerSec) return "hard_timeout";
  if (r.idle_timeout) {
    uint64_t last = r.stats ? r.stats->LastUsed() : 0;
    if (last < r.created_ns) last = r.created_ns;
    if (now_ns >= last + r.idle_timeout * kNsPerSec) return "idle_timeout";
  }
  return nullptr;
}

void Expire(FlowTables* ft, uint64_t now_ns) {
  size_t expired = 0;
  std::vector<std::pair<std::shared_ptr<const Rule>, const char*>> due;  // rule, reason
  for (uint32_t t = 0; t < ft->n_tables; t++) {
    Classifier& cls = *ft->tables[t];
    if (cls.timed() == 0) continue;
    due.clear();
    cls.ForEachTimed([&](const std::shared_ptr<const Rule>& r) {
      if (const char* reason = ExpiryReason(*r, now_ns)) due.emplace_back(r, reason);
    });
    for (const auto& [r, reason] : due) {
      Selector sel;  // exactly this rule
      sel.match = r->match;
      sel.mask = r->mask;
      sel.priority = r->priority;
      sel.strict = true;
      expired += DeleteRules(ft, int(t), sel, reason, now_ns);
    }
  }
  if (expired) PublishAndSync(ft);  // no publish, no EMC invalidation, when idle
}

}  // namespace

std::string Events(FlowTables* ft, const std::string& line, std::string* err) {
  std::istringstream is(line);
  std::string tok;
  is >> tok;  // "events"
  uint64_t max = ~0ull, now_ns = 0;
  while (is >> tok) {
    if (tok.compare(0, 4, "max=") == 0 && ParseUint(tok.substr(4), ~0ull, &max)) continue;
    if (tok.compare(0, 7, "now_ns=") == 0 && ParseUint(tok.substr(7), ~0ull, &now_ns)) continue;
    *err = "bad_request.bad_type: '" + tok + "' (events [max=N] [now_ns=N])";
    return "";
  }
  Expire(ft, now_ns ? now_ns : MonotonicNs());
  std::string out;
  for (uint64_t n = 0; n < max && !ft->events.empty(); n++) {
    out += ft->events.front().line;
    out += '\n';
    ft->events.pop_front();
  }
  if (ft->events_lost) {
    out += "events_lost n=" + std::to_string(ft->events_lost) + "\n";
    ft->events_lost = 0;
  }
  return out;
}

}  // namespace ofl
