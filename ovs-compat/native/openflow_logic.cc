// The `openflow` switching logic: OpenFlow 1.3 style flow tables on the
// mswitch fabric (the paper's mSwitch-OVS), written against the public
// logic ABI only, so it is built into the datapath and also builds as its
// own shared object (then named "openflow-so", to coexist with the
// built-in one).
//
// Design
//   N tables (config `tables=N`, 1..254, default 64; `max_flows=N` per
//   table, default 1000000), each a tuple-space Classifier.  A packet's
//   flow key is extracted once, looked up in table 0; a matching rule's
//   apply-actions run (outputs collected as MSW_VERDICT_MULTI outputs) and
//   its goto_table continues the pipeline with the key redone if actions
//   changed the packet.  A miss drops (what is already output stays).
//   Every matched rule counts the packet in its per-worker counters.
//
// Publication and grace periods
//   Control commands edit the classifiers' private state, then publish
//   every touched table and wait for a grace period before freeing what the
//   old versions referenced.  The grace period is an epoch scheme with one
//   slot per worker: lookup announces the global epoch in its slot (0 when
//   outside lookup); the control thread bumps the epoch after publishing
//   and waits until every slot is 0 or at least the new epoch.  Lookups
//   never block and never wait; the control thread waits at most one
//   lookup's time per worker.  When a command returns, every packet looked
//   up afterwards sees its changes (what an OpenFlow barrier needs).
//
// Control commands (one per line, a batch of lines is applied all or none
// and published at once):
//   add [table=T] [priority=P] [cookie=C] [reset_counts] MATCH... actions=LIST
//   mod [table=T|all] [strict] [priority=P] [cookie=C/MASK] MATCH... actions=LIST
//   del [table=T|all] [strict] [priority=P] [cookie=C/MASK] MATCH...
//   dump [table=T]       one line per rule: table= priority= cookie=
//                        n_packets= n_bytes= MATCH actions=LIST
//   flush                deletes every rule of every table
// MATCH is `FIELD=VALUE[/MASK]` tokens (match_text.h), LIST as actions.h
// says.  Defaults: table 0, priority 32768, cookie 0; `del` and `mod`
// without `strict` select every rule at least as specific as MATCH.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actions.h"
#include "classifier.h"
#include "match_text.h"
#include "mswitch/logic.h"

namespace ofl {
namespace {

#ifdef MSW_OPENFLOW_SO
constexpr const char* kLogicName = "openflow-so";
#else
constexpr const char* kLogicName = "openflow";
#endif

constexpr uint32_t kDefaultTables = 64;
constexpr uint32_t kMaxTables = 254;
constexpr size_t kDefaultMaxFlows = 1000000;
constexpr int32_t kDefaultPriority = 32768;

struct alignas(64) EpochSlot {
  std::atomic<uint64_t> epoch{0};  // 0: not in lookup
};

struct Instance {
  uint32_t n_workers = 1;
  size_t max_flows = kDefaultMaxFlows;
  std::vector<std::unique_ptr<Classifier>> tables;
  std::unique_ptr<EpochSlot[]> slots;
  std::atomic<uint64_t> epoch{1};
};

// ---- the packet path ----

void Lookup(void* instance, msw_packet* pkt, msw_result* res) {
  auto* in = static_cast<Instance*>(instance);
  if (pkt->head_len < 14 || pkt->worker >= in->n_workers) return;  // DROP
  EpochSlot& slot = in->slots[pkt->worker];
  // Announce before reading any version: pairs with the control thread's
  // epoch bump after its publish (both seq_cst, see Synchronize).
  slot.epoch.store(in->epoch.load(std::memory_order_seq_cst), std::memory_order_seq_cst);

  FlowKey key;
  ExtractFlowKey(pkt->data, pkt->head_len, pkt->src_port, 0, &key);
  WorkHead w;
  InitWorkHead(*pkt, &w);
  uint32_t scratch_used = 0;
  uint32_t table = 0;
  for (;;) {
    const Rule* r = in->tables[table]->Lookup(key);
    if (!r) break;  // table-miss: drop
    r->stats->Count(pkt->worker, pkt->len);
    const auto* list = static_cast<const ActionList*>(r->actions.get());
    ExecuteActions(*list, *pkt, &w, res, &scratch_used);
    if (list->goto_table == kNoGoto) break;
    table = list->goto_table;
    if (list->modifies) ReextractKey(*pkt, w, 0, &key);
  }
  slot.epoch.store(0, std::memory_order_release);

  // One plain output needs no MULTI answer.
  if (res->n_outputs == 0) {
    res->verdict = MSW_VERDICT_DROP;
  } else if (res->n_outputs == 1 && !(res->outputs[0].flags & MSW_OUT_VARIANT)) {
    const msw_output o = res->outputs[0];
    res->n_outputs = 0;
    res->verdict = o.port == MSW_PORT_FLOOD ? MSW_VERDICT_FLOOD : MSW_VERDICT_UNICAST;
    res->port = o.port == MSW_PORT_FLOOD ? 0 : o.port;
    res->flags = o.flags;
  } else {
    res->verdict = MSW_VERDICT_MULTI;
  }
}

// ---- control ----

// Waits until no lookup still runs on a version published before now.
void Synchronize(Instance* in) {
  const uint64_t target = in->epoch.fetch_add(1, std::memory_order_seq_cst) + 1;
  for (uint32_t w = 0; w < in->n_workers; w++) {
    for (;;) {
      const uint64_t e = in->slots[w].epoch.load(std::memory_order_seq_cst);
      if (e == 0 || e >= target) break;
      std::this_thread::yield();
    }
  }
}

// One parsed line.
struct Command {
  enum Verb { kAdd, kMod, kDel } verb;
  int table = 0;  // -1: all
  bool strict = false;
  bool reset_counts = false;
  bool has_actions = false;
  Selector sel;
  uint64_t cookie = 0;
  std::shared_ptr<const ActionList> actions;
};

bool ParseU64(const std::string& s, uint64_t max, uint64_t* v) {
  if (s.empty() || s[0] == '-') return false;
  char* end;
  errno = 0;
  const unsigned long long x = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end || x > max) return false;
  *v = x;
  return true;
}

std::string ParseCommand(const Instance& in, const std::string& line, Command* c) {
  std::istringstream is(line);
  std::string verb, tok;
  is >> verb;
  c->verb = verb == "add" ? Command::kAdd : verb == "mod" ? Command::kMod : Command::kDel;
  memset(&c->sel.match, 0, sizeof c->sel.match);
  memset(&c->sel.mask, 0, sizeof c->sel.mask);
  c->sel.priority = kDefaultPriority;
  std::string actions_text;
  std::vector<std::string> fields;
  while (is >> tok) {
    uint64_t v = 0, m = 0;
    std::string err;
    if (tok.compare(0, 6, "table=") == 0) {
      if (c->verb != Command::kAdd && tok == "table=all") c->table = -1;
      else if (ParseU64(tok.substr(6), in.tables.size() - 1, &v)) c->table = int(v);
      else return "bad table in '" + tok + "' (0.." + std::to_string(in.tables.size() - 1) + ")";
    } else if (tok.compare(0, 9, "priority=") == 0) {
      if (!ParseU64(tok.substr(9), 65535, &v)) return "bad priority in '" + tok + "'";
      c->sel.priority = int32_t(v);
    } else if (tok.compare(0, 7, "cookie=") == 0) {
      const std::string s = tok.substr(7);
      const size_t slash = s.find('/');
      if (!ParseU64(s.substr(0, slash), ~0ull, &v) ||
          (slash != std::string::npos && !ParseU64(s.substr(slash + 1), ~0ull, &m)))
        return "bad cookie in '" + tok + "'";
      if (c->verb == Command::kAdd && slash != std::string::npos)
        return "'" + tok + "': add takes a cookie, not a cookie mask";
      c->cookie = c->sel.cookie = v;
      c->sel.cookie_mask = slash == std::string::npos ? 0 : m;
    } else if (tok == "strict" && c->verb != Command::kAdd) {
      c->strict = c->sel.strict = true;
    } else if (tok == "reset_counts") {
      c->reset_counts = true;
    } else if (tok.compare(0, 8, "actions=") == 0 && c->verb != Command::kDel) {
      actions_text = tok.substr(8);
      c->has_actions = true;
    } else if (!ParseMatchToken(tok, &c->sel.match, &c->sel.mask, &err, &fields)) {
      return err.empty() ? "unknown token '" + tok + "'" : err;
    }
  }
  const std::string pre = CheckPrerequisites(c->sel.match, c->sel.mask, fields);
  if (!pre.empty()) return pre;
  if (c->verb == Command::kDel) return "";
  if (!c->has_actions) return "missing actions=";
  auto list = std::make_shared<ActionList>();
  const std::string err =
      ParseActions(actions_text, c->table < 0 ? 0 : uint32_t(c->table),
                   uint32_t(in.tables.size()), list.get());
  if (!err.empty()) return err;
  c->actions = std::move(list);
  return "";
}

std::string Dump(Instance* in, int only) {
  std::string out;
  for (size_t t = 0; t < in->tables.size(); t++) {
    if (only >= 0 && size_t(only) != t) continue;
    for (const auto& r : in->tables[t]->Rules()) {
      uint64_t packets, bytes;
      r->stats->Sum(&packets, &bytes);
      char head[160];
      std::snprintf(head, sizeof head,
                    "table=%zu priority=%d cookie=0x%llx n_packets=%llu n_bytes=%llu", t,
                    r->priority, (unsigned long long)r->cookie, (unsigned long long)packets,
                    (unsigned long long)bytes);
      out += head;
      const std::string match = FormatMatch(r->match, r->mask);
      if (!match.empty()) out += " " + match;
      out += " actions=" + FormatActions(*static_cast<const ActionList*>(r->actions.get()));
      out += '\n';
    }
  }
  return out;
}

// Applies parsed commands; returns "" or why the first failed (then the
// rest are not applied, the earlier ones are).
std::string Apply(Instance* in, std::vector<Command>& cmds, std::vector<bool>* touched,
                  size_t counts[4]) {
  for (Command& c : cmds) {
    const size_t lo = c.table < 0 ? 0 : size_t(c.table);
    const size_t hi = c.table < 0 ? in->tables.size() : lo + 1;
    for (size_t t = lo; t < hi; t++) {
      Classifier& cls = *in->tables[t];
      switch (c.verb) {
        case Command::kAdd:
          if (cls.size() >= in->max_flows) return "table " + std::to_string(t) + " is full";
          if (cls.Insert(c.sel.match, c.sel.mask, c.sel.priority, c.cookie, c.actions,
                         c.reset_counts))
            counts[1]++;
          else
            counts[0]++;
          break;
        case Command::kMod:
          counts[2] += cls.Modify(c.sel, c.actions, c.reset_counts);
          break;
        case Command::kDel:
          counts[3] += cls.Delete(c.sel);
          break;
      }
      (*touched)[t] = true;
    }
  }
  return "";
}

int Control(void* instance, const char* cmd, char* reply, size_t reply_len) {
  auto* in = static_cast<Instance*>(instance);
  reply[0] = 0;
  std::string text(cmd);
  if (text == "flush") text = "del table=all";
  if (text.compare(0, 4, "dump") == 0) {
    uint64_t t = 0;
    const std::string rest = text.size() > 5 ? text.substr(5) : "";
    if (!rest.empty() && (rest.compare(0, 6, "table=") != 0 ||
                          !ParseU64(rest.substr(6), in->tables.size() - 1, &t))) {
      std::snprintf(reply, reply_len, "usage: dump [table=T]");
      return EINVAL;
    }
    const std::string out = Dump(in, rest.empty() ? -1 : int(t));
    if (out.size() + 1 > reply_len) {
      std::snprintf(reply, reply_len, "dump needs %zu bytes, the reply holds %zu: dump one table",
                    out.size() + 1, reply_len);
      return ENOSPC;
    }
    std::snprintf(reply, reply_len, "%s", out.c_str());
    return 0;
  }
  // Parse every line first: a batch with a bad line changes nothing.
  std::vector<Command> cmds;
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); n++) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string verb = line.substr(0, line.find(' '));
    if (verb != "add" && verb != "mod" && verb != "del") {
      std::snprintf(reply, reply_len, "line %d: unknown command '%.40s' (add, mod, del, dump, flush)",
                    n, verb.c_str());
      return EINVAL;
    }
    Command c;
    const std::string err = ParseCommand(*in, line, &c);
    if (!err.empty()) {
      std::snprintf(reply, reply_len, "line %d: %s", n, err.c_str());
      return EINVAL;
    }
    cmds.push_back(std::move(c));
  }
  std::vector<bool> touched(in->tables.size(), false);
  size_t counts[4] = {0, 0, 0, 0};
  const std::string err = Apply(in, cmds, &touched, counts);
  for (size_t t = 0; t < touched.size(); t++)
    if (touched[t]) in->tables[t]->Publish();
  Synchronize(in);
  for (size_t t = 0; t < touched.size(); t++)
    if (touched[t]) in->tables[t]->ReleaseRetired();
  if (!err.empty()) {
    std::snprintf(reply, reply_len, "%s", err.c_str());
    return ENOSPC;
  }
  std::snprintf(reply, reply_len, "added %zu replaced %zu modified %zu deleted %zu", counts[0],
                counts[1], counts[2], counts[3]);
  return 0;
}

int Create(const msw_switch_info* sw, const char* config, void** instance, char* err,
           size_t err_len) {
  uint64_t tables = kDefaultTables, max_flows = kDefaultMaxFlows;
  // "tables=N max_flows=N", separated by spaces or commas.
  std::string text(config ? config : "");
  for (char& ch : text)
    if (ch == ',') ch = ' ';
  std::istringstream is(text);
  std::string p;
  while (is >> p) {
    bool ok = false;
    if (p.compare(0, 7, "tables=") == 0)
      ok = ParseU64(p.substr(7), kMaxTables, &tables) && tables > 0;
    else if (p.compare(0, 10, "max_flows=") == 0)
      ok = ParseU64(p.substr(10), 100000000, &max_flows) && max_flows > 0;
    if (!ok) {
      std::snprintf(err, err_len, "bad config '%.40s' (tables=1..%u, max_flows=N)", p.c_str(),
                    kMaxTables);
      return EINVAL;
    }
  }
  auto* in = new (std::nothrow) Instance();
  if (!in) return ENOMEM;
  in->n_workers = sw && sw->n_workers ? sw->n_workers : 1;
  in->max_flows = size_t(max_flows);
  in->slots.reset(new EpochSlot[in->n_workers]);
  for (uint64_t t = 0; t < tables; t++) in->tables.emplace_back(new Classifier(in->n_workers));
  *instance = in;
  return 0;
}

void Destroy(void* instance) { delete static_cast<Instance*>(instance); }

const msw_logic_ops kOps = {
    MSW_LOGIC_ABI_VERSION, kLogicName, Create, Destroy, Lookup, nullptr, Control,
};

}  // namespace
}  // namespace ofl

extern "C" const msw_logic_ops* msw_openflow_ops(void) { return &ofl::kOps; }

#ifdef MSW_OPENFLOW_SO
extern "C" __attribute__((visibility("default"))) const msw_logic_ops* msw_logic_entry(void) {
  return &ofl::kOps;
}
#endif
