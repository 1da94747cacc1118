// The `openflow` switching logic: OpenFlow 1.3 flow tables on the mswitch
// fabric (the paper's mSwitch-OVS), written against the public logic ABI
// only, so it is built into the datapath and also builds as its own shared
// object (then named "openflow-so", to coexist with the built-in one).
// This file holds the ABI ops, the table look-up callback of the pipeline
// and the grace periods; lookup.cc the packets' look-ups (one, or a chunk
// at a time); the control form is control-text.md, implemented by
// control.cc and the files flow_tables.h names.
//
// Design
//   N tables (config `tables=N`, 1..254, default 64; `max_flows=N` per
//   table, default 1000000), each a tuple-space Classifier behind a
//   per-worker exact-match cache (emc.h).  A look-up (lookup.cc) announces
//   the worker's epoch and runs the pipeline (pipeline.h); its tables after
//   table 0 go through TableLookup: EMC, then classifier, then counting
//   (table look-ups and matches, the rule's packets, bytes and last-used
//   time, all per worker and single-writer).  One plain output becomes
//   UNICAST or FLOOD.
//
// Publication and grace periods
//   Control commands edit groups and meters privately and flow tables
//   mostly in place (classifier.h: a rule of an existing mask is seen, or
//   stops being seen, as soon as it is changed, whole or not at all), then
//   PublishAndSync publishes whatever they touched, bumps the EMC
//   generation and waits for a grace period before freeing what the old
//   versions referenced.  So a packet looked up during a control call may
//   see some of its flow changes and not others, as with a switch that
//   applies OpenFlow flow mods one by one; none is ever half-applied.  The grace period is an epoch scheme with one
//   slot per worker: lookup announces the global epoch in its slot (0 when
//   outside lookup); the control thread bumps the epoch after publishing
//   and waits until every slot is 0 or at least the new epoch.  Lookups
//   never block and never wait; the control thread waits at most one
//   lookup's time per worker.  When a command returns, every packet looked
//   up afterwards sees its changes (what an OpenFlow barrier needs).
//
//   The EMC generation is bumped after the publishes and before the epoch:
//   a worker that read the old generation announced its epoch before that
//   read, so the grace period waits for it; a worker that read the new one
//   reads the new versions (the bump is a release, its read an acquire).
//
// Thread-safety
//   Lookup on workers (pkt->worker < n_workers); create, destroy, control
//   and port_changed on one control thread (logic.h).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <sstream>
#include <thread>

#include "flow_tables.h"
#include "match_text.h"
#include "table_miss.h"

namespace ofl {

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

const Rule* TableLookup(void* ctx, uint32_t table, const FlowKey& key, const msw_packet& pkt) {
  const auto* c = static_cast<const LookupCtx*>(ctx);
  FlowTables* ft = c->ft;
  if (table >= ft->n_tables) return nullptr;
  const uint32_t w = pkt.worker <= ft->n_workers ? pkt.worker : ft->n_workers;
  WorkerState& ws = ft->workers[w];
  TableCounters& tc = ws.tables[table];
  const Rule* r = nullptr;
  if (c->mode == LookupCtx::kWorker) {
    // The generation read here pairs with the control thread's bump after
    // its publishes (see the header comment).
    const uint64_t gen = ft->generation.load(std::memory_order_acquire);
    const uint64_t h = HashKey(key);
    if (ws.emc.Find(table, key, h, gen, &r)) {
      Bump(&tc.emc_hits);
    } else {
      Bump(&tc.emc_misses);
      r = ft->tables[table]->Lookup(key);
      ws.emc.Insert(table, key, h, gen, r);
    }
  } else {
    r = ft->tables[table]->Lookup(key);
  }
  if (c->steps) c->steps->emplace_back(table, r);  // control thread only
  if (c->mode != LookupCtx::kTrace) {
    Bump(&tc.lookups);
    if (r) {
      Bump(&tc.matched);
      RuleStats::CountIn(&r->counters[w], pkt.len, pkt.now_ns);  // w < n_workers + 1 slots
    }
  }
  return r;
}

namespace {

#ifdef MSW_OPENFLOW_SO
constexpr const char* kLogicName = "openflow-so";
#else
constexpr const char* kLogicName = "openflow";
#endif

// Waits until no lookup still runs on a version published before now.
void Synchronize(FlowTables* ft) {
  const uint64_t target = ft->epoch.fetch_add(1, std::memory_order_seq_cst) + 1;
  for (uint32_t w = 0; w < ft->n_workers; w++) {
    for (;;) {
      const uint64_t e = ft->workers[w].epoch.load(std::memory_order_seq_cst);
      if (e == 0 || e >= target) break;
      std::this_thread::yield();
    }
  }
}

}  // namespace

void PublishAndSync(FlowTables* ft) {
  // Groups and meters first: a flow published with this batch may name
  // one created by it.
  if (ft->dirty_groups) ft->groups->Publish();
  if (ft->dirty_meters) ft->meters->Publish();
  for (uint32_t t = 0; t < ft->n_tables; t++)
    if (ft->dirty_tables[t]) ft->tables[t]->Publish();
  ft->generation.fetch_add(1, std::memory_order_seq_cst);
  Synchronize(ft);
  for (uint32_t t = 0; t < ft->n_tables; t++) {
    if (!ft->dirty_tables[t]) continue;
    ft->tables[t]->ReleaseRetired();
    ft->dirty_tables[t] = false;
  }
  if (ft->dirty_groups) ft->groups->ReleaseRetired();
  if (ft->dirty_meters) ft->meters->ReleaseRetired();
  ft->dirty_groups = ft->dirty_meters = false;
}

FlowTables* NewFlowTables(const msw_switch_info* sw, uint32_t n_tables, size_t max_flows,
                          std::string* err) {
  auto* ft = new (std::nothrow) FlowTables();
  if (!ft) {
    *err = "out of memory";
    return nullptr;
  }
  ft->n_workers = sw && sw->n_workers ? sw->n_workers : 1;
  ft->n_tables = n_tables;
  ft->max_flows = max_flows;
  ft->switch_name = sw && sw->switch_name ? sw->switch_name : "";
  const uint32_t slots = ft->n_workers + 1;  // + the control thread's
  ft->workers.reset(new WorkerState[slots]);
  for (uint32_t w = 0; w < slots; w++) ft->workers[w].tables.reset(new TableCounters[n_tables]);
  for (uint32_t t = 0; t < n_tables; t++) ft->tables.emplace_back(new Classifier(slots));
  ft->dirty_tables.assign(n_tables, false);
  ft->groups.reset(new GroupTable(ft->n_workers));
  ft->meters.reset(new MeterTable(ft->n_workers));
  // NORMAL needs the host's l2-learning; without it NORMAL drops.
  if (sw && sw->host) ft->normal = NormalAction::Create(sw, &ft->normal_error);
  else ft->normal_error = "the switch offers no host services";
  ft->worker_ctx.mode = LookupCtx::kWorker;
  ft->worker_ctx.ft = ft;
  ft->env.n_tables = n_tables;
  ft->env.lookup = TableLookup;
  ft->env.lookup_ctx = &ft->worker_ctx;
  ft->env.groups = ft->groups.get();
  ft->env.meters = ft->meters.get();
  ft->env.normal = ft->normal.get();
  ft->env.ports = &ft->ports;
  ft->env.miss_to_controller = &ft->miss_to_controller;
  return ft;
}

namespace {

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
      ok = ParseUint(p.substr(7), kMaxTables, &tables) && tables > 0;
    else if (p.compare(0, 10, "max_flows=") == 0)
      ok = ParseUint(p.substr(10), 100000000, &max_flows) && max_flows > 0;
    if (!ok) {
      std::snprintf(err, err_len, "bad config '%.40s' (tables=1..%u, max_flows=N)", p.c_str(),
                    kMaxTables);
      return EINVAL;
    }
  }
  std::string why;
  FlowTables* ft = NewFlowTables(sw, uint32_t(tables), size_t(max_flows), &why);
  if (!ft) {
    std::snprintf(err, err_len, "%s", why.c_str());
    return ENOMEM;
  }
  *instance = ft;
  return 0;
}

void Destroy(void* instance) { delete static_cast<FlowTables*>(instance); }

// Keeps port liveness (fast-failover, output:local) and tells NORMAL.
void PortChanged(void* instance, msw_port_event ev, const msw_port_info* info) {
  auto* ft = static_cast<FlowTables*>(instance);
  if (!info || info->port < 1 || info->port > MSW_MAX_PORTS) return;
  const bool up = ev != MSW_PORT_REMOVED && info->up;
  ft->ports.up[info->port].store(up ? 1 : 0, std::memory_order_relaxed);
  const bool is_local = info->name && !ft->switch_name.empty() && ft->switch_name == info->name;
  if (is_local) {
    ft->ports.local_port.store(ev == MSW_PORT_REMOVED ? 0 : info->port, std::memory_order_relaxed);
  } else if (ev == MSW_PORT_REMOVED &&
             ft->ports.local_port.load(std::memory_order_relaxed) == info->port) {
    ft->ports.local_port.store(0, std::memory_order_relaxed);
  }
  if (ft->normal) ft->normal->PortChanged(ev, info);
}

// Writes 'text' into the reply, or says how big a reply it needed.
int Reply(const std::string& text, int rc, char* reply, size_t reply_len) {
  if (text.size() + 1 > reply_len) {
    std::snprintf(reply, reply_len, "bad_request.bad_len: the reply needs %zu bytes, has %zu",
                  text.size() + 1, reply_len);
    return rc ? rc : ENOSPC;
  }
  std::memcpy(reply, text.c_str(), text.size() + 1);
  return rc;
}

// Answers one query line; false if 'verb' names no query.
bool Query(FlowTables* ft, const std::string& verb, const std::string& line, size_t reply_len,
           std::string* out, std::string* err) {
  if (verb == "dump") *out = DumpFlows(ft, line, reply_len, err);
  else if (verb == "aggregate") *out = Aggregate(ft, line, err);
  else if (verb == "table_stats") *out = TableStats(ft);
  else if (verb == "events") *out = Events(ft, line, err);
  else if (verb == "trace") *out = Trace(ft, line, err);
  else if (verb == "packet_out") *out = PacketOut(ft, line, err);
  else if (verb == "group_dump") *out = ft->groups->Dump();
  else if (verb == "group_stats") *out = ft->groups->Stats();
  else if (verb == "meter_dump") *out = ft->meters->Dump();
  else if (verb == "meter_stats") *out = ft->meters->Stats();
  else if (verb == "meter_features") *out = ft->meters->Features();
  else if (verb == "table_miss") *out = TableMiss(ft, line, err);
  else return false;
  return true;
}

// A query is one line; anything else is a batch of changes (control.cc).
int Control(void* instance, const char* cmd, char* reply, size_t reply_len) {
  auto* ft = static_cast<FlowTables*>(instance);
  if (reply_len) reply[0] = 0;
  std::string text(cmd ? cmd : "");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const std::string verb = text.substr(0, text.find_first_of(" \n"));
  std::string out, err;
  if (Query(ft, verb, text, reply_len, &out, &err)) {
    if (!err.empty()) return Reply("line 1: " + err, EINVAL, reply, reply_len);
    return Reply(out, 0, reply, reply_len);
  }
  if (text == "flush") text = "del table=all";
  const int rc = ApplyBatch(ft, text, &out);
  return Reply(out, rc, reply, reply_len);
}

const msw_logic_ops kOps = {
    MSW_LOGIC_ABI_VERSION, kLogicName, Create, Destroy, LookupOne, PortChanged, Control,
    LookupBatch,
};

}  // namespace
}  // namespace ofl

extern "C" const msw_logic_ops* msw_openflow_ops(void) { return &ofl::kOps; }

#ifdef MSW_OPENFLOW_SO
extern "C" __attribute__((visibility("default"))) const msw_logic_ops* msw_logic_entry(void) {
  return &ofl::kOps;
}
#endif
