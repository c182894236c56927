// An intrusive doubly linked list over entry ids, newest at the head: O(1) unlink, push and
// touch, no allocation. The links live inside the entries; a Links type says where. The engine
// keeps one: every key, links in the entry header.
#pragma once

#include "src/engine/entry_arena.h"
#include "src/engine/entry_layout.h"

namespace lrukv::engine::internal {

// Links is copyable and has Id Prev(Id), Id Next(Id), SetPrev(Id, Id), SetNext(Id, Id); prev
// points to the older neighbour, next to the newer one, kNil past the ends.
template <typename Links>
class LruList {
 public:
  explicit LruList(Links links) : links_(links) {}

  Id head() const { return head_; }  // most recently used
  Id tail() const { return tail_; }  // least recently used
  Id Newer(Id id) const { return links_.Next(id); }

  void Unlink(Id id) {
    const Id p = links_.Prev(id);
    const Id n = links_.Next(id);
    if (p)
      links_.SetNext(p, n);
    else
      tail_ = n;
    if (n)
      links_.SetPrev(n, p);
    else
      head_ = p;
  }
  void PushHead(Id id) {
    links_.SetPrev(id, head_);
    links_.SetNext(id, kNil);
    if (head_)
      links_.SetNext(head_, id);
    else
      tail_ = id;
    head_ = id;
  }
  void MoveToHead(Id id) {
    if (head_ == id) return;
    Unlink(id);
    PushHead(id);
  }
  void PushTail(Id id) {
    links_.SetNext(id, tail_);
    links_.SetPrev(id, kNil);
    if (tail_)
      links_.SetPrev(tail_, id);
    else
      head_ = id;
    tail_ = id;
  }
  void MoveToTail(Id id) {
    if (tail_ == id) return;
    Unlink(id);
    PushTail(id);
  }

 private:
  Links links_;
  Id head_ = kNil;
  Id tail_ = kNil;
};

// Links in the entry header (kOffPrev, kOffNext): the LRU order of every key.
struct HeaderLinks {
  const SlotTable* slots;
  Id Prev(Id id) const { return Load32(slots->Get(id) + kOffPrev); }
  Id Next(Id id) const { return Load32(slots->Get(id) + kOffNext); }
  void SetPrev(Id id, Id v) const { Store32(slots->Get(id) + kOffPrev, v); }
  void SetNext(Id id, Id v) const { Store32(slots->Get(id) + kOffNext, v); }
};

}  // namespace lrukv::engine::internal
