// MULTI / EXEC / DISCARD / WATCH / UNWATCH, reply bytes as redis-server 7.0.15 gives them.
// "Another client" is a second ClientState run through the same dispatcher.
#include <doctest/doctest.h>

#include <string>

#include "harness.h"

namespace lrukv::cmd {
namespace {

using testing::CommandHarness;

// A second connection on the same server.
struct TwoClients : CommandHarness {
  TwoClients() {
    other.id = 2;
    control.clients.push_back(&other);
  }
  std::string Other(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args), other);
  }
  ClientState other;
};

TEST_CASE("MULTI/EXEC: commands are queued and EXEC replies with all their replies") {
  CommandHarness h;
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.client.in_multi);
  CHECK(h.Run({"set", "k", "v"}) == "+QUEUED\r\n");
  CHECK(h.Run({"ping"}) == "+QUEUED\r\n");
  CHECK(h.Run({"client", "setname", "x"}) == "+QUEUED\r\n");
  CHECK(h.Run({"select", "1"}) == "+QUEUED\r\n");
  CHECK(h.client.db == 0);
  CHECK(h.Run({"EXEC"}) == "*4\r\n+OK\r\n+PONG\r\n+OK\r\n+OK\r\n");
  CHECK_FALSE(h.client.in_multi);
  CHECK(h.client.queued.empty());
  CHECK(h.client.db == 1);
  CHECK(h.client.name == "x");
  CHECK(h.Run({"select", "0"}) == "+OK\r\n");
  CHECK(h.Run({"get", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("MULTI/EXEC: an empty transaction replies an empty array") {
  CommandHarness h;
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("MULTI/EXEC: a runtime error inside EXEC does not stop the others") {
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"incr", "a"});
  h.Run({"set", "a", "x"});
  h.Run({"incr", "a"});
  CHECK(h.Run({"exec"}) == "*3\r\n:1\r\n+OK\r\n-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("MULTI: misuse errors as Redis 7.0") {
  CommandHarness h;
  CHECK(h.Run({"exec"}) == "-ERR EXEC without MULTI\r\n");
  CHECK(h.Run({"discard"}) == "-ERR DISCARD without MULTI\r\n");
  CHECK(h.Run({"multi", "x"}) == "-ERR wrong number of arguments for 'multi' command\r\n");
  CHECK(h.Run({"discard", "x"}) == "-ERR wrong number of arguments for 'discard' command\r\n");
  CHECK(h.Run({"watch"}) == "-ERR wrong number of arguments for 'watch' command\r\n");
  CHECK(h.Run({"unwatch", "x"}) == "-ERR wrong number of arguments for 'unwatch' command\r\n");
  CHECK(h.Run({"exec", "x"}) ==
        "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
        "command\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"multi"}) == "-ERR MULTI calls can not be nested\r\n");
  CHECK(h.Run({"watch", "k"}) == "-ERR WATCH inside MULTI is not allowed\r\n");
  // Neither error above flags the transaction.
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("MULTI: a command refused at queue time makes EXEC answer EXECABORT") {
  CommandHarness h;
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+QUEUED\r\n");
  CHECK(h.Run({"foo"}) == "-ERR unknown command 'foo', with args beginning with: \r\n");
  CHECK(h.Run({"get"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"client", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.Run({"exec"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  CHECK_FALSE(h.client.in_multi);
  CHECK(h.Run({"get", "k"}) == "$-1\r\n");  // nothing ran
  CHECK(h.Run({"exec"}) == "-ERR EXEC without MULTI\r\n");
}

TEST_CASE("MULTI: EXEC with arguments discards the open transaction") {
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"set", "k", "v"});
  CHECK(h.Run({"exec", "x"}) ==
        "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
        "command\r\n");
  CHECK_FALSE(h.client.in_multi);
  CHECK(h.Run({"exec"}) == "-ERR EXEC without MULTI\r\n");
  CHECK(h.Run({"get", "k"}) == "$-1\r\n");
}

TEST_CASE("DISCARD: drops the queue and leaves MULTI") {
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"set", "k", "v"});
  CHECK(h.Run({"discard"}) == "+OK\r\n");
  CHECK_FALSE(h.client.in_multi);
  CHECK(h.client.queued.empty());
  CHECK(h.Run({"get", "k"}) == "$-1\r\n");
}

TEST_CASE("MULTI: QUIT and RESET run at once, UNWATCH is queued") {
  CommandHarness h;
  h.Run({"multi"});
  CHECK(h.Run({"unwatch"}) == "+QUEUED\r\n");
  CHECK(h.Run({"reset"}) == "+RESET\r\n");
  CHECK_FALSE(h.client.in_multi);
  CHECK(h.Run({"exec"}) == "-ERR EXEC without MULTI\r\n");
  h.Run({"multi"});
  CHECK(h.Run({"quit"}) == "+OK\r\n");
  CHECK(h.client.close_after_reply);
}

TEST_CASE("WATCH: another client writing the key makes EXEC reply a nil array") {
  TwoClients h;
  CHECK(h.Run({"set", "k", "1"}) == "+OK\r\n");
  CHECK(h.Run({"watch", "k"}) == "+OK\r\n");
  CHECK(h.Other({"set", "k", "2"}) == "+OK\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"set", "k", "3"}) == "+QUEUED\r\n");
  CHECK(h.Run({"exec"}) == "*-1\r\n");
  CHECK(h.Run({"get", "k"}) == "$1\r\n2\r\n");
  CHECK(h.server.watches.empty());  // EXEC unwatched everything
}

TEST_CASE("WATCH: untouched keys let EXEC run") {
  TwoClients h;
  h.Run({"set", "k", "1"});
  CHECK(h.Run({"watch", "k", "other"}) == "+OK\r\n");
  CHECK(h.Other({"set", "unrelated", "2"}) == "+OK\r\n");
  CHECK(h.Other({"get", "k"}) == "$1\r\n1\r\n");  // reads do not dirty
  h.Run({"multi"});
  h.Run({"set", "k", "3"});
  CHECK(h.Run({"exec"}) == "*1\r\n+OK\r\n");
}

TEST_CASE("WATCH: the watcher's own write dirties it too") {
  CommandHarness h;
  h.Run({"set", "e", "1"});
  h.Run({"watch", "e"});
  h.Run({"set", "e", "2"});
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*-1\r\n");
}

TEST_CASE("WATCH: a key watched in another db is a different key") {
  TwoClients h;
  h.Run({"watch", "k"});
  h.Other({"select", "1"});
  h.Other({"set", "k", "x"});
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("WATCH: RESP3 clients get a null for a dirty EXEC") {
  TwoClients h;
  h.Run({"hello", "3"});
  h.Run({"set", "e", "1"});
  h.Run({"watch", "e"});
  CHECK(h.Other({"del", "e"}) == ":1\r\n");
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "_\r\n");
}

TEST_CASE("WATCH: deleting a key that does not exist does not dirty") {
  TwoClients h;
  h.Run({"watch", "zz"});
  CHECK(h.Other({"del", "zz"}) == ":0\r\n");
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("WATCH: a key that expires after WATCH fails EXEC (Redis 7.0)") {
  CommandHarness h;
  CHECK(h.Run({"set", "k", "v", "px", "100"}) == "+OK\r\n");
  CHECK(h.Run({"watch", "k"}) == "+OK\r\n");
  h.clock.Advance(300);  // expired, not yet reclaimed by anyone
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"exec"}) == "*-1\r\n");
}

TEST_CASE("WATCH: a key already expired when watched does not fail EXEC") {
  CommandHarness h;
  h.Run({"set", "k", "v", "px", "100"});
  h.clock.Advance(300);
  CHECK(h.Run({"watch", "k"}) == "+OK\r\n");
  CHECK(h.Run({"get", "k"}) == "$-1\r\n");
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("WATCH: a flush dirties watchers of keys that existed, not of absent keys") {
  CommandHarness h;
  h.Run({"watch", "nokey"});
  h.engine.FlushAll();
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*0\r\n");

  h.Run({"set", "e", "1"});
  h.Run({"watch", "e"});
  h.engine.FlushAll();
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*-1\r\n");
}

TEST_CASE("WATCH: SWAPDB dirties a watched key present in either db before the swap") {
  TwoClients h;
  // Absent in db 0 where it is watched, present in db 1: the swap brings it in.
  h.Other({"select", "1"});
  h.Other({"set", "a", "v"});
  CHECK(h.Run({"watch", "a"}) == "+OK\r\n");
  CHECK(h.Other({"swapdb", "0", "1"}) == "+OK\r\n");
  h.Run({"multi"});
  h.Run({"get", "a"});
  CHECK(h.Run({"exec"}) == "*-1\r\n");

  // Watched in db 1 (now empty), present in db 0: the other side of the same swap.
  h.Run({"select", "1"});
  CHECK(h.Run({"watch", "a"}) == "+OK\r\n");
  h.Other({"swapdb", "1", "0"});
  h.Run({"multi"});
  h.Run({"get", "a"});
  CHECK(h.Run({"exec"}) == "*-1\r\n");
}

TEST_CASE("WATCH: SWAPDB leaves alone keys absent from both dbs and keys of other dbs") {
  TwoClients h;
  h.Other({"set", "a", "v"});  // db 0
  h.Run({"select", "2"});
  CHECK(h.Run({"watch", "a", "b"}) == "+OK\r\n");
  h.Other({"swapdb", "0", "1"});  // db 2 untouched
  h.Other({"swapdb", "2", "3"});  // neither a nor b in db 2 or 3
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("WATCH: EXPIRE and GETEX setting the same deadline again still dirty (Redis 7.0)") {
  TwoClients h;
  h.Run({"set", "k", "v", "px", "100000"});  // deadline 1'700'000'100'000
  for (auto cmd : {std::initializer_list<std::string_view>{"pexpireat", "k", "1700000100000"},
                   {"expire", "k", "100"},
                   {"getex", "k", "pxat", "1700000100000"}}) {
    CHECK(h.Run({"watch", "k"}) == "+OK\r\n");
    h.Other(cmd);
    h.Run({"multi"});
    CHECK(h.Run({"exec"}) == "*-1\r\n");
  }
  CHECK(h.Run({"pttl", "k"}) == ":100000\r\n");
}

TEST_CASE("UNWATCH: forgets the keys and a dirty flag") {
  TwoClients h;
  h.Run({"watch", "k"});
  h.Other({"set", "k", "2"});
  CHECK(h.client.watch_dirty);
  CHECK(h.Run({"unwatch"}) == "+OK\r\n");
  CHECK_FALSE(h.client.watch_dirty);
  CHECK(h.server.watches.empty());
  h.Run({"multi"});
  CHECK(h.Run({"exec"}) == "*0\r\n");
}

TEST_CASE("DISCARD and RESET also unwatch") {
  TwoClients h;
  h.Run({"watch", "k"});
  h.Run({"multi"});
  h.Run({"discard"});
  CHECK(h.server.watches.empty());
  CHECK(h.client.watched.empty());
  h.Run({"watch", "k"});
  h.Run({"reset"});
  CHECK(h.server.watches.empty());
}

TEST_CASE("WATCH: two watchers of one key are both dirtied, and each unwatches alone") {
  TwoClients h;
  ClientState third;
  third.id = 3;
  h.Run({"watch", "k"});
  h.Other({"watch", "k", "k"});  // watching twice is once
  CHECK(h.other.watched.size() == 1);
  CHECK(h.server.watches.watched_keys() == 1);
  h.Run({"unwatch"});
  CHECK(h.server.watches.watched_keys() == 1);
  h.Run({"watch", "k"});
  h.Run({"set", "k", "1"}, third);
  CHECK(h.client.watch_dirty);
  CHECK(h.other.watch_dirty);
  h.dispatcher.ForgetClient(h.other);
  CHECK(h.other.watched.empty());
  h.Run({"unwatch"});
  CHECK(h.server.watches.empty());
}

TEST_CASE("WATCH: a client destroyed while watching leaves no watcher behind") {
  CommandHarness h;
  {
    ClientState gone;
    h.Run({"watch", "k", "j"}, gone);
    CHECK(h.server.watches.watched_keys() == 2);
  }
  CHECK(h.server.watches.empty());
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");  // touches no freed client
}

TEST_CASE("EXEC: CLIENT INFO inside EXEC shows the transaction and cmd=exec") {
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"client", "info"});
  std::string out = h.Run({"exec"});
  CHECK(out.find("flags=x ") != std::string::npos);
  CHECK(out.find(" multi=1 ") != std::string::npos);
  CHECK(out.find(" cmd=exec ") != std::string::npos);
}

}  // namespace
}  // namespace lrukv::cmd
