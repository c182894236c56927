// Values adopted from a request's buffer (ValueDonor, issue 6): Set keeps the block as the
// entry instead of copying, and the entry then behaves as any large entry through every
// operation, with the memory account and CheckInvariants agreeing all along.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "support/request_block.h"
#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

using testing::RequestBlock;
using testing::ValueBytes;

// Sets `key` from `request`'s value with `request` offered; whether the engine took it.
bool SetAdopting(Engine& engine, RequestBlock& request, int64_t now, SetOptions options = {}) {
  ValueDonor donor{request.block(), request.value().data()};
  options.donor = &donor;
  CHECK(engine.Set(0, request.key(), request.value(), now, options) == OpStatus::kOk);
  if (donor.taken) request.Release();
  return donor.taken;
}

void CheckValue(Engine& engine, std::string_view key, size_t len, int64_t now, char seed = 0) {
  auto view = engine.Lookup(0, key, now, kLookupNoTouch | kLookupNoStats);
  REQUIRE(view.has_value());
  CHECK(view->value.size() == len);
  CHECK(view->value == ValueBytes(len, seed));
}

constexpr size_t kBig = 100'000;

// used_memory with one small key: the hash table and id table exist, and stay as they are
// while a few more keys come and go.
uint64_t Baseline(Engine& engine, int64_t now) {
  engine.Set(0, "small", "v", now);
  return engine.used_memory();
}

TEST_CASE("adopted value: SET keeps the request's block, the value read back where it was") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = Baseline(engine, now);
  // Keys of 3 and 4 bytes put the entry at both parities of address (entry_layout.h).
  for (std::string key : {"big", "bigg"}) {
    RequestBlock request(key, kBig);
    const char* value_at = request.value().data();
    const size_t block_bytes = request.usable_bytes();
    REQUIRE(SetAdopting(engine, request, now));
    auto view = engine.Lookup(0, key, now);
    REQUIRE(view.has_value());
    CHECK(view->value.data() == value_at);  // no copy
    CHECK(view->key == key);
    CheckValue(engine, key, kBig, now);
    CHECK(engine.CheckInvariants() == "");
    // The whole block is counted: the request's framing and spare bytes too.
    CHECK(engine.MemoryUsage(0, key, now) >= block_bytes);
    CHECK(engine.MemoryUsage(0, key, now) < block_bytes + 64);
  }
  CHECK(engine.used_memory() > empty + 2 * kBig);
  CHECK(engine.Del(0, "big", now));
  CHECK(engine.Del(0, "bigg", now));
  CHECK(engine.CheckInvariants() == "");
  CHECK(engine.used_memory() == empty);
}

TEST_CASE("adopted value: memory goes back to the same value as with a copied one") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = Baseline(engine, now);
  engine.Set(0, "copied", ValueBytes(kBig), now);
  const uint64_t with_copy = engine.used_memory();
  RequestBlock request("adopted", kBig);
  const size_t block_bytes = request.usable_bytes();
  REQUIRE(SetAdopting(engine, request, now));
  CHECK(engine.used_memory() == with_copy + block_bytes);
  CHECK(engine.CheckInvariants() == "");
  engine.Del(0, "adopted", now);
  CHECK(engine.used_memory() == with_copy);
  engine.Del(0, "copied", now);
  CHECK(engine.used_memory() == empty);
}

TEST_CASE("adopted value: a TTL goes in the bytes after the value, and the key expires") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  RequestBlock request("volatile", kBig, /*tail_bytes=*/kValueDonorTailBytes);
  SetOptions options;
  options.expire_at_ms = now + 1000;
  REQUIRE(SetAdopting(engine, request, now, options));
  auto view = engine.Lookup(0, "volatile", now);
  REQUIRE(view.has_value());
  CHECK(view->expire_at_ms == now + 1000);
  CheckValue(engine, "volatile", kBig, now);
  CHECK(engine.ExpiresCount(0) == 1);
  CHECK(engine.CheckInvariants() == "");
  const uint64_t before_expiry = engine.used_memory();
  clock.Advance(1001);
  CHECK(engine.ActiveExpireCycle(clock.NowMs(), 100'000) == 1);
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.used_memory() < before_expiry - kBig);
  CHECK(engine.CheckInvariants() == "");
}

TEST_CASE("adopted value: a block that cannot hold the entry is left to its owner, the value copied") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  SUBCASE("no room for the TTL trailer") {
    RequestBlock request("k", kBig, /*tail_bytes=*/0);
    SetOptions options;
    options.expire_at_ms = now + 1000;
    CHECK_FALSE(SetAdopting(engine, request, now, options));
  }
  SUBCASE("more framing before the value than a one-byte pad reaches") {
    RequestBlock request("k", kBig, 0, /*extra_prefix_bytes=*/300);
    CHECK_FALSE(SetAdopting(engine, request, now));
  }
  SUBCASE("a value too small for a large entry") {
    RequestBlock request("k", 300);
    CHECK_FALSE(SetAdopting(engine, request, now));
    CheckValue(engine, "k", 300, now);
  }
  SUBCASE("a block much bigger than the entry") {
    RequestBlock request("k", kBig, /*tail_bytes=*/kBig);
    CHECK_FALSE(SetAdopting(engine, request, now));
  }
  SUBCASE("a donor offered for another value") {
    RequestBlock request("k", kBig);
    const std::string other = ValueBytes(kBig);
    ValueDonor donor{request.block(), request.value().data()};
    SetOptions options;
    options.donor = &donor;
    engine.Set(0, "k", other, now, options);
    CHECK_FALSE(donor.taken);
  }
  SUBCASE("a donor already taken") {
    RequestBlock request("k", kBig);
    ValueDonor donor{request.block(), request.value().data(), /*taken=*/true};
    SetOptions options;
    options.donor = &donor;
    engine.Set(0, "k", request.value(), now, options);
    CHECK(donor.taken);
  }
  CheckValue(engine, "k", engine.Lookup(0, "k", now)->value.size(), now);
  CHECK(engine.CheckInvariants() == "");
}

TEST_CASE("adopted value: APPEND and SETRANGE grow and write it in place or by realloc") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = Baseline(engine, now);
  RequestBlock request("big", kBig);
  REQUIRE(SetAdopting(engine, request, now));
  std::string expected = ValueBytes(kBig);
  // APPEND: grows past the block (realloc keeps the pad in front of the entry).
  auto span = engine.ResizeValue(0, "big", kBig + 5000, now);
  REQUIRE(span.size() == kBig + 5000);
  std::memset(span.data() + kBig, 'a', 5000);
  expected.append(5000, 'a');
  CHECK(engine.Lookup(0, "big", now)->value == expected);
  CHECK(engine.CheckInvariants() == "");
  // SETRANGE inside the value.
  span = engine.ResizeValue(0, "big", expected.size(), now);
  std::memcpy(span.data() + 10, "hello", 5);
  expected.replace(10, 5, "hello");
  CHECK(engine.Lookup(0, "big", now)->value == expected);
  // Shrinks (as SETRANGE never does, but the engine allows) keep the front.
  span = engine.ResizeValue(0, "big", 600, now);
  CHECK(engine.Lookup(0, "big", now)->value == expected.substr(0, 600));
  CHECK(engine.CheckInvariants() == "");
  engine.Del(0, "big", now);
  CHECK(engine.used_memory() == empty);
}

TEST_CASE("adopted value: EXPIRE, a new deadline and PERSIST keep the value") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = Baseline(engine, now);
  RequestBlock request("big", kBig);
  REQUIRE(SetAdopting(engine, request, now));
  CHECK(engine.SetExpire(0, "big", now + 5000, now) == OpStatus::kOk);
  CHECK(engine.Lookup(0, "big", now)->expire_at_ms == now + 5000);
  CHECK(engine.CheckInvariants() == "");
  CHECK(engine.SetExpire(0, "big", now + 9000, now) == OpStatus::kOk);
  CHECK(engine.Lookup(0, "big", now)->expire_at_ms == now + 9000);
  CHECK(engine.CheckInvariants() == "");
  CHECK(engine.SetExpire(0, "big", kNoExpiry, now) == OpStatus::kOk);
  CHECK(engine.Lookup(0, "big", now)->expire_at_ms == kNoExpiry);
  CheckValue(engine, "big", kBig, now);
  CHECK(engine.CheckInvariants() == "");
  engine.Del(0, "big", now);
  // The expiry index keeps the array its records grew (a few 16-byte records); the entry
  // bytes are exact (CheckInvariants).
  CHECK(engine.used_memory() - empty < 128);
}

TEST_CASE("adopted value: overwrites in every direction free the right blocks") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = Baseline(engine, now);
  engine.Set(0, "big", "small", now);
  RequestBlock first("big", kBig, kValueDonorTailBytes, 0, /*seed=*/1);
  SetOptions keep;
  keep.expire_at_ms = now + 60'000;
  REQUIRE(SetAdopting(engine, first, now, keep));  // over a small entry, now with a TTL
  CheckValue(engine, "big", kBig, now, 1);
  CHECK(engine.CheckInvariants() == "");
  RequestBlock second("big", kBig + 7, 0, 0, /*seed=*/2);
  REQUIRE(SetAdopting(engine, second, now));  // over an adopted one, TTL dropped
  CheckValue(engine, "big", kBig + 7, now, 2);
  CHECK(engine.Lookup(0, "big", now)->expire_at_ms == kNoExpiry);
  CHECK(engine.ExpiresCount(0) == 0);
  CHECK(engine.CheckInvariants() == "");
  engine.Set(0, "big", ValueBytes(kBig, 3), now);  // a copied value over an adopted one
  CheckValue(engine, "big", kBig, now, 3);
  CHECK(engine.CheckInvariants() == "");
  RequestBlock third("big", kBig, 0, 0, /*seed=*/4);
  REQUIRE(SetAdopting(engine, third, now));
  engine.Set(0, "big", "small again", now);  // a small entry over an adopted one
  CHECK(engine.Lookup(0, "big", now)->value == "small again");
  CHECK(engine.CheckInvariants() == "");
  engine.Del(0, "big", now);
  CHECK(engine.used_memory() - empty < 128);  // as above: the expiry index's array
}

TEST_CASE("adopted value: RENAME, COPY and MOVE carry it") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  RequestBlock request("big", kBig);
  REQUIRE(SetAdopting(engine, request, now));
  CHECK(engine.Rename(0, "big", "renamed-to-a-longer-key", false, now) == OpStatus::kOk);
  CheckValue(engine, "renamed-to-a-longer-key", kBig, now);
  CHECK(engine.Copy(0, "renamed-to-a-longer-key", 1, "copy", false, now) == OpStatus::kOk);
  CHECK(engine.Move(0, "renamed-to-a-longer-key", 2, now) == OpStatus::kOk);
  CHECK(engine.CheckInvariants() == "");
  RequestBlock again("b", kBig);
  REQUIRE(SetAdopting(engine, again, now));
  CHECK(engine.Rename(0, "b", "x", false, now) == OpStatus::kOk);  // same key length
  CheckValue(engine, "x", kBig, now);
  CHECK(engine.CheckInvariants() == "");
}

TEST_CASE("adopted value: evicted under maxmemory like any key, its block given back") {
  FakeClock clock;
  Engine engine(clock);
  int64_t now = clock.NowMs();
  const uint64_t empty = Baseline(engine, now);
  RequestBlock request("big", kBig);
  REQUIRE(SetAdopting(engine, request, now));
  clock.Advance(2000);
  now = clock.NowMs();
  engine.Lookup(0, "small", now);
  engine.Set(0, "newer", "v", now);
  Limits limits;
  limits.maxmemory_bytes = empty + kBig / 2;
  engine.SetLimits(limits);  // the adopted key is the least recently used: it goes
  CHECK_FALSE(engine.Lookup(0, "big", now).has_value());
  CHECK(engine.Lookup(0, "newer", now).has_value());
  CHECK(engine.stats().evicted_keys == 1);
  CHECK(engine.used_memory() < empty + kBig / 2);
  CHECK(engine.CheckInvariants() == "");
}

TEST_CASE("adopted value: FLUSHALL and the engine's destructor free adopted blocks") {
  FakeClock clock;
  const int64_t now = clock.NowMs();
  {
    Engine engine(clock);
    const uint64_t empty = engine.used_memory();
    for (const char* key : {"a", "bb", "ccc"}) {
      RequestBlock request(key, kBig);
      REQUIRE(SetAdopting(engine, request, now));
    }
    engine.FlushAll();
    CHECK(engine.used_memory() == empty);
    RequestBlock request("left", kBig);
    REQUIRE(SetAdopting(engine, request, now));
  }  // the destructor frees "left"'s block (a leak or a bad free would fail under ASan)
}

}  // namespace
}  // namespace lrukv::engine
