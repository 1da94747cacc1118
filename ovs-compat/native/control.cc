// A batch of change lines (add, mod, del, group_*, meter_*) with the
// contract's batch semantics (control-text.md "Replies and errors"): every
// line is parsed before any is applied, so a line that does not parse
// changes nothing (EINVAL); lines are then applied in order, and a line
// that cannot be applied stops the batch after the ones before it
// (EEXIST, ENOSPC, ENOENT, or EINVAL for the rest).  Whatever was applied
// is published before the call returns.
//
// A group_del or meter_del also deletes the flows that use the deleted
// groups or meters (OpenFlow 1.3 §6.5, §6.6), with flow-removed reasons
// group_delete and meter_delete.
//
// An `of13` line (an OpenFlow 1.3 FLOW_MOD on the wire) that the native
// decoder does not take stops the batch there instead: the lines before it
// are applied, it and the rest are not (ENOTSUP, `not_taken`), and the
// agent handles that message itself before sending the rest again.
#include <cerrno>
#include <cstring>
#include <sstream>

#include "flow_mods.h"
#include "flow_tables.h"
#include "of13_flow_mod.h"

namespace ofl {
namespace {

struct Line {
  enum Kind { kFlow, kGroup, kMeter } kind = kFlow;
  int number = 0;
  FlowMod flow;
  GroupMod group;
  MeterMod meter;
};

bool IsFlowVerb(const std::string& v) { return v == "add" || v == "mod" || v == "del"; }

// The errno of a group or meter Apply error, from its TYPE.CODE.
int ErrnoOf(const std::string& err) {
  if (err.find("_exists") != std::string::npos) return EEXIST;
  if (err.find("unknown_") != std::string::npos) return ENOENT;
  if (err.find("out_of_") != std::string::npos) return ENOSPC;
  return EINVAL;
}

std::string LineError(int n, const std::string& err) {
  return "line " + std::to_string(n) + ": " + err;
}

// Deletes the flows that use deleted groups or meters.
size_t DeleteUsers(FlowTables* ft, const std::vector<uint32_t>& ids, bool groups,
                   uint64_t now_ns) {
  size_t n = 0;
  for (uint32_t id : ids) {
    Selector sel;  // matches everything; the filter picks the users
    std::memset(&sel.match, 0, sizeof sel.match);
    std::memset(&sel.mask, 0, sizeof sel.mask);
    if (groups) {
      sel.filter = [id](const Rule& r) { return r.actions && InstructionsUseGroup(*r.actions, id); };
    } else {
      sel.filter = [id](const Rule& r) { return r.actions && r.actions->meter == id; };
    }
    n += DeleteRules(ft, -1, sel, groups ? "group_delete" : "meter_delete", now_ns);
  }
  return n;
}

std::string Apply(FlowTables* ft, const Line& l, uint64_t now_ns, ModCounts* counts,
                  int* err_no) {
  std::vector<uint32_t> deleted;
  std::string err;
  switch (l.kind) {
    case Line::kFlow: return ApplyFlowMod(ft, l.flow, now_ns, counts, err_no);
    case Line::kGroup:
      err = ft->groups->Apply(l.group, &deleted);
      ft->dirty_groups = true;
      break;
    case Line::kMeter:
      err = ft->meters->Apply(l.meter, &deleted);
      ft->dirty_meters = true;
      break;
  }
  if (!err.empty()) {
    *err_no = ErrnoOf(err);
    return err;
  }
  counts->deleted += DeleteUsers(ft, deleted, l.kind == Line::kGroup, now_ns);
  return "";
}

}  // namespace

int ApplyBatch(FlowTables* ft, const std::string& text, std::string* reply) {
  // Parse every line first: a batch with a bad line changes nothing.
  std::vector<Line> lines;
  std::string s;
  ParseEnv env;
  env.n_tables = ft->n_tables;
  size_t at = 0;
  int not_taken = 0;  // the of13 line the decoder did not take
  std::string not_taken_why;
  for (int n = 1; at < text.size() && !not_taken; n++) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    s.assign(text, at, end - at);
    at = end + 1;
    const size_t v0 = s.find_first_not_of(" \t\r");
    if (v0 == std::string::npos) continue;
    const std::string verb = s.substr(v0, s.find_first_of(" \t\r", v0) - v0);
    Line l;
    l.number = n;
    std::string err;
    if (IsFlowVerb(verb)) {
      l.kind = Line::kFlow;
      err = ParseFlowMod(*ft, s, &l.flow);
    } else if (verb == "of13") {
      l.kind = Line::kFlow;
      size_t h0 = s.find_first_not_of(" \t\r", v0 + verb.size());
      if (h0 == std::string::npos) h0 = s.size();
      const size_t h1 = s.find_last_not_of(" \t\r") + 1;
      if (!DecodeOf13FlowMod(*ft, s.data() + h0, h1 > h0 ? h1 - h0 : 0, &l.flow, &not_taken_why)) {
        not_taken = n;
        break;
      }
    } else if (verb.compare(0, 6, "group_") == 0) {
      l.kind = Line::kGroup;
      err = ft->groups->Parse(s, env, &l.group);
    } else if (verb.compare(0, 6, "meter_") == 0) {
      l.kind = Line::kMeter;
      err = ft->meters->Parse(s, env, &l.meter);
    } else {
      err = "bad_request.bad_type: unknown command '" + verb.substr(0, 40) +
            "' (add, mod, del, group_*, meter_*, flush, or one query line)";
    }
    if (!err.empty()) {
      *reply = LineError(n, err);
      return EINVAL;
    }
    lines.push_back(std::move(l));
  }
  // Apply in order; the first failure stops the batch.
  const uint64_t now_ns = MonotonicNs();
  ModCounts counts;
  int rc = 0;
  for (const Line& l : lines) {
    int err_no = EINVAL;
    const std::string err = Apply(ft, l, now_ns, &counts, &err_no);
    if (!err.empty()) {
      *reply = LineError(l.number, err);
      rc = err_no;
      break;
    }
  }
  PublishAndSync(ft);
  if (rc == 0 && not_taken) {
    *reply = LineError(not_taken, "not_taken: " + not_taken_why);
    rc = ENOTSUP;
  } else if (rc == 0) {
    *reply = "added " + std::to_string(counts.added) + " replaced " +
             std::to_string(counts.replaced) + " modified " + std::to_string(counts.modified) +
             " deleted " + std::to_string(counts.deleted);
  }
  return rc;
}

}  // namespace ofl
