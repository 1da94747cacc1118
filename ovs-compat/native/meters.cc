// The meter table: the per-packet GCRA decision on workers, and parsing,
// applying and publication on the control thread.  The model is in
// meters.h.
#include "meters.h"

#include <time.h>

#include <sstream>

#include "match_text.h"

namespace ofl {

namespace {

constexpr uint64_t kT16PerSecond = 16000000000ull;  // time unit: 1/16 ns
constexpr uint64_t kT16PerKbit = kT16PerSecond / 1000;  // a bit at 1 kbit/s, per kbit/s
constexpr uint64_t kMaxBurstT16 = uint64_t{1} << 62;

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}


std::string Err(const char* type_code, const std::string& why) {
  return std::string(type_code) + ": " + why;
}

std::vector<std::string> SplitSpaces(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string tok;
  while (in >> tok) out.push_back(tok);
  return out;
}

// The bucket depth of 'b' as time at its rate: 'units' kbit (kbps meters,
// OpenFlow 1.3 §7.3.4.4 burst_size is in kilobits) or packets, either way
// units * 1 s / rate.
uint64_t BurstT16(uint64_t units, uint32_t rate) {
  unsigned __int128 t = (unsigned __int128)units * kT16PerSecond / rate;
  return t > kMaxBurstT16 ? kMaxBurstT16 : uint64_t(t);
}

// The bucket depth of a band: burst_size when the meter has the burst flag
// and the band gives one, else kDefaultBurstMs of its rate (at least the
// documented minimum).
uint64_t DepthT16(const Band& b, bool pktps, bool burst_flag) {
  if (burst_flag && b.burst_size) return BurstT16(b.burst_size, b.rate);
  uint64_t units = uint64_t(b.rate) * kDefaultBurstMs / 1000;
  const uint64_t min = pktps ? kMinBurstPackets : kMinBurstKbit;
  return BurstT16(units < min ? min : units, b.rate);
}

// One `band=` value: type=T,rate=R[,burst_size=B][,prec_level=L].
std::string ParseBand(const std::string& tok, Band* b) {
  bool have_type = false, have_rate = false, have_prec = false;
  std::string body = tok.substr(5);
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t comma = body.find(',', pos);
    std::string item = body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? body.size() + 1 : comma + 1;
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq), val = eq == std::string::npos ? "" : item.substr(eq + 1);
    uint64_t n;
    if (key == "type") {
      if (val == "drop") b->type = BandType::kDrop;
      else if (val == "dscp_remark") b->type = BandType::kDscpRemark;
      else return Err("meter_mod_failed.bad_band", "unknown band type '" + item + "' in '" + tok + "'");
      have_type = true;
    } else if (key == "rate") {
      if (!ParseUint(val, 0xffffffffull, &n) || n == 0)
        return Err("meter_mod_failed.bad_rate", "bad rate '" + item + "' in '" + tok + "'");
      b->rate = uint32_t(n);
      have_rate = true;
    } else if (key == "burst_size") {
      if (!ParseUint(val, 0xffffffffull, &n))
        return Err("meter_mod_failed.bad_burst", "bad burst_size '" + item + "' in '" + tok + "'");
      b->burst_size = uint32_t(n);
    } else if (key == "prec_level") {
      if (!ParseUint(val, 63, &n))
        return Err("meter_mod_failed.bad_band", "bad prec_level '" + item + "' in '" + tok + "'");
      b->prec_level = uint8_t(n);
      have_prec = true;
    } else {
      return Err("meter_mod_failed.bad_band", "unknown band item '" + item + "' in '" + tok + "'");
    }
  }
  if (!have_type) return Err("meter_mod_failed.bad_band", "band without type= in '" + tok + "'");
  if (!have_rate) return Err("meter_mod_failed.bad_rate", "band without rate= in '" + tok + "'");
  if (have_prec && b->type != BandType::kDscpRemark)
    return Err("meter_mod_failed.bad_band", "prec_level on a drop band in '" + tok + "'");
  if (b->type == BandType::kDscpRemark && !have_prec) b->prec_level = 1;
  return "";
}

}  // namespace

MeterTable::MeterTable(uint32_t n_workers)
    : n_slots_(n_workers + 1), now_ns_(MonotonicNs) {}

MeterTable::~MeterTable() = default;

// ---- workers ----

MeterTable::Verdict MeterTable::Apply(uint32_t id, uint32_t bytes, uint64_t now_ns,
                                      uint32_t worker, uint8_t* prec_level) {
  Meter* m = published_.Find(id);
  if (!m) return kDrop;
  m->stats->Count(worker, bytes);
  const uint64_t now = now_ns * 16;
  const Band* applied = nullptr;
  // Every band measures the packet; of those it exceeds, the band of the
  // highest rate applies (OpenFlow 1.3 §5.7).
  for (size_t i = 0; i < m->bands.size(); i++) {
    const Band& b = m->bands[i];
    const uint64_t cost =
        m->pktps ? b.cost_t16 : (uint64_t(bytes) * 8 * kT16PerKbit + b.rate / 2) / b.rate;
    std::atomic<uint64_t>& tat = m->state[i].tat;
    uint64_t t = tat.load(std::memory_order_relaxed);
    bool fits;
    for (;;) {
      const uint64_t base = t > now ? t : now;
      fits = base + cost - now <= b.burst_t16;
      // Pairs with the same CAS on other workers: only a packet that
      // fits moves TAT, and every such move is counted once.
      if (!fits || tat.compare_exchange_weak(t, base + cost, std::memory_order_relaxed)) break;
    }
    if (!fits && (!applied || b.rate > applied->rate)) applied = &b;
  }
  if (!applied) return kPass;
  applied->stats->Count(worker, bytes);
  if (applied->type == BandType::kDrop) return kDrop;
  *prec_level = applied->prec_level;
  return kRemark;
}

// ---- the control thread ----

std::string MeterTable::Parse(const std::string& line, const ParseEnv& env, MeterMod* out) const {
  std::vector<std::string> toks = SplitSpaces(line);
  *out = MeterMod();
  if (toks.empty()) return Err("bad_request.bad_type", "empty meter command");
  if (toks[0] == "meter_add") out->command = MeterMod::kAdd;
  else if (toks[0] == "meter_mod") out->command = MeterMod::kModify;
  else if (toks[0] == "meter_del") out->command = MeterMod::kDelete;
  else return Err("bad_request.bad_type", "unknown meter command '" + toks[0] + "'");
  const bool del = out->command == MeterMod::kDelete;
  bool have_id = false, kbps = false;
  for (size_t i = 1; i < toks.size(); i++) {
    const std::string& t = toks[i];
    if (t.compare(0, 9, "meter_id=") == 0) {
      const std::string v = t.substr(9);
      uint64_t n;
      if (have_id) return Err("meter_mod_failed.invalid_meter", "meter_id given twice: '" + t + "'");
      if (v == "all" && del) out->id = kMeterAll;
      else if (ParseUint(v, kMeterMax, &n) && n >= 1) out->id = uint32_t(n);
      else return Err("meter_mod_failed.invalid_meter", "bad meter id '" + t + "' (1.." +
                      std::to_string(kMeterMax) + ")");
      have_id = true;
    } else if (del) {
      return Err("meter_mod_failed.bad_flags", "unexpected token '" + t + "' in meter_del");
    } else if (t == "kbps") {
      kbps = true;
    } else if (t == "pktps") {
      out->pktps = true;
    } else if (t == "burst") {
      out->burst = true;
    } else if (t == "stats") {
      out->stats_flag = true;
    } else if (t.compare(0, 5, "band=") == 0) {
      if (out->bands.size() == kMaxBands)
        return Err("meter_mod_failed.out_of_bands",
                   "more than " + std::to_string(kMaxBands) + " bands at '" + t + "'");
      Band b;
      std::string err = ParseBand(t, &b);
      if (!err.empty()) return err;
      out->bands.push_back(b);
    } else {
      return Err("meter_mod_failed.bad_flags", "unexpected token '" + t + "'");
    }
  }
  if (!have_id) return Err("meter_mod_failed.invalid_meter", "missing meter_id in '" + line + "'");
  // OpenFlow 1.3 §7.3.4.4: the rate unit is one of kbps and pktps; with
  // neither, kbps (as ovs-ofctl does).
  if (kbps && out->pktps)
    return Err("meter_mod_failed.bad_flags", "both kbps and pktps in '" + line + "'");
  return "";
}

std::string MeterTable::Apply(const MeterMod& mod, std::vector<uint32_t>* deleted) {
  const std::string mid = std::to_string(mod.id);
  if (mod.command == MeterMod::kDelete) {
    // Deleting a meter that does not exist is no error (as for groups,
    // OpenFlow 1.3 §6.5, and as Open vSwitch does).
    std::vector<uint32_t> ids;
    if (mod.id == kMeterAll) {
      for (const auto& kv : meters_) ids.push_back(kv.first);
    } else if (meters_.count(mod.id)) {
      ids.push_back(mod.id);
    }
    for (uint32_t id : ids) meters_.erase(id);
    if (deleted) deleted->insert(deleted->end(), ids.begin(), ids.end());
    return "";
  }
  auto it = meters_.find(mod.id);
  if (mod.command == MeterMod::kAdd && it != meters_.end())
    return Err("meter_mod_failed.meter_exists", "meter " + mid + " exists");
  if (mod.command == MeterMod::kModify && it == meters_.end())
    return Err("meter_mod_failed.unknown_meter", "meter " + mid + " does not exist");
  if (mod.command == MeterMod::kAdd && meters_.size() >= kMaxMeters)
    return Err("meter_mod_failed.out_of_meters",
               "the table holds " + std::to_string(kMaxMeters) + " meters");

  auto m = std::make_shared<Meter>();
  m->id = mod.id;
  m->pktps = mod.pktps;
  m->burst = mod.burst;
  m->stats_flag = mod.stats_flag;
  m->bands = mod.bands;
  m->state.reset(new BandState[m->bands.size() ? m->bands.size() : 1]);
  for (Band& b : m->bands) {
    b.burst_t16 = DepthT16(b, m->pktps, m->burst);
    // pktps: one packet costs 1 s / rate.  kbps: a packet of 'bits'
    // costs bits * 1 s / (rate * 1000) = bits * kT16PerKbit / rate,
    // divided per packet (Apply) with rounding to nearest.
    b.cost_t16 = (kT16PerSecond + b.rate / 2) / b.rate;
    b.stats = std::make_shared<WorkerCounters>(n_slots_);
  }
  if (it != meters_.end()) {
    m->stats = it->second->stats;
    m->created_ns = it->second->created_ns;
  } else {
    m->stats = std::make_shared<WorkerCounters>(n_slots_);
    m->created_ns = now_ns_();
  }
  meters_[mod.id] = std::move(m);
  return "";
}

void MeterTable::Publish() { published_.Publish(meters_); }

void MeterTable::ReleaseRetired() { published_.ReleaseRetired(); }

bool MeterTable::Exists(uint32_t id) const { return meters_.count(id) != 0; }

std::string MeterTable::Dump() const {
  std::string out;
  for (const auto& kv : meters_) {
    const Meter& m = *kv.second;
    out += "meter_id=" + std::to_string(m.id) + (m.pktps ? " pktps" : " kbps");
    if (m.burst) out += " burst";
    if (m.stats_flag) out += " stats";
    for (const Band& b : m.bands) {
      out += std::string(" band=type=") + (b.type == BandType::kDrop ? "drop" : "dscp_remark") +
             ",rate=" + std::to_string(b.rate);
      if (b.burst_size) out += ",burst_size=" + std::to_string(b.burst_size);
      if (b.type == BandType::kDscpRemark) out += ",prec_level=" + std::to_string(b.prec_level);
    }
    out += "\n";
  }
  return out;
}

std::string MeterTable::Stats() const {
  std::string out;
  const uint64_t now = now_ns_();
  for (const auto& kv : meters_) {
    const Meter& m = *kv.second;
    uint64_t p, b;
    m.stats->Sum(&p, &b);
    out += "meter_id=" + std::to_string(m.id) +
           " duration_ns=" + std::to_string(now > m.created_ns ? now - m.created_ns : 0) +
           " n_packets=" + std::to_string(p) + " n_bytes=" + std::to_string(b);
    for (const Band& band : m.bands) {
      band.stats->Sum(&p, &b);
      out += " band=" + std::to_string(p) + ":" + std::to_string(b);
    }
    out += "\n";
  }
  return out;
}

std::string MeterTable::Features() const {
  return "max_meter=" + std::to_string(kMaxMeters) +
         " band_types=drop,dscp_remark capabilities=kbps,pktps,burst,stats max_bands=" +
         std::to_string(kMaxBands) + " max_color=0\n";
}

}  // namespace ofl
