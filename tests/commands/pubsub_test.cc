// Pub/Sub through the Dispatcher: confirmations in RESP2 and RESP3, message delivery to other
// clients (FakeServerControl::pushed), patterns, shard channels, PUBSUB introspection, the
// RESP2 subscribed-mode restriction, RESET and forgetting a closed client.
#include <doctest/doctest.h>

#include <string>

#include "tests/commands/harness.h"

namespace lrukv::testing {
namespace {

// A subscriber (`client`, id 1) and a publisher (`pub`, id 2) on one harness.
struct PubSubHarness : CommandHarness {
  PubSubHarness() {
    pub.id = 2;
    control.clients.push_back(&pub);
  }
  std::string Pub(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args), pub);
  }
  // Bytes pushed to client 1 since the last call.
  std::string TakePushed() {
    std::string out = control.pushed[1];
    control.pushed[1].clear();
    return out;
  }
  cmd::ClientState pub;
};

std::string Frame3(char type, std::string_view kind, std::string_view name, int count) {
  std::string out;
  out += type;
  out += "3\r\n$" + std::to_string(kind.size()) + "\r\n" + std::string(kind) + "\r\n";
  out += "$" + std::to_string(name.size()) + "\r\n" + std::string(name) + "\r\n";
  out += ":" + std::to_string(count) + "\r\n";
  return out;
}

}  // namespace

TEST_CASE("SUBSCRIBE: one array per channel with the running count; a repeat keeps the count") {
  PubSubHarness h;
  CHECK(h.Run({"subscribe", "a", "b", "a"}) == Frame3('*', "subscribe", "a", 1) +
                                                   Frame3('*', "subscribe", "b", 2) +
                                                   Frame3('*', "subscribe", "a", 2));
  CHECK(h.Pub({"pubsub", "numsub", "a", "zz"}) == "*4\r\n$1\r\na\r\n:1\r\n$2\r\nzz\r\n:0\r\n");
}

TEST_CASE("PUBLISH: a subscriber gets message, a pattern gets pmessage, the reply counts both") {
  PubSubHarness h;
  h.Run({"subscribe", "news"});
  h.Run({"psubscribe", "n*s"});
  CHECK(h.Pub({"publish", "news", "hi"}) == ":2\r\n");
  CHECK(h.TakePushed() ==
        "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n"
        "*4\r\n$8\r\npmessage\r\n$3\r\nn*s\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  CHECK(h.Pub({"publish", "nobody", "x"}) == ":0\r\n");
  CHECK(h.TakePushed().empty());
}

TEST_CASE("RESP3: confirmations and messages are pushes, and commands run as usual") {
  PubSubHarness h;
  h.client.protocol = 3;
  CHECK(h.Run({"subscribe", "c"}) == Frame3('>', "subscribe", "c", 1));
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
  h.Pub({"publish", "c", "m"});
  CHECK(h.TakePushed() == ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  CHECK(h.Run({"unsubscribe"}) == Frame3('>', "unsubscribe", "c", 0));
  CHECK(h.Run({"unsubscribe"}) == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
}

TEST_CASE("RESP2 subscribed mode: other commands get Redis's error, PING answers [pong, arg]") {
  PubSubHarness h;
  h.Run({"psubscribe", "p"});
  CHECK(h.Run({"get", "k"}) ==
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
        "RESET are allowed in this context\r\n");
  CHECK(h.Run({"client", "id"}).starts_with("-ERR Can't execute 'client|id'"));
  CHECK(h.Run({"ping"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  CHECK(h.Run({"ping", "x"}) == "*2\r\n$4\r\npong\r\n$1\r\nx\r\n");
  CHECK(h.Run({"punsubscribe"}) == Frame3('*', "punsubscribe", "p", 0));
  CHECK(h.Run({"get", "k"}) == "$-1\r\n");
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
}

TEST_CASE("UNSUBSCRIBE with nothing subscribed answers a nil channel and count 0") {
  PubSubHarness h;
  CHECK(h.Run({"unsubscribe"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(h.Run({"punsubscribe"}) == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(h.Run({"unsubscribe", "x"}) == Frame3('*', "unsubscribe", "x", 0));
}

TEST_CASE("PUNSUBSCRIBE with no argument leaves patterns in subscription order") {
  PubSubHarness h;
  h.Run({"subscribe", "c"});
  h.Run({"psubscribe", "z*", "a*", "m?"});
  CHECK(h.Run({"punsubscribe"}) == Frame3('*', "punsubscribe", "z*", 3) +
                                       Frame3('*', "punsubscribe", "a*", 2) +
                                       Frame3('*', "punsubscribe", "m?", 1));
  CHECK(h.Pub({"pubsub", "numpat"}) == ":0\r\n");
}

TEST_CASE("shard channels are apart: PUBLISH misses SSUBSCRIBErs and SPUBLISH misses SUBSCRIBErs") {
  PubSubHarness h;
  CHECK(h.Run({"ssubscribe", "s"}) == Frame3('*', "ssubscribe", "s", 1));
  CHECK(h.Run({"get", "k"}).starts_with("-ERR Can't execute 'get'"));  // subscribed mode too
  CHECK(h.Pub({"publish", "s", "x"}) == ":0\r\n");
  CHECK(h.Pub({"spublish", "s", "y"}) == ":1\r\n");
  CHECK(h.TakePushed() == "*3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\ny\r\n");
  CHECK(h.Pub({"pubsub", "shardchannels"}) == "*1\r\n$1\r\ns\r\n");
  CHECK(h.Pub({"pubsub", "channels"}) == "*0\r\n");
  CHECK(h.Run({"sunsubscribe"}) == Frame3('*', "sunsubscribe", "s", 0));
}

TEST_CASE("PUBSUB CHANNELS filters with a glob; extra arguments are a subcommand syntax error") {
  PubSubHarness h;
  h.Run({"subscribe", "news.a", "news.b", "other"});
  CHECK(h.Pub({"pubsub", "channels", "other"}) == "*1\r\n$5\r\nother\r\n");
  CHECK(h.Pub({"pubsub", "channels"}).starts_with("*3\r\n"));
  CHECK(h.Pub({"pubsub", "channels", "news.[a]"}) == "*1\r\n$6\r\nnews.a\r\n");
  CHECK(h.Pub({"pubsub", "channels", "a", "b"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
        "HELP.\r\n");
  CHECK(h.Pub({"pubsub", "numpat", "x"}) ==
        "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
  CHECK(h.Pub({"pubsub", "foo"}) == "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n");
}

TEST_CASE("RESET and a closed connection leave every channel and pattern") {
  PubSubHarness h;
  h.Run({"subscribe", "a"});
  h.Run({"psubscribe", "a*"});
  h.Pub({"subscribe", "a"});
  CHECK(h.server.pubsub.channel_count(cmd::ChannelKind::kGlobal) == 1);
  CHECK(h.Run({"reset"}) == "+RESET\r\n");
  CHECK(h.client.subscription_count() == 0);
  CHECK(h.server.pubsub.SubscriberCount("a", cmd::ChannelKind::kGlobal) == 1);
  CHECK(h.server.pubsub.pattern_count() == 0);
  h.dispatcher.ForgetClient(h.pub);
  CHECK(h.server.pubsub.channel_count(cmd::ChannelKind::kGlobal) == 0);
  CHECK(h.Run({"publish", "a", "x"}) == ":0\r\n");
}

TEST_CASE("CLIENT LIST shows sub/psub/ssub counts and flag P; INFO counts channels and patterns") {
  PubSubHarness h;
  h.Run({"subscribe", "a", "b"});
  h.Run({"psubscribe", "p"});
  h.Run({"ssubscribe", "s"});
  std::string list = h.Pub({"client", "list"});
  CHECK(list.find("id=1 ") != std::string::npos);
  CHECK(list.find("flags=P db=0 sub=2 psub=1 ssub=1 ") != std::string::npos);
  CHECK(list.find("flags=N db=0 sub=0 psub=0 ssub=0 ") != std::string::npos);
  std::string info = h.Pub({"info", "stats"});
  CHECK(info.find("pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n") !=
        std::string::npos);
}

TEST_CASE("Publish encodes nothing when nobody listens and each protocol's frame once") {
  PubSubHarness h;
  CHECK(h.server.pubsub.Publish("none", "x") == 0);
  CHECK(h.control.pushed.empty());
  h.Run({"subscribe", "c"});
  h.pub.protocol = 3;
  h.Pub({"subscribe", "c"});
  CHECK(h.server.pubsub.Publish("c", "m") == 2);
  CHECK(h.control.pushed[1] == "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  CHECK(h.control.pushed[2] == ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
}

}  // namespace lrukv::testing

namespace lrukv::testing {

TEST_CASE("CLIENT LIST TYPE pubsub lists only clients with subscriptions") {
  CommandHarness h;
  cmd::ClientState other;
  other.id = 2;
  h.control.clients.push_back(&other);
  h.Run({"subscribe", "c"}, other);
  std::string pubsub = h.Run({"client", "list", "type", "pubsub"});
  CHECK(pubsub.find("id=2 ") != std::string::npos);
  CHECK(pubsub.find("id=1 ") == std::string::npos);
  std::string normal = h.Run({"client", "list", "type", "normal"});
  CHECK(normal.find("id=1 ") != std::string::npos);
  CHECK(normal.find("id=2 ") == std::string::npos);
  h.dispatcher.ForgetClient(other);
}

}  // namespace lrukv::testing
