// The packets' look-ups of the `openflow` logic: `lookup_batch`, a chunk of
// packets at a time, and `lookup`, which is a chunk of one.
//
// What?
//   Each packet runs the OpenFlow pipeline (pipeline.h) from table 0 and
//   its outputs become the answer; one plain output becomes UNICAST or
//   FLOOD, none DROP, anything else MULTI.
//
// Design
//   Table 0 of every packet of a chunk is looked up together, in three
//   passes, so the chunk's cache misses overlap (the shape of Open
//   vSwitch's dp_netdev_input: extract and hash all, probe the EMC for
//   all, classify the misses as one batch, then execute):
//     1. each packet's working head is set up over its own bytes (no copy,
//        packet_edit.h) and its flow key built whole-word with its hash
//        (ExtractFlowKeySum); the EMC set of each hash is prefetched;
//     2. each key probes the EMC; the misses go to the classifier's
//        LookupBatch (which prefetches subtable slots key by key before it
//        probes) and their answers into the EMC; the answers' rules are
//        prefetched;
//     3. each packet's rule is counted and its pipeline run, in arrival
//        order; tables after 0 (goto_table) go through TableLookup one by
//        one, as they depend on what the rules before did.
//   The worker announces its epoch once per chunk (grace periods,
//   openflow_logic.cc), so a control thread waits at most one chunk.
//   Counting is as for single look-ups, but a key that appears twice in
//   one chunk and is not cached misses the EMC twice (both probes precede
//   the insert; OVS's batches behave the same).
//
// Thread-safety
//   Workers only; each touches its WorkerState (pkt->worker) and the
//   published tables.  No allocation, lock, system call or logging.
#include <algorithm>

#include "exec_context.h"
#include "flow_tables.h"

namespace ofl {
namespace {

constexpr uint32_t kChunk = Classifier::kMaxLookupBatch;
constexpr uint32_t kAhead = 4;  // packets between a prefetch and its use (pass 3)

// Turns the pipeline's outputs into the answer the fabric expects.
void FinishResult(msw_result* res) {
  if (res->n_outputs == 0) {
    res->verdict = MSW_VERDICT_DROP;
  } else if (res->n_outputs == 1 && !(res->outputs[0].flags & MSW_OUT_VARIANT) &&
             res->outputs[0].port != MSW_PORT_CONTROLLER) {
    const msw_output o = res->outputs[0];
    res->n_outputs = 0;
    res->verdict = o.port == MSW_PORT_FLOOD ? MSW_VERDICT_FLOOD : MSW_VERDICT_UNICAST;
    res->port = o.port == MSW_PORT_FLOOD ? 0 : o.port;
    res->flags = o.flags;
  } else {
    res->verdict = MSW_VERDICT_MULTI;
  }
}

// Up to kChunk packets of worker 'worker' (< n_workers).
void LookupChunk(FlowTables* ft, uint32_t worker, msw_packet* const* pkts,
                 msw_result* const* results, uint32_t n) {
  WorkerState& ws = ft->workers[worker];
  WorkHead* heads = ws.heads.get();
  uint64_t hashes[kChunk];
  const Rule* rules[kChunk];
  uint32_t live[kChunk];
  const FlowKey* miss_keys[kChunk];
  const Rule* miss_rules[kChunk];
  uint32_t miss_at[kChunk];

  // Announce before reading any version: pairs with the control thread's
  // epoch bump after its publish (both seq_cst, openflow_logic.cc).
  ws.epoch.store(ft->epoch.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
  // The generation read here pairs with the control thread's bump after
  // its publishes (openflow_logic.cc).
  const uint64_t gen = ft->generation.load(std::memory_order_acquire);

  // Pass 1: keys and hashes; EMC sets requested.
  uint32_t n_live = 0;
  for (uint32_t k = 0; k < n; k++) {
    if (pkts[k]->head_len < 14) continue;  // DROP: no Ethernet header
    InitWorkHead(*pkts[k], 0, &heads[k]);
    hashes[k] = GetKeyHash(&heads[k]);
    ws.emc.Prefetch(0, hashes[k]);
    live[n_live++] = k;
  }

  // Pass 2: the EMC, then the classifier for its misses.
  uint32_t n_miss = 0;
  for (uint32_t j = 0; j < n_live; j++) {
    const uint32_t k = live[j];
    if (ws.emc.Find(0, heads[k].key, hashes[k], gen, &rules[k])) continue;
    miss_keys[n_miss] = &heads[k].key;
    miss_at[n_miss++] = k;
  }
  if (n_miss) {
    ft->tables[0]->LookupBatch(miss_keys, n_miss, miss_rules);
    for (uint32_t j = 0; j < n_miss; j++) {
      const uint32_t k = miss_at[j];
      rules[k] = miss_rules[j];
      ws.emc.Insert(0, heads[k].key, hashes[k], gen, rules[k]);
    }
  }
  uint32_t matched = 0;
  for (uint32_t j = 0; j < n_live; j++) {
    const Rule* r = rules[live[j]];
    if (!r) continue;
    matched++;
    __builtin_prefetch(r);
  }
  TableCounters& tc = ws.tables[0];
  tc.emc_hits.store(tc.emc_hits.load(std::memory_order_relaxed) + (n_live - n_miss),
                    std::memory_order_relaxed);
  tc.emc_misses.store(tc.emc_misses.load(std::memory_order_relaxed) + n_miss,
                      std::memory_order_relaxed);
  tc.lookups.store(tc.lookups.load(std::memory_order_relaxed) + n_live,
                   std::memory_order_relaxed);
  tc.matched.store(tc.matched.load(std::memory_order_relaxed) + matched,
                   std::memory_order_relaxed);

  // Pass 3: count and run, in arrival order (meters, NORMAL's learning).
  // A few packets ahead, the rule's counters and instructions are
  // requested (the rule itself was, above, so it is there by now).
  for (uint32_t j = 0; j < n_live; j++) {
    if (j + kAhead < n_live) {
      if (const Rule* next = rules[live[j + kAhead]]) {
        __builtin_prefetch(&next->counters[worker]);
        __builtin_prefetch(next->actions.get());
      }
    }
    const uint32_t k = live[j];
    msw_packet* pkt = pkts[k];
    if (rules[k]) RuleStats::CountIn(&rules[k]->counters[worker], pkt->len, pkt->now_ns);
    RunPipelineFrom(ft->env, pkt, results[k], &heads[k], rules[k]);
    FinishResult(results[k]);
  }
  ws.epoch.store(0, std::memory_order_release);
}

}  // namespace

void LookupBatch(void* instance, msw_packet* const* pkts, msw_result* const* results,
                 uint32_t n) {
  auto* ft = static_cast<FlowTables*>(instance);
  for (uint32_t base = 0; base < n; base += kChunk) {
    const uint32_t m = std::min(n - base, kChunk);
    // A chunk is one worker's (logic.h); a worker index out of range
    // leaves every answer DROP, as a single look-up does.
    const uint32_t worker = pkts[base]->worker;
    if (worker >= ft->n_workers) continue;
    LookupChunk(ft, worker, pkts + base, results + base, m);
  }
}

void LookupOne(void* instance, msw_packet* pkt, msw_result* res) {
  LookupBatch(instance, &pkt, &res, 1);
}

}  // namespace ofl
