// Test support for the actions and pipeline tests: frames built byte by
// byte with checksums computed from scratch (independently of
// checksum.h), a linear-scan TableLookupFn, and the frames a result's
// outputs stand for.
#ifndef MSWITCH_TEST_OVS_COMPAT_PIPELINE_HARNESS_H_
#define MSWITCH_TEST_OVS_COMPAT_PIPELINE_HARNESS_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../../datapath/native/check.h"
#include "classifier.h"
#include "instructions.h"
#include "match_text.h"
#include "pipeline.h"

namespace pht {

using Bytes = std::vector<uint8_t>;

inline void Put16(Bytes* b, uint16_t v) {
  b->push_back(uint8_t(v >> 8));
  b->push_back(uint8_t(v));
}
inline void Put32(Bytes* b, uint32_t v) {
  Put16(b, uint16_t(v >> 16));
  Put16(b, uint16_t(v));
}
inline uint16_t Get16(const Bytes& b, size_t off) { return uint16_t(b[off] << 8 | b[off + 1]); }
inline uint32_t Get32(const Bytes& b, size_t off) {
  return uint32_t(Get16(b, off)) << 16 | Get16(b, off + 2);
}

// One's complement sum of 'n' bytes (odd tail padded with zero), folded.
inline uint32_t Sum(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += uint32_t(p[i] << 8 | p[i + 1]);
  if (n & 1) acc += uint32_t(p[n - 1] << 8);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return acc;
}

// Bit-serial CRC32c written from RFC 3309's definition.
inline uint32_t TestCrc32c(const uint8_t* p, size_t n) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    for (int bit = 0; bit < 8; bit++) {
      const uint32_t in = (p[i] >> bit) & 1;
      const uint32_t mix = (crc ^ in) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x82F63B78u;
    }
  }
  return crc ^ 0xffffffffu;
}

struct FrameSpec {
  bool v6 = false;
  uint8_t proto = 6;  // 6 tcp, 17 udp, 132 sctp, 1 icmp, 58 icmpv6
  uint16_t vlan = 0;  // VID + 1 (0: untagged)
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint32_t payload = 16;     // bytes after the L4 header
  uint32_t ip_options = 0;   // IPv4 option bytes (multiple of 4)
  uint32_t v6_hbh = 0;       // IPv6 hop-by-hop header bytes (multiple of 8)
  bool udp_zero_csum = false;
};

// L4 header length for 'proto'.
inline uint32_t L4Len(uint8_t proto) {
  return proto == 6 ? 20 : proto == 17 ? 8 : proto == 132 ? 12 : 8;
}

// Ethernet [+ 802.1Q] + IPv4/IPv6 + L4 + payload, all checksums right.
inline Bytes MakeFrame(const FrameSpec& s) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  if (s.vlan) {
    Put16(&f, 0x8100);
    Put16(&f, uint16_t(0x6000 | (s.vlan - 1)));
  }
  Put16(&f, s.v6 ? 0x86dd : 0x0800);
  const size_t l3 = f.size();
  const uint32_t l4len = L4Len(s.proto) + s.payload;
  if (!s.v6) {
    const uint32_t ihl = 20 + s.ip_options;
    f.push_back(uint8_t(0x40 | ihl / 4));
    f.push_back(s.tos);
    Put16(&f, uint16_t(ihl + l4len));
    Put32(&f, 0x12344000);  // id, DF
    f.push_back(s.ttl);
    f.push_back(s.proto);
    Put16(&f, 0);
    Put32(&f, 0x0a000001);
    Put32(&f, 0x0a000002);
    for (uint32_t i = 0; i < s.ip_options; i++) f.push_back(1);  // NOPs
    const uint16_t c = uint16_t(~Sum(&f[l3], ihl));
    f[l3 + 10] = uint8_t(c >> 8);
    f[l3 + 11] = uint8_t(c);
  } else {
    Put32(&f, 0x60000000u | uint32_t(s.tos) << 20 | 0x12345);
    Put16(&f, uint16_t(s.v6_hbh + l4len));
    f.push_back(s.v6_hbh ? 0 : s.proto);
    f.push_back(s.ttl);
    for (int i = 0; i < 16; i++) f.push_back(i == 0 ? 0xfd : i == 15 ? 1 : 0);
    for (int i = 0; i < 16; i++) f.push_back(i == 0 ? 0xfd : i == 15 ? 2 : 0);
    if (s.v6_hbh) {
      f.push_back(s.proto);
      f.push_back(uint8_t(s.v6_hbh / 8 - 1));
      f.push_back(1);  // PadN filling the rest
      f.push_back(uint8_t(s.v6_hbh - 4));
      for (uint32_t i = 4; i < s.v6_hbh; i++) f.push_back(0);
    }
  }
  const size_t l4 = f.size();
  switch (s.proto) {
    case 6:
      Put16(&f, 1000), Put16(&f, 80), Put32(&f, 1), Put32(&f, 0);
      Put16(&f, 0x5018), Put16(&f, 1024), Put16(&f, 0), Put16(&f, 0);
      break;
    case 17: Put16(&f, 1000), Put16(&f, 53), Put16(&f, uint16_t(l4len)), Put16(&f, 0); break;
    case 132: Put16(&f, 1000), Put16(&f, 2905), Put32(&f, 7), Put32(&f, 0); break;
    default: f.push_back(8), f.push_back(0), Put16(&f, 0), Put32(&f, 0x00010001); break;
  }
  for (uint32_t i = 0; i < s.payload; i++) f.push_back(uint8_t(i * 7 + 3));
  // Checksums last, over what was built.
  if (s.proto == 132) {
    const uint32_t crc = TestCrc32c(&f[l4], f.size() - l4);
    for (int i = 0; i < 4; i++) f[l4 + 8 + i] = uint8_t(crc >> (8 * i));
  } else if (!(s.proto == 17 && s.udp_zero_csum)) {
    const size_t at = l4 + (s.proto == 6 ? 16 : s.proto == 17 ? 6 : 2);
    uint32_t acc = 0;
    if (s.proto != 1) {  // pseudo-header
      if (!s.v6) acc = Sum(&f[l3 + 12], 8);
      else acc = Sum(&f[l3 + 8], 32);
      acc += s.proto + l4len;
    }
    uint16_t c = uint16_t(~Sum(&f[l4], f.size() - l4, acc));
    if (s.proto == 17 && c == 0) c = 0xffff;
    f[at] = uint8_t(c >> 8);
    f[at + 1] = uint8_t(c);
  }
  return f;
}

// Offsets of a frame MakeFrame built (and that actions may have edited).
struct Offsets {
  size_t l3 = 0, l4 = 0;
  bool v6 = false;
  uint8_t proto = 0;
};
inline Offsets Locate(const Bytes& f) {
  Offsets o;
  size_t off = 12;
  while (Get16(f, off) == 0x8100 || Get16(f, off) == 0x88a8) off += 4;
  o.v6 = Get16(f, off) == 0x86dd;
  o.l3 = off + 2;
  if (!o.v6) {
    o.proto = f[o.l3 + 9];
    o.l4 = o.l3 + (f[o.l3] & 15) * 4u;
  } else {
    o.proto = f[o.l3 + 6];
    o.l4 = o.l3 + 40;
    if (o.proto == 0) {
      o.proto = f[o.l4];
      o.l4 += (f[o.l4 + 1] + 1u) * 8;
    }
  }
  return o;
}

// Recomputes every checksum of 'f' from scratch; "" when all are right.
inline std::string CheckSums(const Bytes& f) {
  const Offsets o = Locate(f);
  if (!o.v6 && Sum(&f[o.l3], o.l4 - o.l3) != 0xffff) return "bad IPv4 header checksum";
  const size_t l4len = f.size() - o.l4;
  if (o.proto == 132) {
    Bytes c(f.begin() + long(o.l4), f.end());
    memset(&c[8], 0, 4);
    const uint32_t crc = TestCrc32c(c.data(), c.size());
    for (int i = 0; i < 4; i++)
      if (f[o.l4 + 8 + i] != uint8_t(crc >> (8 * i))) return "bad SCTP CRC32c";
    return "";
  }
  if (o.proto == 17 && !o.v6 && Get16(f, o.l4 + 6) == 0) return "";
  uint32_t acc = 0;
  if (o.proto != 1) {
    acc = o.v6 ? Sum(&f[o.l3 + 8], 32) : Sum(&f[o.l3 + 12], 8);
    acc += o.proto + uint32_t(l4len);
  }
  if (Sum(&f[o.l4], l4len, acc) != 0xffff) return "bad L4 checksum";
  return "";
}

// ---- the pipeline's surroundings ----

struct TestRule {
  uint32_t table;
  std::shared_ptr<ofl::Rule> rule;
};

// Flow tables as lists scanned linearly (highest priority first).
struct Tables {
  uint32_t n_tables = 4;
  std::vector<TestRule> rules;
  std::vector<std::string> lookups;  // "table:priority" per look-up, "table:miss"

  // Adds "MATCH... INSTRUCTIONS" (space separated tokens) to 'table'.
  void Add(uint32_t table, int32_t priority, uint64_t cookie, const std::string& text,
           const ofl::GroupTable* groups = nullptr, ofl::MeterTable* meters = nullptr) {
    auto r = std::make_shared<ofl::Rule>();
    r->priority = priority;
    r->cookie = cookie;
    auto ins = std::make_shared<ofl::Instructions>();
    ofl::ParseEnv env;
    env.table = table;
    env.n_tables = n_tables;
    env.groups = groups;
    env.meters = meters;
    std::istringstream in(text);
    std::string tok, err;
    std::vector<std::string> fields;
    while (in >> tok) {
      const ofl::InstParse p = ofl::ParseInstructionToken(tok, env, ins.get(), &err);
      if (p == ofl::InstParse::kError) ::msw_test::Fail(__FILE__, __LINE__, err);
      if (p == ofl::InstParse::kOk) continue;
      if (!ofl::ParseMatchToken(tok, &r->match, &r->mask, &err, &fields))
        ::msw_test::Fail(__FILE__, __LINE__, "bad token " + tok + ": " + err);
    }
    r->actions = ins;
    rules.push_back({table, r});
  }

  static const ofl::Rule* Lookup(void* ctx, uint32_t table, const ofl::FlowKey& key,
                                 const msw_packet&) {
    auto* t = static_cast<Tables*>(ctx);
    const ofl::Rule* best = nullptr;
    for (const TestRule& tr : t->rules) {
      if (tr.table != table) continue;
      const uint8_t* k = reinterpret_cast<const uint8_t*>(&key);
      const uint8_t* m = reinterpret_cast<const uint8_t*>(&tr.rule->mask);
      const uint8_t* v = reinterpret_cast<const uint8_t*>(&tr.rule->match);
      bool match = true;
      for (size_t i = 0; i < sizeof key && match; i++) match = (k[i] & m[i]) == v[i];
      if (match && (!best || tr.rule->priority > best->priority)) best = tr.rule.get();
    }
    t->lookups.push_back(std::to_string(table) + ":" +
                         (best ? std::to_string(best->priority) : std::string("miss")));
    return best;
  }
};

// A packet and its result, with storage.
struct Run {
  Bytes frame;
  uint8_t data[MSW_HEAD_BYTES];
  uint8_t scratch[MSW_SCRATCH_BYTES];
  msw_packet pkt{};
  msw_result res{};

  explicit Run(const Bytes& f, uint32_t in_port = 1) : frame(f) {
    pkt.head_len = uint32_t(f.size() < MSW_HEAD_BYTES ? f.size() : MSW_HEAD_BYTES);
    memcpy(data, f.data(), pkt.head_len);
    pkt.data = data;
    pkt.len = uint32_t(f.size());
    pkt.src_port = in_port;
    pkt.now_ns = 1000000000;
    memset(scratch, 0xee, sizeof scratch);
    res.scratch = scratch;
  }

  // The frame output 'i' sends (after the packet-in header, if any).
  Bytes Out(uint32_t i) const {
    const msw_output& o = res.outputs[i];
    if (!(o.flags & MSW_OUT_VARIANT)) return frame;
    Bytes f(scratch + o.head_off, scratch + o.head_off + o.head_len);
    if (o.port == MSW_PORT_CONTROLLER) f.erase(f.begin(), f.begin() + sizeof(msw_to_controller));
    f.insert(f.end(), frame.begin() + o.strip, frame.end());
    return f;
  }

  msw_to_controller Header(uint32_t i) const {
    msw_to_controller h;
    memcpy(&h, scratch + res.outputs[i].head_off, sizeof h);
    return h;
  }
};

inline std::string Hex(const Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) s += d[x >> 4], s += d[x & 15];
  return s;
}

}  // namespace pht

#endif  // MSWITCH_TEST_OVS_COMPAT_PIPELINE_HARNESS_H_
