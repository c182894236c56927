// ExpiryWheel (see expiry_wheel.h): list surgery, slot choice, cascading and collection.
#include "src/engine/expiry_wheel.h"

#include <limits>

namespace lrukv::engine::internal {

ExpiryWheel::ExpiryWheel(const SlotTable* slots, int64_t start_ms)
    : slots_(slots), wheel_cur_(std::max<int64_t>(0, start_ms)) {
  for (Id s = 1; s <= kNumSentinels; ++s) sent_prev_[s] = sent_next_[s] = s;
}

void ExpiryWheel::SetBit(Id s) {
  if (s < kSentinelPending) {
    const Id i = s - 1;
    bits_[i / kWheelSlots][(i % kWheelSlots) / 64] |= 1ull << (i % 64);
  }
}

void ExpiryWheel::ClearBit(Id s) {
  if (s < kSentinelPending) {
    const Id i = s - 1;
    bits_[i / kWheelSlots][(i % kWheelSlots) / 64] &= ~(1ull << (i % 64));
  }
}

void ExpiryWheel::PushBack(Id s, Id id) {
  const Id last = sent_prev_[s];
  SetNext(last, id);
  SetPrev(id, last);
  SetNext(id, s);
  sent_prev_[s] = id;
  SetBit(s);
}

// Leaves `id` linked to itself.
void ExpiryWheel::Remove(Id id) {
  const Id p = Prev(id);
  const Id n = Next(id);
  if (p == id) return;  // not on a list
  SetNext(p, n);
  SetPrev(n, p);
  if (p == n && p <= kNumSentinels) ClearBit(p);
  SetPrev(id, id);
  SetNext(id, id);
}

void ExpiryWheel::Splice(Id from, Id to, bool to_front) {
  if (ListEmpty(from)) return;
  const Id first = sent_next_[from];
  const Id last = sent_prev_[from];
  if (to_front) {
    const Id head = sent_next_[to];
    SetPrev(first, to);
    sent_next_[to] = first;
    SetNext(last, head);
    SetPrev(head, last);
  } else {
    const Id tail = sent_prev_[to];
    SetNext(tail, first);
    SetPrev(first, tail);
    SetNext(last, to);
    sent_prev_[to] = last;
  }
  sent_next_[from] = sent_prev_[from] = from;
  ClearBit(from);
  SetBit(to);
}

Id ExpiryWheel::SlotFor(int64_t deadline_ms) const {
  if (deadline_ms < wheel_cur_) return kSentinelPending;
  const auto d = static_cast<uint64_t>(deadline_ms);
  const auto c = static_cast<uint64_t>(wheel_cur_);
  for (int level = 0; level < kWheelLevels; ++level) {
    const int shift = 8 * (level + 1);
    if ((d >> shift) == (c >> shift)) {
      return SlotSentinel(level, static_cast<int>((d >> (8 * level)) & 255));
    }
  }
  return kSentinelOverflow;
}

int64_t ExpiryWheel::NextEventTime() const {
  const auto c = static_cast<uint64_t>(wheel_cur_);
  for (int level = 0; level < kWheelLevels; ++level) {
    const int idx = static_cast<int>((c >> (8 * level)) & 255);
    for (int word = idx / 64; word < kWheelSlots / 64; ++word) {
      uint64_t bits = bits_[level][word];
      if (word == idx / 64) bits &= (idx % 64 == 63) ? 0 : (~0ull << (idx % 64 + 1));
      if (bits) {
        const uint64_t j = static_cast<uint64_t>(word * 64 + std::countr_zero(bits));
        const int up = 8 * (level + 1);
        const uint64_t base = up >= 64 ? 0 : ((c >> up) << up);
        return static_cast<int64_t>(base + (j << (8 * level)));
      }
    }
  }
  if (!ListEmpty(kSentinelOverflow)) {
    const int top = 8 * kWheelLevels;
    return static_cast<int64_t>(((c >> top) + 1) << top);
  }
  return std::numeric_limits<int64_t>::max();
}

void ExpiryWheel::CascadeAt(int64_t t) {
  const auto u = static_cast<uint64_t>(t);
  for (int level = 1; level < kWheelLevels; ++level) {
    const uint64_t span = 1ull << (8 * level);
    if (u % span != 0) break;
    Splice(SlotSentinel(level, static_cast<int>((u >> (8 * level)) & 255)), kSentinelPending);
  }
  if (u % (1ull << (8 * kWheelLevels)) == 0) Splice(kSentinelOverflow, kSentinelPending);
}

void ExpiryWheel::Collect(int64_t up_to_ms) {
  while (wheel_cur_ <= up_to_ms) {
    Splice(SlotSentinel(0, static_cast<int>(wheel_cur_ & 255)), kSentinelPending);
    const int64_t t = NextEventTime();
    if (t > up_to_ms) {
      if (t == up_to_ms + 1) {
        wheel_cur_ = t;
        CascadeAt(t);
      } else {
        wheel_cur_ = up_to_ms + 1;
      }
      break;
    }
    wheel_cur_ = t;
    CascadeAt(t);
  }
}

}  // namespace lrukv::engine::internal
