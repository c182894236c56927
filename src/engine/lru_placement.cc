// Engine::MakeLeastRecent: puts a key at the least-recent end of the exact LRU (RESTORE's
// IDLETIME). Redis only back-dates the key's LRU clock and lets sampling find it; with one
// exact list the same intent is "this key is the oldest", so it goes to the tail.
#include <algorithm>

#include "src/engine/engine.h"
#include "src/engine/engine_impl.h"

namespace lrukv::engine {

OpStatus Engine::MakeLeastRecent(int db, std::string_view key, int64_t idle_s, int64_t now_ms) {
  Impl& m = *impl_;
  if (!m.ValidDb(db) || idle_s < 0) return OpStatus::kNotFound;
  const Id id = m.FindLive(m.TableOfDb(db), key, now_ms);
  if (!id) return OpStatus::kNotFound;
  // Access times are kept in whole seconds (entry_layout.h kOffAccess); idle_s may be huge.
  const int64_t now_s = std::max<int64_t>(0, now_ms / 1000);
  const int64_t access_s = idle_s >= now_s ? 0 : now_s - idle_s;
  internal::Store32(m.E(id) + internal::kOffAccess, static_cast<uint32_t>(access_s));
  m.lru.MoveToTail(id);
  return OpStatus::kOk;
}

}  // namespace lrukv::engine
