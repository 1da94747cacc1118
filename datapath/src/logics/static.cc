// The `static` logic: a fixed in-port -> out-port map, the paper's
// baseline for measuring the fabric alone (§4).  Written against the
// public ABI only.
//
// Config and control commands: a list of "IN=OUT" pairs separated by
// commas or spaces ("1=2,2=1").  Control: "set IN OUT", "del IN", "show".
// A port with no entry drops.  The map is an array of atomics, so control
// updates race benignly with lookups.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "mswitch/logic.h"

namespace {

struct StaticMap {
  std::atomic<uint32_t> out[MSW_MAX_PORTS + 1];
};

bool ParsePort(const char* s, char** end, uint32_t* v) {
  errno = 0;
  unsigned long x = std::strtoul(s, end, 10);
  if (*end == s || errno || x == 0 || x > MSW_MAX_PORTS) return false;
  *v = uint32_t(x);
  return true;
}

// Whether nothing but spaces is left at 's' (a command's end).
bool AtEnd(const char* s) {
  while (*s == ' ') s++;
  return *s == '\0';
}

// Parses "1=2,2=1" into 'm'; on error names the bad text in 'err'.
int ParsePairs(StaticMap* m, const char* cfg, char* err, size_t err_len) {
  const char* p = cfg ? cfg : "";
  while (*p) {
    while (*p == ',' || *p == ' ') p++;
    if (!*p) break;
    char* e;
    uint32_t in, out;
    if (!ParsePort(p, &e, &in) || *e != '=' || !ParsePort(e + 1, &e, &out)) {
      std::snprintf(err, err_len, "expected IN=OUT with ports 1..%u at '%.32s'", MSW_MAX_PORTS, p);
      return EINVAL;
    }
    m->out[in].store(out, std::memory_order_relaxed);
    p = e;
  }
  return 0;
}

int StaticCreate(const msw_switch_info*, const char* config, void** instance, char* err,
                 size_t err_len) {
  auto* m = new (std::nothrow) StaticMap();
  if (!m) return ENOMEM;
  for (auto& o : m->out) o.store(0, std::memory_order_relaxed);
  int rc = ParsePairs(m, config, err, err_len);
  if (rc) {
    delete m;
    return rc;
  }
  *instance = m;
  return 0;
}

void StaticDestroy(void* instance) { delete static_cast<StaticMap*>(instance); }

void StaticLookup(void* instance, msw_packet* pkt, msw_result* res) {
  auto* m = static_cast<StaticMap*>(instance);
  uint32_t out = m->out[pkt->src_port].load(std::memory_order_relaxed);
  res->verdict = out ? MSW_VERDICT_UNICAST : MSW_VERDICT_DROP;
  res->port = out;
}

int StaticControl(void* instance, const char* cmd, char* reply, size_t reply_len) {
  auto* m = static_cast<StaticMap*>(instance);
  reply[0] = 0;
  uint32_t in, out;
  char* e;
  if (std::strncmp(cmd, "set ", 4) == 0) {
    if (!ParsePort(cmd + 4, &e, &in) || !ParsePort(e, &e, &out) || !AtEnd(e)) {
      std::snprintf(reply, reply_len, "usage: set IN OUT (ports 1..%u)", MSW_MAX_PORTS);
      return EINVAL;
    }
    m->out[in].store(out, std::memory_order_relaxed);
    return 0;
  }
  if (std::strncmp(cmd, "del ", 4) == 0) {
    if (!ParsePort(cmd + 4, &e, &in) || !AtEnd(e)) {
      std::snprintf(reply, reply_len, "usage: del IN");
      return EINVAL;
    }
    m->out[in].store(0, std::memory_order_relaxed);
    return 0;
  }
  if (std::strcmp(cmd, "show") == 0) {
    std::string s;
    for (uint32_t i = 1; i <= MSW_MAX_PORTS; i++) {
      uint32_t o = m->out[i].load(std::memory_order_relaxed);
      if (o) s += (s.empty() ? "" : ",") + std::to_string(i) + "=" + std::to_string(o);
    }
    std::snprintf(reply, reply_len, "%s", s.c_str());
    return 0;
  }
  std::snprintf(reply, reply_len, "unknown command '%.40s' (set, del, show)", cmd);
  return EINVAL;
}

const msw_logic_ops kStaticOps = {
    MSW_LOGIC_ABI_VERSION, "static", StaticCreate, StaticDestroy, StaticLookup, nullptr,
    StaticControl,
};

}  // namespace

extern "C" const msw_logic_ops* msw_static_ops(void) { return &kStaticOps; }
