// The ACL log of Redis 7.0 as far as lrukv's one user goes: failed authentications (AUTH and
// HELLO AUTH), newest first, a repeat within a minute folded into its entry's count. ACL LOG
// prints it; what a failure is belongs to AUTH (connection_commands.cc).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace lrukv::cmd {

struct AclLogEntry {
  uint64_t count = 1;
  bool in_multi = false;    // context "multi" (inside EXEC) or "toplevel"
  std::string object;       // the command as sent: "AUTH", "hello"
  std::string username;     // the name tried: "default" for AUTH <password>
  int64_t updated_ms = 0;   // the latest failure; ACL LOG's age-seconds counts from it
  std::string client_info;  // the client's CLIENT LIST line at the latest failure
};

class AclLog {
 public:
  // Records a failed authentication at now_ms. As Redis's ACLAddLogEntry: among the 10 newest
  // entries, one with the same command, user and context updated less than 60 s ago takes it
  // (count + 1, new time and client line, moved to the front); otherwise a new entry goes in
  // front and the oldest ones beyond max_entries (acllog-max-len) are dropped.
  void AddAuthFailure(std::string_view object, std::string_view username, bool in_multi,
                      int64_t now_ms, std::string client_info, uint64_t max_entries);
  const std::deque<AclLogEntry>& entries() const { return entries_; }
  void Reset() { entries_.clear(); }

 private:
  std::deque<AclLogEntry> entries_;  // newest first
};

}  // namespace lrukv::cmd
