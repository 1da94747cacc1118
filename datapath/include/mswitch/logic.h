/*
 * mswitch switching-logic ABI (plain C).
 *
 * What?
 *   A switching logic decides where each packet goes; the fabric moves it.
 *   A logic is a table of function pointers (struct msw_logic_ops) with a
 *   name and the ABI version it was built against.  Logics are built into
 *   the datapath or loaded from a shared object that exports
 *   `const struct msw_logic_ops *msw_logic_entry(void)`.
 *
 * Design
 *   The fabric calls `lookup` once per packet, in phase 1 of a batch, from a
 *   worker thread; a logic that also offers `lookup_batch` gets the same
 *   packets a chunk at a time instead (so it can prefetch the state of
 *   every packet of the chunk before it decides the first, as Open
 *   vSwitch's dpif-netdev does).  Either way, for each packet the logic
 *   answers one of:
 *     MSW_VERDICT_DROP     the packet goes nowhere;
 *     MSW_VERDICT_UNICAST  to `result->port`;
 *     MSW_VERDICT_FLOOD    to every port but the source;
 *     MSW_VERDICT_MULTI    to `result->outputs[0..n_outputs)`, each output
 *                          either the packet as it stands or a variant whose
 *                          first bytes the logic wrote into `result->scratch`.
 *   The fabric validates answers: a port that does not exist is dropped and
 *   counted (reason `bad-dest`), the source port is never a destination
 *   unless the output sets MSW_OUT_ALLOW_IN_PORT.
 *
 *   A logic may rewrite the packet's first `head_len` bytes in place
 *   (`pkt->data` is a private copy, never the client's shared memory), but
 *   may not change its length in place; a length change (push/pop of a
 *   tag) is expressed as an output variant: `head_len` new bytes that
 *   replace the first `strip` bytes of the original frame.
 *
 * Versioning
 *   `abi_version` must lie in [MSW_LOGIC_ABI_VERSION_MIN,
 *   MSW_LOGIC_ABI_VERSION] at registration; anything else is refused with
 *   EPROTO.  Members are only ever appended, and the switch never reads a
 *   member past the end of the table a logic's version defines: a version-2
 *   table (which ends at `control`) is called through `lookup` alone.
 *   Version 3 appended `lookup_batch`.
 *
 * Thread-safety
 *   `create`, `destroy`, `port_changed` and `control` run on a control
 *   thread, never concurrently with each other for one instance.  `lookup`
 *   runs concurrently on every worker (distinguished by `pkt->worker`),
 *   also concurrently with `port_changed` and `control`: a logic's shared
 *   state must tolerate that (atomics, per-worker state, RCU-style swaps).
 *   `lookup` must not block, allocate, make system calls or log.
 */
#ifndef MSWITCH_LOGIC_H
#define MSWITCH_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MSW_LOGIC_ABI_VERSION 3u
/* The oldest version a switch still registers (see Versioning). */
#define MSW_LOGIC_ABI_VERSION_MIN 2u

/* Port numbers are 1..MSW_MAX_PORTS; 0 is never a port. */
#define MSW_MAX_PORTS 4095u
#define MSW_PORT_NONE 0u
/* In a MULTI output: every port but the source (OpenFlow's FLOOD/ALL). */
#define MSW_PORT_FLOOD 0xffffffffu
/*
 * In a MULTI output: the switch's controller channel (OpenFlow's
 * CONTROLLER, a packet-in).  The output must be a variant whose head starts
 * with a struct msw_to_controller; the fabric copies header and frame into
 * the switch's controller queue, which the agent drains (a full queue drops
 * and counts, reason `controller-queue`).
 */
#define MSW_PORT_CONTROLLER 0xfffffffeu

/* Outputs a MULTI answer may carry, and scratch bytes for their variants. */
#define MSW_MAX_OUTPUTS 8u
#define MSW_SCRATCH_BYTES 1024u

/* Bytes of every frame copied privately for the logic (all of a short one). */
#define MSW_HEAD_BYTES 128u

enum msw_verdict {
  MSW_VERDICT_DROP = 0,
  MSW_VERDICT_UNICAST = 1,
  MSW_VERDICT_FLOOD = 2,
  MSW_VERDICT_MULTI = 3,
};

/* One packet as a logic sees it. */
struct msw_packet {
  uint8_t *data;      /* first head_len bytes of the frame: a private copy */
  uint32_t head_len;  /* min(len, MSW_HEAD_BYTES) */
  uint32_t len;       /* whole frame length */
  uint32_t src_port;  /* port the frame arrived on */
  uint32_t worker;    /* worker index, 0..n_workers-1, for per-worker state */
  uint64_t now_ns;    /* CLOCK_MONOTONIC at the start of the batch */
};

#define MSW_OUT_VARIANT 1u       /* output uses scratch[head_off..+head_len) */
#define MSW_OUT_ALLOW_IN_PORT 2u /* may go back out of the source port */

/*
 * One output of a MULTI answer.  With MSW_OUT_VARIANT the frame sent is
 * scratch[head_off .. head_off+head_len) followed by the original frame
 * from byte `strip` on (as the packet stands after lookup); without it, the
 * frame as it stands.
 */
struct msw_output {
  uint32_t port;
  uint16_t flags;
  uint16_t head_off;
  uint16_t head_len;
  uint16_t strip;
};

struct msw_result {
  uint32_t verdict;   /* enum msw_verdict */
  uint32_t port;      /* UNICAST destination */
  uint32_t n_outputs; /* MULTI: entries used in outputs */
  uint32_t flags;     /* UNICAST/FLOOD: MSW_OUT_ALLOW_IN_PORT */
  struct msw_output outputs[MSW_MAX_OUTPUTS];
  uint8_t *scratch;   /* MSW_SCRATCH_BYTES the logic may write, per packet */
};

/*
 * What a logic puts before the frame of an MSW_PORT_CONTROLLER output
 * (host byte order).  The agent turns it into an OpenFlow PACKET_IN:
 * total_len is the frame's length after the header, data its first
 * max_len bytes (0xffff: all of it).
 */
#define MSW_TO_CONTROLLER_MAGIC 0x6d737763u /* "mswc" */
struct msw_to_controller {
  uint32_t magic;    /* MSW_TO_CONTROLLER_MAGIC */
  uint16_t hdr_len;  /* sizeof(struct msw_to_controller) */
  uint8_t reason;    /* OpenFlow 1.3 OFPR_*: 0 no_match, 1 action, 2 invalid_ttl */
  uint8_t table_id;
  uint64_t cookie;
  uint64_t metadata;
  uint32_t in_port;
  uint16_t max_len;
  uint16_t flags;    /* MSW_TO_CONTROLLER_*; 0 from logics that set none */
};
/*
 * flags: no flow matched the packet in table_id and the logic's table-miss
 * mode sends such packets to the controller (OpenFlow 1.0's implicit miss,
 * reason 0).  A packet-in from a table-miss flow's own action does not set
 * it.  The agent delivers these to OpenFlow 1.0 controllers only.
 */
#define MSW_TO_CONTROLLER_TABLE_MISS 1u

/* A port as `port_changed` reports it. */
enum msw_port_event { MSW_PORT_ADDED = 1, MSW_PORT_REMOVED = 2, MSW_PORT_LINK = 3 };

struct msw_port_info {
  uint32_t port;
  uint32_t up;        /* link state */
  const char *name;
};

/*
 * Services of the switch a logic may call (from create and control only,
 * unless a member says otherwise).  One static table per process: the
 * pointer stays valid for the life of the process, so a logic may keep it.
 */
struct msw_host {
  /*
   * The registered logic named 'name' (e.g. "l2-learning", which the
   * openflow logic runs for OpenFlow's NORMAL), or NULL.  A logic may
   * create private instances of it and call their lookup from its own.
   */
  const struct msw_logic_ops *(*find_logic)(const char *name);
};

/* What a switch offers a logic instance at creation. */
struct msw_switch_info {
  const char *switch_name;
  uint32_t n_workers;
  uint32_t max_ports;
  const struct msw_host *host;  /* never NULL */
};

struct msw_logic_ops {
  /* MSW_LOGIC_ABI_VERSION as the logic was built (see Versioning). */
  uint32_t abi_version;

  /* Unique name, [a-z0-9-]+, as users select it (`l2-learning`). */
  const char *name;

  /*
   * Builds an instance from 'config' (logic-specific text, may be empty or
   * NULL).  Returns 0 and sets '*instance', or a positive errno and writes a
   * NUL-terminated reason into 'err' (at most 'err_len' bytes).  Optional:
   * NULL means the instance pointer is NULL.
   */
  int (*create)(const struct msw_switch_info *sw, const char *config,
                void **instance, char *err, size_t err_len);

  /* Frees an instance; no lookup runs on it any more.  Optional. */
  void (*destroy)(void *instance);

  /*
   * Decides one packet.  Required.  'result' arrives zeroed except for
   * 'scratch'.  Must not block, allocate, make system calls or log.
   */
  void (*lookup)(void *instance, struct msw_packet *pkt,
                 struct msw_result *result);

  /*
   * A port was added, removed or changed link state.  Optional.  Lookups
   * may still name a removed port for a while: the fabric drops those.
   * A port added with its link up is followed by MSW_PORT_LINK (up 1); a
   * port removed because its link went down (a memif client left) is
   * preceded by MSW_PORT_LINK (up 0), so liveness watchers (fast-failover)
   * need only follow LINK and REMOVED.
   */
  void (*port_changed)(void *instance, enum msw_port_event event,
                       const struct msw_port_info *port);

  /*
   * A control command ('cmd', text) from the agent.  Writes a
   * NUL-terminated reply into 'reply' (at most 'reply_len' bytes) and
   * returns 0, or a positive errno with the reason in 'reply'.  Optional:
   * NULL answers ENOTSUP.
   */
  int (*control)(void *instance, const char *cmd, char *reply,
                 size_t reply_len);

  /* ---- ABI version 3 ---- */

  /*
   * Decides 'n' packets (1 <= n <= MSW_LOOKUP_BATCH_MAX) of one input
   * batch: 'pkts[i]' is answered in 'results[i]', exactly as `lookup`
   * would answer it (same thread, same rules: no blocking, allocation,
   * system call or logging; each result arrives zeroed except for its own
   * 'scratch', MSW_SCRATCH_BYTES per packet, and each packet's 'data' is
   * its own private head copy).  The packets all come from one source port
   * and worker and carry one now_ns, in arrival order; a logic whose
   * answers depend on earlier packets (learning, meters, counters) must
   * behave as if it had decided them one by one in that order.  Optional:
   * when present the fabric calls it instead of `lookup` for every chunk
   * of a batch's phase 1 (chunks of at most MSW_LOOKUP_BATCH_MAX frames,
   * so the chunk's heads and results stay in cache).
   */
  void (*lookup_batch)(void *instance, struct msw_packet *const *pkts,
                       struct msw_result *const *results, uint32_t n);
};

/* The most packets one lookup_batch call carries. */
#define MSW_LOOKUP_BATCH_MAX 32u

/* The symbol a logic shared object exports. */
typedef const struct msw_logic_ops *(*msw_logic_entry_fn)(void);
#define MSW_LOGIC_ENTRY_SYMBOL "msw_logic_entry"

#ifdef __cplusplus
}
#endif

#endif /* MSWITCH_LOGIC_H */
