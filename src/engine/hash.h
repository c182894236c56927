// Keyed 64-bit hash for the keyspace tables: a multiply-fold construction in the style of
// wyhash (one 64x64->128 multiplication per 16 input bytes, folded by xor), written here from
// the idea. The seed is random per process, so crafted keys cannot force long chains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lrukv::engine {

namespace hash_internal {

__extension__ using U128 = unsigned __int128;

// Odd constants with well-mixed bits (golden ratio and two arbitrary odd numbers).
inline constexpr uint64_t kMixA = 0x9e3779b97f4a7c15ull;
inline constexpr uint64_t kMixB = 0xd6e8feb86659fd93ull;
inline constexpr uint64_t kMixC = 0xa5a3564e27f886a5ull;

inline uint64_t MulFold(uint64_t a, uint64_t b) {
  U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t Read64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Read32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace hash_internal

// Hashes `len` bytes at `data` under `seed`. Every input byte influences the result.
inline uint64_t HashBytes(const void* data, size_t len, uint64_t seed) {
  using namespace hash_internal;
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t state = seed ^ MulFold(seed ^ kMixA, kMixB);
  uint64_t a;
  uint64_t b;
  if (len <= 16) {
    if (len >= 4) {
      // Two overlapping 4-byte reads from each end cover 4..16 bytes.
      const size_t mid = (len >> 3) << 2;
      a = (Read32(p) << 32) | Read32(p + mid);
      b = (Read32(p + len - 4) << 32) | Read32(p + len - 4 - mid);
    } else if (len > 0) {
      a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[len >> 1]) << 8) |
          p[len - 1];
      b = 0;
    } else {
      a = 0;
      b = 0;
    }
  } else {
    size_t left = len;
    while (left > 16) {
      state = MulFold(Read64(p) ^ kMixB, Read64(p + 8) ^ state);
      p += 16;
      left -= 16;
    }
    // The last 16 bytes (overlapping the previous block when len is not a multiple of 16).
    a = Read64(p + left - 16);
    b = Read64(p + left - 8);
  }
  a ^= kMixB;
  b ^= state;
  U128 r = static_cast<U128>(a) * b;
  a = static_cast<uint64_t>(r);
  b = static_cast<uint64_t>(r >> 64);
  return MulFold(a ^ kMixC ^ len, b ^ kMixB);
}

}  // namespace lrukv::engine
