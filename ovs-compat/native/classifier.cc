// The tuple-space classifier (see classifier.h for the design and the
// slot protocol that lets readers look up while the control thread edits).
#include "classifier.h"

#include <algorithm>

namespace ofl {
namespace {

// A slot's first word: 0 empty (ends a probe), 1 tombstone (a match that
// went; probes go on past it), else the rule readers see for the match.
constexpr uint64_t kEmptySlot = 0;
constexpr uint64_t kTombstone = 1;

inline bool Outranks(const Rule* a, const Rule* b) {
  return a->priority > b->priority || (a->priority == b->priority && a->seq < b->seq);
}

}  // namespace

// One subtable's slots: 'stride' words each, [0] the rule (see above),
// [1] the hash of the masked key, [2..stride) the masked key's words that
// the subtable's mask touches.  The size never changes: growing means a
// new array.
struct SlotArray {
  SlotArray(uint64_t n_slots, uint32_t words_per_slot)
      : slot_mask(n_slots - 1), stride(words_per_slot), data(new uint64_t[n_slots * stride]()) {}
  uint64_t* At(uint64_t i) const { return data.get() + i * stride; }
  uint64_t capacity() const { return slot_mask + 1; }

  const uint64_t slot_mask;
  const uint32_t stride;
  size_t used = 0;  // live and tombstoned slots (control thread only)
  const std::unique_ptr<uint64_t[]> data;
};

// The readers' view of one distinct mask.
struct Subtable {
  explicit Subtable(const FlowKey& mask) {
    for (uint32_t i = 0; i < kKeyWords; i++) {
      const uint64_t m = KeyWord(mask, i);
      if (!m) continue;
      words[n_words] = uint8_t(i);
      mask_words[n_words] = m;
      seeds[n_words] = kWordSeeds[i];
      n_words++;
    }
    slots.store(new SlotArray(8, 2 + n_words), std::memory_order_relaxed);
  }
  ~Subtable() { delete slots.load(std::memory_order_relaxed); }

  // The rule readers see for the match 'key' has under this mask, or null.
  const Rule* Find(const FlowKey& key) const {
    // Pairs with the release store that published the array (Grow).
    return Probe(slots.load(std::memory_order_acquire), key, Hash(key));
  }

  // HashKey of the masked key: the words left out are zero under the mask
  // and add nothing.
  uint64_t Hash(const FlowKey& key) const {
    uint64_t h = 0;
    for (uint32_t j = 0; j < n_words; j++) h += (KeyWord(key, words[j]) & mask_words[j]) * seeds[j];
    return FinishHash(h);
  }

  // The first slot a probe for 'hash' reads in 'a'.
  static const uint64_t* FirstSlot(const SlotArray* a, uint64_t hash) {
    return a->At(hash & a->slot_mask);
  }

  // Find, with the array and the key's Hash already at hand.
  const Rule* Probe(const SlotArray* a, const FlowKey& key, uint64_t h) const {
    uint64_t w[kKeyWords];
    for (uint32_t j = 0; j < n_words; j++) w[j] = KeyWord(key, words[j]) & mask_words[j];
    for (uint64_t i = h & a->slot_mask;; i = (i + 1) & a->slot_mask) {
      const uint64_t* s = a->At(i);
      // Pairs with the release store that made the slot live (Place,
      // ShowFirst): the hash and words written before it are seen.
      const uint64_t r = __atomic_load_n(&s[0], __ATOMIC_ACQUIRE);
      if (r == kEmptySlot) return nullptr;
      if (r == kTombstone || s[1] != h) continue;
      uint64_t diff = 0;
      for (uint32_t j = 0; j < n_words; j++) diff |= s[2 + j] ^ w[j];
      if (diff == 0) return reinterpret_cast<const Rule*>(r);
    }
  }

  uint32_t n_words = 0;
  uint8_t words[kKeyWords] = {};
  uint64_t mask_words[kKeyWords] = {};
  uint64_t seeds[kKeyWords] = {};
  std::atomic<SlotArray*> slots{nullptr};  // owned
};

// The subtables readers visit, in descending order of max_priority (as it
// was at Publish: a rule added in place since then may outrank it, and is
// then seen only if the look-up gets that far, i.e. as not yet added).
struct Version {
  struct Entry {
    const Subtable* st;
    int32_t max_priority;
  };
  std::vector<Entry> subtables;
};

namespace {

// Inserts 'r' into 'list' keeping priority desc, seq asc; returns where.
size_t InsertSorted(std::vector<std::shared_ptr<Rule>>* list, std::shared_ptr<Rule> r) {
  auto it = std::find_if(list->begin(), list->end(),
                         [&](const std::shared_ptr<Rule>& x) { return Outranks(r.get(), x.get()); });
  const size_t at = size_t(it - list->begin());
  list->insert(it, std::move(r));
  return at;
}

// Writes the match 'key' (hash 'hash') into the first empty slot of its
// probe sequence in 'a' and makes it live with 'rule'; returns the slot.
uint32_t Place(const Subtable& st, SlotArray* a, const FlowKey& key, uint64_t hash,
               const Rule* rule) {
  uint64_t i = hash & a->slot_mask;
  while (a->At(i)[0] != kEmptySlot) i = (i + 1) & a->slot_mask;
  uint64_t* s = a->At(i);
  s[1] = hash;
  for (uint32_t j = 0; j < st.n_words; j++) s[2 + j] = KeyWord(key, st.words[j]);
  __atomic_store_n(&s[0], reinterpret_cast<uint64_t>(rule), __ATOMIC_RELEASE);
  a->used++;
  return uint32_t(i);
}

}  // namespace

Classifier::Classifier(uint32_t n_workers) : n_workers_(n_workers), current_(new Version()) {}

Classifier::~Classifier() {
  ReleaseRetired();
  delete current_.load();
  for (auto& g : groups_) delete g.second->st;
}

const Rule* Classifier::Lookup(const FlowKey& key) const {
  const Version* v = current_.load(std::memory_order_acquire);
  const Rule* best = nullptr;
  for (const Version::Entry& e : v->subtables) {
    // Early stop: nothing further down can outrank what we hold (a tie
    // still needs a look: the earlier rule wins it).
    if (best && best->priority > e.max_priority) break;
    const Rule* r = e.st->Find(key);
    if (r && (!best || Outranks(r, best))) best = r;
  }
  return best;
}

void Classifier::LookupBatch(const FlowKey* const* keys, uint32_t n, const Rule** rules) const {
  const Version* v = current_.load(std::memory_order_acquire);
  uint64_t hashes[kMaxLookupBatch];
  uint32_t todo[kMaxLookupBatch];
  if (n > kMaxLookupBatch) n = kMaxLookupBatch;
  for (uint32_t i = 0; i < n; i++) rules[i] = nullptr;
  for (const Version::Entry& e : v->subtables) {
    // The keys this subtable may still improve on (Lookup's early stop,
    // key by key).
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
      if (!rules[i] || rules[i]->priority <= e.max_priority) todo[m++] = i;
    if (m == 0) break;
    // Pairs with the release store that published the array (Grow).
    const SlotArray* a = e.st->slots.load(std::memory_order_acquire);
    // Every key's first slot is requested before any is read, so their
    // cache misses overlap instead of following one another.
    for (uint32_t j = 0; j < m; j++) {
      const uint32_t i = todo[j];
      hashes[i] = e.st->Hash(*keys[i]);
      __builtin_prefetch(Subtable::FirstSlot(a, hashes[i]));
    }
    for (uint32_t j = 0; j < m; j++) {
      const uint32_t i = todo[j];
      const Rule* r = e.st->Probe(a, *keys[i], hashes[i]);
      if (r && (!rules[i] || Outranks(r, rules[i]))) rules[i] = r;
    }
  }
}

void Classifier::Index(const std::shared_ptr<Rule>& r) {
  by_id_[r->id] = r;
  if (r->idle_timeout || r->hard_timeout) timed_.insert(r->id);
}

void Classifier::Unindex(const Rule& r) {
  by_id_.erase(r.id);
  timed_.erase(r.id);
}

void Classifier::AttachStats(Rule* r, const std::shared_ptr<RuleStats>& stats) {
  r->stats = stats;
  r->counters = stats->slots();
}

void Classifier::CountPriority(MaskGroup* g, int32_t priority, int delta) {
  const int32_t before = g->priorities.empty() ? -1 : g->priorities.rbegin()->first;
  auto it = g->priorities.emplace(priority, 0).first;
  it->second += size_t(delta);  // wraps back to 0 for -1 on a count of 1
  if (it->second == 0) g->priorities.erase(it);
  const int32_t after = g->priorities.empty() ? -1 : g->priorities.rbegin()->first;
  if (before != after) order_dirty_ = true;
}

// A new array with room to spare (at most 40% full), every match placed
// again, published with one release store; the old one is retired (readers
// may still be probing it: it stays as it was).
void Classifier::Grow(MaskGroup* g) {
  const size_t live = g->by_match.size();
  uint64_t cap = 8;
  while (cap * 2 < live * 5) cap <<= 1;
  auto* a = new SlotArray(cap, 2 + g->st->n_words);
  for (auto& mp : g->by_match)
    mp.second.slot = Place(*g->st, a, mp.first, mp.second.hash, mp.second.rules.front().get());
  retired_arrays_.push_back(g->st->slots.exchange(a, std::memory_order_release));
}

// Shows readers the first rule of 'm': a new live slot when the match is
// 'fresh', else a release store of the new rule into its slot.
void Classifier::ShowFirst(MaskGroup* g, MatchRules* m, bool fresh) {
  const Rule* first = m->rules.front().get();
  SlotArray* a = g->st->slots.load(std::memory_order_relaxed);
  if (!fresh) {
    __atomic_store_n(&a->At(m->slot)[0], reinterpret_cast<uint64_t>(first), __ATOMIC_RELEASE);
    return;
  }
  if ((a->used + 1) * 2 > a->capacity()) {
    Grow(g);  // places every match of by_match, 'm' included
    return;
  }
  m->slot = Place(*g->st, a, first->match, m->hash, first);
}

// The match of 'm' is gone: its slot becomes a tombstone.
void Classifier::Forget(MaskGroup* g, MatchRules* m) {
  SlotArray* a = g->st->slots.load(std::memory_order_relaxed);
  __atomic_store_n(&a->At(m->slot)[0], kTombstone, __ATOMIC_RELEASE);
}

std::shared_ptr<const Rule> Classifier::Insert(std::shared_ptr<Rule> r, bool reset_counts, bool keep_id) {
  FlowKey masked;
  MaskKey(r->match, r->mask, &masked);
  r->match = masked;
  // Flows come in runs of one mask (a batch of 5-tuples): the last group
  // is checked before the mask is hashed.
  MaskGroup* g = last_group_ && KeyEqual(last_group_->mask, r->mask) ? last_group_ : nullptr;
  if (!g) {
    std::unique_ptr<MaskGroup>& gp = groups_[r->mask];
    if (!gp) {
      gp.reset(new MaskGroup());
      gp->mask = r->mask;
      gp->st = new Subtable(r->mask);
      order_dirty_ = true;
    }
    g = last_group_ = gp.get();
  }
  auto emplaced = g->by_match.try_emplace(r->match);
  MatchRules& m = emplaced.first->second;
  const bool fresh = emplaced.second;
  if (fresh) m.hash = HashKey(r->match);
  for (size_t i = 0; i < m.rules.size(); i++) {
    std::shared_ptr<Rule>& old = m.rules[i];
    if (old->priority != r->priority) continue;
    r->seq = old->seq;
    if (keep_id) r->id = old->id;
    AttachStats(r.get(), reset_counts || !old->stats ? std::make_shared<RuleStats>(n_workers_)
                                                     : old->stats);
    std::shared_ptr<const Rule> replaced = old;
    Unindex(*old);
    Index(r);
    retired_rules_.push_back(std::move(old));
    old = std::move(r);
    if (i == 0) ShowFirst(g, &m, false);
    return replaced;
  }
  r->seq = next_seq_++;
  AttachStats(r.get(), std::make_shared<RuleStats>(n_workers_));
  Index(r);
  const int32_t priority = r->priority;
  if (InsertSorted(&m.rules, std::move(r)) == 0) ShowFirst(g, &m, fresh);
  g->n_rules++;
  n_rules_++;
  CountPriority(g, priority, +1);
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
  for (const auto& r : m->second.rules)
    if (r->priority == priority) return r.get();
  return nullptr;
}

bool Classifier::Overlaps(const FlowKey& match, const FlowKey& mask, int32_t priority) const {
  // Two rules overlap when they agree on every bit both masks cover.
  FlowKey masked;
  MaskKey(match, mask, &masked);
  for (const auto& gp : groups_) {
    const MaskGroup& g = *gp.second;
    if (!g.priorities.count(priority)) continue;
    FlowKey both;
    MaskKey(g.mask, mask, &both);
    for (const auto& mp : g.by_match) {
      bool agree = true;
      for (size_t i = 0; i < kKeyWords && agree; i++)
        agree = ((KeyWord(mp.first, i) ^ KeyWord(masked, i)) & KeyWord(both, i)) == 0;
      if (!agree) continue;
      for (const auto& r : mp.second.rules)
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

// Calls fn(group, list, index) for every selected rule of the match 'm';
// 'fn' returns whether it removed the rule from 'list'.  Then shows
// readers the match's new first rule, or forgets the match if it has no
// rule left; returns whether 'm' was erased.
template <typename Fn>
bool Classifier::ForSelectedIn(MaskGroup* g, MatchIter m, const Selector& sel, Fn fn) {
  RuleList& list = m->second.rules;
  const Rule* first = list.front().get();
  for (size_t i = 0; i < list.size();) {
    if (Selects(sel, *list[i]) && fn(*g, list, i)) continue;
    i++;
  }
  if (list.empty()) {
    Forget(g, &m->second);
    g->by_match.erase(m);
    return true;
  }
  if (list.front().get() != first) ShowFirst(g, &m->second, false);
  return false;
}

// Every selected rule, as ForSelectedIn; a strict selector names one
// match of one mask, found without a scan.
template <typename Fn>
void Classifier::ForSelected(const Selector& sel, Fn fn) {
  if (sel.strict) {
    auto g = groups_.find(sel.mask);
    if (g == groups_.end()) return;
    FlowKey masked;
    MaskKey(sel.match, sel.mask, &masked);
    auto m = g->second->by_match.find(masked);
    if (m != g->second->by_match.end()) ForSelectedIn(g->second.get(), m, sel, fn);
    return;
  }
  for (auto& gp : groups_) {
    MaskGroup* g = gp.second.get();
    for (auto m = g->by_match.begin(); m != g->by_match.end();) {
      auto next = std::next(m);
      ForSelectedIn(g, m, sel, fn);
      m = next;
    }
  }
}

size_t Classifier::Modify(const Selector& sel, const std::function<void(Rule*)>& edit) {
  size_t n = 0;
  ForSelected(sel, [&](MaskGroup&, RuleList& list, size_t i) {
    auto r = std::make_shared<Rule>(*list[i]);
    edit(r.get());
    if (!r->stats) AttachStats(r.get(), std::make_shared<RuleStats>(n_workers_));
    Unindex(*list[i]);
    Index(r);
    retired_rules_.push_back(std::move(list[i]));
    list[i] = std::move(r);
    n++;
    return false;
  });
  return n;
}

size_t Classifier::Delete(const Selector& sel, std::vector<std::shared_ptr<const Rule>>* removed) {
  size_t n = 0;
  ForSelected(sel, [&](MaskGroup& g, RuleList& list, size_t i) {
    if (removed) removed->push_back(list[i]);
    CountPriority(&g, list[i]->priority, -1);
    Unindex(*list[i]);
    retired_rules_.push_back(std::move(list[i]));
    list.erase(list.begin() + long(i));
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
      for (auto& r : mp.second.rules) retired_rules_.push_back(std::move(r));
    retired_subtables_.push_back(g.st);
  }
  groups_.clear();
  last_group_ = nullptr;
  by_id_.clear();
  timed_.clear();
  n_rules_ = 0;
  order_dirty_ = true;
}

void Classifier::Publish() {
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second->n_rules) {
      ++it;
      continue;
    }
    retired_subtables_.push_back(it->second->st);
    if (it->second.get() == last_group_) last_group_ = nullptr;
    it = groups_.erase(it);
    order_dirty_ = true;
  }
  // In-place edits are visible already; only a new set or order of
  // subtables needs a new Version.
  if (!order_dirty_) return;
  auto* v = new Version();
  v->subtables.reserve(groups_.size());
  for (const auto& gp : groups_)
    v->subtables.push_back(Version::Entry{gp.second->st, gp.second->priorities.rbegin()->first});
  std::sort(v->subtables.begin(), v->subtables.end(),
            [](const Version::Entry& a, const Version::Entry& b) {
              return a.max_priority > b.max_priority;
            });
  retired_versions_.push_back(current_.exchange(v, std::memory_order_acq_rel));
  order_dirty_ = false;
}

void Classifier::ReleaseRetired() {
  retired_rules_.clear();
  for (Subtable* s : retired_subtables_) delete s;
  retired_subtables_.clear();
  for (SlotArray* a : retired_arrays_) delete a;
  retired_arrays_.clear();
  for (const Version* v : retired_versions_) delete v;
  retired_versions_.clear();
}

std::vector<std::shared_ptr<const Rule>> Classifier::Select(const Selector& sel) const {
  std::vector<std::shared_ptr<const Rule>> out;
  for (const auto& gp : groups_) {
    if (sel.strict && !KeyEqual(gp.second->mask, sel.mask)) continue;
    for (const auto& mp : gp.second->by_match)
      for (const auto& r : mp.second.rules)
        if (Selects(sel, *r)) out.push_back(r);
  }
  return out;
}

}  // namespace ofl
