// Flow mods: parsing and applying add / mod / del (see flow_mods.h).
#include "flow_mods.h"

#include <cerrno>

#include "match_text.h"

namespace ofl {
namespace {

bool StartsWith(const std::string& s, const char* prefix, std::string* rest) {
  const size_t n = std::char_traits<char>::length(prefix);
  if (s.compare(0, n, prefix) != 0) return false;
  *rest = s.substr(n);
  return true;
}

// A port of an out_port filter: 1..MSW_MAX_PORTS or a reserved word.
bool ParsePort(const std::string& s, uint32_t* port) {
  static const struct {
    const char* word;
    uint32_t port;
  } kWords[] = {{"in_port", kPortInPort}, {"table", kPortTable},   {"normal", kPortNormal},
                {"flood", kPortFlood},    {"all", kPortAll},       {"controller", kPortController},
                {"local", kPortLocal},    {"any", kAnyPort}};
  for (const auto& w : kWords) {
    if (s == w.word) {
      *port = w.port;
      return true;
    }
  }
  uint64_t v;
  if (!ParseUint(s, MSW_MAX_PORTS, &v) || v == 0) return false;
  *port = uint32_t(v);
  return true;
}

// Which tokens each verb takes besides MATCH (and INSTRUCTIONS for add/mod).
enum : uint32_t {
  kTokTable = 1, kTokTableAll = 2, kTokStrict = 4, kTokCookieMask = 8, kTokAddOnly = 16,
  kTokResetCounts = 32, kTokOutFilters = 64, kTokPaging = 128, kTokInstructions = 256,
};

uint32_t TokensOf(FlowMod::Verb v) {
  switch (v) {
    case FlowMod::kAdd: return kTokTable | kTokAddOnly | kTokResetCounts | kTokInstructions;
    case FlowMod::kMod:
      return kTokTable | kTokTableAll | kTokStrict | kTokCookieMask | kTokResetCounts |
             kTokInstructions;
    case FlowMod::kDel: return kTokTable | kTokTableAll | kTokStrict | kTokCookieMask | kTokOutFilters;
    case FlowMod::kFilter:
      return kTokTable | kTokTableAll | kTokStrict | kTokCookieMask | kTokOutFilters | kTokPaging;
  }
  return 0;
}

// Parses the add-only tokens (timeouts, importance, flags); true if 'tok'
// was one ('*err' set when it was one but wrong).
bool ParseAddToken(const std::string& tok, FlowMod* fm, std::string* err) {
  std::string v;
  uint64_t x = 0;
  uint16_t* field = nullptr;
  if (StartsWith(tok, "idle_timeout=", &v)) field = &fm->idle_timeout;
  else if (StartsWith(tok, "hard_timeout=", &v)) field = &fm->hard_timeout;
  else if (StartsWith(tok, "importance=", &v)) field = &fm->importance;
  if (field) {
    if (!ParseUint(v, 65535, &x))
      *err = (field == &fm->importance ? "bad_request.bad_type: importance 0..65535 in '"
                                       : "flow_mod_failed.bad_timeout: seconds 0..65535 in '") +
             tok + "'";
    *field = uint16_t(x);
    return true;
  }
  if (tok == "send_flow_rem") fm->flags |= kSendFlowRem;
  else if (tok == "no_packet_counts") fm->flags |= kNoPacketCounts;
  else if (tok == "no_byte_counts") fm->flags |= kNoByteCounts;
  else if (tok == "check_overlap") fm->check_overlap = true;
  else return false;
  return true;
}

// One token of the line; "" or the error.  Match tokens (most of a line)
// are tried first: FindField tells them apart with no prefix test, and no
// head word (table, priority, cookie, ...) is a field name.
std::string ParseToken(const FlowTables& ft, const std::string& tok, uint32_t allowed,
                       FlowMod* fm, Instructions* ins, std::vector<std::string>* fields) {
  std::string v, err;
  if (ParseMatchToken(tok, &fm->match, &fm->mask, &err, fields)) return "";
  if (!err.empty()) return err;
  uint64_t x = 0, m = 0;
  if ((allowed & kTokTable) && StartsWith(tok, "table=", &v)) {
    if (v == "all" && (allowed & kTokTableAll)) {
      fm->table = -1;
    } else if (ParseUint(v, ft.n_tables - 1, &x)) {
      fm->table = int(x);
    } else {
      return "flow_mod_failed.bad_table_id: '" + tok + "' (tables 0.." +
             std::to_string(ft.n_tables - 1) + (allowed & kTokTableAll ? " or all)" : ")");
    }
    return "";
  }
  if (StartsWith(tok, "priority=", &v)) {
    if (!ParseUint(v, 65535, &x)) return "bad_request.bad_type: priority 0..65535 in '" + tok + "'";
    fm->priority = int32_t(x);
    return "";
  }
  if (StartsWith(tok, "cookie=", &v)) {
    const size_t slash = v.find('/');
    const bool masked = slash != std::string::npos;
    if (masked && !(allowed & kTokCookieMask))
      return "bad_request.bad_type: '" + tok + "': add takes a cookie, not a cookie mask";
    if (!ParseUint(v.substr(0, slash), ~0ull, &x) ||
        (masked && !ParseUint(v.substr(slash + 1), ~0ull, &m)))
      return "bad_request.bad_type: bad cookie in '" + tok + "'";
    fm->cookie = x;
    // mod/del/dump without a mask select that cookie exactly.
    fm->cookie_mask = masked ? m : (allowed & kTokCookieMask) ? ~0ull : 0;
    return "";
  }
  if ((allowed & kTokStrict) && tok == "strict") {
    fm->strict = true;
    return "";
  }
  if ((allowed & kTokResetCounts) && tok == "reset_counts") {
    fm->reset_counts = true;
    return "";
  }
  if (allowed & kTokAddOnly) {
    if (ParseAddToken(tok, fm, &err)) return err;
  }
  if (allowed & kTokOutFilters) {
    if (StartsWith(tok, "out_port=", &v)) {
      if (!ParsePort(v, &fm->out_port))
        return "bad_action.bad_out_port: '" + tok + "' (1.." + std::to_string(MSW_MAX_PORTS) +
               " or a reserved port word)";
      return "";
    }
    if (StartsWith(tok, "out_group=", &v)) {
      if (v == "any") fm->out_group = kAnyGroup;
      else if (ParseUint(v, kGroupMax, &x)) fm->out_group = uint32_t(x);
      else return "bad_action.bad_out_group: '" + tok + "'";
      return "";
    }
  }
  if (allowed & kTokPaging) {
    if (StartsWith(tok, "after=", &v)) {
      if (!ParseUint(v, ~0ull, &fm->after)) return "bad_request.bad_type: bad id in '" + tok + "'";
      return "";
    }
    if (StartsWith(tok, "limit=", &v)) {
      if (!ParseUint(v, ~0ull, &fm->limit) || fm->limit == 0)
        return "bad_request.bad_type: limit 1.. in '" + tok + "'";
      return "";
    }
  }
  if (allowed & kTokInstructions) {
    ParseEnv env;
    env.table = fm->table < 0 ? 0 : uint32_t(fm->table);
    env.n_tables = ft.n_tables;
    // Groups and meters are checked at apply time: an earlier line of the
    // same batch may create them.
    switch (ParseInstructionToken(tok, env, ins, &err)) {
      case InstParse::kOk:
        fm->ins_tokens.push_back(tok);
        return "";
      case InstParse::kError: return err;
      case InstParse::kNotInstruction: break;
    }
  }
  return tok.find('=') != std::string::npos ? "bad_match.bad_field: unknown field or token '" + tok + "'"
                                            : "bad_request.bad_type: unknown token '" + tok + "'";
}

// Whether 'fm' names a group in its instructions (then they are parsed
// again at apply time, against the group table).
bool NamesGroup(const FlowMod& fm) {
  for (const std::string& t : fm.ins_tokens)
    if (t.find("group:") != std::string::npos) return true;
  return false;
}

}  // namespace

std::string ParseFlowMod(const FlowTables& ft, const std::string& line, FlowMod* fm) {
  // Tokens are separated by blanks (no quoting in the contract); a manual
  // split costs a fraction of an istringstream's.
  size_t at = 0;
  std::string tok;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  auto next = [&]() {
    while (at < line.size() && blank(line[at])) at++;
    if (at == line.size()) return false;
    size_t end = at;
    while (end < line.size() && !blank(line[end])) end++;
    tok.assign(line, at, end - at);
    at = end;
    return true;
  };
  next();
  const std::string verb = tok;
  if (verb == "add") fm->verb = FlowMod::kAdd;
  else if (verb == "mod") fm->verb = FlowMod::kMod;
  else if (verb == "del") fm->verb = FlowMod::kDel;
  else fm->verb = FlowMod::kFilter;
  const uint32_t allowed = TokensOf(fm->verb);
  // Filters (mod, del, dump) without a table look at every table.
  if (fm->verb != FlowMod::kAdd) fm->table = -1;
  auto ins = std::make_shared<Instructions>();
  std::vector<std::string> fields;
  while (next()) {
    const std::string err = ParseToken(ft, tok, allowed, fm, ins.get(), &fields);
    if (!err.empty()) return err;
  }
  const std::string pre = CheckPrerequisites(fm->match, fm->mask, fields);
  if (!pre.empty()) return pre;
  if (allowed & kTokInstructions) {
    // goto_table was checked against the line's table as parsed so far;
    // a table= token after it must be honoured too.
    if (ins->goto_table != kNoGoto && fm->table >= 0 && ins->goto_table <= fm->table)
      return "bad_instruction.bad_table_id: goto_table:" + std::to_string(ins->goto_table) +
             " must name a table above " + std::to_string(fm->table);
    fm->ins = std::move(ins);
  }
  return "";
}

Selector MakeSelector(const FlowMod& fm) {
  Selector sel;
  sel.match = fm.match;
  sel.mask = fm.mask;
  sel.priority = fm.priority;
  sel.strict = fm.strict;
  sel.cookie = fm.cookie;
  sel.cookie_mask = fm.cookie_mask;
  const uint32_t port = fm.out_port, group = fm.out_group;
  if (port != kAnyPort || group != kAnyGroup) {
    sel.filter = [port, group](const Rule& r) {
      if (!r.actions) return false;
      if (port != kAnyPort && !InstructionsOutputTo(*r.actions, port)) return false;
      return group == kAnyGroup || InstructionsUseGroup(*r.actions, group);
    };
  }
  return sel;
}

size_t DeleteRules(FlowTables* ft, int table, const Selector& sel, const char* reason,
                   uint64_t now_ns) {
  size_t n = 0;
  std::vector<std::shared_ptr<const Rule>> removed;
  for (uint32_t t = 0; t < ft->n_tables; t++) {
    if (table >= 0 && uint32_t(table) != t) continue;
    removed.clear();
    const size_t k = ft->tables[t]->Delete(sel, &removed);
    if (k == 0) continue;
    ft->dirty_tables[t] = true;
    n += k;
    for (const auto& r : removed) QueueFlowRemoved(ft, *r, reason, now_ns);
  }
  return n;
}

namespace {

// The instructions of 'fm' checked against the groups and meters as they
// stand now; "" or the error.
std::string CheckReferences(FlowTables* ft, const FlowMod& fm,
                            std::shared_ptr<const Instructions>* ins) {
  *ins = fm.ins;
  if (fm.ins && fm.ins->meter != 0 && !ft->meters->Exists(fm.ins->meter))
    return "meter_mod_failed.unknown_meter: meter=" + std::to_string(fm.ins->meter) +
           " does not exist";
  if (!NamesGroup(fm)) return "";
  ParseEnv env;
  env.table = fm.table < 0 ? 0 : uint32_t(fm.table);
  env.n_tables = ft->n_tables;
  env.groups = ft->groups.get();
  env.meters = ft->meters.get();
  auto checked = std::make_shared<Instructions>();
  std::string err;
  for (const std::string& t : fm.ins_tokens)
    if (ParseInstructionToken(t, env, checked.get(), &err) != InstParse::kOk) return err;
  *ins = std::move(checked);
  return "";
}

std::string ApplyAdd(FlowTables* ft, const FlowMod& fm, uint64_t now_ns, ModCounts* counts,
                     int* err_no) {
  const uint32_t t = uint32_t(fm.table);
  Classifier& cls = *ft->tables[t];
  std::shared_ptr<const Instructions> ins;
  std::string err = CheckReferences(ft, fm, &ins);
  if (!err.empty()) {
    *err_no = ENOENT;
    return err;
  }
  if (fm.check_overlap && cls.Overlaps(fm.match, fm.mask, fm.priority)) {
    *err_no = EEXIST;
    return "flow_mod_failed.overlap: a flow of priority " + std::to_string(fm.priority) +
           " in table " + std::to_string(t) + " overlaps this one";
  }
  // A full table still takes a replacing add; the look-up is only needed then.
  if (cls.size() >= ft->max_flows && !cls.FindStrict(fm.match, fm.mask, fm.priority)) {
    *err_no = ENOSPC;
    return "flow_mod_failed.table_full: table " + std::to_string(t) + " holds " +
           std::to_string(ft->max_flows) + " flows";
  }
  auto r = std::make_shared<Rule>();
  r->match = fm.match;
  r->mask = fm.mask;
  r->priority = fm.priority;
  r->cookie = fm.cookie;
  r->id = MakeRuleId(t, fm.priority, ft->next_seq++);  // a replaced rule's id is kept (Insert)
  r->table = t;
  r->idle_timeout = fm.idle_timeout;
  r->hard_timeout = fm.hard_timeout;
  r->importance = fm.importance;
  r->flags = fm.flags;
  r->created_ns = now_ns;  // a replacing add restarts the duration (OF 1.3 §6.4)
  r->actions = std::move(ins);
  const bool replaced = cls.Insert(std::move(r), fm.reset_counts, /*keep_id=*/true) != nullptr;
  (replaced ? counts->replaced : counts->added)++;
  ft->dirty_tables[t] = true;
  return "";
}

}  // namespace

std::string ApplyFlowMod(FlowTables* ft, const FlowMod& fm, uint64_t now_ns, ModCounts* counts,
                         int* err_no) {
  if (fm.verb == FlowMod::kAdd) return ApplyAdd(ft, fm, now_ns, counts, err_no);
  const Selector sel = MakeSelector(fm);
  if (fm.verb == FlowMod::kDel) {
    counts->deleted += DeleteRules(ft, fm.table, sel, "delete", now_ns);
    return "";
  }
  // mod: new instructions for every selected flow, never an add (1.3).
  std::shared_ptr<const Instructions> ins;
  const std::string err = CheckReferences(ft, fm, &ins);
  if (!err.empty()) {
    *err_no = ENOENT;
    return err;
  }
  const bool reset = fm.reset_counts;
  for (uint32_t t = 0; t < ft->n_tables; t++) {
    if (fm.table >= 0 && uint32_t(fm.table) != t) continue;
    const size_t n = ft->tables[t]->Modify(sel, [&](Rule* r) {
      r->actions = ins;
      if (reset) r->stats = nullptr;
    });
    if (n) ft->dirty_tables[t] = true;
    counts->modified += n;
  }
  return "";
}

}  // namespace ofl
