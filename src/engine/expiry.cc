// Engine::Impl's active expiry (see engine_impl.h and expiry_index.h): filing deadlines per
// page, and reclaiming the expired keys of due pages and large entries within a time budget.
#include <algorithm>
#include <chrono>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using namespace internal;  // NOLINT: the engine's own internals

namespace {
// How often ReclaimDue looks at the wall clock, in slots and records visited.
constexpr size_t kClockCheckEvery = 16;
}  // namespace

void Engine::Impl::NoteDeadline(Id id, char* e, int64_t deadline_ms) {
  if (IsLarge(e)) {
    expiry.NoteLarge(id, deadline_ms);
  } else {
    expiry.NotePage(PageOf(e), deadline_ms);
  }
  if (expiry.NeedsRebuild()) {
    expiry.Rebuild([&](const ExpiryRecord& r) { return RecordValid(r); });
  }
}

bool Engine::Impl::RecordValid(const ExpiryRecord& r) const {
  if (r.large()) {
    const Id id = r.id();
    if (!slots.IsLive(id)) return false;
    char* e = E(id);
    return IsLarge(e) && HasTtl(e) && Load64(Parse(e).ttl + kTtlDeadline) == r.deadline_ms;
  }
  const PageHeader* page = r.page();
  return EntryArena::InUse(page) && page->min_deadline_ms == r.deadline_ms;
}

bool Engine::Impl::HasDueRecord(int64_t now_ms) {
  while (!expiry.empty() && !RecordValid(expiry.top())) expiry.Pop();
  return !expiry.empty() && expiry.top().deadline_ms < now_ms;
}

size_t Engine::Impl::ReclaimDue(int64_t now_ms, int64_t budget_us, bool* timed_out,
                                size_t* examined_out) {
  const auto limit =
      std::chrono::steady_clock::now() + std::chrono::microseconds(std::max<int64_t>(0, budget_us));
  size_t work = 0;
  size_t reclaimed = 0;
  // True when the budget is spent (checked every kClockCheckEvery steps of work). Never before
  // the first key is reclaimed: a page is scanned from its first slot again in the next slice,
  // and compaction refills its holes with live entries, so a budget shorter than the live
  // prefix of a page (a preempted or sanitizer-slowed slice) would otherwise make no progress.
  auto out_of_time = [&] {
    return budget_us >= 0 && ++work % kClockCheckEvery == 0 && reclaimed > 0 &&
           std::chrono::steady_clock::now() >= limit;
  };
  size_t examined = 0;
  bool stopped = false;
  // As Redis's keyIsExpired: a key is live through its deadline's millisecond.
  while (!expiry.empty() && expiry.top().deadline_ms < now_ms) {
    if (out_of_time()) {
      stopped = true;
      break;
    }
    const ExpiryRecord r = expiry.Pop();
    if (!RecordValid(r)) continue;
    if (r.large()) {  // valid and due: the entry's own deadline is r.deadline_ms < now_ms
      ++examined;
      RemoveEntry(r.id(), Removal::kExpired);
      ++reclaimed;
      continue;
    }
    PageHeader* page = r.page();
    const size_t n = arena.SlotsInUse(page);
    int64_t new_min = kNoDeadline;
    size_t i = 0;
    for (; i < n; ++i) {
      if (out_of_time()) break;
      char* e = arena.Slot(page, i);
      if (IsFreeSlot(e) || !HasTtl(e)) continue;
      ++examined;
      const int64_t d = Load64(Parse(e).ttl + kTtlDeadline);
      if (d < now_ms) {
        RemoveEntry(IdOf(e), Removal::kExpired);  // leaves a hole; nothing moves until Compact
        ++reclaimed;
      } else {
        new_min = std::min(new_min, d);
      }
    }
    if (i < n) {  // out of time mid-page: the old minimum is still a safe lower bound
      expiry.Push(r);
      stopped = true;
      break;
    }
    page->min_deadline_ms = new_min;
    if (new_min != kNoDeadline) expiry.Push({new_min, r.unit});
  }
  if (timed_out) *timed_out = stopped;
  if (examined_out) *examined_out = examined;
  return reclaimed;
}

}  // namespace lrukv::engine
