// PubSub registry: channel and pattern subscriber lists, mirrored in each ClientState's own
// sets, and message delivery. Replies to the subscribing client are the handlers' business
// (pubsub_commands.cc); this file only writes to other clients through ServerControl::Push.
#include "src/commands/pubsub.h"

#include <algorithm>

#include "src/commands/client_state.h"
#include "src/commands/glob_match.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {

std::string SubscribedModeError(std::string_view full_name) {
  return std::string("ERR Can't execute '")
      .append(full_name)
      .append(
          "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
          "context");
}

bool AllowedInSubscribedMode(std::string_view n) {
  return n == "ping" || n == "subscribe" || n == "ssubscribe" || n == "unsubscribe" ||
         n == "sunsubscribe" || n == "psubscribe" || n == "punsubscribe" || n == "quit" ||
         n == "reset";
}

namespace {

std::unordered_set<std::string>& ClientChannels(ClientState& client, ChannelKind kind) {
  return kind == ChannelKind::kShard ? client.subscribed_shard_channels
                                     : client.subscribed_channels;
}

void AppendBulk(std::string& out, std::string_view s) {
  out.push_back('$');
  out.append(std::to_string(s.size()));
  out.append("\r\n");
  out.append(s);
  out.append("\r\n");
}

// One message frame, built the first time a subscriber of each protocol needs it: RESP2 gets
// an array, RESP3 a push; the elements are the same bytes.
class Frame {
 public:
  Frame(std::string_view kind, const std::string_view* pattern, std::string_view channel,
        std::string_view message)
      : kind_(kind), pattern_(pattern), channel_(channel), message_(message) {}

  std::string_view For(int protocol) {
    std::string& out = protocol >= 3 ? resp3_ : resp2_;
    if (out.empty()) {
      out.push_back(protocol >= 3 ? '>' : '*');
      out.append(pattern_ ? "4\r\n" : "3\r\n");
      AppendBulk(out, kind_);
      if (pattern_) AppendBulk(out, *pattern_);
      AppendBulk(out, channel_);
      AppendBulk(out, message_);
    }
    return out;
  }

 private:
  std::string_view kind_;
  const std::string_view* pattern_;
  std::string_view channel_, message_;
  std::string resp2_, resp3_;
};

}  // namespace

bool PubSub::RemoveFrom(Subscribers& list, const ClientState* client) {
  auto it = std::find(list.begin(), list.end(), client);
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

size_t PubSub::Publish(std::string_view channel, std::string_view message, ChannelKind kind) {
  size_t receivers = 0;
  auto& channels = channels_[Index(kind)];
  if (!channels.empty()) {
    auto it = channels.find(channel);
    if (it != channels.end()) {
      Frame frame(kind == ChannelKind::kShard ? "smessage" : "message", nullptr, channel, message);
      for (ClientState* c : it->second) {
        control_.Push(*c, frame.For(c->protocol));
        ++receivers;
      }
    }
  }
  if (kind == ChannelKind::kShard) return receivers;
  for (const auto& [pattern, subscribers] : patterns_) {
    if (!GlobMatch(pattern, channel, false)) continue;
    const std::string_view pattern_view = pattern;
    Frame frame("pmessage", &pattern_view, channel, message);
    for (ClientState* c : subscribers) {
      control_.Push(*c, frame.For(c->protocol));
      ++receivers;
    }
  }
  return receivers;
}

bool PubSub::Subscribe(ClientState& client, std::string_view channel, ChannelKind kind) {
  if (!ClientChannels(client, kind).emplace(channel).second) return false;
  channels_[Index(kind)][std::string(channel)].push_back(&client);
  return true;
}

bool PubSub::Unsubscribe(ClientState& client, std::string_view channel, ChannelKind kind) {
  auto& mine = ClientChannels(client, kind);
  auto own = mine.find(std::string(channel));
  if (own == mine.end()) return false;
  mine.erase(own);
  auto& channels = channels_[Index(kind)];
  auto it = channels.find(channel);
  if (it != channels.end()) {
    RemoveFrom(it->second, &client);
    if (it->second.empty()) channels.erase(it);
  }
  return true;
}

bool PubSub::PSubscribe(ClientState& client, std::string_view pattern) {
  auto& mine = client.subscribed_patterns;
  if (std::find(mine.begin(), mine.end(), pattern) != mine.end()) return false;
  mine.emplace_back(pattern);
  patterns_[std::string(pattern)].push_back(&client);
  return true;
}

bool PubSub::PUnsubscribe(ClientState& client, std::string_view pattern) {
  auto& mine = client.subscribed_patterns;
  auto own = std::find(mine.begin(), mine.end(), pattern);
  if (own == mine.end()) return false;
  mine.erase(own);
  auto it = patterns_.find(pattern);
  if (it != patterns_.end()) {
    RemoveFrom(it->second, &client);
    if (it->second.empty()) patterns_.erase(it);
  }
  return true;
}

void PubSub::ForgetClient(ClientState& client) {
  for (ChannelKind kind : {ChannelKind::kGlobal, ChannelKind::kShard}) {
    auto& channels = channels_[Index(kind)];
    for (const std::string& name : ClientChannels(client, kind)) {
      auto it = channels.find(name);
      if (it == channels.end()) continue;
      RemoveFrom(it->second, &client);
      if (it->second.empty()) channels.erase(it);
    }
    ClientChannels(client, kind).clear();
  }
  for (const std::string& pattern : client.subscribed_patterns) {
    auto it = patterns_.find(pattern);
    if (it == patterns_.end()) continue;
    RemoveFrom(it->second, &client);
    if (it->second.empty()) patterns_.erase(it);
  }
  client.subscribed_patterns.clear();
}

size_t PubSub::SubscriberCount(std::string_view channel, ChannelKind kind) const {
  const auto& channels = channels_[Index(kind)];
  auto it = channels.find(channel);
  return it == channels.end() ? 0 : it->second.size();
}

std::vector<std::string_view> PubSub::Channels(const std::string_view* pattern,
                                               ChannelKind kind) const {
  std::vector<std::string_view> out;
  for (const auto& [name, subscribers] : channels_[Index(kind)]) {
    if (pattern == nullptr || GlobMatch(*pattern, name, false)) out.push_back(name);
  }
  return out;
}

}  // namespace lrukv::cmd
