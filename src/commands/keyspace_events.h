// Keyspace notifications (notify-keyspace-events): the event classes, and the one function
// every command calls after a change to publish it on `__keyspace@<db>__:<key>` (the event
// name as message) and `__keyevent@<db>__:<event>` (the key as message), as Redis does.
// Watching costs nothing when nobody watches: a class that is off returns at the first test,
// and with no subscriber at all no channel name is even built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/engine/engine.h"

namespace lrukv::cmd {

struct ServerContext;

// Event classes, one bit per character of notify-keyspace-events.
enum NotifyFlag : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K: publish on __keyspace@<db>__:<key>
  kNotifyKeyevent = 1u << 1,  // E: publish on __keyevent@<db>__:<event>
  kNotifyGeneric = 1u << 2,   // g: del, expire, rename_from, copy_to, ...
  kNotifyString = 1u << 3,    // $: set, incrby, append, setrange, ...
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x: a key reclaimed because its TTL passed
  kNotifyEvicted = 1u << 9,   // e: a key evicted for maxmemory / maxkeys
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m: a read command's lookup found nothing
  kNotifyModule = 1u << 12,   // d
  kNotifyNew = 1u << 13,      // n: a key added to a database
  kNotifyKeyHit = 1u << 14,   // H: lrukv's own, a read command's lookup found the key
  // "A": every class but m, n (and lrukv's H), as Redis.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Parses the classes of notify-keyspace-events ("KEA", "Kx$", "") into NotifyFlag bits; false
// on a character that is no class.
bool ParseNotifyClasses(std::string_view classes, uint32_t* flags);
// The canonical text CONFIG GET prints for `flags` (Redis's order, "A" when all of it is set).
std::string NotifyClassesText(uint32_t flags);

// Publishes `event` about `key` of `db` if notify-keyspace-events enables class `type` and K
// and/or E. Call it after the change, in the order Redis's command emits its events.
void NotifyKeyspaceEvent(ServerContext& server, uint32_t type, std::string_view event, int db,
                         std::string_view key);

// The engine's own events turned into notifications: keys expired by a lookup or by the
// background wheel ("expired"), evicted ("evicted"), added to a db ("new"), and the lookups of
// read commands ("keymiss", lrukv's "keyhit"). The Dispatcher adds it to the keyspace fanout.
//
// Lookups are reported through the engine's separate LookupObserver slot, which the feed
// takes when constructed and gates with Config::notify_keyspace_flags itself: the engine reads
// that word at each lookup, so CONFIG SET notify-keyspace-events turning m or H on or off
// takes effect at once, and while both are off a lookup makes no call at all.
class KeyspaceEventFeed final : public engine::KeyspaceObserver, public engine::LookupObserver {
 public:
  explicit KeyspaceEventFeed(ServerContext& server);
  ~KeyspaceEventFeed() override;  // gives the engine's lookup slot back
  KeyspaceEventFeed(const KeyspaceEventFeed&) = delete;
  KeyspaceEventFeed& operator=(const KeyspaceEventFeed&) = delete;

  void OnExpired(int db, std::string_view key) override;
  void OnEvicted(int db, std::string_view key) override;
  void OnCreated(int db, std::string_view key) override;
  void OnLookupHit(int db, std::string_view key) override;
  void OnLookupMiss(int db, std::string_view key) override;

 private:
  ServerContext& server_;
};

}  // namespace lrukv::cmd
