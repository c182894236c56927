// The commands that recreate a dump's keys on a Redis-compatible server: one walk over an
// Engine (loaded from a dump) in LRU order, producing `SELECT db` when the database changes
// and `SET key value [PXAT ms]` per key. `import` pipelines them to a server; `resp` writes the
// same commands to stdout for `redis-cli --pipe`.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "src/engine/engine.h"

namespace lrukv::dumptool {

struct RestoreCommand {
  std::span<const std::string_view> args;  // valid only during the callback
  int db = 0;                              // the database the command applies to
  bool sets_key = false;                   // SET (true) or SELECT (false)
};

// Calls `emit` for every command, least recently used key first, so that the last key set is
// the most recently used one on the target too. Assumes a connection that starts in db 0.
// Keys whose deadline is <= now_ms are left out (PXAT in the past would only delete them).
void ForEachRestoreCommand(engine::Engine& engine, int64_t now_ms,
                           const std::function<void(const RestoreCommand&)>& emit);

}  // namespace lrukv::dumptool
