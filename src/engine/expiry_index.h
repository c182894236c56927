// The expiry index: which entries may be due, filed per arena page rather than per key. A
// record is (deadline_ms, unit), the unit either an arena page (its PageHeader; the record
// stands for every TTL entry on the page) or one large entry by id. Records are hints, kept
// in a binary min-heap and checked when popped (lazy invalidation):
//  - a page record is valid while the page is in use and its header's min_deadline_ms equals
//    the record's deadline; the header's value is <= the deadline of every TTL entry on the
//    page, so the heap's valid top is never later than the soonest deadline anywhere;
//  - a large entry's record is valid while the id is live, large, and has that deadline.
// Lowering a page's minimum (a new TTL entry, an earlier deadline, an entry moved in by
// compaction) pushes a new record; anything that removes or postpones a deadline pushes
// nothing, so the page's old record turns up early, the page is scanned, and its minimum is
// recomputed and filed again. Stale records are dropped when popped, and all at once by
// Rebuild when they outnumber the live ones two to one, so the heap stays O(pages with TTL
// entries + large TTL entries).
//
// Example: 1M keys with a TTL in the 56-byte class fill 3,425 pages of 292 slots: the heap
// holds about 3,425 records of 16 bytes (55 KB), 0.05 bytes per key.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "src/engine/entry_arena.h"
#include "src/engine/entry_layout.h"

namespace lrukv::engine::internal {

inline constexpr Id kFirstEntryId = 1;  // the SlotTable's first id (0 is kNil)
// Rebuild the heap when it holds more than 2x the records found valid last time plus this.
inline constexpr size_t kExpiryRebuildSlack = 1024;

struct ExpiryRecord {
  int64_t deadline_ms;
  uint64_t unit;  // a PageHeader address (16 KiB-aligned), or (id << 1) | 1 for a large entry
  bool large() const { return unit & 1; }
  Id id() const { return static_cast<Id>(unit >> 1); }
  PageHeader* page() const { return reinterpret_cast<PageHeader*>(unit); }
  bool operator==(const ExpiryRecord&) const = default;
};

class ExpiryIndex {
 public:
  // A TTL entry with `deadline_ms` is (now) on `page`: lowers the page's minimum if needed.
  void NotePage(PageHeader* page, int64_t deadline_ms) {
    if (deadline_ms < page->min_deadline_ms) {
      page->min_deadline_ms = deadline_ms;
      Push({deadline_ms, reinterpret_cast<uint64_t>(page)});
    }
  }
  // Large entry `id` has (now) `deadline_ms`.
  void NoteLarge(Id id, int64_t deadline_ms) {
    Push({deadline_ms, (static_cast<uint64_t>(id) << 1) | 1});
  }
  void Push(const ExpiryRecord& r) {
    heap_.push_back(r);
    std::push_heap(heap_.begin(), heap_.end(), Later);
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  size_t capacity() const { return heap_.capacity(); }
  const ExpiryRecord& top() const { return heap_.front(); }
  const ExpiryRecord& at(size_t i) const { return heap_[i]; }  // any record (sampling)
  ExpiryRecord Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    const ExpiryRecord r = heap_.back();
    heap_.pop_back();
    return r;
  }
  bool NeedsRebuild() const { return heap_.size() > 2 * live_after_rebuild_ + kExpiryRebuildSlack; }
  // Keeps only the records valid(r) accepts, once each.
  template <typename Valid>
  void Rebuild(Valid&& valid) {
    std::erase_if(heap_, [&](const ExpiryRecord& r) { return !valid(r); });
    std::sort(heap_.begin(), heap_.end(), [](const ExpiryRecord& a, const ExpiryRecord& b) {
      return a.unit != b.unit ? a.unit < b.unit : a.deadline_ms < b.deadline_ms;
    });
    heap_.erase(std::unique(heap_.begin(), heap_.end()), heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), Later);
    if (heap_.capacity() > 2 * heap_.size() + kExpiryRebuildSlack) heap_.shrink_to_fit();
    live_after_rebuild_ = heap_.size();
  }
  void Clear() {
    heap_.clear();
    heap_.shrink_to_fit();
    live_after_rebuild_ = 0;
  }
  uint64_t bytes() const { return heap_.capacity() * sizeof(ExpiryRecord); }

 private:
  static bool Later(const ExpiryRecord& a, const ExpiryRecord& b) {
    return a.deadline_ms > b.deadline_ms;
  }
  std::vector<ExpiryRecord> heap_;
  size_t live_after_rebuild_ = 0;
};

}  // namespace lrukv::engine::internal
