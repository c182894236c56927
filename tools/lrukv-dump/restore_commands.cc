#include "tools/lrukv-dump/restore_commands.h"

#include <string>

namespace lrukv::dumptool {

void ForEachRestoreCommand(engine::Engine& engine, int64_t now_ms,
                           const std::function<void(const RestoreCommand&)>& emit) {
  int current_db = 0;
  engine.ForEachLruOrder(now_ms, [&](int db, const engine::EntryView& entry) {
    if (entry.expire_at_ms != engine::kNoExpiry && entry.expire_at_ms <= now_ms) return;
    if (db != current_db) {
      const std::string db_text = std::to_string(db);
      const std::string_view select[] = {"SELECT", db_text};
      emit(RestoreCommand{select, db, false});
      current_db = db;
    }
    if (entry.expire_at_ms == engine::kNoExpiry) {
      const std::string_view set[] = {"SET", entry.key, entry.value};
      emit(RestoreCommand{set, db, true});
    } else {
      // PXAT takes unix ms; the engine holds its own monotonic time (clock.h).
      const std::string at_text = std::to_string(engine.clock().ToWallMs(entry.expire_at_ms));
      const std::string_view set[] = {"SET", entry.key, entry.value, "PXAT", at_text};
      emit(RestoreCommand{set, db, true});
    }
  });
}

}  // namespace lrukv::dumptool
