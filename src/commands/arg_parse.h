// Small helpers for reading arguments and word lists the way Redis does, shared by command
// handlers and the server. Pure functions over bytes; integers are parsed by number_format.h's
// ParseInt64.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace lrukv::cmd {

// True when `a` and `b` have the same bytes once ASCII 'A'-'Z' are folded to lower case, as
// Redis's strcasecmp in the C locale: EqualsIgnoreCase("GET", "get") is true; other bytes
// (including non-ASCII ones) must match exactly.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The words of a space-separated list, split at ' ' bytes only (tabs stay inside words), empty
// words skipped: SplitWords(" RW  access ") is {"RW", "access"}. The views point into `s`.
inline std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace lrukv::cmd
