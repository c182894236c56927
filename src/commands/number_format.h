// Numbers as Redis 7.0 reads and writes them in string values and arguments: strict 64-bit
// integers (Redis's string2ll), long doubles (string2ld) and INCRBYFLOAT's "human" long double
// form. Pure functions over bytes; nothing here knows about replies or the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lrukv::cmd {

// Most bytes FormatInt64 writes: "-9223372036854775808" is 20.
inline constexpr size_t kInt64Chars = 21;
// Longest text accepted as a long double, exclusive, as Redis's MAX_LONG_DOUBLE_CHARS (5 KiB).
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Parses `s` as Redis's string2ll does: an optional '-', then "0" or a digit 1-9 followed by
// digits, nothing else (no '+', no spaces, no leading zeros, so "-0" and "01" fail), fewer than
// 21 bytes, within int64_t. Returns false and leaves *out alone otherwise.
//   "123" -> 123;  "-9223372036854775808" -> INT64_MIN;  " 1", "+1", "1.0", "" -> false
bool ParseInt64(std::string_view s, int64_t* out);

// Parses `s` as Redis's string2ld does: strtold over the whole text, so "1.5", "3.0e3", ".5",
// "0x1a", "inf" are accepted; empty text, text of kMaxLongDoubleChars bytes or more, a leading
// space, trailing bytes, "nan", and values that overflow or underflow to zero fail.
bool ParseLongDouble(std::string_view s, long double* out);

// Writes `v` in decimal to `buf` (at least kInt64Chars bytes) and returns the length.
size_t FormatInt64(int64_t v, char* buf);

// INCRBYFLOAT's form (Redis ld2string, "human" mode): "%.17Lf", then trailing zeros after the
// point and a bare point removed, and "-0" printed as "0". `v` must be finite.
//   1.5 -> "1.5";  3000 -> "3000";  0.1 + 0.2 -> "0.3";  -1e-18 -> "0"
std::string FormatLongDoubleHuman(long double v);

}  // namespace lrukv::cmd
