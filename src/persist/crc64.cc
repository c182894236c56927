#include "src/persist/crc64.h"

#include <array>

namespace lrukv::persist {
namespace {

constexpr uint64_t kReflectedPoly = 0xC96C5795D7870F42ULL;  // ECMA-182, bit-reversed

// table[b]: the register after shifting byte b through eight reflected steps.
constexpr std::array<uint64_t, 256> MakeTable() {
  std::array<uint64_t, 256> table{};
  for (uint64_t b = 0; b < 256; ++b) {
    uint64_t r = b;
    for (int bit = 0; bit < 8; ++bit) r = (r & 1) ? (r >> 1) ^ kReflectedPoly : r >> 1;
    table[b] = r;
  }
  return table;
}

constexpr std::array<uint64_t, 256> kTable = MakeTable();

}  // namespace

uint64_t Crc64(std::string_view bytes, uint64_t crc) {
  // The all-ones initial value and final XOR cancel between pieces, so chaining works.
  uint64_t r = ~crc;
  for (const char c : bytes) {
    r = kTable[(r ^ static_cast<unsigned char>(c)) & 0xFF] ^ (r >> 8);
  }
  return ~r;
}

}  // namespace lrukv::persist
