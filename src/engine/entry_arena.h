// Where entries live: the SlotTable maps 32-bit ids to entry pointers, and the EntryArena
// packs entries up to kMaxSmallEntry bytes into size classes (8-byte steps) of 16 KiB pages,
// malloc'ing bigger ones alone, and compacts freed slots between engine calls. The entry
// format itself is entry_layout.h's; who links to whom (lists, chains) is not known here.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "src/engine/entry_layout.h"

namespace lrukv::engine::internal {

// ---- Slot table: id -> entry pointer, in pages so growth never copies a big array ----
class SlotTable {
 public:
  // 4096 ids (32 KiB) per page: growth never copies, and a small keyspace wastes little.
  static constexpr uint32_t kPageShift = 12;
  static constexpr uint32_t kPageIds = 1u << kPageShift;

  explicit SlotTable(Id first_id) : first_id_(first_id), next_unused_(first_id) {}
  ~SlotTable() { Clear(); }
  SlotTable(const SlotTable&) = delete;
  SlotTable& operator=(const SlotTable&) = delete;

  char* Get(Id id) const {
    return reinterpret_cast<char*>(pages_[id >> kPageShift][id & (kPageIds - 1)]);
  }
  void Put(Id id, char* e) {
    pages_[id >> kPageShift][id & (kPageIds - 1)] = reinterpret_cast<uintptr_t>(e);
  }
  // Live ids hold the entry's pointer; free ids hold kFreeMark | next_free; never-used ids 0.
  // The mark is the top bit, which no user-space pointer has: an entry adopted from a read
  // buffer may start at an odd address (entry_layout.h), so the low bit cannot be the mark.
  static constexpr uintptr_t kFreeMark = uintptr_t{1} << (sizeof(uintptr_t) * 8 - 1);
  bool IsLive(Id id) const {
    if (id < first_id_ || id >= next_unused_) return false;
    const uintptr_t v = pages_[id >> kPageShift][id & (kPageIds - 1)];
    return v != 0 && !(v & kFreeMark);
  }
  Id Allocate(char* e) {
    Id id;
    if (free_head_ != kNil) {
      id = free_head_;
      free_head_ = static_cast<Id>(pages_[id >> kPageShift][id & (kPageIds - 1)] & ~kFreeMark);
    } else {
      if (next_unused_ == std::numeric_limits<Id>::max()) throw std::bad_alloc();
      id = next_unused_++;
      if ((id >> kPageShift) >= pages_.size()) {
        auto* page = static_cast<uintptr_t*>(std::calloc(kPageIds, sizeof(uintptr_t)));
        if (!page) throw std::bad_alloc();
        pages_.push_back(page);
      }
    }
    Put(id, e);
    return id;
  }
  void Release(Id id) {
    pages_[id >> kPageShift][id & (kPageIds - 1)] = kFreeMark | free_head_;
    free_head_ = id;
  }
  Id end() const { return next_unused_; }
  Id first() const { return first_id_; }
  uint64_t bytes() const {
    return pages_.size() * kPageIds * sizeof(uintptr_t) + pages_.capacity() * sizeof(void*);
  }
  // Forgets every id (the caller has freed the entries).
  void Clear() {
    for (auto* page : pages_) std::free(page);
    pages_.clear();
    pages_.shrink_to_fit();
    free_head_ = kNil;
    next_unused_ = first_id_;
  }

 private:
  std::vector<uintptr_t*> pages_;
  Id first_id_;
  Id free_head_ = kNil;
  Id next_unused_;
};

// ---- Entry arena ----
// Entries up to kMaxSmallEntry bytes live in size classes of 8-byte steps, packed densely in
// 16 KiB pages: class 6 holds 48-byte entries, 341 per page after the page's 16-byte header.
// A freed slot becomes a hole; at the end of a mutating call (never inside one, so pointers
// taken there stay valid) the last entry of the class moves into each hole, so a class never
// holds more than its live entries plus one partly used page and one spare. Bigger entries
// are malloc'd alone.
//
// Pages are 16 KiB-aligned, carved from 1 MiB slabs mapped once, so an entry's page header
// is at (address & ~16383). A page the classes give back reads size_class 0 and waits, still
// resident, for reuse or for PurgeFreePages to return it to the kernel (MADV_DONTNEED, in
// address runs: one call per page would cost a TLB shootdown each). Slabs stay mapped until
// Reset, so a stale pointer to a page can always be read.
//
// A large entry may also be adopted (Adopt): a malloc'd block that already holds the value,
// typically a big request's read buffer, becomes the entry's block without a copy, the entry
// built in place in front of the value (kFlagPadded, entry_layout.h). From then on it is a
// large entry like the others: Capacity counts its whole block, ReallocLarge and Free work on
// the block and keep the pad.
inline constexpr size_t kMaxSmallEntry = 512;
// An adopted block may exceed its entry by 1/2^kAdoptSlackShift of the entry's bytes (1/8, as
// a request buffer sized to its bulk has a page or so to spare; Redis trims a string whose
// free space exceeds 10% of it). A block with more slack is not adopted: the value is copied.
inline constexpr int kAdoptSlackShift = 3;
inline constexpr size_t kArenaPageBytes = 16384;
inline constexpr size_t kPageHeaderBytes = 16;
inline constexpr size_t kSlabBytes = 1 << 20;
inline constexpr int64_t kNoDeadline = INT64_MAX;  // PageHeader::min_deadline_ms: no TTL entry
inline size_t RoundUp8(size_t n) { return (n + 7) & ~size_t{7}; }

// The first bytes of every arena page.
struct PageHeader {
  // Conservative: <= the deadline of every TTL entry on the page (it may be too early, as
  // entries leave or get later deadlines, never too late); kNoDeadline when it holds none
  // known. The expiry index (expiry_index.h) files the page under this value.
  int64_t min_deadline_ms;
  uint32_t index;       // position of the page in its class's page list
  uint16_t size_class;  // slot_bytes / 8; 0 = not in use by any class
  uint16_t unused;
};
static_assert(sizeof(PageHeader) == kPageHeaderBytes);

inline PageHeader* PageOf(const char* e) {
  return reinterpret_cast<PageHeader*>(reinterpret_cast<uintptr_t>(e) &
                                       ~static_cast<uintptr_t>(kArenaPageBytes - 1));
}

class EntryArena {
 public:
  EntryArena();
  ~EntryArena();
  EntryArena(const EntryArena&) = delete;
  EntryArena& operator=(const EntryArena&) = delete;

  // Bytes the entry occupies: its slot, or its malloc block. Reads the entry's lengths, so
  // the entry must be intact.
  static size_t Capacity(char* e);
  // Bytes from `e` to the end of its slot or block: Capacity less an adopted entry's pad.
  static size_t Room(char* e);
  // An allocation for an entry of `bytes` (exactly that many for a small entry, at least for
  // a large one). Sets the flags byte to kFlagLarge or 0. Throws std::bad_alloc.
  char* Alloc(size_t bytes);
  // Grows or shrinks a large entry to `bytes` (realloc: the bytes are kept, a big block is
  // remapped rather than copied). Throws std::bad_alloc.
  char* ReallocLarge(char* e, size_t bytes);
  // Frees an intact entry (its lengths are read to find its class).
  void Free(char* e);
  // Whether a large entry of `entry_bytes` can be adopted `pad` bytes into the malloc'd
  // `block`: 1 <= pad <= kMaxPad, the entry fits in the block's usable size, and the block is
  // not much bigger than the entry (at most kAdoptSlackShift's share more), as it is all
  // counted as the entry's from then on. Changes nothing.
  static bool CanAdopt(char* block, size_t pad, size_t entry_bytes);
  // Takes over `block` (CanAdopt must have said yes; the caller has written nothing but the
  // entry's key): stores the pad, sets the flags byte to kFlagLarge | kFlagPadded and counts
  // the block. Returns the entry, block + pad. The block is the arena's from now on.
  char* Adopt(char* block, size_t pad);
  // Fills every hole with the last entry of its class and returns spare pages. Only between
  // calls: it moves entries, calling relocated(from, to) after each copy (the bytes at `from`
  // are still intact then) so the caller can repoint the entry's id.
  template <typename Fn>
  void Compact(Fn&& relocated);
  // Forgets every small entry (the caller has dropped every reference to them and to their
  // pages) and unmaps the slabs.
  void Reset();
  // Returns one run of adjacent pages no class uses (at most a slab) to the kernel with one
  // madvise; how many pages (0: none waiting).
  size_t PurgeFreeRun();
  size_t unpurged_pages() const { return unpurged_pages_.size(); }

  // ---- Pages, for the expiry index ----
  // Whether `page` (any page pointer ever handed out, even a returned one) is in use.
  static bool InUse(const PageHeader* page) { return page->size_class != 0; }
  // Slots [0, n) of a page in use hold entries or holes (IsFreeSlot); the rest are unused.
  size_t SlotsInUse(const PageHeader* page) const {
    const SizeClass& c = classes_[page->size_class];
    const uint64_t first = uint64_t{page->index} * c.per_page;
    if (c.count <= first) return 0;
    return static_cast<size_t>(std::min<uint64_t>(c.per_page, c.count - first));
  }
  char* Slot(PageHeader* page, size_t i) const {
    return reinterpret_cast<char*>(page) + kPageHeaderBytes +
           i * classes_[page->size_class].slot_bytes;
  }

  // malloc_usable_size of large entries + slot bytes of small ones.
  uint64_t entry_bytes() const { return entry_bytes_; }
  uint64_t page_bytes() const { return arena_bytes_; }  // pages of the size classes
  // The class table, page lists, and the header of every page in use.
  uint64_t overhead_bytes() const {
    uint64_t page_lists = 0;
    for (const SizeClass& c : classes_) {
      page_lists += (c.pages.capacity() + c.holes.capacity()) * sizeof(char*);
    }
    return classes_.capacity() * sizeof(SizeClass) + page_lists +
           (slabs_.capacity() + free_pages_.capacity() + unpurged_pages_.capacity()) *
               sizeof(char*) +
           arena_bytes_ / kArenaPageBytes * kPageHeaderBytes;
  }

 private:
  struct SizeClass {
    std::vector<char*> pages;
    std::vector<char*> holes;
    uint64_t count = 0;  // slots [0, count) are live entries or holes
    uint32_t slot_bytes = 0;
    uint32_t per_page = 0;
    char* SlotAddr(uint64_t i) const {
      return pages[i / per_page] + kPageHeaderBytes + (i % per_page) * slot_bytes;
    }
  };
  void ReleaseSparePages(SizeClass& c);
  char* NewPage(size_t size_class, uint32_t index);
  void ReturnPage(char* page);

  std::vector<SizeClass> classes_;
  std::vector<char*> slabs_;           // 1 MiB each, 16 KiB-aligned
  std::vector<char*> free_pages_;      // pages of the slabs no class uses (not resident)
  std::vector<char*> unpurged_pages_;  // pages no class uses, still resident
  bool unpurged_sorted_ = true;        // unpurged_pages_ is in address order
  uint64_t entry_bytes_ = 0;
  uint64_t arena_bytes_ = 0;
  bool has_holes_ = false;
};

template <typename Fn>
void EntryArena::Compact(Fn&& relocated) {
  if (!has_holes_) return;
  has_holes_ = false;
  for (SizeClass& c : classes_) {
    if (c.per_page == 0) continue;
    while (!c.holes.empty()) {
      while (c.count > 0 && static_cast<uint8_t>(c.SlotAddr(c.count - 1)[kOffFlags]) == kFlagHole) {
        c.SlotAddr(--c.count)[kOffFlags] = static_cast<char>(kFlagTrimmed);
      }
      char* hole = c.holes.back();
      c.holes.pop_back();
      if (static_cast<uint8_t>(hole[kOffFlags]) != kFlagHole) continue;  // trimmed
      char* last = c.SlotAddr(c.count - 1);
      std::memcpy(hole, last, c.slot_bytes);
      relocated(static_cast<const char*>(last), hole);
      last[kOffFlags] = static_cast<char>(kFlagTrimmed);
      --c.count;
    }
    ReleaseSparePages(c);
  }
}

}  // namespace lrukv::engine::internal
