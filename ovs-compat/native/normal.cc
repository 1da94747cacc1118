// NORMAL through a private `l2-learning` instance (normal.h).
#include "normal.h"

#include <cstring>

namespace ofl {

std::unique_ptr<NormalAction> NormalAction::Create(const msw_switch_info* sw, std::string* err) {
  if (!sw || !sw->host || !sw->host->find_logic) {
    *err = "output:normal drops: the switch offers no host services to find l2-learning";
    return nullptr;
  }
  const msw_logic_ops* ops = sw->host->find_logic("l2-learning");
  if (!ops || !ops->lookup) {
    *err = "output:normal drops: no logic named l2-learning is registered";
    return nullptr;
  }
  if (ops->abi_version != MSW_LOGIC_ABI_VERSION) {
    *err = "output:normal drops: l2-learning has ABI " + std::to_string(ops->abi_version) +
           ", this logic " + std::to_string(MSW_LOGIC_ABI_VERSION);
    return nullptr;
  }
  void* instance = nullptr;
  if (ops->create) {
    char buf[256] = {0};
    const int rc = ops->create(sw, "", &instance, buf, sizeof buf);
    if (rc != 0) {
      *err = "output:normal drops: creating l2-learning failed (" + std::string(strerror(rc)) +
             "): " + buf;
      return nullptr;
    }
  }
  return std::unique_ptr<NormalAction>(new NormalAction(ops, instance));
}

NormalAction::~NormalAction() {
  if (ops_->destroy) ops_->destroy(instance_);
}

void NormalAction::PortChanged(msw_port_event ev, const msw_port_info* info) {
  if (ops_->port_changed) ops_->port_changed(instance_, ev, info);
}

void NormalAction::Decide(msw_packet* pkt, msw_result* tmp) {
  // The ABI promises lookup a result zeroed but for 'scratch'.
  uint8_t* scratch = tmp->scratch;
  memset(tmp, 0, sizeof *tmp);
  tmp->scratch = scratch;
  ops_->lookup(instance_, pkt, tmp);
}

}  // namespace ofl
