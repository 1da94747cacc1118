// The tuple-space classifier (see classifier.h for the design).
#include "classifier.h"

#include <algorithm>

namespace ofl {

// One distinct mask, immutable once published: an open-addressing hash
// table (linear probing, at most half full) from masked key to the run of
// rules with that match in 'rules' (priority desc, seq asc).
struct Subtable {
  struct Slot {
    uint64_t hash;
    uint32_t first;
    uint32_t count;  // 0: empty slot
  };
  FlowKey mask;
  int32_t max_priority = 0;
  uint64_t slot_mask = 0;
  std::vector<Slot> slots;
  std::vector<const Rule*> rules;

  // The best rule whose match is 'masked', or null.
  const Rule* Find(const FlowKey& masked) const {
    const uint64_t h = HashKey(masked);
    for (uint64_t i = h & slot_mask;; i = (i + 1) & slot_mask) {
      const Slot& s = slots[i];
      if (s.count == 0) return nullptr;
      if (s.hash == h && KeyEqual(rules[s.first]->match, masked)) return rules[s.first];
    }
  }
};

// The subtables readers visit, in descending order of max_priority.
struct Version {
  std::vector<const Subtable*> subtables;
};

namespace {

inline bool Outranks(const Rule* a, const Rule* b) {
  return a->priority > b->priority || (a->priority == b->priority && a->seq < b->seq);
}

// Inserts 'r' into 'list' keeping priority desc, seq asc.
void InsertSorted(std::vector<std::shared_ptr<Rule>>* list, std::shared_ptr<Rule> r) {
  auto it = std::find_if(list->begin(), list->end(),
                         [&](const std::shared_ptr<Rule>& x) { return Outranks(r.get(), x.get()); });
  list->insert(it, std::move(r));
}

}  // namespace

Classifier::Classifier(uint32_t n_workers) : n_workers_(n_workers), current_(new Version()) {}

Classifier::~Classifier() {
  ReleaseRetired();
  delete current_.load();
  for (auto& g : groups_) delete g.second->published;
}

const Rule* Classifier::Lookup(const FlowKey& key) const {
  const Version* v = current_.load(std::memory_order_acquire);
  const Rule* best = nullptr;
  FlowKey masked;
  for (const Subtable* st : v->subtables) {
    // Early stop: nothing further down can outrank what we hold (a tie
    // still needs a look: the earlier rule wins it).
    if (best && best->priority > st->max_priority) break;
    MaskKey(key, st->mask, &masked);
    const Rule* r = st->Find(masked);
    if (r && (!best || Outranks(r, best))) best = r;
  }
  return best;
}

std::shared_ptr<const Rule> Classifier::Insert(std::shared_ptr<Rule> r, bool reset_counts) {
  FlowKey masked;
  MaskKey(r->match, r->mask, &masked);
  r->match = masked;
  std::unique_ptr<MaskGroup>& g = groups_[r->mask];
  if (!g) {
    g.reset(new MaskGroup());
    g->mask = r->mask;
  }
  g->dirty = true;
  RuleList& list = g->by_match[r->match];
  for (auto& old : list) {
    if (old->priority != r->priority) continue;
    r->seq = old->seq;
    r->stats = reset_counts || !old->stats ? std::make_shared<RuleStats>(n_workers_) : old->stats;
    std::shared_ptr<const Rule> replaced = old;
    retired_rules_.push_back(std::move(old));
    old = std::move(r);
    return replaced;
  }
  r->seq = next_seq_++;
  r->stats = std::make_shared<RuleStats>(n_workers_);
  InsertSorted(&list, std::move(r));
  g->n_rules++;
  n_rules_++;
  return nullptr;
}

const Rule* Classifier::FindStrict(const FlowKey& match, const FlowKey& mask,
                                   int32_t priority) const {
  auto g = groups_.find(mask);
  if (g == groups_.end()) return nullptr;
  FlowKey masked;
  MaskKey(match, mask, &masked);
  auto m = g->second->by_match.find(masked);
  if (m == g->second->by_match.end()) return nullptr;
  for (const auto& r : m->second)
    if (r->priority == priority) return r.get();
  return nullptr;
}

bool Classifier::Overlaps(const FlowKey& match, const FlowKey& mask, int32_t priority) const {
  // Two rules overlap when they agree on every bit both masks cover.
  FlowKey masked;
  MaskKey(match, mask, &masked);
  for (const auto& gp : groups_) {
    const MaskGroup& g = *gp.second;
    FlowKey both;
    MaskKey(g.mask, mask, &both);
    for (const auto& mp : g.by_match) {
      bool agree = true;
      for (size_t i = 0; i < kKeyWords && agree; i++)
        agree = ((KeyWord(mp.first, i) ^ KeyWord(masked, i)) & KeyWord(both, i)) == 0;
      if (!agree) continue;
      for (const auto& r : mp.second)
        if (r->priority == priority) return true;
    }
  }
  return false;
}

bool Classifier::Selects(const Selector& sel, const Rule& r) const {
  if ((r.cookie & sel.cookie_mask) != (sel.cookie & sel.cookie_mask)) return false;
  if (sel.filter && !sel.filter(r)) return false;
  if (sel.strict) {
    FlowKey m;
    MaskKey(sel.match, sel.mask, &m);
    return r.priority == sel.priority && KeyEqual(r.mask, sel.mask) && KeyEqual(r.match, m);
  }
  // At least as specific: the rule's mask covers the selector's and agrees
  // with it on the selector's bits.
  for (size_t i = 0; i < kKeyWords; i++) {
    const uint64_t sm = KeyWord(sel.mask, i);
    if ((KeyWord(r.mask, i) & sm) != sm) return false;
    if ((KeyWord(r.match, i) & sm) != (KeyWord(sel.match, i) & sm)) return false;
  }
  return true;
}

// Calls fn(group, list, index) for every selected rule; 'fn' returns
// whether it removed the rule from 'list'.
template <typename Fn>
void Classifier::ForSelected(const Selector& sel, Fn fn) {
  for (auto& gp : groups_) {
    MaskGroup& g = *gp.second;
    if (sel.strict && !KeyEqual(g.mask, sel.mask)) continue;
    for (auto& mp : g.by_match) {
      RuleList& list = mp.second;
      for (size_t i = 0; i < list.size();) {
        if (Selects(sel, *list[i]) && fn(g, list, i)) continue;
        i++;
      }
    }
  }
}

size_t Classifier::Modify(const Selector& sel, const std::function<void(Rule*)>& edit) {
  size_t n = 0;
  ForSelected(sel, [&](MaskGroup& g, RuleList& list, size_t i) {
    auto r = std::make_shared<Rule>(*list[i]);
    edit(r.get());
    if (!r->stats) r->stats = std::make_shared<RuleStats>(n_workers_);
    retired_rules_.push_back(std::move(list[i]));
    list[i] = std::move(r);
    g.dirty = true;
    n++;
    return false;
  });
  return n;
}

size_t Classifier::Delete(const Selector& sel, std::vector<std::shared_ptr<const Rule>>* removed) {
  size_t n = 0;
  ForSelected(sel, [&](MaskGroup& g, RuleList& list, size_t i) {
    if (removed) removed->push_back(list[i]);
    retired_rules_.push_back(std::move(list[i]));
    list.erase(list.begin() + long(i));
    g.dirty = true;
    g.n_rules--;
    n_rules_--;
    n++;
    return true;
  });
  return n;
}

void Classifier::Clear() {
  for (auto& gp : groups_) {
    MaskGroup& g = *gp.second;
    for (auto& mp : g.by_match)
      for (auto& r : mp.second) retired_rules_.push_back(std::move(r));
    g.by_match.clear();
    g.n_rules = 0;
    g.dirty = true;
  }
  n_rules_ = 0;
}

Subtable* Classifier::Build(const MaskGroup& g) {
  auto* st = new Subtable();
  st->mask = g.mask;
  st->max_priority = -1;
  size_t cap = 8;
  while (cap < g.by_match.size() * 2) cap <<= 1;
  st->slots.assign(cap, Subtable::Slot{0, 0, 0});
  st->slot_mask = cap - 1;
  st->rules.reserve(g.n_rules);
  for (const auto& mp : g.by_match) {
    const RuleList& list = mp.second;
    if (list.empty()) continue;
    const uint64_t h = HashKey(mp.first);
    uint64_t i = h & st->slot_mask;
    while (st->slots[i].count) i = (i + 1) & st->slot_mask;
    st->slots[i] = Subtable::Slot{h, uint32_t(st->rules.size()), uint32_t(list.size())};
    for (const auto& r : list) st->rules.push_back(r.get());
    st->max_priority = std::max(st->max_priority, list.front()->priority);
  }
  return st;
}

void Classifier::Publish() {
  auto* v = new Version();
  for (auto it = groups_.begin(); it != groups_.end();) {
    MaskGroup& g = *it->second;
    if (g.dirty) {
      for (auto m = g.by_match.begin(); m != g.by_match.end();)
        m = m->second.empty() ? g.by_match.erase(m) : std::next(m);
      if (g.published) retired_subtables_.push_back(g.published);
      g.published = g.n_rules ? Build(g) : nullptr;
      g.dirty = false;
    }
    if (!g.published) {
      it = groups_.erase(it);
      continue;
    }
    v->subtables.push_back(g.published);
    ++it;
  }
  std::sort(v->subtables.begin(), v->subtables.end(),
            [](const Subtable* a, const Subtable* b) { return a->max_priority > b->max_priority; });
  retired_versions_.push_back(current_.exchange(v, std::memory_order_acq_rel));
}

void Classifier::ReleaseRetired() {
  retired_rules_.clear();
  for (const Subtable* s : retired_subtables_) delete s;
  retired_subtables_.clear();
  for (const Version* v : retired_versions_) delete v;
  retired_versions_.clear();
}

std::vector<std::shared_ptr<const Rule>> Classifier::Select(const Selector& sel) const {
  std::vector<std::shared_ptr<const Rule>> out;
  for (const auto& gp : groups_) {
    if (sel.strict && !KeyEqual(gp.second->mask, sel.mask)) continue;
    for (const auto& mp : gp.second->by_match)
      for (const auto& r : mp.second)
        if (Selects(sel, *r)) out.push_back(r);
  }
  return out;
}

std::vector<std::shared_ptr<const Rule>> Classifier::Rules() const {
  std::vector<std::shared_ptr<const Rule>> out;
  out.reserve(n_rules_);
  for (const auto& gp : groups_)
    for (const auto& mp : gp.second->by_match)
      for (const auto& r : mp.second) out.push_back(r);
  std::sort(out.begin(), out.end(), [](const std::shared_ptr<const Rule>& a,
                                       const std::shared_ptr<const Rule>& b) {
    return Outranks(a.get(), b.get());
  });
  return out;
}

}  // namespace ofl
