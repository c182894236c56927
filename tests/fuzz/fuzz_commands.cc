// libFuzzer target for the command layer: the input is decoded into a sequence of commands
// over a small alphabet of keys, values, TTLs and limits (decoding below), run through the
// real Dispatcher (tests/commands/harness.h) against an Engine under a FakeClock that the
// sequence itself advances. After every command:
//  - Engine::CheckInvariants: hash tables, LRU list, expiry index and memory account agree
//    (so used memory is the sum of the live entries' bytes plus the tables);
//  - the limits hold after a write, as engine.h promises, where the policy can evict:
//    used_memory <= maxmemory and every db within maxkeys, unless at most one evictable key
//    (the one just written) is left;
//  - no expired key reaches a client: the replies of GET, MGET, GETEX, GETDEL, SET ... GET,
//    EXISTS, STRLEN, PTTL and APPEND are predicted exactly from the engine's entries as they
//    were before the command (deadline < now: the key is gone), outside MULTI. When the engine
//    is over a limit before a command, the dispatcher evicts first, so any of the keys the
//    command names may also be gone.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/harness.h"
#include "src/engine/engine.h"

namespace {

using lrukv::engine::EntryView;
using lrukv::engine::EvictionPolicy;
using lrukv::engine::kNoExpiry;
using lrukv::testing::CommandHarness;

// ---- The alphabet ----
const std::vector<std::string>& Keys() {
  static const std::vector<std::string> keys = {
      "a", "b", "c", "key:with-a-longer-name-0123456789", std::string("\0\xff", 2)};
  return keys;
}
const std::vector<std::string>& Values() {
  static const std::vector<std::string> values = {
      "", "0", "1", "-7", "abc", "3.5", "9223372036854775807", std::string(40, 'v'),
      std::string(600, 'L'),    // a large (malloc'd) entry
      std::string(3000, 'H'),   // a large one that fills a small maxmemory at once
  };
  return values;
}
// Seconds or milliseconds for EX/PX/EXPIRE/PEXPIRE: invalid, zero, short, long.
const std::vector<std::string> kTimes = {"-1", "0", "1", "2", "10", "100", "1000", "100000"};
// Milliseconds the clock moves: within, at and just past deadlines of kTimes.
const std::vector<int64_t> kAdvanceMs = {0, 1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001,
                                         2000, 10'000, 100'000, 100'001};
// An empty engine accounts ~9 KB, and each size class in use adds a 16 KiB page.
const std::vector<std::string> kMaxMemory = {"0", "1", "20000", "30000", "45000", "60000",
                                             "100000"};
const std::vector<std::string> kPolicies = {"noeviction",   "allkeys-lru",    "volatile-lru",
                                            "allkeys-random", "volatile-random", "volatile-ttl"};
const std::vector<std::string> kMaxKeys = {"0", "1", "2", "3"};
const std::vector<std::string> kDefaultTtl = {"0", "0", "0", "1", "5"};
const std::vector<std::string> kDbs = {"0", "1", "2", "16"};
const std::vector<std::string> kOffsets = {"0", "1", "5", "39", "100", "700", "-1"};

// Reads the input a byte at a time; past its end every byte is 0.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  template <typename T>
  const T& Pick(const std::vector<T>& from) {
    return from[Byte() % from.size()];
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

std::string Bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string Int(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
constexpr std::string_view kNil = "$-1\r\n";

[[noreturn]] void Fail(const std::vector<std::string>& cmd, const std::string& what) {
  std::string line;
  for (const auto& a : cmd) line += (a.size() > 40 ? a.substr(0, 40) + "..." : a) + " ";
  std::fprintf(stderr, "fuzz_commands: after `%s`: %s\n", line.c_str(), what.c_str());
  std::abort();
}

// Decodes one command from the reader. Empty: a clock advance instead.
std::vector<std::string> NextCommand(Reader& in, CommandHarness& h) {
  const auto key = [&] { return in.Pick(Keys()); };
  const auto value = [&] { return in.Pick(Values()); };
  const uint8_t op = in.Byte();
  switch (op % 40) {
    case 0:
    case 1: {  // SET key value [EX|PX t] [NX|XX] [KEEPTTL] [GET]
      std::vector<std::string> c = {"SET", key(), value()};
      const uint8_t opts = in.Byte();
      if (opts & 1) c.insert(c.end(), {(opts & 2) ? "PX" : "EX", in.Pick(kTimes)});
      if (opts & 4) c.push_back((opts & 8) ? "XX" : "NX");
      if (opts & 16) c.push_back("KEEPTTL");
      if (opts & 32) c.push_back("GET");
      return c;
    }
    case 2:
    case 3:
      return {"GET", key()};
    case 4:
      return {"MGET", key(), key(), key()};
    case 5:
      return {"MSET", key(), value(), key(), value()};
    case 6:
      return {"DEL", key(), key()};
    case 7:
      return {"EXPIRE", key(), in.Pick(kTimes)};
    case 8:
      return {"PEXPIRE", key(), in.Pick(kTimes)};
    case 9:
      return {"PERSIST", key()};
    case 10:
      return {"INCR", key()};
    case 11:
      return {"APPEND", key(), value()};
    case 12:
      return {"SETRANGE", key(), in.Pick(kOffsets), value()};
    case 13: {  // GETEX key [EX|PX t | PERSIST]
      std::vector<std::string> c = {"GETEX", key()};
      const uint8_t opts = in.Byte() % 4;
      if (opts == 1) c.insert(c.end(), {"EX", in.Pick(kTimes)});
      if (opts == 2) c.insert(c.end(), {"PX", in.Pick(kTimes)});
      if (opts == 3) c.push_back("PERSIST");
      return c;
    }
    case 14:
      return {"RENAME", key(), key()};
    case 15: {
      std::vector<std::string> c = {"COPY", key(), key()};
      const uint8_t opts = in.Byte();
      if (opts & 1) c.insert(c.end(), {"DB", in.Pick(kDbs)});
      if (opts & 2) c.push_back("REPLACE");
      return c;
    }
    case 16:
      return {"FLUSHDB"};
    case 17:
      return {"SELECT", in.Pick(kDbs)};
    case 18:
      return {"MULTI"};
    case 19:
      return {"EXEC"};
    case 20:
      return {"DISCARD"};
    case 21:
      return {"CONFIG", "SET", "maxmemory", in.Pick(kMaxMemory)};
    case 22:
      return {"CONFIG", "SET", "maxmemory-policy", in.Pick(kPolicies)};
    case 23:
      return {"CONFIG", "SET", "maxkeys", in.Pick(kMaxKeys)};
    case 24:
    case 25:
    case 26:
      h.clock.Advance(in.Pick(kAdvanceMs));
      return {};
    case 27:
      return {"EXISTS", key(), key()};
    case 28:
      return {"PTTL", key()};
    case 29:
      return {"STRLEN", key()};
    case 30:
      return {"GETDEL", key()};
    case 31:
      return {"INCRBYFLOAT", key(), value()};
    case 32:
      return {"DECRBY", key(), in.Pick(kTimes)};
    case 33:
      return {"RENAMENX", key(), key()};
    case 34:
      return {"MOVE", key(), in.Pick(kDbs)};
    case 35:
      return {"SWAPDB", in.Pick(kDbs), in.Pick(kDbs)};
    case 36:
      return {"SETBIT", key(), in.Pick(kOffsets), "1"};
    case 37:
      return {"CONFIG", "SET", "default-ttl", in.Pick(kDefaultTtl)};
    case 38:
      return {"GETRANGE", key(), "0", in.Pick(kOffsets)};
    default:  // the engine's background expiry, as the server's timer runs it
      h.engine.ActiveExpireCycle(h.clock.NowMs(), 1000);
      return {};
  }
}

// Every entry of every db, expired or not, as the engine holds it (no reclaim, no touch).
using Entries = std::map<std::pair<int, std::string>, std::pair<std::string, int64_t>>;
Entries Snapshot(lrukv::engine::Engine& engine) {
  Entries out;
  // now_ms = INT64_MIN: no deadline is before it, so expired entries are listed too.
  engine.ForEachLruOrder(INT64_MIN, [&](int db, const EntryView& e) {
    out[{db, std::string(e.key)}] = {std::string(e.value), e.expire_at_ms};
  });
  return out;
}

// The reply a client must get, from the entries before the command, or "" when this
// command's reply is not predicted. A key whose deadline is before now_ms does not exist.
// Keys in `evicted` are taken as gone too (evicted before the command ran).
std::string Expected(const std::vector<std::string>& c, const Entries& before, int db,
                     int64_t now_ms, const std::string& reply,
                     const std::set<std::string>& evicted) {
  const auto live = [&](const std::string& key) -> const std::pair<std::string, int64_t>* {
    if (evicted.count(key)) return nullptr;
    auto it = before.find({db, key});
    if (it == before.end()) return nullptr;
    if (it->second.second != kNoExpiry && it->second.second < now_ms) return nullptr;
    return &it->second;
  };
  const auto value_or_nil = [&](const std::string& key) {
    const auto* e = live(key);
    return e ? Bulk(e->first) : std::string(kNil);
  };
  const std::string& name = c[0];
  // A write may be refused (-OOM over maxmemory, bad options); a read never is.
  const bool refused = reply[0] == '-';
  if (refused && (name == "GETEX" || name == "GETDEL" || name == "SET" || name == "APPEND")) {
    return "";
  }
  if (name == "GET" || name == "GETDEL") return value_or_nil(c[1]);
  // GETEX answers the value it found, whatever it then does to the TTL.
  if (name == "GETEX") return value_or_nil(c[1]);
  if (name == "MGET") {
    std::string out = "*" + std::to_string(c.size() - 1) + "\r\n";
    for (size_t i = 1; i < c.size(); ++i) out += value_or_nil(c[i]);
    return out;
  }
  if (name == "SET" && c.back() == "GET") return value_or_nil(c[1]);
  if (name == "EXISTS") {
    int64_t n = 0;
    for (size_t i = 1; i < c.size(); ++i) n += live(c[i]) != nullptr;
    return Int(n);
  }
  if (name == "STRLEN") {
    const auto* e = live(c[1]);
    return Int(e ? static_cast<int64_t>(e->first.size()) : 0);
  }
  if (name == "PTTL") {
    const auto* e = live(c[1]);
    if (!e) return Int(-2);
    return Int(e->second == kNoExpiry ? -1 : std::max<int64_t>(0, e->second - now_ms));
  }
  if (name == "APPEND") {
    const auto* e = live(c[1]);
    return Int(static_cast<int64_t>((e ? e->first.size() : 0) + c[2].size()));
  }
  return "";
}

// Whether the policy may evict `key` (engine.h's volatile policies: keys with a TTL only).
bool Evictable(EvictionPolicy policy, int64_t deadline) {
  switch (policy) {
    case EvictionPolicy::kNoEviction:
      return false;
    case EvictionPolicy::kAllKeysLru:
    case EvictionPolicy::kAllKeysRandom:
      return true;
    default:
      return deadline != kNoExpiry;
  }
}

void CheckLimits(const std::vector<std::string>& c, CommandHarness& h, const Entries& after) {
  const auto& limits = h.engine.limits();
  if (limits.policy == EvictionPolicy::kNoEviction) return;
  size_t evictable = 0;
  std::map<int, std::pair<size_t, size_t>> per_db;  // db -> (keys, evictable keys)
  for (const auto& [where, entry] : after) {
    const bool can = Evictable(limits.policy, entry.second);
    evictable += can;
    per_db[where.first].first++;
    per_db[where.first].second += can;
  }
  // The key a write just made is protected from its own eviction: one may stay.
  if (limits.maxmemory_bytes != 0 && h.engine.used_memory() > limits.maxmemory_bytes &&
      evictable > 1) {
    Fail(c, "used_memory " + std::to_string(h.engine.used_memory()) + " > maxmemory " +
                std::to_string(limits.maxmemory_bytes) + " with " + std::to_string(evictable) +
                " evictable keys");
  }
  if (limits.maxkeys != 0) {
    for (const auto& [db, counts] : per_db) {
      if (counts.first > limits.maxkeys && counts.second > 1) {
        Fail(c, "db " + std::to_string(db) + " holds " + std::to_string(counts.first) +
                    " keys > maxkeys " + std::to_string(limits.maxkeys));
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool trace = std::getenv("FUZZ_TRACE") != nullptr;
  CommandHarness h;
  Reader in(data, size);
  for (int steps = 0; !in.done() && steps < 200; ++steps) {
    std::vector<std::string> c = NextCommand(in, h);
    if (trace && c.empty()) std::fprintf(stderr, "(clock now %lld)\n", static_cast<long long>(h.clock.NowMs() % 1000000));
    std::string error = h.engine.CheckInvariants();
    if (!error.empty()) Fail({"(clock or expiry cycle)"}, error);
    if (c.empty()) continue;
    const Entries before = Snapshot(h.engine);
    const int db = h.client.db;
    const bool queued = h.client.in_multi;
    const int64_t now_ms = h.clock.NowMs();
    const bool over_limit = h.engine.OverMemoryLimit();
    const std::string reply = h.Run(std::vector<std::string_view>(c.begin(), c.end()));
    if (trace) {  // FUZZ_TRACE=1: print the decoded sequence, to read a reproducer
      std::string line;
      for (const auto& a : c) line += (a.size() > 20 ? a.substr(0, 20) + "..." : a) + " ";
      std::fprintf(stderr, "[t=%lld db=%d] %s-> %.60s\n", static_cast<long long>(now_ms % 1000000),
                   db, line.c_str(), reply.c_str());
    }
    error = h.engine.CheckInvariants();
    if (!error.empty()) Fail(c, error);
    if (!queued) {
      // Over a limit, the dispatcher evicts before any command (as Redis's processCommand),
      // so each key the command names may also have gone: any subset of them is accepted.
      std::vector<std::string> names(c.begin() + 1, c.end());
      if (!over_limit) names.clear();
      std::set<std::string> distinct(names.begin(), names.end());
      names.assign(distinct.begin(), distinct.end());
      const std::string expected = Expected(c, before, db, now_ms, reply, {});
      bool matched = expected.empty() || reply == expected;
      for (size_t subset = 1; !matched && names.size() <= 8 && subset < (1u << names.size());
           ++subset) {
        std::set<std::string> evicted;
        for (size_t i = 0; i < names.size(); ++i) {
          if (subset & (1u << i)) evicted.insert(names[i]);
        }
        matched = reply == Expected(c, before, db, now_ms, reply, evicted);
      }
      if (!matched) {
        Fail(c, "replied " + reply.substr(0, 80) + " where " + expected.substr(0, 80) +
                    " was expected");
      }
    }
    // Writes are refused with -OOM rather than evicting the limits away: only check after
    // a reply that is not an error (a read cannot break the limits either way).
    if (reply[0] != '-') CheckLimits(c, h, Snapshot(h.engine));
  }
  return 0;
}
