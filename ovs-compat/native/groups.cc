// The group table: worker-side bucket choice, control-side parsing,
// checking, applying and publication.  The model is in groups.h.
#include "groups.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <unordered_map>

#include "match_text.h"

namespace ofl {

namespace {

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// A 64-bit finalizer (splitmix64): spreads (flow hash, bucket) pairs so
// that each bucket's draw is independent of the others'.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

const char* TypeName(GroupType t) {
  switch (t) {
    case GroupType::kAll: return "all";
    case GroupType::kSelect: return "select";
    case GroupType::kIndirect: return "indirect";
    case GroupType::kFastFailover: return "ff";
  }
  return "?";
}

std::vector<std::string> SplitSpaces(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string tok;
  while (in >> tok) out.push_back(tok);
  return out;
}

std::string Err(const char* type_code, const std::string& why) {
  return std::string(type_code) + ": " + why;
}

// A watch_port: a switch port or any (OFPP_ANY).
bool ParseWatchPort(const std::string& v, uint32_t* out) {
  uint64_t n;
  if (v == "any") {
    *out = kWatchNone;
    return true;
  }
  if (!ParseUint(v, 0xffffffffull, &n)) return false;
  if (n != kWatchNone && (n < 1 || n > MSW_MAX_PORTS)) return false;
  *out = uint32_t(n);
  return true;
}

bool ParseWatchGroup(const std::string& v, uint32_t* out) {
  uint64_t n;
  if (v == "any") {
    *out = kWatchNone;
    return true;
  }
  if (!ParseUint(v, 0xffffffffull, &n)) return false;
  if (n != kWatchNone && n > kGroupMax) return false;
  *out = uint32_t(n);
  return true;
}

// One `bucket=` value: [weight=W,][watch_port=P,][watch_group=G,]actions=LIST.
// Keys before `actions=` in any order; `actions=` takes the rest of the
// token, commas included.
std::string ParseBucket(const std::string& tok, const std::string& body, GroupType type,
                        const ParseEnv& env, Bucket* b) {
  bool weight_given = false, have_actions = false;
  size_t pos = 0;
  while (pos < body.size()) {
    if (body.compare(pos, 8, "actions=") == 0) {
      auto list = std::make_shared<ActionList>();
      std::string err = ParseActions(body.substr(pos + 8), env, list.get());
      if (!err.empty()) return err;
      for (const Action& a : list->actions)
        if (a.type == Act::kGroup) b->chained.push_back(a.arg32);
      b->actions = std::move(list);
      have_actions = true;
      break;
    }
    size_t comma = body.find(',', pos);
    std::string item = body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? body.size() : comma + 1;
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq), val = eq == std::string::npos ? "" : item.substr(eq + 1);
    uint64_t n;
    if (key == "weight") {
      if (!ParseUint(val, 0xffff, &n))
        return Err("group_mod_failed.bad_bucket", "bad weight '" + item + "' in '" + tok + "'");
      b->weight = uint16_t(n);
      weight_given = true;
    } else if (key == "watch_port") {
      if (!ParseWatchPort(val, &b->watch_port))
        return Err("group_mod_failed.bad_watch", "bad watch_port '" + item + "' in '" + tok + "'");
    } else if (key == "watch_group") {
      if (!ParseWatchGroup(val, &b->watch_group))
        return Err("group_mod_failed.bad_watch", "bad watch_group '" + item + "' in '" + tok + "'");
    } else {
      return Err("group_mod_failed.bad_bucket", "unknown bucket item '" + item + "' in '" + tok + "'");
    }
  }
  if (!have_actions)
    return Err("group_mod_failed.bad_bucket", "bucket without actions= in '" + tok + "'");
  // OpenFlow 1.3 §7.3.4.2: weight is for select groups only; a select
  // bucket without one shares equally (ovs-ofctl's default of 1).
  if (type == GroupType::kSelect) {
    if (!weight_given) b->weight = 1;
  } else if (weight_given && b->weight != 0) {
    return Err("group_mod_failed.bad_bucket", "weight in a non-select group in '" + tok + "'");
  }
  // §5.6.1: every fast-failover bucket watches a port or a group.
  if (type == GroupType::kFastFailover && b->watch_port == kWatchNone &&
      b->watch_group == kWatchNone)
    return Err("group_mod_failed.bad_watch", "fast-failover bucket without a watch in '" + tok + "'");
  return "";
}

}  // namespace

GroupTable::GroupTable(uint32_t n_workers)
    : n_slots_(n_workers + 1), now_ns_(MonotonicNs) {}

GroupTable::~GroupTable() = default;

// ---- workers ----

const Group* GroupTable::Find(uint32_t id) const { return published_.Find(id); }

bool GroupTable::BucketLive(const Bucket& b, const PortState& ports, uint32_t depth) const {
  if (b.watch_port != kWatchNone && !ports.IsUp(b.watch_port)) return false;
  if (b.watch_group != kWatchNone) {
    const Group* w = Find(b.watch_group);
    if (!w || depth == 0 || !IsLive(*w, ports, depth - 1)) return false;
  }
  return true;
}

bool GroupTable::IsLive(const Group& g, const PortState& ports, uint32_t depth) const {
  for (const Bucket& b : g.buckets)
    if (BucketLive(b, ports, depth)) return true;
  return false;
}

uint32_t GroupTable::Choose(const Group& g, uint64_t flow_hash, const PortState& ports,
                            uint32_t worker, uint32_t bytes, const Bucket** out,
                            uint32_t max) const {
  g.stats->Count(worker, bytes);
  uint32_t n = 0;
  switch (g.type) {
    case GroupType::kAll:
      for (const Bucket& b : g.buckets) {
        if (n == max) break;
        out[n++] = &b;
      }
      break;
    case GroupType::kIndirect:
      if (max && !g.buckets.empty()) out[n++] = &g.buckets[0];
      break;
    case GroupType::kFastFailover:
      for (const Bucket& b : g.buckets) {
        if (max && BucketLive(b, ports, kMaxWatchDepth)) {
          out[n++] = &b;
          break;
        }
      }
      break;
    case GroupType::kSelect: {
      // Weighted rendezvous: score ln(u)/w, u uniform in (0,1); the
      // highest score wins with probability w / sum(w).
      const Bucket* best = nullptr;
      double best_score = 0;
      for (size_t i = 0; i < g.buckets.size(); i++) {
        const Bucket& b = g.buckets[i];
        if (b.weight == 0 || !BucketLive(b, ports, kMaxWatchDepth)) continue;
        const uint64_t h = Mix(flow_hash ^ Mix(i + 1));
        const double u = (double(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
        const double score = std::log(u) / b.weight;
        if (!best || score > best_score) {
          best = &b;
          best_score = score;
        }
      }
      if (best && max) out[n++] = best;
      break;
    }
  }
  for (uint32_t i = 0; i < n; i++) out[i]->stats->Count(worker, bytes);
  return n;
}

// ---- the control thread: parsing ----

std::string GroupTable::Parse(const std::string& line, const ParseEnv& env, GroupMod* out) const {
  std::vector<std::string> toks = SplitSpaces(line);
  *out = GroupMod();
  if (toks.empty()) return Err("bad_request.bad_type", "empty group command");
  if (toks[0] == "group_add") {
    out->command = GroupMod::kAdd;
  } else if (toks[0] == "group_mod") {
    out->command = GroupMod::kModify;
  } else if (toks[0] == "group_del") {
    out->command = GroupMod::kDelete;
  } else {
    return Err("bad_request.bad_type", "unknown group command '" + toks[0] + "'");
  }
  bool have_id = false, have_type = false;
  std::vector<std::string> bucket_toks;
  for (size_t i = 1; i < toks.size(); i++) {
    const std::string& t = toks[i];
    if (t.compare(0, 9, "group_id=") == 0) {
      const std::string v = t.substr(9);
      uint64_t n;
      if (have_id) return Err("group_mod_failed.invalid_group", "group_id given twice: '" + t + "'");
      if (v == "all" && out->command == GroupMod::kDelete) {
        out->id = kGroupAll;
      } else if (ParseUint(v, kGroupMax, &n)) {
        out->id = uint32_t(n);
      } else {
        return Err("group_mod_failed.invalid_group", "bad group id '" + t + "'");
      }
      have_id = true;
    } else if (t.compare(0, 5, "type=") == 0 && out->command != GroupMod::kDelete) {
      const std::string v = t.substr(5);
      if (have_type) return Err("group_mod_failed.bad_type", "type given twice: '" + t + "'");
      if (v == "all") out->type = GroupType::kAll;
      else if (v == "select") out->type = GroupType::kSelect;
      else if (v == "indirect") out->type = GroupType::kIndirect;
      else if (v == "ff" || v == "fast_failover") out->type = GroupType::kFastFailover;
      else return Err("group_mod_failed.bad_type", "unknown group type '" + t + "'");
      have_type = true;
    } else if (t.compare(0, 7, "bucket=") == 0 && out->command != GroupMod::kDelete) {
      bucket_toks.push_back(t);
    } else {
      return Err("group_mod_failed.invalid_group", "unexpected token '" + t + "'");
    }
  }
  if (!have_id) return Err("group_mod_failed.invalid_group", "missing group_id in '" + line + "'");
  if (out->command == GroupMod::kDelete) return "";
  if (!have_type) return Err("group_mod_failed.bad_type", "missing type= in '" + line + "'");
  // Buckets are parsed once the type is known, wherever type= stood.
  if (bucket_toks.size() > kMaxBuckets)
    return Err("group_mod_failed.out_of_buckets",
               std::to_string(bucket_toks.size()) + " buckets, at most " +
                   std::to_string(kMaxBuckets));
  for (const std::string& t : bucket_toks) {
    Bucket b;
    std::string err = ParseBucket(t, t.substr(7), out->type, env, &b);
    if (!err.empty()) return err;
    out->buckets.push_back(std::move(b));
  }
  if (out->type == GroupType::kIndirect && out->buckets.size() != 1)
    return Err("group_mod_failed.invalid_group",
               "an indirect group has exactly one bucket, not " +
                   std::to_string(out->buckets.size()));
  return "";
}

// ---- the control thread: applying ----

// Group chaining checks for adding or replacing group 'mod.id' with
// 'mod.buckets' (OpenFlow 1.3 §6.7 group_mod_failed.loop /
// chaining_unsupported).  The graph before the change has no cycle, so a
// cycle after it passes through mod.id.
std::string GroupTable::CheckChains(const GroupMod& mod) const {
  bool any = false;
  for (const Bucket& b : mod.buckets) {
    for (uint32_t c : b.chained) {
      any = true;
      if (c == mod.id)
        return Err("group_mod_failed.loop", "group " + std::to_string(c) + " forwards to itself");
      if (!groups_.count(c))
        return Err("bad_action.bad_out_group", "group:" + std::to_string(c) + " does not exist");
    }
  }
  if (!any) return "";
  auto chained_of = [&](uint32_t id) -> std::vector<uint32_t> {
    std::vector<uint32_t> out;
    const std::vector<Bucket>* buckets = &mod.buckets;
    if (id != mod.id) {
      auto it = groups_.find(id);
      if (it == groups_.end()) return out;
      buckets = &it->second->buckets;
    }
    for (const Bucket& b : *buckets) out.insert(out.end(), b.chained.begin(), b.chained.end());
    return out;
  };
  // Loop: does any group mod.id chains to lead back to mod.id?
  std::unordered_map<uint32_t, bool> seen;
  std::function<bool(uint32_t)> reaches_self = [&](uint32_t id) -> bool {
    if (id == mod.id) return true;
    if (seen.count(id)) return false;
    seen[id] = true;
    for (uint32_t c : chained_of(id))
      if (reaches_self(c)) return true;
    return false;
  };
  for (uint32_t c : chained_of(mod.id))
    if (reaches_self(c))
      return Err("group_mod_failed.loop",
                 "group " + std::to_string(mod.id) + " would reach itself through group " +
                     std::to_string(c));
  // Depth: the longest chain (in groups) anywhere after the change; the
  // graph is now known to be acyclic, and heights stay small or we stop.
  std::unordered_map<uint32_t, uint32_t> height;
  std::function<uint32_t(uint32_t)> height_of = [&](uint32_t id) -> uint32_t {
    auto it = height.find(id);
    if (it != height.end()) return it->second;
    uint32_t h = 1;
    for (uint32_t c : chained_of(id)) h = std::max(h, 1 + height_of(c));
    height[id] = h;
    return h;
  };
  uint32_t deepest = height_of(mod.id);
  for (const auto& kv : groups_) deepest = std::max(deepest, height_of(kv.first));
  if (deepest > kMaxChainDepth)
    return Err("group_mod_failed.chaining_unsupported",
               "group " + std::to_string(mod.id) + " makes a chain of " + std::to_string(deepest) +
                   " groups, at most " + std::to_string(kMaxChainDepth));
  return "";
}

std::string GroupTable::Apply(const GroupMod& mod, std::vector<uint32_t>* deleted) {
  const std::string gid = std::to_string(mod.id);
  if (mod.command == GroupMod::kDelete) {
    // OpenFlow 1.3 §6.5: deleting a group that does not exist is no error.
    std::vector<uint32_t> ids;
    if (mod.id == kGroupAll) {
      for (const auto& kv : groups_) ids.push_back(kv.first);
    } else if (groups_.count(mod.id)) {
      for (const auto& kv : groups_) {
        if (kv.first == mod.id) continue;
        for (const Bucket& b : kv.second->buckets)
          for (uint32_t c : b.chained)
            if (c == mod.id)
              return Err("group_mod_failed.chained_group",
                         "group " + gid + " is used by group " + std::to_string(kv.first));
      }
      ids.push_back(mod.id);
    }
    for (uint32_t id : ids) groups_.erase(id);
    if (deleted) deleted->insert(deleted->end(), ids.begin(), ids.end());
    return "";
  }
  auto it = groups_.find(mod.id);
  if (mod.command == GroupMod::kAdd && it != groups_.end())
    return Err("group_mod_failed.group_exists", "group " + gid + " exists");
  if (mod.command == GroupMod::kModify && it == groups_.end())
    return Err("group_mod_failed.unknown_group", "group " + gid + " does not exist");
  if (mod.command == GroupMod::kAdd && groups_.size() >= kMaxGroups)
    return Err("group_mod_failed.out_of_groups",
               "the table holds " + std::to_string(kMaxGroups) + " groups");
  std::string err = CheckChains(mod);
  if (!err.empty()) return err;

  auto g = std::make_shared<Group>();
  g->id = mod.id;
  g->type = mod.type;
  g->buckets = mod.buckets;
  for (Bucket& b : g->buckets) b.stats = std::make_shared<WorkerCounters>(n_slots_);
  if (it != groups_.end()) {
    g->stats = it->second->stats;
    g->created_ns = it->second->created_ns;
  } else {
    g->stats = std::make_shared<WorkerCounters>(n_slots_);
    g->created_ns = now_ns_();
  }
  groups_[mod.id] = std::move(g);
  return "";
}

void GroupTable::Publish() { published_.Publish(groups_); }

void GroupTable::ReleaseRetired() { published_.ReleaseRetired(); }

bool GroupTable::Exists(uint32_t id) const { return groups_.count(id) != 0; }

// ---- the control thread: queries ----

std::string GroupTable::Dump() const {
  std::string out;
  for (const auto& kv : groups_) {
    const Group& g = *kv.second;
    out += "group_id=" + std::to_string(g.id) + " type=" + TypeName(g.type);
    for (const Bucket& b : g.buckets) {
      out += " bucket=";
      if (g.type == GroupType::kSelect) out += "weight=" + std::to_string(b.weight) + ",";
      if (b.watch_port != kWatchNone) out += "watch_port=" + std::to_string(b.watch_port) + ",";
      if (b.watch_group != kWatchNone) out += "watch_group=" + std::to_string(b.watch_group) + ",";
      out += "actions=" + FormatActions(*b.actions);
    }
    out += "\n";
  }
  return out;
}

std::string GroupTable::Stats() const {
  std::string out;
  const uint64_t now = now_ns_();
  for (const auto& kv : groups_) {
    const Group& g = *kv.second;
    uint64_t p, b;
    g.stats->Sum(&p, &b);
    out += "group_id=" + std::to_string(g.id) +
           " duration_ns=" + std::to_string(now > g.created_ns ? now - g.created_ns : 0) +
           " n_packets=" + std::to_string(p) + " n_bytes=" + std::to_string(b);
    for (const Bucket& bk : g.buckets) {
      bk.stats->Sum(&p, &b);
      out += " bucket=" + std::to_string(p) + ":" + std::to_string(b);
    }
    out += "\n";
  }
  return out;
}

}  // namespace ofl
