// DUMP and RESTORE through the real Dispatcher. Error replies, their order and the OK/nil
// shapes were checked on redis-server 7.0.15 (tests/integration/dump_restore_test.py diffs them
// live); payload bytes are lrukv's own (src/persist/payload.h). Time moves by the FakeClock.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "commands/harness.h"
#include "src/persist/payload.h"

using lrukv::testing::CommandHarness;
using namespace std::string_literals;

namespace {

constexpr std::string_view kOk = "+OK\r\n";
constexpr std::string_view kNil = "$-1\r\n";
constexpr std::string_view kBusy = "-BUSYKEY Target key name already exists.\r\n";
constexpr std::string_view kBadPayload = "-ERR DUMP payload version or checksum are wrong\r\n";
constexpr std::string_view kSyntax = "-ERR syntax error\r\n";
constexpr std::string_view kNotInt = "-ERR value is not an integer or out of range\r\n";
constexpr std::string_view kBadTtl = "-ERR Invalid TTL value, must be >= 0\r\n";
constexpr std::string_view kBadIdle = "-ERR Invalid IDLETIME value, must be >= 0\r\n";
constexpr std::string_view kBadFreq = "-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n";

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }

// The payload inside a DUMP reply.
std::string PayloadOf(const std::string& reply) {
  REQUIRE(reply.size() > 1);
  REQUIRE(reply[0] == '$');
  const size_t eol = reply.find("\r\n");
  return reply.substr(eol + 2, reply.size() - eol - 4);
}

TEST_CASE("DUMP: nil for a missing key, the value's payload for a present one") {
  CommandHarness h;
  CHECK(h.Run({"DUMP", "nope"}) == kNil);
  h.Run({"SET", "k", "bar"});
  CHECK(h.Run({"DUMP", "k"}) == Bulk(lrukv::persist::EncodePayload("bar")));
  CHECK(h.Run({"DUMP"}) == "-ERR wrong number of arguments for 'dump' command\r\n");
  CHECK(h.Run({"DUMP", "k", "x"}) == "-ERR wrong number of arguments for 'dump' command\r\n");
}

TEST_CASE("DUMP then RESTORE: binary values come back byte for byte, without a TTL") {
  CommandHarness h;
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  h.Run({"SET", "src", all});
  h.Run({"PEXPIRE", "src", "100000"});
  const std::string payload = PayloadOf(h.Run({"DUMP", "src"}));
  CHECK(h.Run({"RESTORE", "dst", "0", payload}) == kOk);
  CHECK(h.Run({"GET", "dst"}) == Bulk(all));
  CHECK(h.Run({"PTTL", "dst"}) == Int(-1));  // DUMP carries no TTL
  const std::string empty_payload = lrukv::persist::EncodePayload("");
  CHECK(h.Run({"RESTORE", "empty", "0", empty_payload}) == kOk);
  CHECK(h.Run({"GET", "empty"}) == Bulk(""));
  CHECK(h.Run({"OBJECT", "ENCODING", "empty"}) == Bulk("embstr"));
}

TEST_CASE("RESTORE: arity, BUSYKEY and REPLACE") {
  CommandHarness h;
  const std::string p = lrukv::persist::EncodePayload("new");
  CHECK(h.Run({"RESTORE", "k", "0"}) == "-ERR wrong number of arguments for 'restore' command\r\n");
  h.Run({"SET", "k", "old"});
  CHECK(h.Run({"RESTORE", "k", "0", p}) == kBusy);
  CHECK(h.Run({"GET", "k"}) == Bulk("old"));
  h.Run({"EXPIRE", "k", "100"});
  CHECK(h.Run({"RESTORE", "k", "0", p, "REPLACE"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("new"));
  CHECK(h.Run({"PTTL", "k"}) == Int(-1));  // the old TTL went with the old key
  // A key that has expired no longer blocks.
  h.Run({"SET", "gone", "v", "PX", "10"});
  h.clock.Advance(11);
  CHECK(h.Run({"RESTORE", "gone", "0", p}) == kOk);
}

TEST_CASE("RESTORE: option errors, as Redis 7.0 reports them") {
  CommandHarness h;
  const std::string p = lrukv::persist::EncodePayload("v");
  h.Run({"SET", "k", "v"});
  // Options are parsed before anything else, so these win over BUSYKEY on an existing key.
  CHECK(h.Run({"RESTORE", "k", "0", p, "bogus"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "IDLETIME"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "ABSTTL", "1"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "IDLETIME", "-1"}) == kBadIdle);
  CHECK(h.Run({"RESTORE", "k", "0", p, "IDLETIME", "x"}) == kNotInt);
  CHECK(h.Run({"RESTORE", "k", "0", p, "IDLETIME", "99999999999999999999"}) == kNotInt);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ", "256"}) == kBadFreq);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ", "-1"}) == kBadFreq);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ", "x"}) == kNotInt);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ", "1", "FREQ", "300"}) == kBadFreq);
  // IDLETIME and FREQ exclude each other, whichever comes first.
  CHECK(h.Run({"RESTORE", "k", "0", p, "IDLETIME", "0", "FREQ", "1"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ", "1", "IDLETIME", "1"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "FREQ", "1", "IDLETIME", "x"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "k", "0", p, "IDLETIME", "-1", "FREQ", "1"}) == kBadIdle);
  CHECK(h.Run({"RESTORE", "k", "0", p}) == kBusy);  // the control: valid options, BUSYKEY
}

TEST_CASE("RESTORE: BUSYKEY before the TTL, the TTL before the payload") {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  CHECK(h.Run({"RESTORE", "k", "abc", "junk"}) == kBusy);
  CHECK(h.Run({"RESTORE", "k", "-1", "junk"}) == kBusy);
  for (std::string_view ttl : {"abc", "1.5", " 1", "+1", "-0", "99999999999999999999", ""}) {
    CAPTURE(ttl);
    CHECK(h.Run({"RESTORE", "n", ttl, "junk"}) == kNotInt);
  }
  CHECK(h.Run({"RESTORE", "n", "-1", "junk"}) == kBadTtl);
  CHECK(h.Run({"RESTORE", "k", "-5", "junk", "REPLACE"}) == kBadTtl);
  CHECK(h.Run({"RESTORE", "k", "5", "junk", "REPLACE"}) == kBadPayload);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));  // a refused REPLACE deletes nothing
  CHECK(h.Run({"EXISTS", "n"}) == Int(0));
}

TEST_CASE("RESTORE: garbage, empty, corrupted and Redis RDB payloads are refused") {
  CommandHarness h;
  const std::string good = lrukv::persist::EncodePayload("bar");
  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 1;  // a checksum digit
  const std::string rdb = "\x00\x03" "bar" "\x0a\x00\xe6\xbe\x49\x60\xee\x66\xfd\x17"s;
  for (const std::string& bad : {"garbage"s, ""s, flipped, rdb, good + " ",
                                 good.substr(0, good.size() - 1)}) {
    CHECK(h.Run({"RESTORE", "k", "0", bad}) == kBadPayload);
  }
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
  CHECK(h.Run({"RESTORE", "k", "0", good}) == kOk);
}

TEST_CASE("RESTORE: relative and ABSTTL deadlines; a past deadline answers OK and stores nothing") {
  CommandHarness h;
  const std::string p = lrukv::persist::EncodePayload("v");
  const int64_t now = h.clock.NowMs();
  CHECK(h.Run({"RESTORE", "rel", "5000", p}) == kOk);
  CHECK(h.Run({"PTTL", "rel"}) == Int(5000));
  const std::string at = std::to_string(now + 7000);
  CHECK(h.Run({"RESTORE", "abs", at, p, "ABSTTL"}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "abs"}) == Int(now + 7000));
  CHECK(h.Run({"RESTORE", "zero", "0", p, "ABSTTL"}) == kOk);
  CHECK(h.Run({"PTTL", "zero"}) == Int(-1));
  // Deadlines at or before now.
  CHECK(h.Run({"RESTORE", "past", "1", p, "ABSTTL"}) == kOk);
  CHECK(h.Run({"RESTORE", "nowish", std::to_string(now), p, "ABSTTL"}) == kOk);
  // A relative TTL that overflows the clock counts as already expired, as on Redis.
  CHECK(h.Run({"RESTORE", "huge", "9223372036854775807", p}) == kOk);
  CHECK(h.Run({"EXISTS", "past", "nowish", "huge"}) == Int(0));
  // The farthest absolute deadline is kept.
  CHECK(h.Run({"RESTORE", "far", "9223372036854775806", p, "ABSTTL"}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "far"}) == Int(9223372036854775806));
  h.clock.Advance(5001);
  CHECK(h.Run({"EXISTS", "rel"}) == Int(0));
  CHECK(h.Run({"EXISTS", "abs"}) == Int(1));
}

TEST_CASE("RESTORE REPLACE with a past deadline deletes the old key and counts one change") {
  CommandHarness h;
  const std::string p = lrukv::persist::EncodePayload("v");
  h.Run({"SET", "k", "old"});
  const uint64_t dirty = h.server.counters.dirty;
  CHECK(h.Run({"RESTORE", "k", "1", p, "REPLACE", "ABSTTL"}) == kOk);
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
  CHECK(h.server.counters.dirty == dirty + 1);
  // Nothing to delete and nothing stored: no change counted.
  CHECK(h.Run({"RESTORE", "k", "1", p, "REPLACE", "ABSTTL"}) == kOk);
  CHECK(h.server.counters.dirty == dirty + 1);
  CHECK(h.Run({"RESTORE", "k", "0", p}) == kOk);
  CHECK(h.server.counters.dirty == dirty + 2);
  CHECK(h.Run({"RESTORE", "k", "0", "junk", "REPLACE"}) == kBadPayload);
  CHECK(h.server.counters.dirty == dirty + 2);
}

TEST_CASE("RESTORE IDLETIME n > 0 makes the key the next LRU victim; FREQ is accepted") {
  CommandHarness h;
  const std::string p = lrukv::persist::EncodePayload("v");
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2"});
  CHECK(h.Run({"RESTORE", "idle", "0", p, "IDLETIME", "100"}) == kOk);
  CHECK(h.Run({"OBJECT", "IDLETIME", "idle"}) == Int(100));
  CHECK(h.Run({"RESTORE", "fresh", "0", p, "IDLETIME", "0"}) == kOk);
  CHECK(h.Run({"OBJECT", "IDLETIME", "fresh"}) == Int(0));
  CHECK(h.Run({"RESTORE", "hot", "0", p, "FREQ", "200"}) == kOk);
  CHECK(h.Run({"GET", "hot"}) == Bulk("v"));
  // maxkeys 4 of 5 keys: the one restored idle goes first, although it was written after a, b.
  CHECK(h.Run({"CONFIG", "SET", "maxkeys", "4"}) == kOk);
  CHECK(h.Run({"SET", "trigger", "x"}) == kOk);
  CHECK(h.Run({"EXISTS", "idle"}) == Int(0));
  CHECK(h.Run({"EXISTS", "a", "b", "fresh", "hot"}) == Int(3));  // then a, the oldest left
  CHECK(h.Run({"EXISTS", "a"}) == Int(0));
}

TEST_CASE("RESTORE: a WATCHed key restored by another client aborts the transaction") {
  CommandHarness h;
  lrukv::cmd::ClientState other;
  other.id = 2;
  const std::string p = lrukv::persist::EncodePayload("v");
  CHECK(h.Run({"WATCH", "k"}, other) == kOk);
  CHECK(h.Run({"RESTORE", "k", "0", p}) == kOk);
  CHECK(h.Run({"MULTI"}, other) == kOk);
  CHECK(h.Run({"GET", "k"}, other) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}, other) == "*-1\r\n");
  // A refused RESTORE changes nothing and leaves the watch intact.
  CHECK(h.Run({"WATCH", "k"}, other) == kOk);
  CHECK(h.Run({"RESTORE", "k", "0", p}) == kBusy);
  CHECK(h.Run({"MULTI"}, other) == kOk);
  CHECK(h.Run({"GET", "k"}, other) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}, other) == "*1\r\n$1\r\nv\r\n");
}

}  // namespace
