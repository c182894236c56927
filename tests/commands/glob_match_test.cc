// GlobMatch against Redis 7.0.15: each (pattern, string, expected) row below was produced by
// SET string + KEYS pattern on a real redis-server (the nocase rows by CONFIG GET pattern).
#include "src/commands/glob_match.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using lrukv::cmd::GlobMatch;
using namespace std::literals;

namespace {

struct GlobCase {
  std::string_view pattern;
  std::string_view str;
  bool expected;
};

// Verified with KEYS on redis-server 7.0.15 (case-sensitive matching).
constexpr GlobCase kKeysCases[] = {
    {"h?llo"sv, "hello"sv, true},
    {"h?llo"sv, "hallo"sv, true},
    {"h?llo"sv, "hllo"sv, false},
    {"h*llo"sv, "hllo"sv, true},
    {"h*llo"sv, "heeeello"sv, true},
    {"h[ae]llo"sv, "hello"sv, true},
    {"h[ae]llo"sv, "hillo"sv, false},
    {"h[^e]llo"sv, "hallo"sv, true},
    {"h[^e]llo"sv, "hello"sv, false},
    {"h[a-b]llo"sv, "hbllo"sv, true},
    {"h[a-b]llo"sv, "hcllo"sv, false},
    {"h[b-a]llo"sv, "hallo"sv, true},
    {"h[z-a]llo"sv, "hmllo"sv, true},
    {"h\\*llo"sv, "h*llo"sv, true},
    {"h\\*llo"sv, "hello"sv, false},
    {"h\\?llo"sv, "hello"sv, false},
    {"\\\\"sv, "\\"sv, true},
    {"a\\"sv, "a\\"sv, true},
    {"a\\"sv, "a"sv, false},
    {"*"sv, "abc"sv, true},
    {"**"sv, "abc"sv, true},
    {"**"sv, ""sv, false},
    {"*?"sv, ""sv, false},
    {"?"sv, ""sv, false},
    {"a*"sv, "a"sv, true},
    {"a*b"sv, "a"sv, false},
    {"*a*"sv, "bab"sv, true},
    {"*a*b*c*"sv, "xaybzc"sv, true},
    {"*a*b*c*"sv, "xaybz"sv, false},
    {"a*b*c*d*e*f*g*h*i*j*k*z"sv,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"sv,
     false},
    {"[abc]"sv, "b"sv, true},
    {"[abc]"sv, "d"sv, false},
    {"[a-]"sv, "_"sv, true},
    {"[a-]"sv, "a"sv, true},
    {"[a-]x"sv, "ax"sv, false},
    {"[a-]x]"sv, "ax]"sv, false},
    {"[]"sv, "a"sv, false},
    {"[]]"sv, "]"sv, false},
    {"[]a]"sv, "a"sv, false},
    {"[^]"sv, "a"sv, true},
    {"[^]]"sv, "a"sv, false},
    {"["sv, "["sv, false},
    {"["sv, ""sv, false},
    {"[a"sv, "a"sv, true},
    {"[a"sv, "b"sv, false},
    {"[^"sv, ""sv, false},
    {"[^"sv, "x"sv, true},
    {"[^a"sv, "b"sv, true},
    {"[\\]]"sv, "]"sv, true},
    {"[\\-]"sv, "-"sv, true},
    {"[\\-]"sv, "a"sv, false},
    {"[a\\]"sv, "\\"sv, false},
    {"[a\\"sv, "]"sv, false},
    {"[\\"sv, "\\"sv, true},
    {"[-a]"sv, "-"sv, true},
    {"[a-c-e]"sv, "d"sv, false},
    {"[a-c-e]"sv, "-"sv, true},
    {"[!a]"sv, "b"sv, false},
    {"[!a]"sv, "!"sv, true},
    {"a[bc]d"sv, "abd"sv, true},
    {"a[bc]d"sv, "abcd"sv, false},
    {"hello"sv, "HELLO"sv, false},
    {"H*"sv, "hello"sv, false},
    {"[A-Z]ello"sv, "hello"sv, false},
    {"\xff"""sv, "\xff"""sv, true},
    {"[\x01""-\xff""]"sv, "b"sv, false},
    {"[\x01""-\xff""]"sv, "\x00"""sv, true},
    {"[a-\xff""]"sv, "\x00"""sv, true},
    {"[a-\xff""]"sv, "b"sv, false},
    {"[a-\xff""]"sv, "\x80"""sv, false},
    {"?"sv, "\xff"""sv, true},
    {"a\x00""b"sv, "a\x00""b"sv, true},
    {"*\x00""*"sv, "x\x00""y"sv, true},
};

}  // namespace

TEST_CASE("glob: every case matches as KEYS does on redis 7.0") {
  for (const auto& c : kKeysCases) {
    CAPTURE(c.pattern);
    CAPTURE(c.str);
    CHECK(GlobMatch(c.pattern, c.str, false) == c.expected);
  }
}

TEST_CASE("glob: nocase folds ASCII letters except in escaped set members, as CONFIG GET") {
  // Verified with CONFIG GET <pattern> on redis-server 7.0.15 (config name "maxmemory").
  CHECK(GlobMatch("MAXMEM*", "maxmemory", true));
  CHECK(GlobMatch("MaxMemory*", "maxmemory", true));
  CHECK(GlobMatch("MAXMEMOR?", "maxmemory", true));
  CHECK(GlobMatch("[L-M]axmemory", "maxmemory", true));
  CHECK(GlobMatch("[K-n]axmemory", "maxmemory", true));
  CHECK(GlobMatch("[M]AXMEMORY", "maxmemory", true));
  CHECK(GlobMatch("\\Maxmemor?", "maxmemory", true));
  CHECK_FALSE(GlobMatch("[\\M]axmemor?", "maxmemory", true));
  CHECK(GlobMatch("[\\m]axmemory", "maxmemory", true));
  CHECK_FALSE(GlobMatch("[Z-a]axmemory", "maxmemory", true));  // folds to [z-a] after the swap
  CHECK_FALSE(GlobMatch("[a-Z]axmemory", "maxmemory", true));
  CHECK_FALSE(GlobMatch("[^M]axmemory", "maxmemory", true));
  CHECK_FALSE(GlobMatch("MAXMEMORY[", "maxmemory", true));
  CHECK_FALSE(GlobMatch("MAXMEM*", "maxmemory", false));
}

TEST_CASE("glob: more than 1000 nested stars never match, as redis 7.0.15") {
  // On redis: "*a" x1000 matches "a" x1000, "*a" x1001 does not match "a" x1001; a trailing
  // star does not nest, so "a*" x1001 still matches while "a*" x1002 does not.
  auto repeat = [](std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  CHECK(GlobMatch(repeat("*a", 1000), repeat("a", 1000), false));
  CHECK_FALSE(GlobMatch(repeat("*a", 1001), repeat("a", 1001), false));
  CHECK(GlobMatch(repeat("a*", 1001), repeat("a", 1001), false));
  CHECK_FALSE(GlobMatch(repeat("a*", 1002), repeat("a", 1002), false));
}

TEST_CASE("glob: a pathological pattern finishes quickly instead of backtracking forever") {
  // Without the stop-on-failed-star rule this takes exponential time.
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  CHECK_FALSE(GlobMatch(pattern, std::string(100, 'a'), false));
}
