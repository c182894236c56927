// GlobMatch: see glob_match.h for the pattern language. Written to Redis 7.0's observable
// behaviour (checked against redis-server with KEYS), not from its source.
#include "src/commands/glob_match.h"

#include <utility>

namespace lrukv::cmd {
namespace {

// Deepest '*' nesting before a match is refused, as Redis 7.0.15.
constexpr int kMaxStarNesting = 1000;

// Redis compares bytes as (signed) chars and folds case with C-locale tolower.
inline int Byte(char c) { return static_cast<signed char>(c); }
inline int Fold(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Matches pattern[p..] against str[s..]. *no_longer is set once a '*' has failed on every
// suffix: then no longer prefix consumed by an outer '*' can succeed either.
bool MatchFrom(std::string_view pattern, size_t p, std::string_view str, size_t s, bool nocase,
               bool* no_longer, int nesting) {
  if (nesting > kMaxStarNesting) return false;
  const size_t plen = pattern.size();
  const size_t slen = str.size();
  while (p < plen && s < slen) {
    const char pc = pattern[p];
    if (pc == '*') {
      while (p + 1 < plen && pattern[p + 1] == '*') ++p;
      if (p + 1 == plen) return true;  // a trailing '*' takes the rest
      for (; s < slen; ++s) {
        if (MatchFrom(pattern, p + 1, str, s, nocase, no_longer, nesting + 1)) return true;
        if (*no_longer) return false;
      }
      *no_longer = true;
      return false;
    } else if (pc == '?') {
      ++s;
    } else if (pc == '[') {
      const int c = Byte(str[s]);
      ++p;
      const bool negate = p < plen && pattern[p] == '^';
      if (negate) ++p;
      bool hit = false;
      for (;;) {
        if (p + 1 < plen && pattern[p] == '\\') {
          ++p;  // escaped member: compared exactly, even with nocase
          if (Byte(pattern[p]) == c) hit = true;
        } else if (p < plen && pattern[p] == ']') {
          break;
        } else if (p >= plen) {
          --p;  // unterminated set: stop on the last byte, consumed below
          break;
        } else if (p + 2 < plen && pattern[p + 1] == '-') {
          int lo = Byte(pattern[p]);
          int hi = Byte(pattern[p + 2]);
          if (lo > hi) std::swap(lo, hi);
          int x = c;
          if (nocase) {
            lo = Fold(lo);
            hi = Fold(hi);
            x = Fold(x);
          }
          if (x >= lo && x <= hi) hit = true;
          p += 2;
        } else if (nocase ? Fold(Byte(pattern[p])) == Fold(c) : Byte(pattern[p]) == c) {
          hit = true;
        }
        ++p;
      }
      if (negate) hit = !hit;
      if (!hit) return false;
      ++s;
    } else {
      if (pc == '\\' && p + 1 < plen) ++p;  // escaped byte (a lone trailing '\' is literal)
      const int a = Byte(pattern[p]);
      const int b = Byte(str[s]);
      if (nocase ? Fold(a) != Fold(b) : a != b) return false;
      ++s;
    }
    ++p;
    if (s == slen) {
      while (p < plen && pattern[p] == '*') ++p;
      break;
    }
  }
  return p == plen && s == slen;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool no_longer = false;
  return MatchFrom(pattern, 0, str, 0, nocase, &no_longer, 0);
}

}  // namespace lrukv::cmd
