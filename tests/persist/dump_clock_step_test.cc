// The dump holds unix times while the engine holds its own monotonic time (clock.h): a dump
// written after a wall-clock step carries deadlines in the stepped wall time, and a load
// converts them back, so a key keeps its real time left across the step and the restart.
#include <doctest/doctest.h>

#include <string>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "src/persist/dump_loader.h"
#include "src/persist/dump_writer.h"

namespace lrukv::persist {
namespace {

using engine::Engine;
using engine::FakeClock;

constexpr int64_t kHourMs = 3'600'000;

std::string Dump(Engine& e, int64_t now_ms) {
  std::string out;
  StringSink sink(&out);
  REQUIRE(WriteDump(e, now_ms, sink).ok);
  return out;
}

TEST_CASE("a dump written after a wall step forward holds the stepped unix deadlines") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "k", "v", now, engine::SetOptions{.expire_at_ms = now + 10'000});
  clock.StepWall(kHourMs);
  const std::string text = Dump(e, now);
  CHECK(text.find("\"created_ms\":" + std::to_string(now + kHourMs) + ",") != std::string::npos);
  CHECK(text.find("\"expire_at_ms\":" + std::to_string(now + 10'000 + kHourMs) + "}") !=
        std::string::npos);

  SUBCASE("a restarted server (engine time = the stepped unix time) keeps the 10 s left") {
    FakeClock later(now + kHourMs);
    Engine back(later);
    LoadResult r = LoadDump(text, back, later.NowMs());
    REQUIRE(r.ok);
    CHECK(r.keys_loaded == 1);
    CHECK(back.Lookup(0, "k", later.NowMs())->expire_at_ms == later.NowMs() + 10'000);
  }
  SUBCASE("a server that has itself seen the step converts the deadline back to its engine time") {
    Engine back(clock);
    REQUIRE(LoadDump(text, back, now).ok);
    CHECK(back.Lookup(0, "k", now)->expire_at_ms == now + 10'000);
  }
}

TEST_CASE("without a step the dump's times are the engine's, to the millisecond") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "k", "v", now, engine::SetOptions{.expire_at_ms = now + 1234});
  const std::string text = Dump(e, now);
  CHECK(text.find("\"expire_at_ms\":" + std::to_string(now + 1234) + "}") != std::string::npos);
  Engine back(clock);
  REQUIRE(LoadDump(text, back, now).ok);
  CHECK(back.Lookup(0, "k", now)->expire_at_ms == now + 1234);
}

TEST_CASE("a deadline the stepped wall clock has passed is dropped at load") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "k", "v", now, engine::SetOptions{.expire_at_ms = now + 60'000});
  const std::string text = Dump(e, now);
  FakeClock stepped(now);
  stepped.StepWall(kHourMs);  // the loading server's wall clock is an hour ahead
  Engine back(stepped);
  LoadResult r = LoadDump(text, back, now);
  REQUIRE(r.ok);
  CHECK(r.keys_loaded == 0);
  CHECK(r.keys_expired == 1);
}

}  // namespace
}  // namespace lrukv::persist
