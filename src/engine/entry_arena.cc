// EntryArena (see entry_arena.h): size-class allocation, large entries, spare pages.
#include "src/engine/entry_arena.h"

#include <malloc.h>

namespace lrukv::engine::internal {

EntryArena::EntryArena() : classes_(kMaxSmallEntry / 8 + 1) {
  for (size_t k = 1; k < classes_.size(); ++k) {
    classes_[k].slot_bytes = static_cast<uint32_t>(k * 8);
    classes_[k].per_page = static_cast<uint32_t>(kArenaPageBytes / (k * 8));
  }
}

size_t EntryArena::Capacity(char* e) {
  if (IsLarge(e)) return malloc_usable_size(e);
  Parsed p = Parse(e);
  return RoundUp8(EntrySize(p.key_len, p.value_len, p.ttl != nullptr));
}

char* EntryArena::Alloc(size_t bytes) {
  char* e;
  if (bytes > kMaxSmallEntry) {
    e = static_cast<char*>(std::malloc(bytes));
    if (!e) throw std::bad_alloc();
    entry_bytes_ += malloc_usable_size(e);
    e[kOffFlags] = static_cast<char>(kFlagLarge);
    return e;
  }
  SizeClass& c = classes_[RoundUp8(bytes) / 8];
  if (!c.holes.empty()) {
    e = c.holes.back();
    c.holes.pop_back();
  } else {
    const uint64_t i = c.count++;
    if (i / c.per_page >= c.pages.size()) {
      char* page = static_cast<char*>(std::malloc(kArenaPageBytes));
      if (!page) {
        --c.count;
        throw std::bad_alloc();
      }
      c.pages.push_back(page);
      arena_bytes_ += kArenaPageBytes;
    }
    e = c.SlotAddr(i);
  }
  entry_bytes_ += c.slot_bytes;
  e[kOffFlags] = 0;
  return e;
}

char* EntryArena::ReallocLarge(char* e, size_t bytes) {
  entry_bytes_ -= malloc_usable_size(e);
  e = static_cast<char*>(std::realloc(e, bytes));
  if (!e) throw std::bad_alloc();
  entry_bytes_ += malloc_usable_size(e);
  return e;
}

void EntryArena::Free(char* e) {
  if (IsLarge(e)) {
    entry_bytes_ -= malloc_usable_size(e);
    std::free(e);
    return;
  }
  SizeClass& c = classes_[Capacity(e) / 8];
  entry_bytes_ -= c.slot_bytes;
  e[kOffFlags] = static_cast<char>(kFlagHole);
  c.holes.push_back(e);
  has_holes_ = true;
}

void EntryArena::ReleaseSparePages(SizeClass& c) {
  const uint64_t needed_pages = (c.count + c.per_page - 1) / c.per_page;
  while (c.pages.size() > needed_pages + 1) {
    std::free(c.pages.back());
    c.pages.pop_back();
    arena_bytes_ -= kArenaPageBytes;
  }
}

void EntryArena::Reset() {
  for (SizeClass& c : classes_) {
    for (char* page : c.pages) std::free(page);
    arena_bytes_ -= c.pages.size() * kArenaPageBytes;
    c.pages.clear();
    c.pages.shrink_to_fit();
    c.holes.clear();
    c.holes.shrink_to_fit();
    c.count = 0;
  }
  has_holes_ = false;
}

}  // namespace lrukv::engine::internal
