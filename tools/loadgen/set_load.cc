// PipelinedSend and the modes built on it:
//   grow         SET key:<i> <value> for i in [start, start+keys), batches of --batch queued on a
//                fixed schedule (--rate SETs/s; default 100000, so one batch of 100 per ms)
//   expire-load  the same with EXAT --exat on every key, as fast as the server answers
//   gen-pipe     the RESP of those SETs written to stdout, for `redis-cli --pipe`
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <vector>

#include "tools/loadgen/modes.h"

namespace lrukv::loadgen {
namespace {

// Appends SET <prefix><index> <value> [EXAT <exat>] to *out.
class SetCommand {
 public:
  SetCommand(std::string prefix, int64_t value_size, int64_t exat_s)
      : key_(std::move(prefix)), prefix_len_(key_.size()), value_(value_size, 'v'),
        exat_(exat_s > 0 ? std::to_string(exat_s) : "") {}

  void Append(std::string* out, int64_t index) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
    key_.resize(prefix_len_);
    key_.append(digits, end);
    if (exat_.empty()) {
      AppendCommand(out, {"SET", key_, value_});
    } else {
      AppendCommand(out, {"SET", key_, value_, "EXAT", exat_});
    }
  }

 private:
  std::string key_;
  size_t prefix_len_;
  std::string value_;
  std::string exat_;
};

}  // namespace

bool PipelinedSend(Conn& conn, int64_t count, int64_t batch, double rate_per_s, int64_t window,
                   const std::function<void(std::string*, int64_t)>& append,
                   const std::function<void(const Reply&, int64_t)>& on_reply,
                   PipelineStats* stats) {
  conn.SetNonBlocking();
  std::string out;
  out.reserve(1 << 20);
  bool paced = rate_per_s > 0;
  double batch_ns = paced ? static_cast<double>(batch) * 1e9 / rate_per_s : 0;
  int64_t start_ns = MonoNs();
  int64_t batches_queued = 0;
  auto due_ns = [&] {  // when the next batch is due (paced only)
    return start_ns + static_cast<int64_t>(static_cast<double>(batches_queued) * batch_ns);
  };
  while (stats->replies < count) {
    int64_t now_ns = MonoNs();
    // Queue every batch that is due (paced) or that fits in the window (unpaced).
    while (stats->sent < count) {
      if (paced) {
        if (due_ns() > now_ns) break;
        stats->max_late_ns = std::max(stats->max_late_ns, now_ns - due_ns());
      } else if (stats->sent - stats->replies + batch > window) {
        break;
      }
      int64_t end = std::min(count, stats->sent + batch);
      for (int64_t i = stats->sent; i < end; ++i) append(&out, i);
      stats->sent = end;
      ++batches_queued;
    }
    stats->max_backlog = std::max(stats->max_backlog, stats->sent - stats->replies);
    if (!out.empty() && !conn.WriteSome(&out)) return false;

    // Sleep until a reply arrives, the socket drains, or the next batch is due (ppoll: ns
    // resolution, so pacing neither spins nor rounds to milliseconds).
    int64_t wait_ns = 1'000'000'000;
    if (paced && stats->sent < count) {
      wait_ns = std::max<int64_t>(0, due_ns() - MonoNs());
    }
    timespec wait{static_cast<time_t>(wait_ns / 1'000'000'000),
                  static_cast<long>(wait_ns % 1'000'000'000)};
    pollfd p{conn.fd(), static_cast<short>(POLLIN | (out.empty() ? 0 : POLLOUT)), 0};
    if (ppoll(&p, 1, &wait, nullptr) < 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!conn.ReadAvailable()) return false;
      Reply reply;
      while (conn.NextBuffered(&reply)) {
        if (reply.type == Reply::Type::kError) {
          if (stats->errors++ == 0) stats->first_error = std::string(reply.text);
        }
        if (on_reply) on_reply(reply, stats->replies);
        ++stats->replies;
      }
    }
  }
  stats->elapsed_ns = MonoNs() - start_ns;
  return true;
}

int RunSetLoad(Options& opts, bool expire) {
  std::string host = opts.String("host", "127.0.0.1");
  int port = static_cast<int>(opts.Int("port", 6379));
  int64_t keys = opts.Int("keys", 1'000'000);
  int64_t start = opts.Int("start", 0);
  int64_t value_size = opts.Int("value-size", 16);
  std::string prefix = opts.String("prefix", "key:");
  int64_t batch = opts.Int("batch", 100);
  int64_t window = opts.Int("window", 10'000);
  double rate = opts.Double("rate", expire ? 0 : 100'000);
  int64_t exat = expire ? opts.Int("exat", 0) : 0;
  opts.RejectUnused();
  if (keys < 0 || batch <= 0 || window < batch || rate < 0 || value_size < 0 ||
      (expire && exat <= 0)) {
    std::fprintf(stderr, "loadgen: bad options (expire-load needs --exat UNIX_SECONDS)\n");
    return 2;
  }
  Conn conn(host, port);
  SetCommand command(prefix, value_size, exat);
  PipelineStats stats;
  bool ok = PipelinedSend(
      conn, keys, batch, rate, window,
      [&](std::string* out, int64_t i) { command.Append(out, start + i); }, nullptr, &stats);
  double seconds = static_cast<double>(stats.elapsed_ns) / 1e9;
  std::printf(
      "{\"mode\":\"%s\",\"keys\":%lld,\"replies\":%lld,\"seconds\":%.3f,\"rate\":%.0f,"
      "\"target_rate\":%.0f,\"max_backlog\":%lld,\"max_late_ms\":%.3f,\"errors\":%lld,"
      "\"first_error\":\"%s\",\"lost_connection\":%s}\n",
      expire ? "expire-load" : "grow", static_cast<long long>(keys),
      static_cast<long long>(stats.replies), seconds,
      seconds > 0 ? static_cast<double>(stats.replies) / seconds : 0.0, rate,
      static_cast<long long>(stats.max_backlog), static_cast<double>(stats.max_late_ns) / 1e6,
      static_cast<long long>(stats.errors), stats.first_error.substr(0, 80).c_str(),
      ok ? "false" : "true");
  return ok && stats.errors == 0 ? 0 : 1;
}

int RunGenPipe(Options& opts) {
  int64_t keys = opts.Int("keys", 1'000'000);
  int64_t start = opts.Int("start", 0);
  int64_t value_size = opts.Int("value-size", 16);
  std::string prefix = opts.String("prefix", "key:");
  opts.RejectUnused();
  SetCommand command(prefix, value_size, 0);
  std::string out;
  out.reserve(1 << 21);
  for (int64_t i = 0; i < keys; ++i) {
    command.Append(&out, start + i);
    if (out.size() >= (1 << 20) || i + 1 == keys) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return 1;
      out.clear();
    }
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace lrukv::loadgen
