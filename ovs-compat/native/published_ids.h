// An id -> item index that workers read without locks while the control
// thread rebuilds it: what the group table and the meter table publish.
//
// What?
//   PublishedIds<T> holds the version workers see.  Publish(items) builds
//   a new immutable version from the control side's map (an open-addressed
//   table, at most half full) and swaps it in with one atomic exchange;
//   Find(id) reads the current version.  A version keeps every item it
//   indexes alive ('owned'), so an item deleted on the control side lives
//   on while a reader may still hold it.
//
// Design
//   The old versions wait in 'retired' until the caller knows no worker can
//   hold them any more (its grace period: Switch::Synchronize after a
//   control call), then ReleaseRetired() frees them.  T is `const Group`
//   (buckets are read only) or `Meter` (band state is updated in place).
//
// Thread-safety
//   Find: any worker, lock-free, no allocation.  Publish, ReleaseRetired:
//   the control thread only.
#ifndef MSWITCH_OVS_COMPAT_PUBLISHED_IDS_H_
#define MSWITCH_OVS_COMPAT_PUBLISHED_IDS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace ofl {

template <typename T>
class PublishedIds {
 public:
  PublishedIds() : current_(new Version) {}
  ~PublishedIds() {
    delete current_.load();
    ReleaseRetired();
  }
  PublishedIds(const PublishedIds&) = delete;
  PublishedIds& operator=(const PublishedIds&) = delete;

  // The published item 'id', or null.
  T* Find(uint32_t id) const {
    const Version* v = current_.load(std::memory_order_acquire);
    if (v->slots.empty()) return nullptr;
    for (uint32_t i = SlotOf(id, v->mask);; i = (i + 1) & v->mask) {
      const typename Version::Slot& s = v->slots[i];
      if (!s.item) return nullptr;
      if (s.id == id) return s.item;
    }
  }

  // Makes 'items' what Find sees; the version it replaces is retired.
  void Publish(const std::map<uint32_t, std::shared_ptr<T>>& items) {
    auto* v = new Version;
    uint32_t cap = 8;
    while (cap < 2 * items.size()) cap <<= 1;
    v->slots.assign(cap, typename Version::Slot{0, nullptr});
    v->mask = cap - 1;
    v->owned.reserve(items.size());
    for (const auto& kv : items) {
      uint32_t i = SlotOf(kv.first, v->mask);
      while (v->slots[i].item) i = (i + 1) & v->mask;
      v->slots[i] = typename Version::Slot{kv.first, kv.second.get()};
      v->owned.push_back(kv.second);
    }
    retired_.push_back(current_.exchange(v, std::memory_order_acq_rel));
  }

  // Frees the retired versions: call only when no worker can hold them.
  void ReleaseRetired() {
    for (const Version* v : retired_) delete v;
    retired_.clear();
  }

 private:
  struct Version {
    struct Slot {
      uint32_t id;
      T* item;  // null: empty slot
    };
    std::vector<Slot> slots;  // power of two
    uint32_t mask = 0;
    std::vector<std::shared_ptr<T>> owned;
  };

  static uint32_t SlotOf(uint32_t id, uint32_t mask) { return (id * 0x9e3779b1u) >> 7 & mask; }

  std::atomic<const Version*> current_;
  std::vector<const Version*> retired_;
};

}  // namespace ofl

#endif  // MSWITCH_OVS_COMPAT_PUBLISHED_IDS_H_
