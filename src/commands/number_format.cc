// Redis-compatible number parsing and formatting (see number_format.h).
#include "src/commands/number_format.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lrukv::cmd {

bool ParseInt64(std::string_view s, int64_t* out) {
  // Redis refuses 21 bytes or more before looking at them (its LONG_STR_SIZE).
  if (s.empty() || s.size() >= 21) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t pos = 0;
  const bool negative = s[0] == '-';
  if (negative && s.size() == 1) return false;
  if (negative) pos = 1;
  if (s[pos] < '1' || s[pos] > '9') return false;  // no leading zero, no "-0"
  uint64_t magnitude = 0;
  for (; pos < s.size(); ++pos) {
    const char c = s[pos];
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (magnitude > limit) return false;
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  char buf[kMaxLongDoubleChars];
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  // strtold would skip leading white space; Redis refuses it (isspace in the C locale).
  const char first = buf[0];
  if (first == ' ' || (first >= '\t' && first <= '\r')) return false;
  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buf, &end);
  // Every byte must be consumed (an embedded NUL stops strtold early).
  if (static_cast<size_t>(end - buf) != s.size()) return false;
  if (std::isnan(value)) return false;
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return false;
  *out = value;
  return true;
}

size_t FormatInt64(int64_t v, char* buf) {
  auto [end, ec] = std::to_chars(buf, buf + kInt64Chars, v);
  (void)ec;  // kInt64Chars always fits an int64_t
  return static_cast<size_t>(end - buf);
}

std::string FormatLongDoubleHuman(long double v) {
  // The largest finite long double prints about 4950 bytes with "%.17Lf"; Redis's buffer is
  // kMaxLongDoubleChars, so every finite value fits.
  char buf[kMaxLongDoubleChars];
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return std::string();
  size_t len = static_cast<size_t>(n);
  if (std::string_view(buf, len).find('.') != std::string_view::npos) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

}  // namespace lrukv::cmd
