// Keyspace notifications (see keyspace_events.h): class parsing for notify-keyspace-events,
// and publication through the Pub/Sub registry, which encodes nothing nobody receives.
#include "src/commands/keyspace_events.h"

#include <fmt/format.h>

#include <iterator>
#include <utility>

#include "src/commands/server_context.h"

namespace lrukv::cmd {

namespace {

// Class characters in the order Redis prints them (keyspaceEventsFlagsToString): the data
// classes (or "A"), then K, E, m; lrukv's H last.
constexpr std::pair<uint32_t, char> kDataClasses[] = {
    {kNotifyGeneric, 'g'}, {kNotifyString, '$'},  {kNotifyList, 'l'},
    {kNotifySet, 's'},     {kNotifyHash, 'h'},    {kNotifyZset, 'z'},
    {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'}, {kNotifyStream, 't'},
    {kNotifyModule, 'd'},  {kNotifyNew, 'n'}};
constexpr std::pair<uint32_t, char> kOtherClasses[] = {
    {kNotifyKeyspace, 'K'}, {kNotifyKeyevent, 'E'}, {kNotifyKeyMiss, 'm'}, {kNotifyKeyHit, 'H'}};

}  // namespace

bool ParseNotifyClasses(std::string_view classes, uint32_t* flags) {
  uint32_t parsed = 0;
  for (char c : classes) {
    if (c == 'A') {
      parsed |= kNotifyAll;
      continue;
    }
    uint32_t flag = 0;
    for (auto [bit, name] : kDataClasses) {
      if (name == c) flag = bit;
    }
    for (auto [bit, name] : kOtherClasses) {
      if (name == c) flag = bit;
    }
    if (flag == 0) return false;
    parsed |= flag;
  }
  *flags = parsed;
  return true;
}

std::string NotifyClassesText(uint32_t flags) {
  std::string text;
  if ((flags & kNotifyAll) == kNotifyAll) {
    // Redis 7.0 prints no 'n' after "A" although "A" leaves n out: CONFIG SET ... An reads
    // back "A" there (n stays on). Kept for byte-equal CONFIG GET.
    text += 'A';
  } else {
    for (auto [bit, name] : kDataClasses) {
      if (flags & bit) text += name;
    }
  }
  for (auto [bit, name] : kOtherClasses) {
    if (flags & bit) text += name;
  }
  return text;
}

void NotifyKeyspaceEvent(ServerContext& server, uint32_t type, std::string_view event, int db,
                         std::string_view key) {
  const uint32_t flags = server.config.notify_keyspace_flags;
  if ((flags & type) == 0) return;
  PubSub& pubsub = server.pubsub;
  if (pubsub.channel_count(ChannelKind::kGlobal) == 0 && pubsub.pattern_count() == 0) return;
  // One buffer for both channel names, kept between calls: no allocation once it has grown.
  static std::string channel;
  if (flags & kNotifyKeyspace) {
    channel.clear();
    fmt::format_to(std::back_inserter(channel), "__keyspace@{}__:", db);
    channel.append(key);
    pubsub.Publish(channel, event);
  }
  if (flags & kNotifyKeyevent) {
    channel.clear();
    fmt::format_to(std::back_inserter(channel), "__keyevent@{}__:", db);
    channel.append(event);
    pubsub.Publish(channel, key);
  }
}

// ServerContext's engine and config are references bound before its members are built, so
// both are usable here; the engine outlives the context (it is owned beside it).
KeyspaceEventFeed::KeyspaceEventFeed(ServerContext& server) : server_(server) {
  server_.engine.SetLookupObserver(this, &server_.config.notify_keyspace_flags, kNotifyKeyHit,
                                   kNotifyKeyMiss);
}

KeyspaceEventFeed::~KeyspaceEventFeed() {
  server_.engine.SetLookupObserver(nullptr, nullptr, 0, 0);
}

void KeyspaceEventFeed::OnExpired(int db, std::string_view key) {
  NotifyKeyspaceEvent(server_, kNotifyExpired, "expired", db, key);
}

void KeyspaceEventFeed::OnEvicted(int db, std::string_view key) {
  NotifyKeyspaceEvent(server_, kNotifyEvicted, "evicted", db, key);
}

void KeyspaceEventFeed::OnCreated(int db, std::string_view key) {
  NotifyKeyspaceEvent(server_, kNotifyNew, "new", db, key);
}

void KeyspaceEventFeed::OnLookupHit(int db, std::string_view key) {
  NotifyKeyspaceEvent(server_, kNotifyKeyHit, "keyhit", db, key);
}

void KeyspaceEventFeed::OnLookupMiss(int db, std::string_view key) {
  NotifyKeyspaceEvent(server_, kNotifyKeyMiss, "keymiss", db, key);
}

}  // namespace lrukv::cmd
