// The hierarchical timing wheel that files keys by expire_at_ms for active expiry. A slot
// entry is only a hint: the deadline is read back from the key's TTL trailer (whose wprev and
// wnext fields link the lists) before anything is reclaimed. Lazy expiry and the policies that
// decide what to reclaim are the engine's (engine.cc, eviction.cc).
//
// Level L has 256 slots of 256^L ms each: level 0 = 1 ms slots (256 ms span), level 1 =
// 256 ms (65.5 s), level 2 = 65.5 s (4.7 h), level 3 = 4.7 h (49.7 days), level 4 = 49.7 days
// (34.8 years), level 5 = 34.8 years. Example: with the wheel at t = 1'000'000 ms, a deadline of
// 1'000'100 ms shares every bit above bit 8 with t, so it lands on level 0, slot
// 1'000'100 & 255 = 164; a deadline 30 s later (1'030'100) differs from t above bit 8 but not
// above bit 16, so it lands on level 1, slot (1'030'100 >> 8) & 255 = 183. When the wheel
// passes a slot's start, the slot's whole list is spliced into the pending list in O(1);
// ReclaimDue walks the pending list within its budget, reclaiming due keys and re-filing the
// rest lower down (the key above, once the wheel reaches its slot's start 1'029'888, goes to
// level 0, slot 1'030'100 & 255 = 212).
//
// Lists are circular through sentinel ids 1..kNumSentinels (never entry ids), so an entry can
// be unlinked in O(1) without knowing which slot holds it.
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "src/engine/entry_arena.h"
#include "src/engine/entry_layout.h"

namespace lrukv::engine::internal {

inline constexpr int kWheelLevels = 6;
inline constexpr int kWheelSlots = 256;
inline constexpr Id kSentinelPending = 1 + kWheelLevels * kWheelSlots;
inline constexpr Id kSentinelOverflow = kSentinelPending + 1;  // deadlines beyond level 5
inline constexpr Id kSentinelWork = kSentinelOverflow + 1;     // what one cycle is walking
inline constexpr Id kNumSentinels = kSentinelWork;             // sentinel ids are 1..this
inline constexpr Id kFirstEntryId = kNumSentinels + 1;         // the SlotTable's first id

// How often ReclaimDue looks at the wall clock, in keys examined.
inline constexpr size_t kClockCheckEveryKeys = 16;

class ExpiryWheel {
 public:
  // `slots` resolves entry ids; the wheel starts at start_ms (deadlines before it are due).
  ExpiryWheel(const SlotTable* slots, int64_t start_ms);

  // Files entry `id` (which has a TTL trailer, not on any wheel list) by its deadline.
  void Add(Id id, int64_t deadline_ms) {
    SetPrev(id, id);
    SetNext(id, id);
    Schedule(id, deadline_ms);
  }
  // Takes `id` off whatever wheel list holds it (no-op if none).
  void Remove(Id id);
  // Re-files `id` for a new deadline (the caller has stored it in the trailer).
  void Reschedule(Id id, int64_t deadline_ms) {
    Remove(id);
    Schedule(id, deadline_ms);
  }
  bool HasPending() const { return !ListEmpty(kSentinelPending); }

  // Moves every key with deadline < now_ms to the pending list, then walks it for at most
  // budget_us (< 0: no limit): reclaim(id) for each due key, which must unlink it (Remove),
  // re-filing the others. Returns how many were reclaimed; *timed_out and *examined_out (if
  // given) tell whether the budget ran out and how many keys were looked at.
  template <typename Reclaim>
  size_t ReclaimDue(int64_t now_ms, int64_t budget_us, Reclaim&& reclaim, bool* timed_out,
                    size_t* examined_out);

  // Calls in_list(sentinel) for the pending list, then each non-empty slot from level 0 up
  // (sooner deadlines first within a level), then the overflow list, until it returns an id.
  template <typename Fn>
  Id FindInLists(Fn&& in_list) const;
  // Walking one list: First(s) .. while id != s .. Next(id).
  Id First(Id sentinel) const { return sent_next_[sentinel]; }
  Id Next(Id id) const {
    return id <= kNumSentinels ? sent_next_[id] : Load32(Ttl(id) + kTtlWNext);
  }

 private:
  char* Ttl(Id id) const { return Parse(slots_->Get(id)).ttl; }
  Id Prev(Id id) const {
    return id <= kNumSentinels ? sent_prev_[id] : Load32(Ttl(id) + kTtlWPrev);
  }
  void SetPrev(Id id, Id v) {
    if (id <= kNumSentinels)
      sent_prev_[id] = v;
    else
      Store32(Ttl(id) + kTtlWPrev, v);
  }
  void SetNext(Id id, Id v) {
    if (id <= kNumSentinels)
      sent_next_[id] = v;
    else
      Store32(Ttl(id) + kTtlWNext, v);
  }
  bool ListEmpty(Id s) const { return sent_next_[s] == s; }
  static Id SlotSentinel(int level, int slot) { return 1 + level * kWheelSlots + slot; }
  void SetBit(Id s);
  void ClearBit(Id s);
  void PushBack(Id s, Id id);
  // Appends every entry of list `from` to the end of list `to` (or its front), in O(1).
  void Splice(Id from, Id to, bool to_front = false);
  Id SlotFor(int64_t deadline_ms) const;
  void Schedule(Id id, int64_t deadline_ms) { PushBack(SlotFor(deadline_ms), id); }
  // The start of the next wheel slot that holds entries, after wheel_cur_'s own level-0 slot;
  // INT64_MAX if the wheel slots are empty.
  int64_t NextEventTime() const;
  // When the wheel reaches t, the higher-level slots starting at t go to the pending list.
  void CascadeAt(int64_t t);
  // Moves every wheel slot whose time is <= up_to_ms to the pending list; O(slots passed).
  void Collect(int64_t up_to_ms);

  const SlotTable* slots_;
  int64_t wheel_cur_ = 0;  // every deadline < wheel_cur_ has left the wheel slots
  uint64_t bits_[kWheelLevels][kWheelSlots / 64] = {};
  Id sent_prev_[kNumSentinels + 1] = {};
  Id sent_next_[kNumSentinels + 1] = {};
};

template <typename Reclaim>
size_t ExpiryWheel::ReclaimDue(int64_t now_ms, int64_t budget_us, Reclaim&& reclaim,
                               bool* timed_out, size_t* examined_out) {
  Collect(now_ms - 1);
  const auto start = std::chrono::steady_clock::now();
  const auto limit = start + std::chrono::microseconds(std::max<int64_t>(0, budget_us));
  Splice(kSentinelPending, kSentinelWork);
  size_t reclaimed = 0;
  size_t examined = 0;
  bool out_of_time = false;
  while (!ListEmpty(kSentinelWork)) {
    if (budget_us >= 0 && examined % kClockCheckEveryKeys == kClockCheckEveryKeys - 1 &&
        std::chrono::steady_clock::now() >= limit) {
      out_of_time = true;
      break;
    }
    const Id id = sent_next_[kSentinelWork];
    Remove(id);
    ++examined;
    const int64_t d = Load64(Ttl(id) + kTtlDeadline);
    if (d < now_ms) {  // as Redis's keyIsExpired: live through the deadline's millisecond
      reclaim(id);
      ++reclaimed;
    } else {
      Schedule(id, d);
    }
  }
  if (out_of_time) Splice(kSentinelWork, kSentinelPending, /*to_front=*/true);
  if (timed_out) *timed_out = out_of_time;
  if (examined_out) *examined_out = examined;
  return reclaimed;
}

template <typename Fn>
Id ExpiryWheel::FindInLists(Fn&& in_list) const {
  if (Id id = in_list(kSentinelPending)) return id;
  for (int level = 0; level < kWheelLevels; ++level) {
    for (int word = 0; word < kWheelSlots / 64; ++word) {
      uint64_t bits = bits_[level][word];
      while (bits) {
        const int j = word * 64 + std::countr_zero(bits);
        bits &= bits - 1;
        if (Id id = in_list(SlotSentinel(level, j))) return id;
      }
    }
  }
  return in_list(kSentinelOverflow);
}

}  // namespace lrukv::engine::internal
