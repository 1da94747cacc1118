// The text form of matches that the `openflow` logic's control commands
// take and print: `FIELD=VALUE[/MASK]` tokens, one per field.
//
// Field names are the OpenFlow 1.3 OXM names without the OFPXMT_OFB_ prefix,
// lower case (`in_port`, `eth_dst`, `ipv4_src`, `tcp_dst`, `icmpv6_type`,
// `arp_sha`, `mpls_label`, ...) plus `ip_ttl`.  Values are numbers (decimal
// or 0x hex), MACs (`02:00:00:00:00:01`), dotted IPv4 or IPv6 text; a mask
// is given the same way or, for addresses, as a prefix length
// (`ipv4_dst=10.0.0.0/24`).  vlan_vid takes OpenFlow's encoding:
// 0x1000|VID for a tag (`vlan_vid=0x1064` is VID 100), 0 for untagged,
// `vlan_vid=0x1000/0x1000` for "any tag".  Prerequisites are checked as
// OpenFlow 1.3 §7.2.3.6 says: `tcp_dst=80` needs `eth_type=0x800` (or
// 0x86dd) and `ip_proto=6` in the same match.
//
// The ovs-ofctl syntax is translated into this form by the TypeScript side.
#ifndef MSWITCH_OVS_COMPAT_MATCH_TEXT_H_
#define MSWITCH_OVS_COMPAT_MATCH_TEXT_H_

#include <string>
#include <vector>

#include "flow_key.h"

namespace ofl {

// A decimal or 0x-hex number no larger than 'max'.
bool ParseUint(const std::string& s, uint64_t max, uint64_t* v);
// A MAC address "xx:xx:xx:xx:xx:xx".
bool ParseMac(const std::string& s, uint8_t* out);
// Bytes from 'len' hex digits at 's' (either case); false for an odd
// count or a non-digit.
bool ParseHex(const char* s, size_t len, std::vector<uint8_t>* out);

// Parses one `FIELD=VALUE[/MASK]` token into 'match'/'mask'.  Returns false
// (with "bad_match.bad_value: reason naming the token" in '*err') for a
// bad value or a value wider than the field.
// Returns false with an empty '*err' when 'token' names no match field.
// The field's name goes to 'fields' (for CheckPrerequisites).
bool ParseMatchToken(const std::string& token, FlowKey* match, FlowKey* mask, std::string* err,
                     std::vector<std::string>* fields);

// Sets field 'name' in 'match'/'mask' from its OpenFlow wire form: 'len'
// bytes of value and (unless 'mask_bytes' is null: exact) of mask, network
// order, as ParseMatchToken would from the same value in text.  False when
// 'name' is no match field or 'len' does not fit it; the caller (an OXM
// decoder) has checked widths and masks and appends the name to 'fields'.
bool SetMatchFieldWire(const char* name, const uint8_t* value, const uint8_t* mask_bytes,
                       size_t len, FlowKey* match, FlowKey* mask);

// Checks the prerequisites of every field named in 'fields' against the
// whole match; "" when they hold, else "bad_match.bad_prereq: reason".  (Names, not storage: tcp_dst and
// udp_dst share theirs.)
std::string CheckPrerequisites(const FlowKey& match, const FlowKey& mask,
                               const std::vector<std::string>& fields);

// `FIELD=VALUE[/MASK]` tokens for every field 'mask' covers, space separated.
std::string FormatMatch(const FlowKey& match, const FlowKey& mask);

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_MATCH_TEXT_H_
