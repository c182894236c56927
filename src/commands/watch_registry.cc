// WatchRegistry and KeyspaceFanout (see watch_registry.h). The transactions family uses the
// registry from WATCH/UNWATCH/EXEC/DISCARD; the Dispatcher hooks it to the engine.
#include "src/commands/watch_registry.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace lrukv::cmd {

// ---- KeyspaceFanout ----

void KeyspaceFanout::Add(engine::KeyspaceObserver* observer) {
  if (std::find(observers_.begin(), observers_.end(), observer) == observers_.end()) {
    observers_.push_back(observer);
  }
}

void KeyspaceFanout::Remove(engine::KeyspaceObserver* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

void KeyspaceFanout::OnModified(int db, std::string_view key) {
  if (db == muted_db_ && key == muted_key_) return;
  for (auto* o : observers_) o->OnModified(db, key);
}
void KeyspaceFanout::OnExpired(int db, std::string_view key) {
  for (auto* o : observers_) o->OnExpired(db, key);
}
void KeyspaceFanout::OnEvicted(int db, std::string_view key) {
  for (auto* o : observers_) o->OnEvicted(db, key);
}
void KeyspaceFanout::OnCreated(int db, std::string_view key) {
  for (auto* o : observers_) o->OnCreated(db, key);
}
void KeyspaceFanout::OnDbFlushed(int db) {
  for (auto* o : observers_) o->OnDbFlushed(db);
}

// ---- WatchRegistry ----

WatchGuard::~WatchGuard() {
  if (registry != nullptr) registry->UnwatchAll(*client);
}

WatchRegistry::~WatchRegistry() {
  for (auto& [map_key, watchers] : by_key_) {
    for (auto& w : watchers) w.client->watch_guard.registry = nullptr;
  }
}

std::string_view WatchRegistry::MapKey(int db, std::string_view key) {
  scratch_.resize(sizeof(int32_t) + key.size());
  int32_t db32 = db;
  std::memcpy(scratch_.data(), &db32, sizeof(db32));
  std::memcpy(scratch_.data() + sizeof(db32), key.data(), key.size());
  return scratch_;
}

void WatchRegistry::Watch(ClientState& client, int db, std::string_view key, bool exists) {
  for (const auto& [wdb, wkey] : client.watched) {
    if (wdb == db && wkey == key) return;
  }
  client.watched.emplace_back(db, std::string(key));
  client.watch_guard.registry = this;
  client.watch_guard.client = &client;
  std::string_view map_key = MapKey(db, key);
  auto it = by_key_.find(map_key);
  if (it == by_key_.end()) it = by_key_.emplace(std::string(map_key), std::vector<Watcher>{}).first;
  it->second.push_back(Watcher{&client, exists});
}

void WatchRegistry::UnwatchAll(ClientState& client) {
  for (const auto& [db, key] : client.watched) {
    auto it = by_key_.find(MapKey(db, key));
    if (it == by_key_.end()) continue;
    auto& watchers = it->second;
    watchers.erase(std::remove_if(watchers.begin(), watchers.end(),
                                  [&](const Watcher& w) { return w.client == &client; }),
                   watchers.end());
    if (watchers.empty()) by_key_.erase(it);
  }
  client.watched.clear();
  client.watch_guard.registry = nullptr;
}

void WatchRegistry::Touch(int db, std::string_view key) {
  if (by_key_.empty()) return;
  auto it = by_key_.find(MapKey(db, key));
  if (it == by_key_.end()) return;
  for (auto& w : it->second) w.client->watch_dirty = true;
}

void WatchRegistry::OnDbFlushed(int db) {
  if (by_key_.empty()) return;
  for (auto& [map_key, watchers] : by_key_) {
    int32_t key_db;
    std::memcpy(&key_db, map_key.data(), sizeof(key_db));
    if (key_db != db) continue;
    for (auto& w : watchers) {
      if (w.existed) w.client->watch_dirty = true;
    }
  }
}

void WatchRegistry::BeforeSwapDb(int a, int b,
                                 const std::function<bool(int db, std::string_view key)>& exists) {
  if (by_key_.empty() || a == b) return;
  // Collected first: `exists` may expire keys, whose OnExpired reaches Touch (and scratch_).
  std::vector<std::pair<int, std::string>> candidates;
  for (const auto& [map_key, watchers] : by_key_) {
    int32_t key_db;
    std::memcpy(&key_db, map_key.data(), sizeof(key_db));
    if (key_db != a && key_db != b) continue;
    candidates.emplace_back(key_db, map_key.substr(sizeof(key_db)));
  }
  for (const auto& [db, key] : candidates) {
    if (exists(db == a ? b : a, key)) Touch(db, key);
  }
}

}  // namespace lrukv::cmd
