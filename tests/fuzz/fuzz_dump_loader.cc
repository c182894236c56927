// libFuzzer target for the JSON dump loader (src/persist/dump_loader.h): any bytes load as a
// dataset or fail with an error at an offset within the input, never crash, and leave the
// engine consistent (Engine::CheckInvariants) either way.
//  - On success the dataset is valid: every key loaded is live, the loaded count covers the
//    keys held, and it survives a round trip (written by WriteDump, loaded into a fresh
//    engine, written again: the same bytes).
//  - On error the loader has applied a prefix of the entries (its documented contract); the
//    server's recovery (LoadDumpAtStart: FlushAll, then start empty or refuse) must leave an
//    engine that is empty and consistent, so no partial dataset is ever served.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "src/persist/dump_loader.h"
#include "src/persist/dump_writer.h"

namespace {

using lrukv::engine::Engine;
using lrukv::engine::EntryView;
using lrukv::engine::FakeClock;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_dump_loader: %s\n", what.c_str());
  std::abort();
}

void CheckConsistent(const Engine& engine, const char* when) {
  const std::string error = engine.CheckInvariants();
  if (!error.empty()) Fail(std::string(when) + ": " + error);
}

uint64_t TotalKeys(const Engine& engine) {
  uint64_t n = 0;
  for (int db = 0; db < engine.databases(); ++db) n += engine.DbSize(db);
  return n;
}

std::string Dump(Engine& engine, int64_t now_ms) {
  std::string out;
  lrukv::persist::StringSink sink(&out);
  if (!lrukv::persist::WriteDump(engine, now_ms, sink).ok) Fail("WriteDump failed");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The seeds' expire_at_ms values lie on both sides of this time.
  FakeClock clock(1'700'000'000'000);
  const int64_t now_ms = clock.NowMs();
  Engine engine(clock);
  const lrukv::persist::LoadResult r = lrukv::persist::LoadDump(text, engine, now_ms);
  CheckConsistent(engine, "after the load");
  if (!r.ok) {
    if (r.error.empty()) Fail("an error without a reason");
    if (r.error_offset > size) Fail("error offset past the input: " + r.error);
    if (TotalKeys(engine) > r.keys_loaded) Fail("more keys held than loaded before the error");
    engine.FlushAll();  // what the server does with a bad dump
    CheckConsistent(engine, "after FlushAll of a failed load");
    if (TotalKeys(engine) != 0) Fail("keys left after FlushAll of a failed load");
    return 0;
  }
  const uint64_t held = TotalKeys(engine);
  if (held > r.keys_loaded) Fail("more keys held than loaded");
  engine.ForEachLruOrder(INT64_MIN, [&](int, const EntryView& e) {
    if (e.expire_at_ms != lrukv::engine::kNoExpiry && e.expire_at_ms < now_ms) {
      Fail("an already expired entry was loaded");
    }
  });
  const std::string first = Dump(engine, now_ms);
  Engine again(clock);
  const lrukv::persist::LoadResult r2 = lrukv::persist::LoadDump(first, again, now_ms);
  if (!r2.ok) Fail("our own dump does not load: " + r2.error);
  CheckConsistent(again, "after reloading our own dump");
  if (r2.keys_loaded != held || TotalKeys(again) != held || r2.keys_expired != 0) {
    Fail("the round trip changed the number of keys");
  }
  if (Dump(again, now_ms) != first) Fail("the round trip changed the dump");
  return 0;
}
