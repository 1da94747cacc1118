// The `l2-learning` logic, the switch's default: a learning bridge (the
// paper's §5.1 module).  Written against the public ABI only.
//
// Design
//   A 4-way set-associative MAC table of 64Ki entries.  Each entry is one
//   64-bit word (MAC << 16 | port) plus a coarse last-seen stamp, both
//   atomics: every worker learns and looks up concurrently without locks.
//   Two workers learning the same MAC at once may both write; the table
//   ends up with one of their answers, which is what a learning bridge
//   may do anyway.  An entry older than the aging time (default 300 s,
//   config "aging=SECONDS") counts as absent.  Unknown and group
//   destinations flood; a destination learned on the source port is
//   dropped (never sent back where it came from).
//
// Control commands: "show" (one "MAC PORT AGE" line per entry), "flush",
// "aging SECONDS".
#include <time.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "mswitch/logic.h"

namespace {

constexpr uint32_t kWays = 4;
constexpr uint32_t kSetBits = 14;
constexpr uint32_t kSets = 1u << kSetBits;

struct Entry {
  std::atomic<uint64_t> key;   // mac << 16 | port; 0 = empty
  std::atomic<uint32_t> seen;  // now_ns >> 30 (about seconds)
};

struct MacTable {
  std::atomic<uint32_t> aging_units;  // in now_ns >> 30 units
  Entry e[kSets * kWays];
};

inline uint64_t Mac(const uint8_t* p) {
  return (uint64_t(p[0]) << 40) | (uint64_t(p[1]) << 32) | (uint64_t(p[2]) << 24) |
         (uint64_t(p[3]) << 16) | (uint64_t(p[4]) << 8) | uint64_t(p[5]);
}

inline Entry* Set(MacTable* t, uint64_t mac) {
  const uint64_t h = (mac * 0x9E3779B97F4A7C15ull) >> (64 - kSetBits);
  return &t->e[h * kWays];
}

inline uint32_t Stamp(uint64_t now_ns) { return uint32_t(now_ns >> 30); }

void Learn(MacTable* t, uint64_t mac, uint32_t port, uint32_t now) {
  Entry* set = Set(t, mac);
  const uint64_t key = (mac << 16) | port;
  Entry* victim = &set[0];
  uint32_t oldest = ~0u;
  for (uint32_t w = 0; w < kWays; w++) {
    const uint64_t k = set[w].key.load(std::memory_order_relaxed);
    if ((k >> 16) == mac && k != 0) {
      // Known: write only on change, so steady traffic dirties no line.
      if (k != key) set[w].key.store(key, std::memory_order_relaxed);
      if (set[w].seen.load(std::memory_order_relaxed) != now)
        set[w].seen.store(now, std::memory_order_relaxed);
      return;
    }
    const uint32_t s = k ? set[w].seen.load(std::memory_order_relaxed) : 0;
    if (!k) {
      victim = &set[w];
      oldest = 0;
    } else if (oldest != 0 && s < oldest) {
      victim = &set[w];
      oldest = s;
    }
  }
  victim->seen.store(now, std::memory_order_relaxed);
  victim->key.store(key, std::memory_order_relaxed);
}

// The port 'mac' was learned on, or 0.
uint32_t Find(MacTable* t, uint64_t mac, uint32_t now) {
  Entry* set = Set(t, mac);
  const uint32_t aging = t->aging_units.load(std::memory_order_relaxed);
  for (uint32_t w = 0; w < kWays; w++) {
    const uint64_t k = set[w].key.load(std::memory_order_relaxed);
    if (k && (k >> 16) == mac) {
      if (now - set[w].seen.load(std::memory_order_relaxed) > aging) return 0;
      return uint32_t(k & 0xffff);
    }
  }
  return 0;
}

int ParseAging(const char* s, uint32_t* units) {
  char* e;
  errno = 0;
  unsigned long v = std::strtoul(s, &e, 10);
  if (e == s || errno || v < 1 || v > 1000000 || (*e && *e != ' ' && *e != ',')) return EINVAL;
  *units = uint32_t((v * 1000000000ull) >> 30);
  if (*units == 0) *units = 1;
  return 0;
}

int L2Create(const msw_switch_info*, const char* config, void** instance, char* err,
             size_t err_len) {
  auto* t = new (std::nothrow) MacTable();
  if (!t) return ENOMEM;
  for (Entry& e : t->e) {
    e.key.store(0, std::memory_order_relaxed);
    e.seen.store(0, std::memory_order_relaxed);
  }
  uint32_t units = 0;
  ParseAging("300", &units);
  if (config && *config) {
    if (std::strncmp(config, "aging=", 6) != 0 || ParseAging(config + 6, &units) != 0) {
      std::snprintf(err, err_len, "expected 'aging=SECONDS' (1..1000000), got '%.40s'", config);
      delete t;
      return EINVAL;
    }
  }
  t->aging_units.store(units);
  *instance = t;
  return 0;
}

void L2Destroy(void* instance) { delete static_cast<MacTable*>(instance); }

void L2Lookup(void* instance, msw_packet* pkt, msw_result* res) {
  auto* t = static_cast<MacTable*>(instance);
  if (pkt->head_len < 14) {
    res->verdict = MSW_VERDICT_DROP;  // a runt: nothing to switch on
    return;
  }
  const uint8_t* d = pkt->data;
  const uint32_t now = Stamp(pkt->now_ns);
  if (!(d[6] & 1)) Learn(t, Mac(d + 6), pkt->src_port, now);
  if (d[0] & 1) {
    res->verdict = MSW_VERDICT_FLOOD;
    return;
  }
  const uint32_t port = Find(t, Mac(d), now);
  if (port == 0) {
    res->verdict = MSW_VERDICT_FLOOD;
  } else if (port == pkt->src_port) {
    res->verdict = MSW_VERDICT_DROP;
  } else {
    res->verdict = MSW_VERDICT_UNICAST;
    res->port = port;
  }
}

// Forgets what was learned on a port that went away.
void L2PortChanged(void* instance, msw_port_event ev, const msw_port_info* p) {
  if (ev != MSW_PORT_REMOVED) return;
  auto* t = static_cast<MacTable*>(instance);
  for (Entry& e : t->e) {
    const uint64_t k = e.key.load(std::memory_order_relaxed);
    if (k && (k & 0xffff) == p->port) e.key.store(0, std::memory_order_relaxed);
  }
}

int L2Control(void* instance, const char* cmd, char* reply, size_t reply_len) {
  auto* t = static_cast<MacTable*>(instance);
  reply[0] = 0;
  if (std::strcmp(cmd, "flush") == 0) {
    for (Entry& e : t->e) e.key.store(0, std::memory_order_relaxed);
    return 0;
  }
  if (std::strncmp(cmd, "aging ", 6) == 0) {
    uint32_t units;
    if (ParseAging(cmd + 6, &units) != 0) {
      std::snprintf(reply, reply_len, "usage: aging SECONDS (1..1000000)");
      return EINVAL;
    }
    t->aging_units.store(units, std::memory_order_relaxed);
    return 0;
  }
  if (std::strcmp(cmd, "show") == 0) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const uint32_t now = Stamp(uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec));
    const uint32_t aging = t->aging_units.load(std::memory_order_relaxed);
    std::string out;
    for (Entry& e : t->e) {
      const uint64_t k = e.key.load(std::memory_order_relaxed);
      const uint32_t age = now - e.seen.load(std::memory_order_relaxed);
      if (!k || age > aging) continue;
      const uint64_t mac = k >> 16;
      char line[64];
      std::snprintf(line, sizeof line, "%02x:%02x:%02x:%02x:%02x:%02x %u %u\n",
                    unsigned(mac >> 40) & 255, unsigned(mac >> 32) & 255,
                    unsigned(mac >> 24) & 255, unsigned(mac >> 16) & 255,
                    unsigned(mac >> 8) & 255, unsigned(mac) & 255, unsigned(k & 0xffff),
                    unsigned((uint64_t(age) << 30) / 1000000000ull));
      if (out.size() + std::strlen(line) + 1 >= reply_len) break;
      out += line;
    }
    std::snprintf(reply, reply_len, "%s", out.c_str());
    return 0;
  }
  std::snprintf(reply, reply_len, "unknown command '%.40s' (show, flush, aging SECONDS)", cmd);
  return EINVAL;
}

const msw_logic_ops kL2Ops = {
    MSW_LOGIC_ABI_VERSION, "l2-learning", L2Create, L2Destroy, L2Lookup, L2PortChanged,
    L2Control,
};

}  // namespace

extern "C" const msw_logic_ops* msw_l2_learning_ops(void) { return &kL2Ops; }
