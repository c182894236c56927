// Regressions found with the fuzz_dump_loader target of tests/fuzz (README "Fuzzing"), each
// named after what it was; the reproducing input is in tests/fuzz/corpus/fuzz_dump_loader/
// under the same name.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "src/engine/engine.h"
#include "src/persist/dump_loader.h"

namespace lrukv::persist {
namespace {

// db_keys_huge: "db_keys":[40000000000] made ReserveKeys map a 256 GiB bucket array for db 0;
// the mapping failed and std::bad_alloc escaped the loader (the server died at start instead
// of loading the dump, or of reporting it bad).
TEST_CASE("a db_keys hint larger than memory can hold is ignored, and the dump still loads") {
  for (const std::string hint : {"40000000000", "4611686018427387904", "9223372036854775807"}) {
    CAPTURE(hint);
    engine::FakeClock clock;
    engine::Engine engine(clock);
    const uint64_t empty_bytes = engine.used_memory();
    const std::string dump = R"({"format":"lrukv-dump","version":1,"db_keys":[)" + hint +
                             R"(,0,3],"entries":[{"key":"a","value":"1"},{"db":2,"key":"b","value":"2"}]})";
    const LoadResult r = LoadDump(dump, engine, clock.NowMs());
    CHECK(r.ok);
    CHECK(r.keys_loaded == 2);
    CHECK(engine.Lookup(0, "a", clock.NowMs())->value == "1");
    CHECK(engine.Lookup(2, "b", clock.NowMs())->value == "2");
    CHECK(engine.used_memory() < empty_bytes + (1u << 20));  // no giant table accounted
    CHECK(engine.CheckInvariants() == "");
  }
}

// db_keys_past_input: "db_keys":[444444444] in a dump of a few hundred bytes reserved a table for
// 444M keys (gigabytes, mapped and walked) before the rest of the file failed to parse, which
// took fuzz_dump_loader past its 10 s timeout. The hint is now bounded by the entries the input
// has room for, in memory and from a file.
TEST_CASE("a db_keys hint past what the input can hold reserves no more than the input allows") {
  const std::string dump = R"({"format":"lrukv-dump","version":1,"db_keys":[444444444],)"
                           R"("entries":[{"key":"a","value":"1"}]})";
  engine::FakeClock clock;
  engine::Engine from_text(clock);
  const uint64_t empty_bytes = from_text.used_memory();
  CHECK(LoadDump(dump, from_text, clock.NowMs()).ok);
  CHECK(from_text.used_memory() < empty_bytes + (1u << 20));

  engine::Engine from_file(clock);
  FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  REQUIRE(std::fwrite(dump.data(), 1, dump.size(), file) == dump.size());
  std::rewind(file);
  const LoadResult r = LoadDump(file, from_file, clock.NowMs());
  std::fclose(file);
  CHECK(r.ok);
  CHECK(r.keys_loaded == 1);
  CHECK(from_file.used_memory() < empty_bytes + (1u << 20));
  CHECK(from_file.CheckInvariants() == "");
}

}  // namespace
}  // namespace lrukv::persist
