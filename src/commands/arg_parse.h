// Small helpers command handlers share for reading arguments the way Redis does. Pure
// functions over bytes; integers are parsed by number_format.h's ParseInt64.
#pragma once

#include <cstddef>
#include <string_view>

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

}  // namespace lrukv::cmd
