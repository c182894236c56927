// Keyspace notifications' core (keyspace_events.h): class parsing and printing as Redis
// 7.0.15's CONFIG GET prints them, the fan-out to subscribers (nothing pushed without one,
// exact frames in RESP2 and RESP3, K and E alone), and the engine's own events: expired,
// evicted, new, keymiss and lrukv's keyhit (off by default, not part of "A").
#include "src/commands/keyspace_events.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/commands/harness.h"
#include "tests/support/temp_dir.h"

namespace lrukv::testing {
namespace {

using cmd::NotifyClassesText;
using cmd::ParseNotifyClasses;

// A subscriber (`client`, id 1) and a client running the commands (`w`, id 2).
struct FeedHarness : CommandHarness {
  FeedHarness() {
    w.id = 2;
    control.clients.push_back(&w);
  }
  std::string W(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args), w);
  }
  void Classes(std::string_view classes) {
    REQUIRE(W({"config", "set", "notify-keyspace-events", classes}) == "+OK\r\n");
  }
  // Bytes pushed to the subscriber since the last call.
  std::string Pushed() {
    std::string out = control.pushed[1];
    control.pushed[1].clear();
    return out;
  }
  cmd::ClientState w;
};

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
// A message frame: '*' (RESP2) or '>' (RESP3).
std::string Message(char type, std::string_view channel, std::string_view payload) {
  return std::string(1, type) + "3\r\n" + Bulk("message") + Bulk(channel) + Bulk(payload);
}
std::string PMessage(char type, std::string_view pattern, std::string_view channel,
                     std::string_view payload) {
  return std::string(1, type) + "4\r\n" + Bulk("pmessage") + Bulk(pattern) + Bulk(channel) +
         Bulk(payload);
}

uint32_t Parse(std::string_view classes) {
  uint32_t flags = 0xdeadbeef;
  REQUIRE(ParseNotifyClasses(classes, &flags));
  return flags;
}

}  // namespace

TEST_CASE("notify classes: parsed and printed as Redis 7.0.15's CONFIG GET prints them") {
  // Inputs and the texts redis-server 7.0.15 read back after CONFIG SET.
  const std::pair<std::string_view, std::string_view> kRedis[] = {{"KEA", "AKE"},
                                                                  {"AKE", "AKE"},
                                                                  {"Ex", "xE"},
                                                                  {"g$lshzxetd", "A"},
                                                                  {"g$lshzxetdn", "A"},
                                                                  {"A", "A"},
                                                                  {"An", "A"},
                                                                  {"KEmn", "nKEm"},
                                                                  {"Kd", "dK"},
                                                                  {"KEAm", "AKEm"},
                                                                  {"$g", "g$"},
                                                                  {"xe", "xe"},
                                                                  {"EA", "AE"},
                                                                  {"K", "K"},
                                                                  {"", ""},
                                                                  {"KEmt", "tKEm"},
                                                                  {"mK", "Km"},
                                                                  {"KElshz", "lshzKE"},
                                                                  {"g$lshzetd", "g$lshzetd"},
                                                                  {"KEA$$", "AKE"}};
  for (auto [in, out] : kRedis) {
    CAPTURE(in);
    CHECK(NotifyClassesText(Parse(in)) == out);
  }
  // "A" leaves out n (and m): Redis prints none after "A" even when n is on.
  CHECK((Parse("A") & cmd::kNotifyNew) == 0);
  CHECK((Parse("An") & cmd::kNotifyNew) != 0);
  CHECK((Parse("A") & cmd::kNotifyKeyMiss) == 0);
  uint32_t flags = 7;
  CHECK_FALSE(ParseNotifyClasses("KEZ", &flags));
  CHECK(flags == 7);  // untouched on error
}

TEST_CASE("notify classes: lrukv's H (keyhit) is its own class, printed last, not in A") {
  CHECK((Parse("A") & cmd::kNotifyKeyHit) == 0);
  CHECK(Parse("H") == cmd::kNotifyKeyHit);
  CHECK(NotifyClassesText(Parse("HKEmA")) == "AKEmH");
  CHECK(NotifyClassesText(Parse("HE")) == "EH");
  FeedHarness h;
  CHECK(h.W({"config", "get", "notify-keyspace-events"}) ==
        "*2\r\n" + Bulk("notify-keyspace-events") + Bulk(""));
  h.Classes("KEAmH");
  CHECK(h.W({"config", "get", "notify-keyspace-events"}) ==
        "*2\r\n" + Bulk("notify-keyspace-events") + Bulk("AKEmH"));
}

TEST_CASE("fan-out: classes on but nobody subscribed pushes nothing; others' channels too") {
  FeedHarness h;
  h.Classes("KEAnmH");
  h.W({"set", "k", "v"});
  h.W({"get", "k"});
  h.W({"get", "nope"});
  CHECK(h.control.pushed.empty());
  // A subscriber of an unrelated channel gets nothing either.
  h.Run({"subscribe", "news"});
  h.Pushed();
  h.W({"set", "k2", "v"});
  h.W({"get", "nope"});
  h.clock.Advance(1);
  CHECK(h.Pushed().empty());
}

TEST_CASE("fan-out: exact frames to a channel subscriber and a pattern subscriber, RESP2") {
  FeedHarness h;
  h.Classes("KEmn");
  h.Run({"subscribe", "__keyspace@0__:k", "__keyevent@0__:keymiss"});
  h.Run({"psubscribe", "__key*@0__:*"});
  h.Pushed();
  h.W({"get", "k"});
  CHECK(h.Pushed() == Message('*', "__keyspace@0__:k", "keymiss") +
                          PMessage('*', "__key*@0__:*", "__keyspace@0__:k", "keymiss") +
                          Message('*', "__keyevent@0__:keymiss", "k") +
                          PMessage('*', "__key*@0__:*", "__keyevent@0__:keymiss", "k"));
  h.W({"select", "3"});
  h.W({"get", "k"});  // db 3: only the pattern... which names db 0: nothing
  CHECK(h.Pushed().empty());
}

TEST_CASE("fan-out: RESP3 subscribers get pushes; K alone and E alone") {
  FeedHarness h;
  h.client.protocol = 3;
  h.Run({"psubscribe", "*"});
  h.Pushed();
  h.Classes("Kn");
  h.W({"set", "a", "1"});
  CHECK(h.Pushed() == PMessage('>', "*", "__keyspace@0__:a", "new"));
  h.Classes("En");
  h.W({"set", "b", "1"});
  CHECK(h.Pushed() == PMessage('>', "*", "__keyevent@0__:new", "b"));
  h.Classes("n");  // a class without K or E publishes nothing
  h.W({"set", "c", "1"});
  CHECK(h.Pushed().empty());
  h.Classes("KE");  // K and E without the class neither
  h.W({"set", "d", "1"});
  CHECK(h.Pushed().empty());
}

TEST_CASE("keyhit/keymiss: read lookups only, CONFIG SET takes effect at once") {
  FeedHarness h;
  h.Run({"psubscribe", "__keyevent@*__:*"});
  h.Pushed();
  h.W({"set", "k", "v"});
  h.W({"get", "k"});
  h.W({"get", "nope"});
  CHECK(h.Pushed().empty());  // off by default
  h.Classes("EA");            // "A" has neither keymiss nor keyhit
  h.W({"get", "k"});
  h.W({"get", "nope"});
  CHECK(h.Pushed().empty());
  h.Classes("Em");
  h.W({"get", "k"});
  h.W({"mget", "nope", "k", "nope2"});
  CHECK(h.Pushed() == PMessage('*', "__keyevent@*__:*", "__keyevent@0__:keymiss", "nope") +
                          PMessage('*', "__keyevent@*__:*", "__keyevent@0__:keymiss", "nope2"));
  h.Classes("EH");
  h.W({"get", "k"});
  h.W({"get", "nope"});
  h.W({"exists", "k"});
  CHECK(h.Pushed() == PMessage('*', "__keyevent@*__:*", "__keyevent@0__:keyhit", "k") +
                          PMessage('*', "__keyevent@*__:*", "__keyevent@0__:keyhit", "k"));
  // Write commands' lookups report neither (Redis's lookupKeyWrite).
  h.Classes("EmH");
  h.W({"incr", "counter"});
  h.W({"append", "k", "x"});
  h.W({"del", "nope"});
  h.W({"set", "k", "v2", "nx"});
  CHECK(h.Pushed().empty());
  h.Classes("E");
  h.W({"get", "k"});
  h.W({"get", "nope"});
  CHECK(h.Pushed().empty());
}

TEST_CASE("expired: a stale key read gives expired then keymiss; the wheel reports each once") {
  FeedHarness h;
  h.Run({"psubscribe", "__keyevent@*__:*"});
  h.Pushed();
  h.Classes("Exm");
  h.W({"set", "t", "v", "px", "10"});
  h.clock.Advance(11);
  h.W({"get", "t"});
  CHECK(h.Pushed() == PMessage('*', "__keyevent@*__:*", "__keyevent@0__:expired", "t") +
                          PMessage('*', "__keyevent@*__:*", "__keyevent@0__:keymiss", "t"));
  for (int i = 0; i < 20; ++i) h.W({"set", "w" + std::to_string(i), "v", "px", "5"});
  h.clock.Advance(6);
  CHECK(h.engine.ActiveExpireCycle(h.clock.NowMs(), 1'000'000) == 20);
  const std::string pushed = h.Pushed();
  for (int i = 0; i < 20; ++i) {
    const std::string frame =
        PMessage('*', "__keyevent@*__:*", "__keyevent@0__:expired", "w" + std::to_string(i));
    CAPTURE(i);
    const size_t at = pushed.find(frame);
    CHECK(at != std::string::npos);
    CHECK(pushed.find(frame, at + 1) == std::string::npos);
  }
  CHECK(h.engine.ActiveExpireCycle(h.clock.NowMs(), 1'000'000) == 0);
  CHECK(h.Pushed().empty());
}

TEST_CASE("evicted and new: the write's evictions by maxkeys come before its new") {
  FeedHarness h;
  h.Run({"psubscribe", "__key*@*__:*"});
  h.Pushed();
  h.Classes("KEen");
  REQUIRE(h.W({"config", "set", "maxkeys", "2"}) == "+OK\r\n");
  h.W({"set", "a", "1"});
  h.W({"set", "b", "1"});
  h.W({"get", "a"});  // b is now the least recently used
  h.Pushed();
  h.W({"set", "c", "1"});
  const std::string p = "__key*@*__:*";
  CHECK(h.Pushed() == PMessage('*', p, "__keyspace@0__:b", "evicted") +
                          PMessage('*', p, "__keyevent@0__:evicted", "b") +
                          PMessage('*', p, "__keyspace@0__:c", "new") +
                          PMessage('*', p, "__keyevent@0__:new", "c"));
}

TEST_CASE("new: not for a dump load (DEBUG RELOAD), as Redis's RDB load") {
  FeedHarness h;
  TempDir dir;
  h.config.dir = dir.path;
  h.W({"set", "a", "1"});
  h.W({"set", "b", "2"});
  h.Run({"psubscribe", "*"});
  h.Pushed();
  h.Classes("KEAn");
  REQUIRE(h.W({"debug", "reload"}) == "+OK\r\n");
  CHECK(h.W({"dbsize"}) == ":2\r\n");
  CHECK(h.Pushed().empty());
}

}  // namespace lrukv::testing
