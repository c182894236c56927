// WatchRegistry: which clients WATCH which keys, fed by the engine's KeyspaceObserver calls so
// that a write, delete, expiry or flush of a watched key makes the watchers' EXEC answer nil.
// KeyspaceFanout lets several observers (WATCH, keyspace events, ...) share the engine's single
// observer slot. Neither costs more than one branch per write while nothing is watched.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/commands/client_state.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {

// Forwards every engine event to each added observer, in the order they were added.
class KeyspaceFanout final : public engine::KeyspaceObserver {
 public:
  void Add(engine::KeyspaceObserver* observer);  // no-op if already added
  void Remove(engine::KeyspaceObserver* observer);

  void OnModified(int db, std::string_view key) override;
  void OnExpired(int db, std::string_view key) override;
  void OnEvicted(int db, std::string_view key) override;
  void OnCreated(int db, std::string_view key) override;
  void OnDbFlushed(int db) override;

  // Holds back OnModified for exactly (db, key) while alive; every other event passes. For
  // writes Redis makes without signalling a change (SETBIT leaving the bit as it was, BITFIELD
  // writing the same value or refused by OVERFLOW FAIL: the string is still unshared or grown):
  // the command mutes the engine write, then calls OnModified itself if something changed.
  // `key` must outlive the guard. Guards do not nest.
  class MuteModified {
   public:
    MuteModified(KeyspaceFanout& fanout, int db, std::string_view key) : fanout_(fanout) {
      fanout_.muted_db_ = db;
      fanout_.muted_key_ = key;
    }
    ~MuteModified() { fanout_.muted_db_ = -1; }
    MuteModified(const MuteModified&) = delete;
    MuteModified& operator=(const MuteModified&) = delete;

   private:
    KeyspaceFanout& fanout_;
  };

 private:
  std::vector<engine::KeyspaceObserver*> observers_;
  int muted_db_ = -1;  // -1: nothing muted
  std::string_view muted_key_;
};

class WatchRegistry final : public engine::KeyspaceObserver {
 public:
  WatchRegistry() = default;
  WatchRegistry(const WatchRegistry&) = delete;
  WatchRegistry& operator=(const WatchRegistry&) = delete;
  ~WatchRegistry() override;  // detaches the guards of clients still watching

  // Adds (db, key) to client.watched unless already there. `exists` says whether the key was
  // live at WATCH time: a flush dirties the watcher only then (as Redis 7.0, which dirties on
  // FLUSHDB only watchers of keys that existed; any change in between dirtied it already).
  void Watch(ClientState& client, int db, std::string_view key, bool exists);
  // Forgets every key `client` watches; leaves client.watch_dirty alone (as unwatchAllKeys).
  // Also runs when a watching ClientState is destroyed (its WatchGuard).
  void UnwatchAll(ClientState& client);
  bool empty() const { return by_key_.empty(); }
  size_t watched_keys() const { return by_key_.size(); }

  // Modification, expiry or eviction of a watched key marks its watchers dirty (Redis 7.0
  // fails EXEC when a watched key expires after WATCH).
  void OnModified(int db, std::string_view key) override { Touch(db, key); }
  void OnExpired(int db, std::string_view key) override { Touch(db, key); }
  void OnEvicted(int db, std::string_view key) override { Touch(db, key); }
  void OnDbFlushed(int db) override;

  // SWAPDB a b, called before the swap: dirties the watchers of every key watched in `a` that
  // exists in `b`, and of every key watched in `b` that exists in `a` (Redis 7.0 dirties a
  // watched key present in the emptied db or in the db swapped in; the engine's OnDbFlushed
  // after the swap covers the first half). `exists(db, key)` may call back into the engine.
  void BeforeSwapDb(int a, int b, const std::function<bool(int db, std::string_view key)>& exists);

 private:
  struct Watcher {
    ClientState* client;
    bool existed;  // key was live when WATCHed
  };
  // Key: the db number as 4 raw bytes followed by the key bytes, so one string lookup finds it.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::vector<Watcher>, KeyHash, std::equal_to<>>;

  void Touch(int db, std::string_view key);
  // Builds the map key for (db, key) into scratch_ and returns a view of it.
  std::string_view MapKey(int db, std::string_view key);

  Map by_key_;
  std::string scratch_;  // reused: lookups allocate nothing once it has grown
};

}  // namespace lrukv::cmd
