// The commands where unix time crosses into the engine's monotonic time (clock.h), run under a
// FakeClock whose wall clock is stepped: relative TTLs ignore the step, absolute times follow
// the stepped wall clock, and EXPIREAT t then EXPIRETIME still gives t exactly.
#include <doctest/doctest.h>

#include <string>

#include "commands/harness.h"
#include "src/persist/payload.h"

using lrukv::testing::CommandHarness;

namespace {

constexpr int64_t kHourMs = 3'600'000;

std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }

int64_t WallNowMs(const CommandHarness& h) { return h.clock.NowMs() + h.clock.WallOffsetMs(); }

TEST_CASE("wall step forward: a relative TTL neither expires early nor changes its time left") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "10"}) == "+OK\r\n");
  const int64_t at_before = WallNowMs(h) + 10'000;
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(at_before));
  h.clock.StepWall(kHourMs);
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == Int(10'000));
  // The deadline in unix time is the moment the stepped wall clock shows when it expires.
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(at_before + kHourMs));
  h.clock.Advance(10'000);  // at the deadline: still there (Redis expires at now > deadline)
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  h.clock.Advance(1);
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("wall step back: a relative TTL still expires on time") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "PX", "5000"}) == "+OK\r\n");
  h.clock.StepWall(-kHourMs);
  CHECK(h.Run({"PTTL", "k"}) == Int(5000));
  h.clock.Advance(5001);
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("EXPIREAT t then EXPIRETIME answers t, before and after a wall step") {
  CommandHarness h;
  const int64_t t_ms = WallNowMs(h) + 100'000;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"PEXPIREAT", "k", std::to_string(t_ms)}) == ":1\r\n");
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(t_ms));
  h.clock.StepWall(kHourMs);
  const int64_t t2_ms = WallNowMs(h) + 100'000;
  CHECK(h.Run({"PEXPIREAT", "k", std::to_string(t2_ms)}) == ":1\r\n");
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(t2_ms));
  CHECK(h.Run({"PTTL", "k"}) == Int(100'000));  // counted from the stepped wall clock
  const int64_t t3_s = WallNowMs(h) / 1000 + 50;
  CHECK(h.Run({"EXPIREAT", "k", std::to_string(t3_s)}) == ":1\r\n");
  CHECK(h.Run({"EXPIRETIME", "k"}) == Int(t3_s));
}

TEST_CASE("after a step forward, EXPIREAT to a time the wall clock has passed deletes the key") {
  CommandHarness h;
  const int64_t before_step_ms = WallNowMs(h) + 60'000;  // a minute ahead of the old wall time
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  h.clock.StepWall(kHourMs);
  CHECK(h.Run({"PEXPIREAT", "k", std::to_string(before_step_ms)}) == ":1\r\n");
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("SET PXAT / EXAT and GETEX PXAT / EXAT take the stepped wall clock's unix time") {
  CommandHarness h;
  h.clock.StepWall(-kHourMs);
  const int64_t t_ms = WallNowMs(h) + 2'500;
  CHECK(h.Run({"SET", "a", "v", "PXAT", std::to_string(t_ms)}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "a"}) == Int(2'500));
  CHECK(h.Run({"PEXPIRETIME", "a"}) == Int(t_ms));
  const int64_t t_s = WallNowMs(h) / 1000 + 30;
  CHECK(h.Run({"SET", "b", "v", "EXAT", std::to_string(t_s)}) == "+OK\r\n");
  CHECK(h.Run({"EXPIRETIME", "b"}) == Int(t_s));
  CHECK(h.Run({"GETEX", "b", "PXAT", std::to_string(t_ms + 1)}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PEXPIRETIME", "b"}) == Int(t_ms + 1));
  CHECK(h.Run({"GETEX", "b", "EXAT", std::to_string(t_s + 5)}) == "$1\r\nv\r\n");
  CHECK(h.Run({"EXPIRETIME", "b"}) == Int(t_s + 5));
  h.clock.Advance(2'501);
  CHECK(h.Run({"EXISTS", "a"}) == ":0\r\n");
}

TEST_CASE("RESTORE ABSTTL takes unix time after a step; a relative TTL ignores the step") {
  CommandHarness h;
  const std::string payload = lrukv::persist::EncodePayload("v");
  h.clock.StepWall(kHourMs);
  const int64_t at_ms = WallNowMs(h) + 7'000;
  CHECK(h.Run({"RESTORE", "abs", std::to_string(at_ms), payload, "ABSTTL"}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "abs"}) == Int(7'000));
  CHECK(h.Run({"PEXPIRETIME", "abs"}) == Int(at_ms));
  CHECK(h.Run({"RESTORE", "rel", "7000", payload}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "rel"}) == Int(7'000));
  // An ABSTTL the stepped wall clock has passed is already expired: OK, nothing stored.
  CHECK(h.Run({"RESTORE", "old", std::to_string(WallNowMs(h) - kHourMs / 2), payload, "ABSTTL"}) ==
        "+OK\r\n");
  CHECK(h.Run({"EXISTS", "old"}) == ":0\r\n");
}

}  // namespace
