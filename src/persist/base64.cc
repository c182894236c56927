#include "src/persist/base64.h"

#include <array>
#include <cstdint>

namespace lrukv::persist {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Each byte's 6-bit value, or 0xFF outside the alphabet ('=' included: padding is handled
// apart). A table, so a 1 KB value decodes without a branch chain per character.
constexpr auto kDecode = [] {
  std::array<uint8_t, 256> t{};
  t.fill(0xFF);
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  return t;
}();

uint8_t DecodeChar(char c) { return kDecode[static_cast<uint8_t>(c)]; }

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                 uint32_t{static_cast<uint8_t>(bytes[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool Base64DecodeInto(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  const size_t full_groups = text.size() / 4 - (pad ? 1 : 0);
  out->resize(text.size() / 4 * 3 - pad);
  auto* dst = reinterpret_cast<uint8_t*>(out->data());
  const char* src = text.data();
  // Whole groups: four characters, three bytes. One OR of the four table values shows
  // whether any was outside the alphabet (0xFF has the high bit set; 6-bit values do not).
  for (size_t g = 0; g < full_groups; ++g, src += 4, dst += 3) {
    const uint8_t a = DecodeChar(src[0]), b = DecodeChar(src[1]), c = DecodeChar(src[2]),
                  d = DecodeChar(src[3]);
    if ((a | b | c | d) & 0x80) return false;
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    dst[0] = static_cast<uint8_t>(v >> 16);
    dst[1] = static_cast<uint8_t>(v >> 8);
    dst[2] = static_cast<uint8_t>(v);
  }
  if (pad == 0) return true;
  // The padded last group: "xx==" gives one byte, "xxx=" two; the bits past them must be 0.
  const uint8_t a = DecodeChar(src[0]), b = DecodeChar(src[1]);
  const uint8_t c = pad == 1 ? DecodeChar(src[2]) : 0;
  if ((a | b | c) & 0x80) return false;
  const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6);
  dst[0] = static_cast<uint8_t>(v >> 16);
  if (pad == 2) return (v & 0xFFFF) == 0;
  dst[1] = static_cast<uint8_t>(v >> 8);
  return (v & 0xFF) == 0;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  if (!Base64DecodeInto(text, &out)) return std::nullopt;
  return out;
}

}  // namespace lrukv::persist
