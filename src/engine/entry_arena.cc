// EntryArena (see entry_arena.h): size-class allocation, large entries, aligned pages carved
// from slabs, spare pages.
#include "src/engine/entry_arena.h"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>

namespace lrukv::engine::internal {

EntryArena::EntryArena() : classes_(kMaxSmallEntry / 8 + 1) {
  for (size_t k = 1; k < classes_.size(); ++k) {
    classes_[k].slot_bytes = static_cast<uint32_t>(k * 8);
    classes_[k].per_page = static_cast<uint32_t>((kArenaPageBytes - kPageHeaderBytes) / (k * 8));
  }
}

EntryArena::~EntryArena() { Reset(); }

size_t EntryArena::Capacity(char* e) {
  if (IsLarge(e)) return malloc_usable_size(BlockOf(e));
  Parsed p = Parse(e);
  return RoundUp8(EntrySize(p.key_len, p.value_len, p.ttl != nullptr));
}

size_t EntryArena::Room(char* e) {
  return Capacity(e) - static_cast<size_t>(e - (IsLarge(e) ? BlockOf(e) : e));
}

bool EntryArena::CanAdopt(char* block, size_t pad, size_t entry_bytes) {
  if (pad < 1 || pad > kMaxPad || entry_bytes <= kMaxSmallEntry) return false;
  const size_t usable = malloc_usable_size(block);
  return pad + entry_bytes <= usable &&
         usable - pad - entry_bytes <= entry_bytes >> kAdoptSlackShift;
}

char* EntryArena::Adopt(char* block, size_t pad) {
  entry_bytes_ += malloc_usable_size(block);
  char* e = block + pad;
  e[-1] = static_cast<char>(pad);
  e[kOffFlags] = static_cast<char>(kFlagLarge | kFlagPadded);
  return e;
}

char* EntryArena::NewPage(size_t size_class, uint32_t index) {
  if (!unpurged_pages_.empty()) {                   // still resident: no page faults
    free_pages_.push_back(unpurged_pages_.back());  // the order of the rest is kept
    unpurged_pages_.pop_back();
  } else if (free_pages_.empty()) {
    // Map a slab with room to align it, then unmap the unaligned head and tail.
    const size_t span = kSlabBytes + kArenaPageBytes;
    void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kArenaPageBytes - 1) & ~uintptr_t{kArenaPageBytes - 1};
    if (aligned > start) munmap(raw, aligned - start);
    const uintptr_t end = start + span;
    if (end > aligned + kSlabBytes) {
      munmap(reinterpret_cast<void*>(aligned + kSlabBytes), end - aligned - kSlabBytes);
    }
    char* slab = reinterpret_cast<char*>(aligned);
    slabs_.push_back(slab);
    for (size_t off = kSlabBytes; off > 0; off -= kArenaPageBytes) {
      free_pages_.push_back(slab + off - kArenaPageBytes);  // lowest address popped first
    }
  }
  char* page = free_pages_.back();
  free_pages_.pop_back();
  auto* header = reinterpret_cast<PageHeader*>(page);
  header->min_deadline_ms = kNoDeadline;
  header->index = index;
  header->size_class = static_cast<uint16_t>(size_class);
  header->unused = 0;
  arena_bytes_ += kArenaPageBytes;
  return page;
}

void EntryArena::ReturnPage(char* page) {
  reinterpret_cast<PageHeader*>(page)->size_class = 0;  // not in use
  unpurged_pages_.push_back(page);
  unpurged_sorted_ = false;
  arena_bytes_ -= kArenaPageBytes;
}

size_t EntryArena::PurgeFreeRun() {
  if (unpurged_pages_.empty()) return 0;
  if (!unpurged_sorted_) {
    std::sort(unpurged_pages_.begin(), unpurged_pages_.end());
    unpurged_sorted_ = true;
  }
  // The last run of adjacent pages (at most a slab, as slabs need not be adjacent).
  constexpr auto kSlabPages = static_cast<std::ptrdiff_t>(kSlabBytes / kArenaPageBytes);
  auto first = unpurged_pages_.end() - 1;
  while (first != unpurged_pages_.begin() && *(first - 1) == *first - kArenaPageBytes &&
         unpurged_pages_.end() - first < kSlabPages) {
    --first;
  }
  const auto n = static_cast<size_t>(unpurged_pages_.end() - first);
  madvise(*first, n * kArenaPageBytes, MADV_DONTNEED);
  free_pages_.insert(free_pages_.end(), first, unpurged_pages_.end());
  unpurged_pages_.erase(first, unpurged_pages_.end());
  return n;
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
  const size_t k = RoundUp8(bytes) / 8;
  SizeClass& c = classes_[k];
  if (!c.holes.empty()) {
    e = c.holes.back();
    c.holes.pop_back();
  } else {
    const uint64_t i = c.count;
    if (i / c.per_page >= c.pages.size()) {
      c.pages.push_back(NewPage(k, static_cast<uint32_t>(c.pages.size())));
    }
    ++c.count;
    e = c.SlotAddr(i);
  }
  entry_bytes_ += c.slot_bytes;
  e[kOffFlags] = 0;
  return e;
}

char* EntryArena::ReallocLarge(char* e, size_t bytes) {
  char* block = BlockOf(e);
  const auto pad = static_cast<size_t>(e - block);  // kept: realloc keeps the bytes before e
  const size_t old_usable = malloc_usable_size(block);
  block = static_cast<char*>(std::realloc(block, pad + bytes));
  if (!block) throw std::bad_alloc();
  entry_bytes_ -= old_usable;
  entry_bytes_ += malloc_usable_size(block);
  return block + pad;
}

void EntryArena::Free(char* e) {
  if (IsLarge(e)) {
    char* block = BlockOf(e);
    entry_bytes_ -= malloc_usable_size(block);
    std::free(block);
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
    ReturnPage(c.pages.back());
    c.pages.pop_back();
  }
}

void EntryArena::Reset() {
  for (SizeClass& c : classes_) {
    c.pages.clear();
    c.pages.shrink_to_fit();
    c.holes.clear();
    c.holes.shrink_to_fit();
    c.count = 0;
  }
  // One munmap per run of adjacent slabs (each call flushes the TLB).
  std::sort(slabs_.begin(), slabs_.end());
  for (size_t i = 0; i < slabs_.size();) {
    size_t j = i + 1;
    while (j < slabs_.size() && slabs_[j] == slabs_[j - 1] + kSlabBytes) ++j;
    munmap(slabs_[i], (j - i) * kSlabBytes);
    i = j;
  }
  slabs_.clear();
  slabs_.shrink_to_fit();
  free_pages_.clear();
  free_pages_.shrink_to_fit();
  unpurged_pages_.clear();
  unpurged_pages_.shrink_to_fit();
  arena_bytes_ = 0;
  has_holes_ = false;
}

}  // namespace lrukv::engine::internal
