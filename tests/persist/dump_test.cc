// DumpWriter and LoadDump: round trips, expiries, LRU order, databases, and every error kind.
#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "src/persist/dump_loader.h"
#include "src/persist/dump_writer.h"
#include "support/request_block.h"

namespace lrukv::persist {
namespace {

using engine::Engine;
using engine::FakeClock;

using Row = std::tuple<int, std::string, std::string, int64_t>;

std::vector<Row> LruRows(Engine& e, int64_t now_ms) {
  std::vector<Row> rows;
  e.ForEachLruOrder(now_ms, [&](int db, const engine::EntryView& v) {
    rows.emplace_back(db, std::string(v.key), std::string(v.value), v.expire_at_ms);
  });
  return rows;
}

std::string Dump(Engine& e, int64_t now_ms) {
  std::string out;
  StringSink sink(&out);
  WriteResult r = WriteDump(e, now_ms, sink);
  REQUIRE(r.ok);
  CHECK(r.bytes == out.size());
  return out;
}

engine::SetOptions Expiring(int64_t at_ms) {
  engine::SetOptions o;
  o.expire_at_ms = at_ms;
  return o;
}

TEST_CASE("an empty engine dumps a document with no entries and loads back empty") {
  FakeClock clock;
  Engine e(clock);
  std::string text = Dump(e, clock.NowMs());
  CHECK(text == "{\"format\":\"lrukv-dump\",\"version\":1,\"created_ms\":1700000000000,"
                "\"entries\":[]}\n");
  Engine back(clock);
  LoadResult r = LoadDump(text, back, clock.NowMs());
  CHECK(r.ok);
  CHECK(r.keys_loaded == 0);
}

TEST_CASE("the writer uses plain strings for UTF-8 and base64 fields for other bytes") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "k", "caf\xC3\xA9", now);
  e.Set(2, std::string("a\0b", 3), "\xFF", now, Expiring(now + 5000));
  std::string text = Dump(e, now);
  CHECK(text.find("{\"key\":\"k\",\"value\":\"caf\xC3\xA9\"}") != std::string::npos);
  CHECK(text.find("{\"db\":2,\"key_b64\":\"YQBi\",\"value_b64\":\"/w==\",\"expire_at_ms\":" +
                  std::to_string(now + 5000) + "}") != std::string::npos);
}

TEST_CASE("random binary keys and values survive a round trip byte for byte") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  std::mt19937_64 rng(42);
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  e.Set(0, all, all, now);                                  // every byte value
  e.Set(0, "", "", now);                                    // empty key and value
  e.Set(0, "empty-value", "", now);
  e.Set(0, "big", std::string(1 << 20, '\xAB'), now);       // 1 MB, not UTF-8
  e.Set(0, "big-text", std::string(1 << 20, 'x'), now);
  e.Set(0, "invalid-utf8", "\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80", now);
  e.Set(0, "\xE2\x82\xAC-\xF0\x9F\x98\x80", "\xC3\xA9\"\\\n\t\x01", now);
  for (int i = 0; i < 300; ++i) {
    std::string k(rng() % 40, '\0'), v(rng() % 200, '\0');
    for (char& c : k) c = static_cast<char>(rng());
    for (char& c : v) c = static_cast<char>(rng() % 3 == 0 ? rng() : 'a' + rng() % 26);
    e.Set(static_cast<int>(rng() % 16), k, v, now);
  }
  std::vector<Row> before = LruRows(e, now);
  std::string text = Dump(e, now);

  Engine back(clock);
  LoadResult r = LoadDump(text, back, now);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.keys_loaded == before.size());
  CHECK(r.keys_expired == 0);
  CHECK(LruRows(back, now) == before);
}

TEST_CASE("values adopted from request buffers (ValueDonor) dump and load back byte for byte") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  testing::RequestBlock plain("adopted", 300'000);
  testing::RequestBlock volatile_one("adopted-ttl", 300'000, engine::kValueDonorTailBytes, 0, 5);
  for (auto* request : {&plain, &volatile_one}) {
    engine::ValueDonor donor{request->block(), request->value().data()};
    engine::SetOptions options = Expiring(request == &plain ? engine::kNoExpiry : now + 60'000);
    options.donor = &donor;
    e.Set(0, request->key(), request->value(), now, options);
    REQUIRE(donor.taken);
    request->Release();
  }
  e.Set(1, "copied", "v", now);
  std::vector<Row> before = LruRows(e, now);
  CHECK(std::get<2>(before[0]) == testing::ValueBytes(300'000));
  CHECK(std::get<3>(before[1]) == now + 60'000);
  Engine back(clock);
  LoadResult r = LoadDump(Dump(e, now), back, now);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(LruRows(back, now) == before);
  CHECK(e.CheckInvariants() == "");
}

TEST_CASE("the LRU order across databases is rebuilt by the load") {
  FakeClock clock;
  Engine e(clock);
  int64_t now = clock.NowMs();
  for (int i = 0; i < 50; ++i) e.Set(i % 4, "key" + std::to_string(i), "v", now);
  // Touch some keys so the order differs from insertion order.
  for (int i = 0; i < 50; i += 7) {
    clock.Advance(1);
    CHECK(e.Lookup(i % 4, "key" + std::to_string(i), clock.NowMs()).has_value());
  }
  now = clock.NowMs();
  std::vector<Row> before = LruRows(e, now);
  REQUIRE(std::get<1>(before.back()) == "key49");
  Engine back(clock);
  LoadResult r = LoadDump(Dump(e, now), back, now);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(LruRows(back, now) == before);
  CHECK(back.DbSize(0) == 13);
  CHECK(back.DbSize(3) == 12);
}

TEST_CASE("expiries are absolute: kept exactly, and entries already due are dropped and counted") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "soon", "1", now, Expiring(now + 1000));
  e.Set(0, "later", "2", now, Expiring(now + 10'000));
  e.Set(1, "forever", "3", now);
  std::string text = Dump(e, now);

  SUBCASE("loaded at the same time, every deadline is kept to the millisecond") {
    Engine back(clock);
    LoadResult r = LoadDump(text, back, now);
    REQUIRE(r.ok);
    CHECK(r.keys_loaded == 3);
    CHECK(LruRows(back, now) == LruRows(e, now));
  }
  SUBCASE("loaded exactly at a deadline, that entry is kept (Redis drops only deadlines < now)") {
    Engine back(clock);
    LoadResult r = LoadDump(text, back, now + 1000);
    REQUIRE(r.ok);
    CHECK(r.keys_loaded == 3);
    CHECK(r.keys_expired == 0);
    CHECK(back.Lookup(0, "soon", now + 1000).has_value());
  }
  SUBCASE("loaded a millisecond past a deadline, that entry is dropped") {
    Engine back(clock);
    LoadResult r = LoadDump(text, back, now + 1001);
    REQUIRE(r.ok);
    CHECK(r.keys_loaded == 2);
    CHECK(r.keys_expired == 1);
    CHECK_FALSE(back.Lookup(0, "soon", now + 1001).has_value());
    auto later = back.Lookup(0, "later", now + 1001);
    REQUIRE(later.has_value());
    CHECK(later->expire_at_ms == now + 10'000);
  }
  SUBCASE("loaded after every deadline, only the key without a TTL remains") {
    Engine back(clock);
    LoadResult r = LoadDump(text, back, now + 20'000);
    REQUIRE(r.ok);
    CHECK(r.keys_loaded == 1);
    CHECK(r.keys_expired == 2);
  }
}

TEST_CASE("a dump written to a FILE loads back from the FILE") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 1000; ++i) e.Set(i % 3, "k" + std::to_string(i), std::string(100, 'a'), now);
  FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  FileSink sink(f);
  WriteResult w = WriteDump(e, now, sink);
  REQUIRE(w.ok);
  CHECK(w.keys == 1000);
  std::rewind(f);
  Engine back(clock);
  LoadResult r = LoadDump(f, back, now);
  std::fclose(f);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.keys_loaded == 1000);
  CHECK(LruRows(back, now) == LruRows(e, now));
}

LoadResult LoadText(const std::string& text) {
  FakeClock clock;
  Engine e(clock);
  return LoadDump(text, e, clock.NowMs());
}

const std::string kHead = "{\"format\":\"lrukv-dump\",\"version\":1,\"created_ms\":1,\"entries\":[";

// `token` is the offending part of `text` (its last occurrence): the reported offset must lie
// within it or at its end (rapidjson reports a number at its start, a string after its quote).
void CheckError(const std::string& text, const std::string& reason_part, const std::string& token) {
  LoadResult r = LoadText(text);
  CAPTURE(text);
  CHECK_FALSE(r.ok);
  CHECK_MESSAGE(r.error.find(reason_part) != std::string::npos, r.error);
  size_t at = text.rfind(token);
  REQUIRE(at != std::string::npos);
  CHECK(r.error_offset >= at);
  CHECK(r.error_offset <= at + token.size());
  CHECK(r.error.rfind("offset " + std::to_string(r.error_offset) + ": ", 0) == 0);
}

TEST_CASE("invalid dumps are errors naming the byte offset and the reason") {
  CheckError("{\"format\":\"redis\",\"version\":1,\"entries\":[]}", "unknown format name",
             "\"redis\"");
  CheckError("{\"format\":\"lrukv-dump\",\"version\":2,\"entries\":[]}",
             "unsupported version 2", "2,");
  CheckError("{\"format\":\"lrukv-dump\",\"version\":\"1\",\"entries\":[]}",
             "expected a number", "\"1\"");
  CheckError("{\"format\":\"lrukv-dump\",\"entries\":[]}", "must come before", "\"entries\"");
  CheckError("{\"format\":\"lrukv-dump\",\"version\":1}", "missing \"entries\"", "}");
  CheckError("{\"version\":1,\"entries\":[]}", "must come before", "\"entries\"");
  CheckError("[]", "unexpected array", "[");
  CheckError(kHead + "]}" + "x", "", "x");  // trailing bytes
  CheckError(kHead + "]" + ",\"extra\":1}", "unknown field \"extra\"", "\"extra\"");
  CheckError(kHead + "{\"key\":1,\"value\":\"v\"}]}", "expected a string", "1,");
  CheckError(kHead + "{\"key\":\"k\",\"value\":null}]}", "unexpected null", "null");
  CheckError(kHead + "{\"value\":\"v\"}]}", "without \"key\"", "}]");
  CheckError(kHead + "{\"key\":\"k\"}]}", "without \"value\"", "}]");
  CheckError(kHead + "{\"key\":\"k\",\"key_b64\":\"aw==\",\"value\":\"v\"}]}",
             "both \"key\" and \"key_b64\"", "\"key_b64\"");
  CheckError(kHead + "{\"key\":\"k\",\"value\":\"v\",\"value_b64\":\"dg==\"}]}",
             "both \"value\" and \"value_b64\"", "\"value_b64\"");
  CheckError(kHead + "{\"key\":\"k\",\"key\":\"k\",\"value\":\"v\"}]}", "duplicate field",
             ",\"key\"");
  CheckError(kHead + "{\"key_b64\":\"a===\",\"value\":\"v\"}]}", "bad base64 in key_b64",
             "\"a===\"");
  CheckError(kHead + "{\"key\":\"k\",\"value_b64\":\"dg=\"}]}", "bad base64 in value_b64",
             "\"dg=\"");
  CheckError(kHead + "{\"db\":16,\"key\":\"k\",\"value\":\"v\"}]}", "db 16 out of range", "16");
  CheckError(kHead + "{\"db\":-1,\"key\":\"k\",\"value\":\"v\"}]}", "db -1 out of range", "-1");
  CheckError(kHead + "{\"db\":1.5,\"key\":\"k\",\"value\":\"v\"}]}", "fractional", "1.5");
  CheckError(kHead + "{\"key\":\"k\",\"value\":\"v\",\"ttl\":5}]}", "unknown entry field",
             "\"ttl\"");
  CheckError(kHead + "{\"key\":\"k\",\"value\":\"v\",\"expire_at_ms\":0}]}",
             "must be positive", "0}");
  CheckError(kHead + "{\"key\":\"\xC0\xAF\",\"value\":\"v\"}]}", "invalid UTF-8 in key",
             "\"\xC0\xAF\"");
  CheckError(kHead + "[]]}", "unexpected array", "[]");
  // Past a run of ASCII longer than a word, and in a value.
  CheckError(kHead + "{\"key\":\"k\",\"value\":\"0123456789abcdef\xED\xA0\x80\"}]}",
             "invalid UTF-8 in value", "\xED\xA0\x80\"");
  CheckError(kHead + "{\"key\":\"k\",\"value\":\"abc\xF4\x90\x80\x80\"}]}",
             "invalid UTF-8 in value", "\xF4\x90\x80\x80\"");
}

TEST_CASE("db_keys: the writer counts keys per database; the loader takes it as a hint only") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 300; ++i) e.Set(0, "a" + std::to_string(i), "v", now);
  e.Set(2, "b", "v", now);
  const std::string text = Dump(e, now);
  CHECK(text.find("\"db_keys\":[300,0,1],\"entries\"") != std::string::npos);
  Engine back(clock);
  LoadResult r = LoadDump(text, back, now);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(LruRows(back, now) == LruRows(e, now));

  // A wrong count changes nothing but the table's first size.
  Engine hinted(clock);
  r = LoadDump("{\"format\":\"lrukv-dump\",\"version\":1,\"db_keys\":[5000],\"entries\":["
               "{\"key\":\"k\",\"value\":\"v\"}]}",
               hinted, now);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(hinted.DbSize(0) == 1);

  Engine empty(clock);
  CHECK(Dump(empty, now).find("db_keys") == std::string::npos);
}

TEST_CASE("db_keys errors") {
  const std::string head = "{\"format\":\"lrukv-dump\",\"version\":1,";
  CheckError(head + "\"db_keys\":[-1],\"entries\":[]}", "must not be negative", "-1");
  CheckError(head + "\"db_keys\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,7],\"entries\":[]}",
             "more databases than the server has (16)", "7]");
  CheckError(head + "\"entries\":[],\"db_keys\":[1]}", "must come before", "\"db_keys\"");
  CheckError(head + "\"db_keys\":3,\"entries\":[]}", "unexpected number", "3");
  CheckError(head + "\"db_keys\":[\"3\"],\"entries\":[]}", "unexpected string", "\"3\"");
}

TEST_CASE("a dump truncated at every byte offset is an error, never a partial success") {
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "alpha", "one", now);
  e.Set(3, "\xFF\xFE", "two", now, Expiring(now + 60'000));
  e.Set(0, "gamma", "\xC3\xA9", now);
  std::string text = Dump(e, now);
  REQUIRE(LoadText(text).ok);
  for (size_t len = 0; len + 1 < text.size(); ++len) {  // the last byte is the optional newline
    CAPTURE(len);
    Engine back(clock);
    LoadResult r = LoadDump(std::string_view(text.data(), len), back, now);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
    CHECK(r.error_offset <= len);
  }
}

}  // namespace
}  // namespace lrukv::persist

namespace lrukv::persist {
namespace {

TEST_CASE("the example of docs/dump-format.md loads, whitespace and all") {
  const std::string example =
      "{\"format\":\"lrukv-dump\",\"version\":1,\"created_ms\":1700000000000,\"entries\":[\n"
      " {\"key\":\"user:1\",\"value\":\"caf\\u00e9\"},\n"
      " {\"db\":2,\"key_b64\":\"YQBi\",\"value_b64\":\"/w==\",\"expire_at_ms\":1700000005000},\n"
      " {\"key\":\"session\",\"value\":\"{\\\"id\\\":7}\",\"expire_at_ms\":1700000060000}\n"
      "]}\n";
  engine::FakeClock clock;  // 1'700'000'000'000
  engine::Engine e(clock);
  LoadResult r = LoadDump(example, e, clock.NowMs());
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.keys_loaded == 3);
  auto user = e.Lookup(0, "user:1", clock.NowMs());
  REQUIRE(user.has_value());
  CHECK(user->value == "caf\xC3\xA9");
  auto bin = e.Lookup(2, std::string_view("a\0b", 3), clock.NowMs());
  REQUIRE(bin.has_value());
  CHECK(bin->value == "\xFF");
  CHECK(bin->expire_at_ms == 1'700'000'005'000);
  auto session = e.Lookup(0, "session", clock.NowMs());
  REQUIRE(session.has_value());
  CHECK(session->value == "{\"id\":7}");
}

class FailingSink final : public DumpSink {
 public:
  bool Write(const char*, size_t) override { return false; }
};

TEST_CASE("a sink that fails makes the write fail with an error") {
  engine::FakeClock clock;
  engine::Engine e(clock);
  e.Set(0, "k", "v", clock.NowMs());
  FailingSink sink;
  WriteResult r = WriteDump(e, clock.NowMs(), sink);
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.error.empty());
}

}  // namespace
}  // namespace lrukv::persist
