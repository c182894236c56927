// AclLog: Redis 7.0's grouping of repeated ACL denials (ACLAddLogEntry), for auth failures.
#include "src/commands/acl_log.h"

#include <utility>

namespace lrukv::cmd {

namespace {

// Newest entries searched for one to fold a failure into, as Redis ("limited work").
constexpr int kEntriesScanned = 10;
// A failure joins an entry updated less than this long before, milliseconds (Redis's
// ACL_LOG_GROUPING_MAX_TIME_DELTA).
constexpr int64_t kGroupingWindowMs = 60000;

}  // namespace

void AclLog::AddAuthFailure(std::string_view object, std::string_view username, bool in_multi,
                            int64_t now_ms, std::string client_info, uint64_t max_entries) {
  for (size_t i = 0; i < entries_.size() && i < kEntriesScanned; ++i) {
    AclLogEntry& e = entries_[i];
    if (e.in_multi != in_multi || e.object != object || e.username != username) continue;
    if (now_ms - e.updated_ms > kGroupingWindowMs) continue;
    AclLogEntry folded = std::move(e);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    ++folded.count;
    folded.updated_ms = now_ms;
    folded.client_info = std::move(client_info);
    entries_.push_front(std::move(folded));
    return;
  }
  entries_.push_front(AclLogEntry{1, in_multi, std::string(object), std::string(username), now_ms,
                                  std::move(client_info)});
  while (entries_.size() > max_entries) entries_.pop_back();
}

}  // namespace lrukv::cmd
