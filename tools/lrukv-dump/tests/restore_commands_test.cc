// ForEachRestoreCommand over an Engine on a fake clock: LRU order, SELECT only when the
// database changes, PXAT with the absolute deadline, binary keys intact, dead keys left out.
#include "tools/lrukv-dump/restore_commands.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/engine/clock.h"
#include "src/engine/engine.h"

using namespace lrukv;

namespace {

std::vector<std::vector<std::string>> Commands(engine::Engine& engine, int64_t now_ms) {
  std::vector<std::vector<std::string>> out;
  dumptool::ForEachRestoreCommand(engine, now_ms, [&](const dumptool::RestoreCommand& c) {
    std::vector<std::string> args(c.args.begin(), c.args.end());
    CHECK(c.sets_key == (args[0] == "SET"));
    out.push_back(std::move(args));
  });
  return out;
}

}  // namespace

TEST_CASE("restore commands: SELECT when the db changes, SET in LRU order, PXAT deadlines") {
  engine::FakeClock clock;
  const int64_t now = clock.NowMs();
  engine::Engine engine(clock, 16);
  engine.Set(0, "a", "1", now);
  engine.Set(3, std::string("b\0", 2), "", now, {.expire_at_ms = now + 5000});
  engine.Set(3, "c", "3", now);
  engine.Set(0, "d", "4", now);
  engine.Lookup(0, "a", now);  // touched: now the most recently used
  const std::vector<std::vector<std::string>> want = {
      {"SELECT", "3"},   {"SET", std::string("b\0", 2), "", "PXAT", std::to_string(now + 5000)},
      {"SET", "c", "3"}, {"SELECT", "0"},
      {"SET", "d", "4"}, {"SET", "a", "1"},
  };
  CHECK(Commands(engine, now) == want);
}

TEST_CASE("restore commands: a key whose deadline has come is left out, not sent to expire") {
  engine::FakeClock clock;
  const int64_t now = clock.NowMs();
  engine::Engine engine(clock, 16);
  engine.Set(2, "soon", "x", now, {.expire_at_ms = now + 10});
  engine.Set(0, "stays", "y", now);
  const std::vector<std::vector<std::string>> before = {
      {"SELECT", "2"},
      {"SET", "soon", "x", "PXAT", std::to_string(now + 10)},
      {"SELECT", "0"},
      {"SET", "stays", "y"},
  };
  CHECK(Commands(engine, now + 9) == before);
  const std::vector<std::vector<std::string>> want = {{"SET", "stays", "y"}};
  CHECK(Commands(engine, now + 10) == want);  // deadline == now: PXAT would delete it at once
}
