// PubSub: the registry behind SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and PUBLISH/SPUBLISH: which
// clients listen to which channel, which patterns are subscribed, and the delivery of one
// message to all of them through ServerControl::Push. The command handlers (pubsub_commands.cc)
// write the subscribe/unsubscribe confirmations; a later keyspace-notification module can call
// Publish directly: nothing is encoded when no client listens.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lrukv::cmd {

struct ClientState;
class ServerControl;

// Redis 7.0 keeps shard channels (SSUBSCRIBE/SPUBLISH) in a namespace of their own, even on a
// node outside a cluster: PUBLISH never reaches an SSUBSCRIBEr, nor SPUBLISH a SUBSCRIBEr.
enum class ChannelKind { kGlobal = 0, kShard = 1 };

// "ERR Can't execute 'get': only (P|S)SUBSCRIBE / ..." for a RESP2 client in subscribed mode.
// `full_name` is the command's full name as CLIENT LIST shows it ("client|list").
std::string SubscribedModeError(std::string_view full_name);
// The commands a RESP2 client may send while it has subscriptions (Redis's processCommand).
bool AllowedInSubscribedMode(std::string_view full_name);

class PubSub {
 public:
  explicit PubSub(ServerControl& control) : control_(control) {}

  // Sends `message` to every subscriber of `channel` (kGlobal: then to every client with a
  // matching pattern, once per pattern, as Redis) and returns how many messages were sent.
  // Each frame is encoded once per protocol in use (RESP2 array, RESP3 push). Push must not
  // close a client on the spot (the server closes one over its output limit later).
  size_t Publish(std::string_view channel, std::string_view message,
                 ChannelKind kind = ChannelKind::kGlobal);

  // Adds `client` to `channel`; false when it was already subscribed (nothing changes).
  bool Subscribe(ClientState& client, std::string_view channel, ChannelKind kind);
  // Removes `client` from `channel`; false when it was not subscribed.
  bool Unsubscribe(ClientState& client, std::string_view channel, ChannelKind kind);
  bool PSubscribe(ClientState& client, std::string_view pattern);
  bool PUnsubscribe(ClientState& client, std::string_view pattern);
  // Drops every subscription of `client`, silently (RESET, a closed connection).
  void ForgetClient(ClientState& client);

  // PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel (patterns not counted).
  size_t SubscriberCount(std::string_view channel, ChannelKind kind) const;
  // PUBSUB CHANNELS / SHARDCHANNELS: channels with at least one subscriber matching `pattern`
  // (all of them when `pattern` is null).
  std::vector<std::string_view> Channels(const std::string_view* pattern, ChannelKind kind) const;
  // INFO stats pubsub_channels / pubsubshard_channels / pubsub_patterns; PUBSUB NUMPAT.
  size_t channel_count(ChannelKind kind) const { return channels_[Index(kind)].size(); }
  size_t pattern_count() const { return patterns_.size(); }

 private:
  using Subscribers = std::vector<ClientState*>;  // in subscription order
  // Lets lookups take a string_view without building a std::string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ByName = std::unordered_map<std::string, Subscribers, NameHash, std::equal_to<>>;
  static size_t Index(ChannelKind kind) { return static_cast<size_t>(kind); }
  static bool RemoveFrom(Subscribers& list, const ClientState* client);

  ServerControl& control_;
  ByName channels_[2];  // [ChannelKind]
  ByName patterns_;
};

}  // namespace lrukv::cmd
