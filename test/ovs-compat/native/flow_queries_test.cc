// The queries of the `openflow` logic: paged dump (after=, limit=, and a
// reply buffer too small for everything), aggregate, and trace and
// packet_out rendering the frames the pipeline would send.
#include "openflow_harness.h"

using oflt::Decide;
using oflt::Hex;
using oflt::Logic;
using oflt::Pkt;
using oflt::UdpFrame;
using oflt::Value;

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

// Paged dumps walk an id index the classifier keeps beside its hash
// tables (a page costs its own flows, not the table's: 40 000 flows took a
// minute to page through before); replace, modify, delete and flush must
// keep that index exact.
MSW_TEST(flow_queries_paged_dump_follows_replace_modify_delete_and_flush) {
  Logic l("tables=2");
  std::string batch;
  for (int i = 1; i <= 30; i++)
    batch += "add table=" + std::to_string(i % 2) + " priority=" + std::to_string(10 + i % 4) +
             " in_port=" + std::to_string(i) + " apply=output:1\n";
  l.Ok(batch);
  l.Ok("add table=1 priority=13 in_port=3 apply=output:2");    // replaces (same match, priority)
  l.Ok("mod table=0 in_port=4 apply=output:3");                  // modifies
  l.Ok("del table=all in_port=5\ndel table=0 in_port=6");       // deletes
  auto walk = [&l]() {
    std::vector<std::string> got;
    std::string after;
    for (int guard = 0; guard < 100; guard++) {
      bool more = false;
      for (const std::string& line : Lines(l.Ok("dump limit=1" + (after.empty() ? "" : " after=" + after)))) {
        if (line.compare(0, 11, "more after=") == 0) {
          after = line.substr(11);
          more = true;
        } else {
          got.push_back(line);
        }
      }
      if (!more) break;
    }
    return got;
  };
  // Lines compared by id: durations move between two dumps.
  auto ids = [](const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const std::string& line : lines) out.push_back(Value(line, "", "id"));
    return out;
  };
  const std::vector<std::string> whole = Lines(l.Ok("dump"));
  CHECK_EQ(whole.size(), size_t(28));
  const std::vector<std::string> walked = walk();
  CHECK(ids(walked) == ids(whole));
  std::string text;
  for (const std::string& line : walked) text += line + "\n";
  // The pages show the replaced and the modified flows' new actions.
  CHECK_MSG(text.find("in_port=3 apply=output:2") != std::string::npos, text);
  CHECK_MSG(text.find("in_port=4 apply=output:3") != std::string::npos, text);
  l.Ok("flush");
  CHECK(walk().empty());
  l.Ok("add in_port=1 apply=output:2");
  CHECK_EQ(walk().size(), size_t(1));
}

MSW_TEST(flow_queries_dump_pages_in_a_stable_order) {
  Logic l("tables=3");
  std::string batch;
  for (int i = 0; i < 12; i++)
    batch += "add table=" + std::to_string(i % 3) + " priority=" + std::to_string(100 + i % 5) +
             " in_port=" + std::to_string(i + 1) + " apply=output:1\n";
  l.Ok(batch);
  const std::vector<std::string> all = Lines(l.Ok("dump"));
  CHECK_EQ(all.size(), size_t(12));
  // Table ascending, priority descending within a table.
  for (size_t i = 1; i < all.size(); i++) {
    const int t0 = std::stoi(Value(all[i - 1], "", "table")), t1 = std::stoi(Value(all[i], "", "table"));
    const int p0 = std::stoi(Value(all[i - 1], "", "priority"));
    const int p1 = std::stoi(Value(all[i], "", "priority"));
    CHECK_MSG(t0 < t1 || (t0 == t1 && p0 >= p1), all[i - 1] << "\n" << all[i]);
  }
  // Pages of 5: the same lines, each page ending in `more after=ID`; a
  // flow deleted between pages (the cursor's own) does not lose the place.
  std::vector<std::string> paged;
  std::string after = "0";
  for (int page = 0; page < 10; page++) {
    const std::vector<std::string> lines =
        Lines(l.Ok("dump limit=5" + (after == "0" ? std::string() : " after=" + after)));
    bool more = false;
    for (const std::string& line : lines) {
      if (line.compare(0, 11, "more after=") == 0) {
        after = line.substr(11);
        more = true;
      } else {
        paged.push_back(line);
      }
    }
    if (!more) break;
    CHECK_EQ(lines.size(), size_t(6));
    if (page == 0) {
      CHECK_EQ(after, Value(paged.back(), "", "id"));
      // The fifth flow is table 1's first (four per table).
      CHECK_EQ(Value(paged.back(), "", "table"), std::string("1"));
      l.Ok("del strict table=1 priority=" + Value(paged.back(), "", "priority") +
           " in_port=" + Value(paged.back(), "", "in_port"));
    }
  }
  CHECK_EQ(paged.size(), size_t(12));  // the deleted flow was on page 1 already
  for (size_t i = 0; i < all.size(); i++) CHECK_EQ(Value(paged[i], "", "id"), Value(all[i], "", "id"));
  // A reply buffer too small for every line ends the page early, with `more`.
  std::string small(700, '\0');
  CHECK_EQ(l.ops->control(l.inst, "dump", &small[0], small.size()), 0);
  const std::vector<std::string> cut = Lines(small.c_str());
  CHECK(cut.size() >= 2 && cut.size() < 12);
  CHECK_EQ(cut.back().compare(0, 11, "more after="), 0);
  // Filters apply to pages as to dumps.
  CHECK_EQ(Lines(l.Ok("dump table=1")).size(), size_t(3));
  CHECK_EQ(l.Ok("aggregate table=2"), std::string("flows=4 n_packets=0 n_bytes=0\n"));
}

MSW_TEST(flow_queries_trace_renders_outputs_and_counts_nothing) {
  Logic l;
  l.Ok("add table=0 priority=9 in_port=1 apply=set_field:eth_src=02:00:00:00:00:99 goto_table=3\n"
       "add table=3 priority=7 eth_type=0x800 apply=output:2,push_vlan:0x8100,output:4");
  std::vector<uint8_t> frame = UdpFrame(2, 53);
  frame.resize(300, 0x5a);  // longer than MSW_HEAD_BYTES: the tail comes from the caller's bytes
  const std::string reply = l.Ok("trace in_port=1 hex=" + Hex(frame));
  const std::vector<std::string> lines = Lines(reply);
  CHECK_EQ(lines.size(), size_t(4));
  const std::string id0 = Value(l.Ok("dump table=0"), "", "id");
  const std::string id3 = Value(l.Ok("dump table=3"), "", "id");
  CHECK_EQ(lines[0], "table=0 id=" + id0 + " priority=9");
  CHECK_EQ(lines[1], "table=3 id=" + id3 + " priority=7");
  std::vector<uint8_t> want = frame;
  want[11] = 0x99;
  CHECK_EQ(lines[2], "output port=2 hex=" + Hex(want));
  want.insert(want.begin() + 12, {0x81, 0x00, 0x00, 0x00});
  CHECK_EQ(lines[3], "output port=4 hex=" + Hex(want));
  // Nothing counted.
  CHECK_EQ(Value(l.Ok("dump table=0"), "", "n_packets"), std::string("0"));
  CHECK_EQ(Value(l.Ok("table_stats"), "table=0 ", "lookups"), std::string("0"));
  // A miss.
  CHECK_EQ(l.Ok("trace in_port=5 hex=" + Hex(UdpFrame(2, 53))), std::string("table=0 miss\ndrop\n"));
  std::string r;
  CHECK_EQ(l.Run("trace in_port=1 hex=abc", &r), EINVAL);
  CHECK_MSG(r.find("line 1: bad_request.bad_len") == 0, r);
}

// The fabric drops an output to the input port unless it is OpenFlow's
// IN_PORT; a trace that listed it would claim a frame the switch never
// sends (the differential test against Open vSwitch found this).
MSW_TEST(flow_queries_trace_leaves_out_what_goes_back_to_the_input_port) {
  Logic l;
  l.Ok("add priority=5 in_port=1 apply=output:1,output:2\n"
       "add priority=5 in_port=3 apply=output:3\n"
       "add priority=5 in_port=4 apply=output:in_port");
  const std::string hex = Hex(UdpFrame(2, 53));
  const std::vector<std::string> one = Lines(l.Ok("trace in_port=1 hex=" + hex));
  CHECK_EQ(one.size(), size_t(2));
  CHECK_EQ(one[1], "output port=2 hex=" + hex);
  const std::vector<std::string> three = Lines(l.Ok("trace in_port=3 hex=" + hex));
  CHECK_EQ(three.size(), size_t(2));
  CHECK_EQ(three[1], std::string("drop"));
  const std::vector<std::string> four = Lines(l.Ok("trace in_port=4 hex=" + hex));
  CHECK_EQ(four.size(), size_t(2));
  CHECK_EQ(four[1], "output port=4 hex=" + hex);
}

MSW_TEST(flow_queries_trace_packet_in_and_packet_out) {
  Logic l;
  l.Ok("add cookie=0x42 in_port=1 apply=output:controller:20\nadd in_port=3 apply=output:2");
  const std::vector<uint8_t> frame = UdpFrame(2, 53);
  const std::string reply = l.Ok("trace in_port=1 hex=" + Hex(frame));
  const std::vector<std::string> lines = Lines(reply);
  CHECK_EQ(lines.size(), size_t(2));
  // controller:20 still sends the whole packet: it is never buffered.
  CHECK_EQ(lines[1], "packet_in reason=action table=0 cookie=0x42 in_port=1 metadata=0x0 total_len=64 hex=" +
                         Hex(frame));
  // packet_out: plain actions, and output:table through the pipeline,
  // which counts like traffic.
  CHECK_EQ(l.Ok("packet_out in_port=controller actions=output:5 hex=" + Hex(frame)),
           "output port=5 hex=" + Hex(frame) + "\n");
  const std::string out = l.Ok("packet_out in_port=3 actions=output:table hex=" + Hex(frame));
  CHECK_MSG(out.find("output port=2 hex=" + Hex(frame) + "\n") != std::string::npos, out);
  CHECK_EQ(Value(l.Ok("dump"), "in_port=3", "n_packets"), std::string("1"));
  std::string r;
  CHECK_EQ(l.Run("packet_out in_port=1 hex=" + Hex(frame), &r), EINVAL);  // no actions=
  // output:table is for packet_out only.
  CHECK_EQ(l.Run("add in_port=1 apply=output:table", &r), EINVAL);
  Pkt p;
  p.frame = frame;
  Decide(l, &p, 3);
  CHECK_EQ(Value(l.Ok("dump"), "in_port=3", "n_packets"), std::string("2"));
}
