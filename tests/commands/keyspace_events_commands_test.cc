// Keyspace notifications of the string and keyspace commands through the Dispatcher: which
// events each command publishes, in which order, of which class (as Redis 7.0.15; the
// integration test keyspace_events_test.py compares every command with redis-server).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/commands/harness.h"

namespace lrukv::testing {
namespace {

// A pattern subscriber on every keyevent channel (`client`, id 1) and a writer (`w`, id 2).
struct EventsHarness : CommandHarness {
  explicit EventsHarness(std::string_view classes = "KEA") {
    w.id = 2;
    control.clients.push_back(&w);
    REQUIRE(W({"config", "set", "notify-keyspace-events", classes}) == "+OK\r\n");
    Run({"psubscribe", "__keyevent@*__:*"});
  }
  std::string W(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args), w);
  }
  // The events pushed to the subscriber since the last call, as "event:key@db" (the db read
  // from the channel), in order.
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    std::string_view bytes = control.pushed[1];
    auto bulk = [&bytes]() {
      bytes.remove_prefix(bytes.find("\r\n") + 2);  // "*4" or "$<n>" line
      const size_t end = bytes.find("\r\n");
      std::string_view s = bytes.substr(0, end);
      bytes.remove_prefix(end + 2);
      return s;
    };
    while (!bytes.empty()) {
      bytes.remove_prefix(bytes.find("\r\n") + 2);  // *4
      const std::string_view kind = bulk();
      bulk();  // the pattern
      const std::string_view channel = bulk();
      const std::string_view key = bulk();
      REQUIRE(kind == "pmessage");
      const std::string_view db = channel.substr(channel.find('@') + 1);
      out.push_back(std::string(channel.substr(channel.find(':') + 1)) + ":" + std::string(key) +
                    "@" + std::string(db.substr(0, db.find('_'))));
    }
    control.pushed[1].clear();
    return out;
  }
  cmd::ClientState w;
};

using Ev = std::vector<std::string>;

}  // namespace

TEST_CASE("keyspace events: SET's options, refusals publish nothing, set before expire") {
  EventsHarness h;
  h.W({"set", "k", "v"});
  CHECK(h.Events() == Ev{"set:k@0"});
  h.W({"set", "k", "v", "NX"});
  h.W({"set", "nope", "v", "XX", "GET"});
  CHECK(h.Events().empty());
  h.W({"set", "k", "v", "EX", "10", "GET"});
  CHECK(h.Events() == Ev{"set:k@0", "expire:k@0"});
  h.W({"setex", "k", "0", "v"});  // invalid expire time: nothing changed
  CHECK(h.Events().empty());
  h.W({"mset", "a", "1", "b", "2"});
  CHECK(h.Events() == Ev{"set:a@0", "set:b@0"});
  h.W({"msetnx", "c", "1", "a", "2"});
  CHECK(h.Events().empty());
}

TEST_CASE("keyspace events: the string writes' own names; no-op writes publish nothing") {
  EventsHarness h;
  h.W({"incr", "n"});
  h.W({"decrby", "n", "2"});
  h.W({"incrbyfloat", "n", "1.5"});
  h.W({"append", "n", ""});
  h.W({"setrange", "n", "0", ""});  // writes nothing
  h.W({"setrange", "n", "0", "7"});
  h.W({"incr", "n"});  // not an integer any more: an error, no event
  CHECK(h.Events() == Ev{"incrby:n@0", "incrby:n@0", "incrbyfloat:n@0", "append:n@0",
                         "setrange:n@0"});
  h.W({"setbit", "b", "1", "1"});
  h.W({"setbit", "b", "1", "1"});  // the bit was already set
  h.W({"bitop", "not", "d", "b"});
  h.W({"bitop", "and", "d", "missing"});  // an empty result deletes d
  CHECK(h.Events() == Ev{"setbit:b@0", "set:d@0", "del:d@0"});
}

TEST_CASE("keyspace events: GETEX and EXPIRE: expire, persist, a past deadline is a del") {
  EventsHarness h;
  h.W({"set", "k", "v"});
  h.Events();
  h.W({"getex", "k", "PX", "5000"});
  h.W({"getex", "k", "PERSIST"});
  h.W({"getex", "k", "PERSIST"});  // no TTL left to remove
  h.W({"expire", "k", "100", "XX"});  // refused
  h.W({"expire", "k", "100"});
  h.W({"expire", "k", "100", "NX"});  // refused
  h.W({"persist", "k"});
  h.W({"getex", "k", "EXAT", "1"});
  CHECK(h.Events() == Ev{"expire:k@0", "persist:k@0", "expire:k@0", "persist:k@0", "del:k@0"});
  h.W({"set", "k", "v"});
  h.W({"pexpire", "k", "-1"});
  h.W({"getdel", "k"});  // already gone
  CHECK(h.Events() == Ev{"set:k@0", "del:k@0"});
}

TEST_CASE("keyspace events: RENAME, COPY, MOVE, RESTORE and DEL name both keys and dbs") {
  EventsHarness h;
  h.W({"set", "a", "v"});
  h.W({"set", "b", "v"});
  h.Events();
  h.W({"rename", "a", "a"});  // same key: nothing happens
  h.W({"renamenx", "a", "b"});
  CHECK(h.Events().empty());
  h.W({"rename", "a", "b"});
  CHECK(h.Events() == Ev{"rename_from:a@0", "rename_to:b@0"});
  h.W({"copy", "b", "c", "DB", "3"});
  h.W({"move", "b", "3"});
  CHECK(h.Events() == Ev{"copy_to:c@3", "move_from:b@0", "move_to:b@3"});
  h.W({"select", "3"});
  h.W({"del", "nope", "c", "b"});
  CHECK(h.Events() == Ev{"del:c@3", "del:b@3"});
}

TEST_CASE("keyspace events: only the enabled classes, only the enabled channels") {
  EventsHarness h("E$");  // string class only: no expire (generic)
  h.W({"set", "k", "v", "EX", "10"});
  h.W({"del", "k"});
  CHECK(h.Events() == Ev{"set:k@0"});
  h.W({"config", "set", "notify-keyspace-events", "Kg"});  // keyspace channels only
  h.W({"set", "k", "v", "EX", "10"});
  CHECK(h.Events().empty());
}

TEST_CASE("keyspace events: new (the engine's) comes before the command's own events") {
  EventsHarness h("KEAn");
  h.W({"set", "k", "v", "EX", "10"});
  h.W({"set", "k", "w"});
  h.W({"rename", "k", "r"});
  h.W({"incr", "i"});
  CHECK(h.Events() == Ev{"new:k@0", "set:k@0", "expire:k@0", "set:k@0", "new:r@0",
                         "rename_from:k@0", "rename_to:r@0", "new:i@0", "incrby:i@0"});
}

TEST_CASE("keyspace events: OBJECT reports no keymiss, GET does") {
  EventsHarness h("Em");
  h.W({"object", "encoding", "nope"});
  h.W({"get", "nope"});
  CHECK(h.Events() == Ev{"keymiss:nope@0"});
}

}  // namespace lrukv::testing
