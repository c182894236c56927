// GlobMatch: Redis's glob-style pattern matching (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE),
// reproducing Redis 7.0's stringmatchlen byte for byte, quirks included. The engine and the
// wire never see patterns; only command handlers call this.
#pragma once

#include <string_view>

namespace lrukv::cmd {

// True when `str` matches `pattern`:
//   *       any run of bytes (also none)      ?      exactly one byte
//   [abc]   one byte of the set               [^abc] one byte not in the set
//   [a-z]   a range; reversed ([z-a]) works   \x     the byte x itself, also inside [...]
// `nocase` folds ASCII A-Z to a-z (CONFIG GET matches this way; KEYS does not).
// As in Redis: bytes compare as signed chars, so ranges across 0x80 behave as Redis's do; an
// unterminated '[' runs to the end of the pattern; the escape inside [...] ignores `nocase`.
// A pattern needing more than 1000 nested '*' expansions never matches (Redis's guard against
// stack exhaustion), and a '*' that cannot match any suffix stops all enclosing '*' from
// retrying, so no pattern takes exponential time.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase);

}  // namespace lrukv::cmd
