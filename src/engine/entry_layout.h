// The byte layout of one lrukv entry (key, value, links, optional TTL trailer) and the small
// codecs that read it: fixed offsets, flags, varint lengths. Every other engine file reaches
// entries through these helpers; where entries live is entry_arena.h's business.
//
// An entry for key "key:0000001" (11 bytes) with a 16-byte value:
//
//   offset  0  u32 hash-chain next id        offset 16  u16 keyspace (table) index
//   offset  4  u32 LRU prev id (older)       offset 18  u8  flags (kFlagTtl, kFlagLarge, ...)
//   offset  8  u32 LRU next id (newer)       offset 19  varint key_len, varint value_len
//   offset 12  u32 last access, unix seconds then key bytes, value bytes
//   [if kFlagTtl: 8-byte trailer: i64 deadline_ms]
//
// = 19 + 1 + 1 + 11 + 16 = 48 bytes, a slot of the 48-byte size class of the entry arena;
// with a TTL 56 bytes, a slot of the 56-byte class. The trailer holds no links: expiry is
// indexed per arena page (expiry_index.h), not per key.
//
// A large entry adopted from a request's read buffer (kFlagPadded, see EntryArena::Adopt)
// does not start at its malloc block: it was built around the value where the request had put
// it, over the request's own framing. For `SET big <1 MiB value>` the block holds
//
//   *3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1048576\r\n<value>\r\n   prefix: 32 bytes
//   the entry needs 19 + 1 + 3 (varints) + 3 (key) = 26 bytes before the value
//
// so the entry starts 6 bytes into the block, and the byte before it (e[-1]) holds that pad
// (1..kMaxPad) so that the block can be found again. Such an entry may start at an odd address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lrukv::engine::internal {

// Entries are addressed by 32-bit ids (entry_arena.h's SlotTable); 0 = none.
using Id = uint32_t;
inline constexpr Id kNil = 0;

__extension__ using Int128 = __int128;

// ---- Entry layout ----
inline constexpr size_t kOffHNext = 0;
inline constexpr size_t kOffPrev = 4;
inline constexpr size_t kOffNext = 8;
inline constexpr size_t kOffAccess = 12;
inline constexpr size_t kOffTable = 16;
inline constexpr size_t kOffFlags = 18;
inline constexpr size_t kOffVarints = 19;
inline constexpr uint8_t kFlagTtl = 1;
inline constexpr uint8_t kFlagLarge = 2;    // malloc'd on its own (else: a slot of a size class)
inline constexpr uint8_t kFlagInPlace = 4;  // EntryView::modified_in_place
inline constexpr uint8_t kFlagHint = 8;     // EntryView::value_hint
inline constexpr uint8_t kValueBits = kFlagInPlace | kFlagHint;
inline constexpr uint8_t kFlagPadded = 16;  // large, starts e[-1] bytes into its malloc block
inline constexpr uint8_t kBlockBits = kFlagLarge | kFlagPadded;  // where the entry lives
inline constexpr size_t kMaxPad = 255;      // a pad is one byte
inline constexpr uint8_t kFlagHole = 0xFF;     // a freed slot waiting for compaction
inline constexpr uint8_t kFlagTrimmed = 0xFE;  // a freed slot already cut off the class's end
inline constexpr size_t kTtlBytes = 8;
inline constexpr size_t kTtlDeadline = 0;

inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void Store32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline uint16_t Load16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline void Store16(char* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline int64_t Load64(const char* p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void Store64(char* p, int64_t v) { std::memcpy(p, &v, 8); }

inline size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
inline const char* GetVarint(const char* p, uint64_t* v) {
  uint64_t result = 0;
  int shift = 0;
  while (true) {
    const auto byte = static_cast<uint8_t>(*p++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  *v = result;
  return p;
}

inline size_t EntrySize(size_t key_len, size_t value_len, bool ttl) {
  return kOffVarints + VarintLen(key_len) + VarintLen(value_len) + key_len + value_len +
         (ttl ? kTtlBytes : 0);
}

// The decoded view of an entry's variable part.
struct Parsed {
  char* key;
  size_t key_len;
  char* value;
  size_t value_len;
  char* ttl;  // the trailer, or nullptr
};

inline Parsed Parse(char* e) {
  uint64_t klen;
  uint64_t vlen;
  const char* p = GetVarint(e + kOffVarints, &klen);
  p = GetVarint(p, &vlen);
  Parsed out;
  out.key = e + (p - e);
  out.key_len = klen;
  out.value = out.key + klen;
  out.value_len = vlen;
  out.ttl = (static_cast<uint8_t>(e[kOffFlags]) & kFlagTtl) ? out.value + vlen : nullptr;
  return out;
}

inline bool HasTtl(const char* e) { return static_cast<uint8_t>(e[kOffFlags]) & kFlagTtl; }
// A slot that holds no entry (a hole, or trimmed off its class's end).
inline bool IsFreeSlot(const char* e) { return static_cast<uint8_t>(e[kOffFlags]) >= 0xFE; }
inline bool IsLarge(const char* e) { return static_cast<uint8_t>(e[kOffFlags]) & kFlagLarge; }
inline bool IsPadded(const char* e) { return static_cast<uint8_t>(e[kOffFlags]) & kFlagPadded; }
// The malloc block of a large entry (its own address unless kFlagPadded).
inline char* BlockOf(char* e) { return IsPadded(e) ? e - static_cast<uint8_t>(e[-1]) : e; }

}  // namespace lrukv::engine::internal
