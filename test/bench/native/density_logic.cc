// The density-bench logic; see density_logic.h.
#include "density_logic.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

namespace msw_bench {

namespace {

struct alignas(64) Cursor {
  uint32_t next = 0;
};

struct DensityLogic {
  uint32_t first = 0;  // first destination
  uint32_t n = 1;      // destinations first..first+n-1, in turn
  uint32_t n_workers = 0;
  Cursor* cursors = nullptr;  // one per worker
};

int DensityCreate(const msw_switch_info* sw, const char* config, void** instance, char* err,
                  size_t err_len) {
  const char* c = config ? config : "";
  unsigned first = 0, n = 0;
  char tail = 0;
  if (std::sscanf(c, "one-active %u %c", &first, &tail) == 1) {
    n = 1;
  } else if (std::sscanf(c, "round-robin %u %u %c", &first, &n, &tail) != 2) {
    std::snprintf(err, err_len, "expected 'one-active DST' or 'round-robin FIRST N', got '%.40s'", c);
    return EINVAL;
  }
  if (first == 0 || n == 0 || first + n - 1 > sw->max_ports) {
    std::snprintf(err, err_len, "destinations %u..%u are not ports 1..%u", first, first + n - 1,
                  sw->max_ports);
    return EINVAL;
  }
  auto* l = new (std::nothrow) DensityLogic;
  if (!l) return ENOMEM;
  l->cursors = new (std::nothrow) Cursor[sw->n_workers];
  if (!l->cursors) {
    delete l;
    return ENOMEM;
  }
  l->first = first;
  l->n = n;
  l->n_workers = sw->n_workers;
  *instance = l;
  return 0;
}

void DensityDestroy(void* instance) {
  auto* l = static_cast<DensityLogic*>(instance);
  delete[] l->cursors;
  delete l;
}

void DensityLookup(void* instance, msw_packet* pkt, msw_result* res) {
  auto* l = static_cast<DensityLogic*>(instance);
  if (pkt->worker >= l->n_workers) return;  // DROP: not a worker we know
  uint32_t& i = l->cursors[pkt->worker].next;
  res->verdict = MSW_VERDICT_UNICAST;
  res->port = l->first + i;
  i = i + 1 == l->n ? 0 : i + 1;
}

const msw_logic_ops kDensityOps = {
    MSW_LOGIC_ABI_VERSION, kDensityLogicName, DensityCreate, DensityDestroy, DensityLookup,
    nullptr, nullptr,
};

}  // namespace

const msw_logic_ops* DensityLogicOps() { return &kDensityOps; }

}  // namespace msw_bench
