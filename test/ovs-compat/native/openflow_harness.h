// Test harness for the `openflow` logic through its ABI ops: a logic
// instance, control lines, frames fed as the fabric would (the packet's
// now_ns chosen by the test), and the frames an answer sends.
#ifndef MSWITCH_TEST_OVS_COMPAT_OPENFLOW_HARNESS_H_
#define MSWITCH_TEST_OVS_COMPAT_OPENFLOW_HARNESS_H_

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../../datapath/native/check.h"
#include "mswitch/logic.h"

extern "C" const msw_logic_ops* msw_openflow_ops(void);

namespace oflt {

struct Logic {
  const msw_logic_ops* ops = msw_openflow_ops();
  void* inst = nullptr;
  explicit Logic(const char* config = "", uint32_t workers = 2) {
    msw_switch_info sw{"br0", workers, MSW_MAX_PORTS, nullptr};
    char err[256];
    CHECK_MSG(ops->create(&sw, config, &inst, err, sizeof err) == 0, err);
  }
  ~Logic() { ops->destroy(inst); }
  // Runs a command; returns the errno and puts the reply in '*reply'.
  int Run(const std::string& cmd, std::string* reply = nullptr) {
    std::string buf(65536, '\0');
    const int rc = ops->control(inst, cmd.c_str(), &buf[0], buf.size());
    if (reply) *reply = buf.c_str();
    return rc;
  }
  std::string Ok(const std::string& cmd) {
    std::string r;
    CHECK_MSG(Run(cmd, &r) == 0, cmd << ": " << r);
    return r;
  }
};

struct Pkt {
  std::vector<uint8_t> frame;
  uint8_t scratch[MSW_SCRATCH_BYTES];
  msw_packet pkt{};
  msw_result res{};
  // The frame output 'k' sends, as the fabric would assemble it.
  std::vector<uint8_t> Sent(size_t k) const {
    const msw_output& o = res.outputs[k];
    if (!(o.flags & MSW_OUT_VARIANT)) return frame;
    std::vector<uint8_t> out(scratch + o.head_off, scratch + o.head_off + o.head_len);
    out.insert(out.end(), frame.begin() + o.strip, frame.end());
    return out;
  }
};

// A 64-byte UDP/IPv4 frame 10.0.0.1 -> 10.0.0.'dst_host', port 'dport';
// with 'vid', the same with an 802.1Q tag inserted (68 bytes).
inline std::vector<uint8_t> UdpFrame(uint8_t dst_host, uint16_t dport, int vid = -1) {
  std::vector<uint8_t> f = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
  const std::vector<uint8_t> rest = {0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
                                     10, 0, 0, 1, 10, 0, 0, dst_host, 0x30, 0x39,
                                     uint8_t(dport >> 8), uint8_t(dport), 0, 8, 0, 0};
  f.insert(f.end(), rest.begin(), rest.end());
  f.resize(64, 0xab);
  if (vid >= 0) f.insert(f.begin() + 12, {0x81, 0x00, uint8_t(vid >> 8), uint8_t(vid)});
  return f;
}

inline std::string Hex(const std::vector<uint8_t>& b) {
  std::string out;
  char x[4];
  for (uint8_t c : b) {
    std::snprintf(x, sizeof x, "%02x", c);
    out += x;
  }
  return out;
}

inline void Decide(Logic& l, Pkt* p, uint32_t in_port, uint32_t worker = 0, uint64_t now_ns = 1) {
  p->pkt.data = p->frame.data();
  p->pkt.head_len = uint32_t(std::min<size_t>(p->frame.size(), MSW_HEAD_BYTES));
  p->pkt.len = uint32_t(p->frame.size());
  p->pkt.src_port = in_port;
  p->pkt.worker = worker;
  p->pkt.now_ns = now_ns;
  p->res = msw_result{};
  p->res.scratch = p->scratch;
  l.ops->lookup(l.inst, &p->pkt, &p->res);
}


// The value of 'key=' in the first line of 'text' that contains 'needle'
// ("" if none).
inline std::string Value(const std::string& text, const std::string& needle,
                         const std::string& key) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find(needle) == std::string::npos) continue;
    const std::string k = " " + key + "=";
    const size_t at = (" " + line).find(k);
    if (at == std::string::npos) return "";
    const size_t from = at + k.size() - 1;
    return line.substr(from, line.find(' ', from) - from);
  }
  return "";
}

inline size_t CountLines(const std::string& text, const std::string& needle) {
  size_t n = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(needle) != std::string::npos) n++;
    start = end + 1;
  }
  return n;
}

}  // namespace oflt

#endif  // MSWITCH_TEST_OVS_COMPAT_OPENFLOW_HARNESS_H_
