// The keyspace family through the real Dispatcher. The transcript cases (generated section) were
// run on redis-server 7.0.15 and their replies pasted byte for byte; the cases after them use
// the FakeClock or iterate, so their expectations are computed here (shapes checked on Redis).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "commands/harness.h"

using lrukv::testing::CommandHarness;

namespace {

constexpr std::string_view kObjectHelp =
    "*15\r\n"
    "+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
    "+ENCODING <key>\r\n"
    "+    Return the kind of internal representation used in order to store the value\r\n"
    "+    associated with a <key>.\r\n"
    "+FREQ <key>\r\n"
    "+    Return the access frequency index of the <key>. The returned integer is\r\n"
    "+    proportional to the logarithm of the recent access frequency of the key.\r\n"
    "+IDLETIME <key>\r\n"
    "+    Return the idle time of the <key>, that is the approximated number of\r\n"
    "+    seconds elapsed since the last access to the key.\r\n"
    "+REFCOUNT <key>\r\n"
    "+    Return the number of references of the value associated with the specified\r\n"
    "+    <key>.\r\n"
    "+HELP\r\n"
    "+    Prints this help.\r\n";

// Reads one "$n\r\n<bytes>\r\n" at *pos.
std::string ReadBulk(std::string_view r, size_t* pos) {
  REQUIRE(r.substr(*pos, 1) == "$");
  const size_t eol = r.find("\r\n", *pos);
  const size_t len = std::stoul(std::string(r.substr(*pos + 1, eol - *pos - 1)));
  std::string s(r.substr(eol + 2, len));
  *pos = eol + 2 + len + 2;
  return s;
}

// Reads "*n\r\n" then n bulk strings at *pos.
std::vector<std::string> ReadBulkArray(std::string_view r, size_t* pos) {
  REQUIRE(r.substr(*pos, 1) == "*");
  const size_t eol = r.find("\r\n", *pos);
  const size_t n = std::stoul(std::string(r.substr(*pos + 1, eol - *pos - 1)));
  *pos = eol + 2;
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(ReadBulk(r, pos));
  return out;
}

// A KEYS reply as a sorted list.
std::vector<std::string> SortedKeys(std::string_view reply) {
  size_t pos = 0;
  std::vector<std::string> keys = ReadBulkArray(reply, &pos);
  CHECK(pos == reply.size());
  std::sort(keys.begin(), keys.end());
  return keys;
}

struct ScanPage {
  std::string cursor;
  std::vector<std::string> keys;
};

ScanPage ParseScan(std::string_view reply) {
  REQUIRE(reply.substr(0, 4) == "*2\r\n");
  size_t pos = 4;
  ScanPage page;
  page.cursor = ReadBulk(reply, &pos);
  page.keys = ReadBulkArray(reply, &pos);
  CHECK(pos == reply.size());
  return page;
}

}  // namespace

// ---- Transcripts replayed from redis-server 7.0.15 ----

TEST_CASE("DEL and UNLINK: count each deleted key once, missing keys count zero") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"set", "c", "3"}) == "+OK\r\n");
  CHECK(h.Run({"del", "a", "a", "nokey"}) == ":1\r\n");
  CHECK(h.Run({"exists", "a"}) == ":0\r\n");
  CHECK(h.Run({"unlink", "b", "c", "nokey"}) == ":2\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  CHECK(h.Run({"del", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"del"}) == "-ERR wrong number of arguments for 'del' command\r\n");
  CHECK(h.Run({"unlink"}) == "-ERR wrong number of arguments for 'unlink' command\r\n");
}

TEST_CASE("EXISTS: counts a key once per time it is named") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"exists", "a", "a", "b", "nokey"}) == ":3\r\n");
  CHECK(h.Run({"exists", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"exists"}) == "-ERR wrong number of arguments for 'exists' command\r\n");
}

TEST_CASE("TYPE: string for a key, none for a missing one") {
  CommandHarness h;
  CHECK(h.Run({"set", "s", "hello"}) == "+OK\r\n");
  CHECK(h.Run({"type", "s"}) == "+string\r\n");
  CHECK(h.Run({"type", "nokey"}) == "+none\r\n");
  CHECK(h.Run({"type"}) == "-ERR wrong number of arguments for 'type' command\r\n");
  CHECK(h.Run({"type", "a", "b"}) == "-ERR wrong number of arguments for 'type' command\r\n");
}

TEST_CASE("TOUCH: counts the keys that exist") {
  CommandHarness h;
  CHECK(h.Run({"set", "s", "v"}) == "+OK\r\n");
  CHECK(h.Run({"touch", "s", "s", "nokey"}) == ":2\r\n");
  CHECK(h.Run({"touch", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"touch"}) == "-ERR wrong number of arguments for 'touch' command\r\n");
}

TEST_CASE("RENAME: moves the value, errors on a missing source, allows renaming to itself") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"rename", "a", "b"}) == "+OK\r\n");
  CHECK(h.Run({"get", "b"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"exists", "a"}) == ":0\r\n");
  CHECK(h.Run({"rename", "a", "b"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"rename", "nokey", "nokey"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"rename", "b", "b"}) == "+OK\r\n");
  CHECK(h.Run({"get", "b"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"rename", "b"}) == "-ERR wrong number of arguments for 'rename' command\r\n");
  CHECK(h.Run({"RENAME", "b", "c", "extra"}) ==
        "-ERR wrong number of arguments for 'rename' command\r\n");
}

TEST_CASE("RENAMENX: renames only when the destination is absent") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"renamenx", "a", "b"}) == ":0\r\n");
  CHECK(h.Run({"renamenx", "a", "c"}) == ":1\r\n");
  CHECK(h.Run({"get", "c"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"exists", "a"}) == ":0\r\n");
  CHECK(h.Run({"renamenx", "c", "c"}) == ":0\r\n");
  CHECK(h.Run({"renamenx", "nokey", "x"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"renamenx", "nokey", "nokey"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"renamenx", "c"}) == "-ERR wrong number of arguments for 'renamenx' command\r\n");
}

TEST_CASE("COPY: copies within and across databases with Redis's errors and option order") {
  CommandHarness h;
  CHECK(h.Run({"set", "t", "v"}) == "+OK\r\n");
  CHECK(h.Run({"set", "n", "1"}) == "+OK\r\n");
  CHECK(h.Run({"copy", "t", "t"}) == "-ERR source and destination objects are the same\r\n");
  CHECK(h.Run({"copy", "nokey", "nokey"}) ==
        "-ERR source and destination objects are the same\r\n");
  CHECK(h.Run({"copy", "t", "t", "db", "0"}) ==
        "-ERR source and destination objects are the same\r\n");
  CHECK(h.Run({"copy", "t", "t", "db", "1"}) == ":1\r\n");
  CHECK(h.Run({"copy", "t", "t2"}) == ":1\r\n");
  CHECK(h.Run({"get", "t2"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"copy", "t", "n"}) == ":0\r\n");
  CHECK(h.Run({"get", "n"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"copy", "t", "n", "replace"}) == ":1\r\n");
  CHECK(h.Run({"get", "n"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"copy", "nokey", "x"}) == ":0\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "-1"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"copy", "nokey", "x", "db", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "01"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "4294967296"}) ==
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "99999999999999999999"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"copy", "t", "x", "db"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"copy", "t", "x", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"copy", "t", "x", "replace", "extra"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"copy", "t", "x", "db", "16", "foo"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"copy", "t", "x", "foo", "db", "16"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"copy", "t", "x", "DB", "2", "REPLACE"}) == ":1\r\n");
  CHECK(h.Run({"copy", "t", "x", "replace", "db", "3"}) == ":1\r\n");
  CHECK(h.Run({"copy", "t", "y", "db", "1", "db", "2"}) == ":1\r\n");
  CHECK(h.Run({"copy", "t"}) == "-ERR wrong number of arguments for 'copy' command\r\n");
  CHECK(h.Run({"copy"}) == "-ERR wrong number of arguments for 'copy' command\r\n");
}

TEST_CASE("COPY: the copy lands in the other database") {
  CommandHarness h;
  CHECK(h.Run({"set", "t", "v"}) == "+OK\r\n");
  CHECK(h.Run({"copy", "t", "t", "db", "1"}) == ":1\r\n");
  h.client.db = 1;
  CHECK(h.Run({"get", "t"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"copy", "t", "t", "db", "0"}) == ":0\r\n");
  CHECK(h.Run({"copy", "t", "t", "db", "0", "replace"}) == ":1\r\n");
}

TEST_CASE("MOVE: moves a key to another database unless it exists there") {
  CommandHarness h;
  CHECK(h.Run({"set", "t", "v"}) == "+OK\r\n");
  CHECK(h.Run({"set", "n", "v2"}) == "+OK\r\n");
  CHECK(h.Run({"move", "t", "0"}) == "-ERR source and destination objects are the same\r\n");
  CHECK(h.Run({"move", "nokey", "0"}) == "-ERR source and destination objects are the same\r\n");
  CHECK(h.Run({"move", "t", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"move", "t", "-1"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"move", "t", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"move", "t", "01"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"move", "t", "1.0"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"move", "t", "4294967296"}) ==
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  CHECK(h.Run({"move", "t", "99999999999999999999"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"move", "nokey", "1"}) == ":0\r\n");
  CHECK(h.Run({"move", "t", "1"}) == ":1\r\n");
  CHECK(h.Run({"exists", "t"}) == ":0\r\n");
  CHECK(h.Run({"set", "t", "again"}) == "+OK\r\n");
  CHECK(h.Run({"move", "t", "1"}) == ":0\r\n");
  CHECK(h.Run({"get", "t"}) == "$5\r\nagain\r\n");
  h.client.db = 1;
  CHECK(h.Run({"get", "t"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"move"}) == "-ERR wrong number of arguments for 'move' command\r\n");
  CHECK(h.Run({"move", "t"}) == "-ERR wrong number of arguments for 'move' command\r\n");
}

TEST_CASE("KEYS: glob patterns select keys; arity is exactly 2") {
  CommandHarness h;
  CHECK(h.Run({"set", "hello", "1"}) == "+OK\r\n");
  CHECK(h.Run({"keys", "h?llo"}) == "*1\r\n$5\r\nhello\r\n");
  CHECK(h.Run({"keys", "h*o"}) == "*1\r\n$5\r\nhello\r\n");
  CHECK(h.Run({"keys", "h[ae]llo"}) == "*1\r\n$5\r\nhello\r\n");
  CHECK(h.Run({"keys", "h[^e]llo"}) == "*0\r\n");
  CHECK(h.Run({"keys", "hello*"}) == "*1\r\n$5\r\nhello\r\n");
  CHECK(h.Run({"keys", "*ll*"}) == "*1\r\n$5\r\nhello\r\n");
  CHECK(h.Run({"keys", "nomatch*"}) == "*0\r\n");
  CHECK(h.Run({"keys"}) == "-ERR wrong number of arguments for 'keys' command\r\n");
  CHECK(h.Run({"keys", "a", "b"}) == "-ERR wrong number of arguments for 'keys' command\r\n");
}

TEST_CASE("KEYS: the empty key is listed by * but not by **") {
  CommandHarness h;
  CHECK(h.Run({"set", "", "v"}) == "+OK\r\n");
  CHECK(h.Run({"keys", "*"}) == "*1\r\n$0\r\n\r\n");
  CHECK(h.Run({"keys", "**"}) == "*0\r\n");
  CHECK(h.Run({"keys", "?"}) == "*0\r\n");
}

TEST_CASE("SCAN: cursor and option errors, in Redis's order") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"scan", "abc"}) == "-ERR invalid cursor\r\n");
  CHECK(h.Run({"scan", " 0"}) == "-ERR invalid cursor\r\n");
  CHECK(h.Run({"scan", "0 "}) == "-ERR invalid cursor\r\n");
  CHECK(h.Run({"scan", "1.5"}) == "-ERR invalid cursor\r\n");
  CHECK(h.Run({"scan", "18446744073709551616"}) == "-ERR invalid cursor\r\n");
  CHECK(h.Run({"scan", "abc", "count", "0"}) == "-ERR invalid cursor\r\n");
  CHECK(h.Run({"scan", "0", "count", "0"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan", "0", "count", "-1"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan", "0", "count", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"scan", "0", "count", "99999999999999999999"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"scan", "0", "match"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan", "0", "count"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan", "0", "type"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan", "0", "foo", "bar"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan", "0", "match", "k*", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"scan"}) == "-ERR wrong number of arguments for 'scan' command\r\n");
}

TEST_CASE("SCAN: one key comes back with cursor 0 under every accepted cursor spelling") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"scan", "0"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "+0"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", ""}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "-0"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "0", "count", "1000"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "0", "match", "k"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "0", "MATCH", "x*", "MATCH", "k*"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "0", "match", "*", "count", "10", "type", "string"}) ==
        "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "0", "type", "STRING"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  CHECK(h.Run({"scan", "0", "type", "list"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.Run({"scan", "0", "type", "foo"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.Run({"scan", "0", "match", "nomatch"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.Run({"scan", "0", "count", "2147483648"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
}

TEST_CASE("RANDOMKEY and DBSIZE: nil and zero when empty") {
  CommandHarness h;
  CHECK(h.Run({"randomkey"}) == "$-1\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"randomkey"}) == "$1\r\nk\r\n");
  CHECK(h.Run({"dbsize"}) == ":1\r\n");
  CHECK(h.Run({"randomkey", "x"}) == "-ERR wrong number of arguments for 'randomkey' command\r\n");
  CHECK(h.Run({"dbsize", "x"}) == "-ERR wrong number of arguments for 'dbsize' command\r\n");
}

TEST_CASE("FLUSHDB: empties only the selected database; ASYNC and SYNC accepted") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  h.client.db = 1;
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"flushdb", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"flushdb", "sync", "async"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"flushdb"}) == "+OK\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  h.client.db = 0;
  CHECK(h.Run({"dbsize"}) == ":1\r\n");
  CHECK(h.Run({"flushdb", "ASYNC"}) == "+OK\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"flushdb", "sync"}) == "+OK\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
}

TEST_CASE("FLUSHALL: empties every database") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  h.client.db = 3;
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"flushall", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"flushall", "async", "extra"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"flushall"}) == "+OK\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  h.client.db = 0;
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"flushall", "SYNC"}) == "+OK\r\n");
  CHECK(h.Run({"dbsize"}) == ":0\r\n");
  CHECK(h.Run({"flushall", "async"}) == "+OK\r\n");
}

TEST_CASE("SWAPDB: swaps two databases; index errors name which index") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"swapdb", "0", "1"}) == "+OK\r\n");
  CHECK(h.Run({"exists", "a"}) == ":0\r\n");
  h.client.db = 1;
  CHECK(h.Run({"get", "a"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"swapdb", "1", "1"}) == "+OK\r\n");
  CHECK(h.Run({"get", "a"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"swapdb", "a", "1"}) == "-ERR invalid first DB index\r\n");
  CHECK(h.Run({"swapdb", "0", "b"}) == "-ERR invalid second DB index\r\n");
  CHECK(h.Run({"swapdb", "a", "b"}) == "-ERR invalid first DB index\r\n");
  CHECK(h.Run({"swapdb", "16", "b"}) == "-ERR invalid second DB index\r\n");
  CHECK(h.Run({"swapdb", "16", "0"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"swapdb", "0", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"swapdb", "-1", "0"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"swapdb", "1.5", "0"}) == "-ERR invalid first DB index\r\n");
  CHECK(h.Run({"swapdb", "4294967296", "0"}) == "-ERR invalid first DB index\r\n");
  CHECK(h.Run({"swapdb", "0"}) == "-ERR wrong number of arguments for 'swapdb' command\r\n");
  CHECK(h.Run({"swapdb", "0", "1", "2"}) ==
        "-ERR wrong number of arguments for 'swapdb' command\r\n");
}

TEST_CASE("EXPIRE: option errors come before the number is read") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"expire", "k", "abc", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.Run({"expire", "k", "10", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.Run({"expire", "k", "10", "nx", "xx"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "10", "xx", "nx"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "abc", "nx", "xx"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "10", "gt", "lt"}) ==
        "-ERR GT and LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "10", "nx", "gt"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "10", "nx", "lt"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "10", "GT", "LT", "NX"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(h.Run({"expire", "k", "10", "nx", "xx", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.Run({"PEXPIRE", "k", "10", "Foo"}) == "-ERR Unsupported option Foo\r\n");
  CHECK(h.Run({"expire", "k", "-0"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"expire", "k", "01"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"expire", "k", ""}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"expire", "k", "1.5"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"expire", "k", "+1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"expire", "k"}) == "-ERR wrong number of arguments for 'expire' command\r\n");
  CHECK(h.Run({"expire"}) == "-ERR wrong number of arguments for 'expire' command\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":-1\r\n");
}

TEST_CASE("EXPIRE family: unit conversion or base-time overflow is an invalid expire time") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"EXPIRE", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"pexpire", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'pexpire' command\r\n");
  CHECK(h.Run({"expireat", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'expireat' command\r\n");
  CHECK(h.Run({"expire", "k", "9223372036854775"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"expire", "k", "-9223372036854775808"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"expire", "k", "-9223372036854776"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"pexpire", "k", "9223372036854775000"}) ==
        "-ERR invalid expire time in 'pexpire' command\r\n");
  CHECK(h.Run({"expireat", "k", "9223372036854776"}) ==
        "-ERR invalid expire time in 'expireat' command\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":-1\r\n");
  CHECK(h.Run({"pexpireat", "k", "9223372036854775807"}) == ":1\r\n");
  CHECK(h.Run({"pexpiretime", "k"}) == ":9223372036854775807\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":9223372036854776\r\n");
}

TEST_CASE("EXPIRE family: a deadline in the past deletes the key and answers 1") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "-1"}) == ":1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "0"}) == ":1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"pexpire", "k", "-9223372036854775808"}) == ":1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"pexpireat", "k", "1"}) == ":1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expireat", "k", "0", "nx"}) == ":1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
  CHECK(h.Run({"expire", "nokey", "-1"}) == ":0\r\n");
}

TEST_CASE("EXPIRE family: NX XX GT LT conditions, a key without TTL counting as infinite") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "100", "xx"}) == ":0\r\n");
  CHECK(h.Run({"expire", "k", "100", "gt"}) == ":0\r\n");
  CHECK(h.Run({"expire", "k", "-1", "gt"}) == ":0\r\n");
  CHECK(h.Run({"expire", "k", "-1", "xx"}) == ":0\r\n");
  CHECK(h.Run({"exists", "k"}) == ":1\r\n");
  CHECK(h.Run({"expireat", "k", "4000000000", "gt"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "4000000000", "lt"}) == ":1\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":4000000000\r\n");
  CHECK(h.Run({"expireat", "k", "4000000000", "nx"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "4000000000", "NX", "NX"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "4000000001", "gt", "gt"}) == ":1\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":4000000001\r\n");
  CHECK(h.Run({"expireat", "k", "4000000001", "gt"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "4000000000", "gt"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "4000000001", "lt"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "3999999999", "lt"}) == ":1\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":3999999999\r\n");
  CHECK(h.Run({"expireat", "k", "3999999000", "xx"}) == ":1\r\n");
  CHECK(h.Run({"expireat", "k", "3999999000", "xx", "lt"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "3999999500", "xx", "gt"}) == ":1\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":3999999500\r\n");
  CHECK(h.Run({"pexpiretime", "k"}) == ":3999999500000\r\n");
  CHECK(h.Run({"expireat", "k", "3000000000", "nx"}) == ":0\r\n");
  CHECK(h.Run({"expire", "nokey", "10"}) == ":0\r\n");
  CHECK(h.Run({"expire", "nokey", "10", "xx"}) == ":0\r\n");
}

TEST_CASE("PERSIST: removes a TTL once") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"persist", "k"}) == ":0\r\n");
  CHECK(h.Run({"expireat", "k", "4000000000"}) == ":1\r\n");
  CHECK(h.Run({"persist", "k"}) == ":1\r\n");
  CHECK(h.Run({"persist", "k"}) == ":0\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":-1\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":-1\r\n");
  CHECK(h.Run({"persist", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"persist"}) == "-ERR wrong number of arguments for 'persist' command\r\n");
  CHECK(h.Run({"persist", "a", "b"}) == "-ERR wrong number of arguments for 'persist' command\r\n");
}

TEST_CASE("TTL family: -2 for a missing key, -1 for a key without TTL") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"ttl", "nokey"}) == ":-2\r\n");
  CHECK(h.Run({"pttl", "nokey"}) == ":-2\r\n");
  CHECK(h.Run({"expiretime", "nokey"}) == ":-2\r\n");
  CHECK(h.Run({"pexpiretime", "nokey"}) == ":-2\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":-1\r\n");
  CHECK(h.Run({"pttl", "k"}) == ":-1\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":-1\r\n");
  CHECK(h.Run({"pexpiretime", "k"}) == ":-1\r\n");
  CHECK(h.Run({"ttl"}) == "-ERR wrong number of arguments for 'ttl' command\r\n");
  CHECK(h.Run({"pttl", "k", "k"}) == "-ERR wrong number of arguments for 'pttl' command\r\n");
  CHECK(h.Run({"expiretime"}) == "-ERR wrong number of arguments for 'expiretime' command\r\n");
  CHECK(h.Run({"pexpiretime", "a", "b"}) ==
        "-ERR wrong number of arguments for 'pexpiretime' command\r\n");
}

TEST_CASE("OBJECT ENCODING: int, embstr and raw as SET would store the value") {
  CommandHarness h;
  CHECK(h.Run({"set", "i", "123"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$3\r\nint\r\n");
  CHECK(h.Run({"set", "i", "-1"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$3\r\nint\r\n");
  CHECK(h.Run({"set", "i", "9223372036854775807"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$3\r\nint\r\n");
  CHECK(h.Run({"set", "i", "9223372036854775808"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", "-9223372036854775808"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$3\r\nint\r\n");
  CHECK(h.Run({"set", "i", "12345678901234567890"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", "00"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", "-0"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", "+1"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", " 1"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", ""}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"set", "i", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$3\r\nraw\r\n");
  CHECK(h.Run({"set", "i", "111111111111111111111"}) == "+OK\r\n");
  CHECK(h.Run({"object", "encoding", "i"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"object", "encoding", "nokey"}) == "$-1\r\n");
  CHECK(h.Run({"Object", "Encoding", "i"}) == "$6\r\nembstr\r\n");
}

// Transcript from redis-server 7.0.15: in-place changes give "raw" at any length and any
// content; INCRBYFLOAT stores a string object (never "int"); APPEND creating a key stores as
// SET does; COPY, RENAME and MOVE keep the encoding; a later SET decides afresh.
TEST_CASE("OBJECT ENCODING: raw after in-place writes, embstr after INCRBYFLOAT, kept by moves") {
  CommandHarness h;
  auto encoding = [&](std::string_view key) {
    const std::string r = h.Run({"object", "encoding", key});
    return r.size() > 6 ? r.substr(r.find('\n') + 1, r.size() - r.find('\n') - 3) : r;
  };
  h.Run({"set", "a", "1"});
  CHECK(h.Run({"incrbyfloat", "a", "2"}) == "$1\r\n3\r\n");
  CHECK(encoding("a") == "embstr");
  h.Run({"incr", "a"});
  CHECK(encoding("a") == "int");
  CHECK(h.Run({"append", "m", "x"}) == ":1\r\n");
  CHECK(encoding("m") == "embstr");
  CHECK(h.Run({"append", "m2", "12"}) == ":2\r\n");
  CHECK(encoding("m2") == "int");
  h.Run({"set", "n", "123"});
  CHECK(h.Run({"append", "n", "4"}) == ":4\r\n");
  CHECK(encoding("n") == "raw");
  CHECK(h.Run({"copy", "n", "n2"}) == ":1\r\n");
  CHECK(encoding("n2") == "raw");
  CHECK(h.Run({"rename", "n2", "n3"}) == "+OK\r\n");
  CHECK(encoding("n3") == "raw");
  CHECK(h.Run({"expire", "n3", "100"}) == ":1\r\n");
  CHECK(encoding("n3") == "raw");
  CHECK(h.Run({"move", "n3", "1"}) == ":1\r\n");
  h.client.db = 1;
  CHECK(encoding("n3") == "raw");
  h.client.db = 0;
  h.Run({"set", "i", "77"});
  CHECK(h.Run({"copy", "i", "i2"}) == ":1\r\n");
  CHECK(encoding("i2") == "int");
  CHECK(h.Run({"setrange", "r", "0", "ab"}) == ":2\r\n");
  CHECK(encoding("r") == "raw");
  CHECK(h.Run({"setbit", "b", "1", "1"}) == ":0\r\n");
  CHECK(encoding("b") == "raw");
  h.Run({"set", "e", "ab"});
  CHECK(h.Run({"setrange", "e", "0", ""}) == ":2\r\n");  // no change at all
  CHECK(encoding("e") == "embstr");
  CHECK(h.Run({"append", "e", ""}) == ":2\r\n");  // an empty append still goes in place
  CHECK(encoding("e") == "raw");
  h.Run({"set", "e", "ab", "keepttl"});
  CHECK(encoding("e") == "embstr");
  CHECK(h.Run({"bitfield", "bf", "set", "u8", "0", "1"}) == "*1\r\n:0\r\n");
  CHECK(encoding("bf") == "raw");
  h.Run({"set", "bf2", "1"});
  CHECK(h.Run({"bitfield", "bf2", "get", "u8", "0"}) == "*1\r\n:49\r\n");
  CHECK(encoding("bf2") == "int");
  h.Run({"set", "x", "a"});
  CHECK(h.Run({"setbit", "x", "0", "0"}) == ":0\r\n");  // same bytes, still in place
  CHECK(encoding("x") == "raw");
  h.Run({"set", "x", "1"});
  CHECK(h.Run({"bitop", "and", "bo", "x"}) == ":1\r\n");
  CHECK(encoding("bo") == "raw");
  h.Run({"set", "g", "ab"});
  CHECK(h.Run({"getex", "g", "ex", "100"}) == "$2\r\nab\r\n");
  CHECK(encoding("g") == "embstr");
  CHECK(h.Run({"getset", "g", "12"}) == "$2\r\nab\r\n");
  CHECK(encoding("g") == "int");
  h.Run({"set", "f", "1.5"});
  CHECK(encoding("f") == "embstr");
}

TEST_CASE("OBJECT REFCOUNT: integers 0..9999 are shared without a memory limit") {
  CommandHarness h;
  CHECK(h.Run({"set", "i", "0"}) == "+OK\r\n");
  CHECK(h.Run({"object", "refcount", "i"}) == ":2147483647\r\n");
  CHECK(h.Run({"set", "i", "9999"}) == "+OK\r\n");
  CHECK(h.Run({"object", "refcount", "i"}) == ":2147483647\r\n");
  CHECK(h.Run({"set", "i", "10000"}) == "+OK\r\n");
  CHECK(h.Run({"object", "refcount", "i"}) == ":1\r\n");
  CHECK(h.Run({"set", "i", "-1"}) == "+OK\r\n");
  CHECK(h.Run({"object", "refcount", "i"}) == ":1\r\n");
  CHECK(h.Run({"set", "i", "abc"}) == "+OK\r\n");
  CHECK(h.Run({"object", "refcount", "i"}) == ":1\r\n");
  CHECK(h.Run({"object", "refcount", "nokey"}) == "$-1\r\n");
}

TEST_CASE("OBJECT: FREQ errors under an LRU policy, IDLETIME, HELP and subcommand errors") {
  CommandHarness h;
  CHECK(h.Run({"set", "t", "v"}) == "+OK\r\n");
  CHECK(h.Run({"object", "freq", "t"}) ==
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
        "Please note that when switching between policies at runtime LRU and LFU data will "
        "take some time to adjust.\r\n");
  CHECK(h.Run({"object", "freq", "nokey"}) == "$-1\r\n");
  CHECK(h.Run({"object", "idletime", "t"}) == ":0\r\n");
  CHECK(h.Run({"object", "idletime", "nokey"}) == "$-1\r\n");
  CHECK(h.Run({"object", "help"}) == kObjectHelp);
  CHECK(h.Run({"OBJECT", "HELP"}) == kObjectHelp);
  CHECK(h.Run({"object", "help", "extra"}) ==
        "-ERR wrong number of arguments for 'object|help' command\r\n");
  CHECK(h.Run({"object", "foo"}) == "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  CHECK(h.Run({"object", "foo", "bar"}) == "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  CHECK(h.Run({"OBJECT", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n");
  CHECK(h.Run({"object"}) == "-ERR wrong number of arguments for 'object' command\r\n");
  CHECK(h.Run({"object", "encoding"}) ==
        "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  CHECK(h.Run({"object", "encoding", "t", "extra"}) ==
        "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  CHECK(h.Run({"object", "idletime"}) ==
        "-ERR wrong number of arguments for 'object|idletime' command\r\n");
  CHECK(h.Run({"object", "refcount"}) ==
        "-ERR wrong number of arguments for 'object|refcount' command\r\n");
  CHECK(h.Run({"object", "freq"}) ==
        "-ERR wrong number of arguments for 'object|freq' command\r\n");
}

TEST_CASE("OBJECT and TTL under RESP3: a missing key is a RESP3 null") {
  CommandHarness h;
  h.client.protocol = 3;
  CHECK(h.Run({"object", "encoding", "nokey"}) == "_\r\n");
  CHECK(h.Run({"object", "refcount", "nokey"}) == "_\r\n");
  CHECK(h.Run({"ttl", "nokey"}) == ":-2\r\n");
  CHECK(h.Run({"object", "help"}) == kObjectHelp);
}

// ---- Time (FakeClock), iteration and counters ----

TEST_CASE("TTL family: time left rounds to the nearest second as the fake clock moves") {
  CommandHarness h;
  const int64_t start_ms = h.clock.NowMs();  // a whole second
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "100"}) == ":1\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":100\r\n");
  CHECK(h.Run({"pttl", "k"}) == ":100000\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":" + std::to_string(start_ms / 1000 + 100) + "\r\n");
  CHECK(h.Run({"pexpiretime", "k"}) == ":" + std::to_string(start_ms + 100000) + "\r\n");
  h.clock.Advance(1499);
  CHECK(h.Run({"pttl", "k"}) == ":98501\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":99\r\n");  // (98501 + 500) / 1000
  h.clock.Advance(1);
  CHECK(h.Run({"ttl", "k"}) == ":99\r\n");  // 98500 rounds up to 99 too
  h.clock.Advance(1);
  CHECK(h.Run({"ttl", "k"}) == ":98\r\n");
  h.clock.Set(start_ms + 100000 - 500);
  CHECK(h.Run({"ttl", "k"}) == ":1\r\n");
  h.clock.Advance(1);
  CHECK(h.Run({"ttl", "k"}) == ":0\r\n");
  CHECK(h.Run({"pttl", "k"}) == ":499\r\n");
  h.clock.Set(start_ms + 100000);  // the deadline itself: still there (Redis: `now > when`)
  CHECK(h.Run({"pttl", "k"}) == ":0\r\n");
  CHECK(h.Run({"exists", "k"}) == ":1\r\n");
  h.clock.Advance(1);  // one millisecond past it: gone
  CHECK(h.Run({"ttl", "k"}) == ":-2\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
  CHECK(h.Run({"type", "k"}) == "+none\r\n");
}

TEST_CASE("PEXPIRE and PEXPIREAT: millisecond deadlines, seconds rounded for TTL") {
  CommandHarness h;
  const int64_t now_ms = h.clock.NowMs();
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"pexpire", "k", "1500"}) == ":1\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":2\r\n");
  CHECK(h.Run({"pexpire", "k", "1499"}) == ":1\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":1\r\n");
  const std::string at = std::to_string(now_ms + 2001);
  CHECK(h.Run({"pexpireat", "k", at}) == ":1\r\n");
  CHECK(h.Run({"pexpiretime", "k"}) == ":" + at + "\r\n");
  CHECK(h.Run({"expiretime", "k"}) == ":" + std::to_string((now_ms + 2001 + 500) / 1000) + "\r\n");
  CHECK(h.Run({"pttl", "k"}) == ":2001\r\n");
  // A deadline equal to now is already past.
  CHECK(h.Run({"pexpireat", "k", std::to_string(now_ms)}) == ":1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
}

TEST_CASE("EXPIRE GT and LT compare absolute deadlines, relative to the fake clock") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "100"}) == ":1\r\n");
  CHECK(h.Run({"expire", "k", "100", "gt"}) == ":0\r\n");  // equal is not greater
  CHECK(h.Run({"expire", "k", "100", "lt"}) == ":0\r\n");
  h.clock.Advance(1000);
  CHECK(h.Run({"expire", "k", "100", "gt"}) == ":1\r\n");  // now + 100 s is 1 s later
  CHECK(h.Run({"pttl", "k"}) == ":100000\r\n");
  CHECK(h.Run({"expire", "k", "50", "lt"}) == ":1\r\n");
  CHECK(h.Run({"pttl", "k"}) == ":50000\r\n");
  CHECK(h.Run({"expire", "k", "-1", "lt"}) == ":1\r\n");  // earlier and past: deleted
  CHECK(h.Run({"exists", "k"}) == ":0\r\n");
}

TEST_CASE("COPY, RENAME and MOVE carry the TTL with the value") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "100"}) == ":1\r\n");
  CHECK(h.Run({"copy", "k", "k2"}) == ":1\r\n");
  CHECK(h.Run({"ttl", "k2"}) == ":100\r\n");
  CHECK(h.Run({"rename", "k2", "k3"}) == "+OK\r\n");
  CHECK(h.Run({"ttl", "k3"}) == ":100\r\n");
  CHECK(h.Run({"move", "k3", "1"}) == ":1\r\n");
  h.client.db = 1;
  CHECK(h.Run({"ttl", "k3"}) == ":100\r\n");
  h.clock.Advance(100001);  // past the deadline (its own millisecond still reads the key)
  CHECK(h.Run({"exists", "k3"}) == ":0\r\n");
  CHECK(h.Run({"rename", "k3", "k4"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"move", "k3", "0"}) == ":0\r\n");
  CHECK(h.Run({"copy", "k3", "k5"}) == ":0\r\n");
}

TEST_CASE("PERSIST: the key outlives its old deadline") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"expire", "k", "10"}) == ":1\r\n");
  CHECK(h.Run({"persist", "k"}) == ":1\r\n");
  h.clock.Advance(20000);
  CHECK(h.Run({"ttl", "k"}) == ":-1\r\n");
  CHECK(h.Run({"exists", "k"}) == ":1\r\n");
}

TEST_CASE("KEYS: returns exactly the keys matching, expired ones left out") {
  CommandHarness h;
  for (std::string_view k : {"user:1", "user:2", "user:10", "order:1", "User:3", "user:"}) {
    CHECK(h.Run({"set", k, "v"}) == "+OK\r\n");
  }
  CHECK(SortedKeys(h.Run({"keys", "user:?"})) == std::vector<std::string>{"user:1", "user:2"});
  CHECK(SortedKeys(h.Run({"keys", "user:*"})) ==
        std::vector<std::string>{"user:", "user:1", "user:10", "user:2"});
  CHECK(SortedKeys(h.Run({"keys", "[uU]ser:[13]*"})) ==
        std::vector<std::string>{"User:3", "user:1", "user:10"});
  CHECK(SortedKeys(h.Run({"keys", "*"})).size() == 6);
  CHECK(h.Run({"pexpire", "user:10", "1"}) == ":1\r\n");
  h.clock.Advance(2);
  CHECK(SortedKeys(h.Run({"keys", "user:1*"})) == std::vector<std::string>{"user:1"});
  h.client.db = 1;
  CHECK(h.Run({"keys", "*"}) == "*0\r\n");
}

TEST_CASE("SCAN: a full iteration returns every key, even while keys are added") {
  CommandHarness h;
  constexpr int kKeys = 2000;
  for (int i = 0; i < kKeys; ++i) {
    CHECK(h.Run({"set", "key:" + std::to_string(i), "v"}) == "+OK\r\n");
  }
  std::set<std::string> seen;
  std::string cursor = "0";
  int rounds = 0;
  int added = 0;
  do {
    const ScanPage page = ParseScan(h.Run({"scan", cursor, "count", "7"}));
    seen.insert(page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    // Grow the table under the iteration.
    for (int j = 0; j < 5; ++j) h.Run({"set", "new:" + std::to_string(added++), "v"});
    REQUIRE(++rounds < 100000);
  } while (cursor != "0");
  for (int i = 0; i < kKeys; ++i) CHECK(seen.count("key:" + std::to_string(i)) == 1);
  for (const std::string& k : seen) {
    CHECK((k.rfind("key:", 0) == 0 || k.rfind("new:", 0) == 0));
  }
}

TEST_CASE("SCAN: MATCH and TYPE filter what a full iteration returns") {
  CommandHarness h;
  for (int i = 0; i < 300; ++i) {
    CHECK(h.Run({"set", (i % 3 == 0 ? "a:" : "b:") + std::to_string(i), "v"}) == "+OK\r\n");
  }
  auto scan_all = [&](std::vector<std::string> options) {
    std::set<std::string> seen;
    std::string cursor = "0";
    do {
      std::vector<std::string> args = {"scan", cursor};
      args.insert(args.end(), options.begin(), options.end());
      std::vector<std::string_view> views(args.begin(), args.end());
      const ScanPage page = ParseScan(h.Run(views));
      seen.insert(page.keys.begin(), page.keys.end());
      cursor = page.cursor;
    } while (cursor != "0");
    return seen;
  };
  const std::set<std::string> a = scan_all({"match", "a:*", "count", "20"});
  CHECK(a.size() == 100);
  for (const std::string& k : a) CHECK(k.rfind("a:", 0) == 0);
  CHECK(scan_all({"type", "string"}).size() == 300);
  CHECK(scan_all({"type", "hash"}).empty());
  CHECK(scan_all({"match", "*"}).size() == 300);
}

TEST_CASE("SCAN: MATCH * also returns the empty key, as Redis skips matching for *") {
  CommandHarness h;
  CHECK(h.Run({"set", "", "v"}) == "+OK\r\n");
  CHECK(ParseScan(h.Run({"scan", "0", "match", "*"})).keys == std::vector<std::string>{""});
  CHECK(ParseScan(h.Run({"scan", "0", "match", "**"})).keys.empty());
}

TEST_CASE("RANDOMKEY: returns one of the live keys") {
  CommandHarness h;
  CHECK(h.Run({"set", "a", "1"}) == "+OK\r\n");
  CHECK(h.Run({"set", "b", "2"}) == "+OK\r\n");
  for (int i = 0; i < 20; ++i) {
    const std::string r = h.Run({"randomkey"});
    CHECK((r == "$1\r\na\r\n" || r == "$1\r\nb\r\n"));
  }
  CHECK(h.Run({"pexpire", "a", "1"}) == ":1\r\n");
  CHECK(h.Run({"pexpire", "b", "1"}) == ":1\r\n");
  h.clock.Advance(2);
  CHECK(h.Run({"randomkey"}) == "$-1\r\n");
}

TEST_CASE("OBJECT IDLETIME: grows with the clock; TYPE, EXISTS, TTL and OBJECT do not touch") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  h.clock.Advance(10500);
  CHECK(h.Run({"object", "idletime", "k"}) == ":10\r\n");
  CHECK(h.Run({"type", "k"}) == "+string\r\n");
  CHECK(h.Run({"exists", "k"}) == ":1\r\n");
  CHECK(h.Run({"ttl", "k"}) == ":-1\r\n");
  CHECK(h.Run({"object", "encoding", "k"}) == "$6\r\nembstr\r\n");
  CHECK(h.Run({"object", "idletime", "k"}) == ":10\r\n");
  CHECK(h.Run({"touch", "k"}) == ":1\r\n");
  CHECK(h.Run({"object", "idletime", "k"}) == ":0\r\n");
  h.clock.Advance(3000);
  CHECK(h.Run({"object", "idletime", "k"}) == ":3\r\n");
}

TEST_CASE("OBJECT REFCOUNT: small integers are not shared under an LRU policy with maxmemory") {
  // On redis-server 7.0.15: maxmemory 100mb + volatile-lru gives 1; noeviction or volatile-ttl
  // with the same limit gives 2147483647.
  CommandHarness h;
  CHECK(h.Run({"set", "i", "5"}) == "+OK\r\n");
  lrukv::engine::Limits limits = h.engine.limits();
  limits.maxmemory_bytes = 100 * 1024 * 1024;
  limits.policy = lrukv::engine::EvictionPolicy::kVolatileLru;
  h.engine.SetLimits(limits);
  CHECK(h.Run({"object", "refcount", "i"}) == ":1\r\n");
  limits.policy = lrukv::engine::EvictionPolicy::kAllKeysLru;
  h.engine.SetLimits(limits);
  CHECK(h.Run({"object", "refcount", "i"}) == ":1\r\n");
  limits.policy = lrukv::engine::EvictionPolicy::kVolatileTtl;
  h.engine.SetLimits(limits);
  CHECK(h.Run({"object", "refcount", "i"}) == ":2147483647\r\n");
  limits.policy = lrukv::engine::EvictionPolicy::kNoEviction;
  h.engine.SetLimits(limits);
  CHECK(h.Run({"object", "refcount", "i"}) == ":2147483647\r\n");
}

TEST_CASE("keyspace hits and misses count as Redis 7.0 counts them per command") {
  // Measured on redis-server 7.0.15 with INFO stats around each command.
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"set", "k2", "v"}) == "+OK\r\n");
  struct Expect {
    std::vector<std::string_view> args;
    uint64_t hits;
    uint64_t misses;
  };
  const Expect table[] = {
      {{"exists", "k", "nokey"}, 1, 1},  {{"type", "k"}, 1, 0},
      {{"type", "nokey"}, 0, 1},         {{"ttl", "k"}, 1, 0},
      {{"ttl", "nokey"}, 0, 1},          {{"pttl", "k"}, 1, 0},
      {{"expiretime", "k"}, 1, 0},       {{"object", "encoding", "k"}, 1, 0},
      {{"object", "encoding", "nokey"}, 0, 1},
      {{"object", "idletime", "k"}, 1, 0},
      {{"touch", "k", "nokey"}, 1, 1},   {{"del", "k2"}, 0, 0},
      {{"copy", "k", "k3"}, 1, 0},       {{"copy", "nokey", "k4"}, 0, 1},
      {{"move", "k3", "1"}, 0, 0},       {{"rename", "k", "k5"}, 0, 0},
      {{"rename", "k5", "k"}, 0, 0},     {{"expire", "k", "100"}, 0, 0},
      {{"expire", "nokey", "100"}, 0, 0},
      {{"persist", "k"}, 0, 0},          {{"persist", "nokey"}, 0, 0},
      {{"keys", "*"}, 0, 0},             {{"scan", "0"}, 0, 0},
      {{"randomkey"}, 0, 0},             {{"renamenx", "k", "k6"}, 0, 0},
      {{"dbsize"}, 0, 0},
  };
  for (const Expect& e : table) {
    CAPTURE(e.args[0]);
    const uint64_t hits = h.engine.stats().keyspace_hits;
    const uint64_t misses = h.engine.stats().keyspace_misses;
    h.Run(e.args);
    CHECK(h.engine.stats().keyspace_hits - hits == e.hits);
    CHECK(h.engine.stats().keyspace_misses - misses == e.misses);
  }
}

TEST_CASE("OBJECT IDLETIME under an LFU policy name is Redis's 'LFU selected' error") {
  lrukv::testing::CommandHarness h;
  h.Run({"SET", "k", "v"});
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == ":0\r\n");
  h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) ==
        "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to "
        "adjust.\r\n");
  CHECK(h.Run({"OBJECT", "IDLETIME", "nokey"}) == "$-1\r\n");
}
