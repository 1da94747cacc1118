// The table-miss mode (table_miss.h): the packet-in of an implicit miss,
// and the control line that switches the mode.
#include "table_miss.h"

#include <sstream>

#include "exec_context.h"
#include "flow_tables.h"

namespace ofl {

void SendTableMiss(ExecContext* ctx, WorkHead* w, uint32_t table) {
  const std::atomic<bool>* on = ctx->env->miss_to_controller;
  if (!on || !on->load(std::memory_order_relaxed)) return;
  // The packet as the tables before this one left it, named by the table
  // that missed, whole (we never buffer, action_exec.cc).  Cookie 0: Open
  // vSwitch's packet-in comes from its internal miss rule, whose cookie is
  // 0 (its NXT_PACKET_IN2 to an OpenFlow 1.0 ovs-ofctl monitor says
  // cookie=0x0; a standard 1.0 packet-in has no cookie at all).
  const uint8_t table_was = ctx->table;
  const uint64_t cookie_was = ctx->cookie;
  ctx->table = uint8_t(table);
  ctx->cookie = 0;
  ctx->pin_flags = MSW_TO_CONTROLLER_TABLE_MISS;
  EmitPacketIn(ctx, w, kReasonNoMatch, 0xffff);
  ctx->pin_flags = 0;
  ctx->table = table_was;
  ctx->cookie = cookie_was;
}

std::string TableMiss(FlowTables* ft, const std::string& line, std::string* err) {
  std::istringstream is(line);
  std::string verb, mode, extra;
  is >> verb >> mode >> extra;
  if (!extra.empty() || (!mode.empty() && mode != "controller" && mode != "drop")) {
    *err = "bad_request.bad_type: '" + line.substr(0, 60) +
           "': the form is table_miss [controller|drop]";
    return "";
  }
  if (!mode.empty()) {
    const bool want = mode == "controller";
    if (ft->miss_to_controller.load(std::memory_order_relaxed) != want) {
      // Stored before PublishAndSync bumps the generation: a worker that
      // reads the new generation reads this too (pipeline.h).
      ft->miss_to_controller.store(want, std::memory_order_relaxed);
      PublishAndSync(ft);
    }
  }
  return ft->miss_to_controller.load(std::memory_order_relaxed) ? "table_miss controller"
                                                                 : "table_miss drop";
}

}  // namespace ofl
