// The control commands' match text: every field parses and prints back
// the same (in the field table's order, masks only where not exact), the
// storage shared by tcp/udp/sctp ports and ICMPv4/v6 prints under the name
// its prerequisites select, and bad tokens and missing prerequisites are
// refused by name.
#include <sstream>
#include <string>
#include <vector>

#include "../../datapath/native/check.h"
#include "match_text.h"

namespace {

// Parses space-separated tokens; "" or the first error.
std::string Parse(const std::string& text, ofl::FlowKey* match, ofl::FlowKey* mask) {
  memset(match, 0, sizeof *match);
  memset(mask, 0, sizeof *mask);
  std::istringstream is(text);
  std::string tok, err;
  std::vector<std::string> fields;
  while (is >> tok)
    if (!ofl::ParseMatchToken(tok, match, mask, &err, &fields))
      return err.empty() ? "unknown " + tok : err;
  return ofl::CheckPrerequisites(*match, *mask, fields);
}

std::string RoundTrip(const std::string& text) {
  ofl::FlowKey match, mask;
  const std::string err = Parse(text, &match, &mask);
  if (!err.empty()) return "error: " + err;
  return ofl::FormatMatch(match, mask);
}

}  // namespace

MSW_TEST(match_text_round_trips_every_field) {
  const char* kMatches[] = {
      "in_port=3 metadata=0xff00/0xff00 eth_dst=02:00:00:00:00:01 "
      "eth_src=01:00:00:00:00:00/01:00:00:00:00:00 eth_type=0x0800 vlan_vid=0x1064 vlan_pcp=5 "
      "ip_dscp=46 ip_ecn=1 ip_proto=6 ip_ttl=64 ipv4_src=10.0.0.0/255.255.255.0 "
      "ipv4_dst=10.1.2.3 tcp_src=1234 tcp_dst=80 tcp_flags=0x12/0x12",
      "eth_type=0x0800 ip_proto=17 udp_src=5000 udp_dst=53",
      "eth_type=0x0800 ip_proto=132 sctp_src=3000 sctp_dst=4000",
      "eth_type=0x0800 ip_proto=1 icmpv4_type=8 icmpv4_code=0",
      "eth_type=0x86dd ip_proto=58 icmpv6_type=135 icmpv6_code=0 ipv6_src=2001:db8::/ffff:ffff:: "
      "ipv6_dst=2001:db8::2 ipv6_flabel=0x12345",
      "eth_type=0x0806 arp_op=1 arp_spa=10.0.0.1 arp_tpa=10.0.0.2 arp_sha=02:00:00:00:00:01 "
      "arp_tha=00:00:00:00:00:00",
      "eth_type=0x8847 mpls_label=0x3e8 mpls_tc=5 mpls_bos=1",
      "vlan_vid=0x1000/0x1000",
      "vlan_vid=0x0",
      "",
  };
  for (const char* m : kMatches) CHECK_EQ(RoundTrip(m), std::string(m));
  // Prefix lengths are masks too; values are masked when parsed.
  CHECK_EQ(RoundTrip("eth_type=0x800 ipv4_dst=10.0.0.77/24"),
           std::string("eth_type=0x0800 ipv4_dst=10.0.0.0/255.255.255.0"));
  CHECK_EQ(RoundTrip("eth_type=0x86dd ipv6_dst=2001:db8::1/32"),
           std::string("eth_type=0x86dd ipv6_dst=2001:db8::/ffff:ffff::"));
}

MSW_TEST(match_text_refuses_bad_tokens_and_prerequisites) {
  ofl::FlowKey match, mask;
  CHECK(Parse("tcp_dst=80", &match, &mask).find("bad_match.bad_prereq: 'tcp_dst' lacks its prerequisite") == 0);
  CHECK(Parse("eth_type=0x800 ip_proto=17 tcp_dst=80", &match, &mask).find("tcp_dst") !=
        std::string::npos);
  CHECK(Parse("eth_type=0x86dd ip_proto=1 icmpv4_type=8", &match, &mask).find("icmpv4_type") !=
        std::string::npos);
  CHECK(Parse("vlan_pcp=3", &match, &mask).find("vlan_pcp") != std::string::npos);
  CHECK_EQ(Parse("vlan_vid=0x1005 vlan_pcp=3", &match, &mask), std::string(""));
  CHECK_EQ(Parse("vlan_pcp=8 vlan_vid=0x1005", &match, &mask), std::string("bad_match.bad_value: bad value in 'vlan_pcp=8'"));
  CHECK_EQ(Parse("eth_dst=02:00:00:00:00", &match, &mask),
           std::string("bad_match.bad_value: bad value in 'eth_dst=02:00:00:00:00'"));
  CHECK_EQ(Parse("eth_type=0x800 ipv4_src=10.0.0.0/33", &match, &mask),
           std::string("bad_match.bad_value: bad value in 'ipv4_src=10.0.0.0/33'"));
  CHECK_EQ(Parse("in_port=-1", &match, &mask), std::string("bad_match.bad_value: bad value in 'in_port=-1'"));
  CHECK_EQ(Parse("no_such_field=1", &match, &mask), std::string("unknown no_such_field=1"));
}
