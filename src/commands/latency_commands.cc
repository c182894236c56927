// The LATENCY family over ServerContext::latency (latency_monitor.h) and the per-command
// histograms kept in CommandStat: LATEST, HISTORY, RESET, GRAPH (Redis's ASCII sparkline),
// DOCTOR (Redis's report and advice for the events lrukv raises), HISTOGRAM and HELP, with
// Redis 7.0.15's replies and error texts.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "src/commands/arg_parse.h"
#include "src/commands/latency_histogram.h"
#include "src/commands/latency_monitor.h"
#include "src/commands/server_family.h"

namespace lrukv::cmd {

namespace {

// ---- GRAPH: an ASCII sparkline, as Redis's sparkline.c draws it ----

constexpr int kGraphColumns = 80;  // LATENCY_GRAPH_COLS
constexpr int kGraphRows = 4;      // rows of bars; each row has 3 heights
constexpr std::string_view kFillChars = "_o#";
constexpr int kLabelMarginTop = 1;  // blank rows between the bars and the labels

struct GraphPoint {
  double value;
  std::string label;  // "3s", "2m", "1h", "4d": how long ago
};

// Draws points [offset, offset + len) into `out`: kGraphRows rows of bars scaled between the
// sequence's min and max ('|' under a bar's top), one blank row, then the labels downwards.
void RenderGraphRange(std::string& out, const std::vector<GraphPoint>& points, double min,
                      double max, size_t offset, size_t len) {
  double span = max - min;
  if (span == 0) span = 1;
  const int steps = static_cast<int>(kFillChars.size()) * kGraphRows;
  const bool labels = true;  // every point has a label
  std::string row_chars;
  for (int row = 0;; ++row) {
    row_chars.assign(len, ' ');
    bool more = false;
    for (size_t j = 0; j < len; ++j) {
      const GraphPoint& p = points[offset + j];
      // Truncate the product before scaling, as the original's int cast does.
      int step = static_cast<int>(static_cast<int>((p.value - min) * steps) / span);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < kGraphRows) {
        more = true;
        const int idx = step - (kGraphRows - row - 1) * static_cast<int>(kFillChars.size());
        if (idx >= 0 && idx < static_cast<int>(kFillChars.size())) {
          row_chars[j] = kFillChars[static_cast<size_t>(idx)];
        } else if (idx >= static_cast<int>(kFillChars.size())) {
          row_chars[j] = '|';
        }
      } else {
        if (labels && row - kGraphRows < kLabelMarginTop) {
          more = true;
          break;
        }
        const size_t label_row = static_cast<size_t>(row - kGraphRows - kLabelMarginTop);
        if (label_row < p.label.size()) {
          more = true;
          row_chars[j] = p.label[label_row];
        }
      }
    }
    if (!more) break;
    out += row_chars;
    out += '\n';
  }
}

std::string AgoLabel(int64_t elapsed_s) {
  if (elapsed_s < 60) return fmt::format("{}s", elapsed_s);
  if (elapsed_s < 3600) return fmt::format("{}m", elapsed_s / 60);
  if (elapsed_s < 86400) return fmt::format("{}h", elapsed_s / 3600);
  return fmt::format("{}d", elapsed_s / 86400);
}

std::string LatencyGraph(std::string_view event, const LatencySeries& series, int64_t now_s) {
  std::vector<GraphPoint> points;
  int64_t low = 0, high = 0;
  for (const LatencySample& s : series.Chronological()) {
    if (points.empty()) {
      low = high = s.latency_ms;
    } else {
      low = std::min(low, s.latency_ms);
      high = std::max(high, s.latency_ms);
    }
    points.push_back({static_cast<double>(s.latency_ms), AgoLabel(now_s - s.time_s)});
  }
  std::string out = fmt::format("{} - high {} ms, low {} ms (all time high {} ms)\n", event,
                                high, low, series.max_ms);
  out.append(kGraphColumns, '-');
  out += '\n';
  for (size_t j = 0; j < points.size(); j += kGraphColumns) {
    if (j != 0) out += '\n';
    const size_t len = std::min(points.size() - j, static_cast<size_t>(kGraphColumns));
    RenderGraphRange(out, points, static_cast<double>(low), static_cast<double>(high), j, len);
  }
  return out;
}

// ---- DOCTOR ----

struct EventAnalysis {
  int samples = 0;
  uint64_t avg_ms = 0;
  uint64_t mad_ms = 0;   // mean absolute deviation from avg_ms
  int64_t period_s = 0;  // from the oldest sample to now, at least 1
};

EventAnalysis Analyze(const LatencySeries& series, int64_t now_s) {
  EventAnalysis a;
  uint64_t sum = 0;
  int64_t oldest_s = 0;
  const std::vector<LatencySample> samples = series.Chronological();
  for (const LatencySample& s : samples) {
    ++a.samples;
    sum += static_cast<uint64_t>(s.latency_ms);
    if (oldest_s == 0 || s.time_s < oldest_s) oldest_s = s.time_s;
  }
  if (a.samples == 0) return a;
  a.avg_ms = sum / static_cast<uint64_t>(a.samples);
  a.period_s = now_s - oldest_s;
  if (a.period_s == 0) a.period_s = 1;
  uint64_t deviation = 0;
  for (const LatencySample& s : samples) {
    int64_t d = static_cast<int64_t>(a.avg_ms) - s.latency_ms;
    deviation += static_cast<uint64_t>(d < 0 ? -d : d);
  }
  a.mad_ms = deviation / static_cast<uint64_t>(a.samples);
  return a;
}

// Bytes of transparent huge pages mapped by this process (AnonHugePages in /proc/self/smaps);
// DOCTOR advises turning THP off when there are any.
uint64_t AnonHugePagesBytes() {
  std::ifstream smaps("/proc/self/smaps");
  uint64_t total_kb = 0;
  std::string line;
  constexpr std::string_view kField = "AnonHugePages:";
  while (std::getline(smaps, line)) {
    if (line.compare(0, kField.size(), kField) != 0) continue;
    total_kb += std::strtoull(line.c_str() + kField.size(), nullptr, 10);
  }
  return total_kb * 1024;
}

std::string LatencyReport(const ServerContext& server, int64_t now_s) {
  const LatencyMonitor& monitor = server.latency;
  if (monitor.events().empty() && monitor.ThresholdMs() == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  struct Advice {
    bool better_vm = false, slowlog_enabled = false, slowlog_tuning = false,
         slowlog_inspect = false, scheduler = false, hz = false, large_objects = false,
         mass_eviction = false, disable_thp = false;
  } advise;
  int advices = 0;
  std::string report;
  int eventnum = 0;
  const Config& config = server.config;
  for (const auto& [event, series] : monitor.events()) {
    ++eventnum;
    if (eventnum == 1) {
      report +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
          "about it, do you Dave?\n\n";
    }
    const EventAnalysis a = Analyze(series, now_s);
    report += fmt::format(
        "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2f} sec). Worst "
        "all time event {}ms.",
        eventnum, event, a.samples, a.avg_ms, a.mad_ms,
        static_cast<double>(a.period_s) / a.samples, series.max_ms);
    if (EqualsIgnoreCase(event, "fork")) {
      const double rate = monitor.fork_rate_gb_per_s;
      std::string_view quality;
      if (rate < 10) {
        quality = "terrible";
        advise.better_vm = true;
        ++advices;
      } else if (rate < 25) {
        quality = "poor";
        advise.better_vm = true;
        ++advices;
      } else if (rate < 100) {
        quality = "good";
      } else {
        quality = "excellent";
      }
      report += fmt::format(" Fork rate is {:.2f} GB/sec ({}).", rate, quality);
    }
    if (EqualsIgnoreCase(event, "command")) {
      if (config.slowlog_log_slower_than_us < 0) {
        advise.slowlog_enabled = true;
        ++advices;
      } else if (config.slowlog_log_slower_than_us / 1000 > monitor.ThresholdMs()) {
        advise.slowlog_tuning = true;
        ++advices;
      }
      advise.slowlog_inspect = true;
      advise.large_objects = true;
      advices += 2;
    }
    if (EqualsIgnoreCase(event, "fast-command")) {
      advise.scheduler = true;
      ++advices;
    }
    if (EqualsIgnoreCase(event, "expire-cycle")) {
      advise.hz = true;
      advise.large_objects = true;
      advices += 2;
    }
    if (EqualsIgnoreCase(event, "eviction-del")) {
      advise.large_objects = true;
      ++advices;
    }
    if (EqualsIgnoreCase(event, "eviction-cycle")) {
      advise.mass_eviction = true;
      ++advices;
    }
    report += '\n';
  }
  if (AnonHugePagesBytes() > 0) {
    advise.disable_thp = true;
    ++advices;
  }

  if (eventnum == 0 && advices == 0) {
    report +=
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, "
        "and think things over.\n";
    return report;
  }
  if (eventnum > 0 && advices == 0) {
    report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please "
        "use the Redis community to get some help, providing this report in your help "
        "request.\n";
    return report;
  }
  const int64_t threshold_us = monitor.ThresholdMs() * 1000;
  report += "\nI have a few advices for you:\n\n";
  if (advise.better_vm) {
    report +=
        "- If you are using a virtual machine, consider upgrading it with a faster one using a "
        "hypervisior that provides less latency during fork() calls. Xen is known to have poor "
        "fork() performance. Even in the context of the same VM provider, certain kinds of "
        "instances can execute fork faster than others.\n";
  }
  if (advise.slowlog_enabled) {
    report += fmt::format(
        "- There are latency issues with potentially slow commands you are using. Try to enable "
        "the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. "
        "If the Slow log is disabled Redis is not able to log slow commands execution for "
        "you.\n",
        threshold_us);
  }
  if (advise.slowlog_tuning) {
    report += fmt::format(
        "- Your current Slow Log configuration only logs events that are slower than your "
        "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
        "{}'.\n",
        threshold_us);
  }
  if (advise.slowlog_inspect) {
    report +=
        "- Check your Slow Log to understand what are the commands you are running which are "
        "too slow to execute. Please check https://redis.io/commands/slowlog for more "
        "information.\n";
  }
  if (advise.scheduler) {
    report +=
        "- The system is slow to execute Redis code paths not containing system calls. This "
        "usually means the system does not provide Redis CPU time to run for long periods. You "
        "should try to:\n"
        "  1) Lower the system load.\n"
        "  2) Use a computer / VM just for Redis if you are running other software in the same "
        "system.\n"
        "  3) Check if you have a \"noisy neighbour\" problem.\n"
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in "
        "your system.\n"
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, "
        "if you are using Jemalloc. However this may create fragmentation problems.\n";
  }
  if (advise.hz && config.hz < 100) {
    report +=
        "- In order to make the Redis keys expiring process more incremental, try to set the "
        "'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (advise.large_objects) {
    report +=
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
        "blocking operation. If you have very large objects that are often deleted, expired, or "
        "evicted, try to fragment those objects into multiple smaller objects.\n";
  }
  if (advise.mass_eviction) {
    report +=
        "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
        "objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster "
        "large keys migrations (RESTORE command), may create sudden memory pressure forcing the "
        "server to block trying to evict keys. \n";
  }
  if (advise.disable_thp) {
    report +=
        "- I detected a non zero amount of anonymous huge pages used by your process. This "
        "creates very serious latency events in different conditions, especially when Redis is "
        "persisting on disk. To disable THP support use the command 'echo never > "
        "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into "
        "/etc/rc.local so that the command will be executed again after a reboot. Note that "
        "even if you have already disabled THP, you still need to restart the Redis process to "
        "get rid of the huge pages already created.\n";
  }
  return report;
}

// ---- Handlers ----

// LATENCY DOCTOR
void CmdLatencyDoctor(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", LatencyReport(ctx.server, ctx.server.latency.UnixSeconds(ctx.now_ms)));
}

// LATENCY GRAPH event
void CmdLatencyGraph(CommandContext& ctx) {
  const LatencySeries* series = ctx.server.latency.Find(ctx.args[2]);
  if (series == nullptr) {
    ctx.reply.Error(fmt::format("ERR No samples available for event '{}'", ctx.args[2]));
    return;
  }
  ctx.reply.Verbatim("txt", LatencyGraph(ctx.args[2], *series,
                                          ctx.server.latency.UnixSeconds(ctx.now_ms)));
}

// LATENCY HISTORY event: [[unix time s, latency ms], ...] oldest first; [] for no samples.
void CmdLatencyHistory(CommandContext& ctx) {
  const LatencySeries* series = ctx.server.latency.Find(ctx.args[2]);
  if (series == nullptr) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const std::vector<LatencySample> samples = series->Chronological();
  ctx.reply.ArrayHeader(samples.size());
  for (const LatencySample& s : samples) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(s.time_s);
    ctx.reply.Integer(s.latency_ms);
  }
}

// LATENCY LATEST: [[event, unix time s, latest ms, all-time max ms], ...]
void CmdLatencyLatest(CommandContext& ctx) {
  const auto& events = ctx.server.latency.events();
  ctx.reply.ArrayHeader(events.size());
  for (const auto& [event, series] : events) {
    const LatencySample& last = series.Latest();
    ctx.reply.ArrayHeader(4);
    ctx.reply.Bulk(event);
    ctx.reply.Integer(last.time_s);
    ctx.reply.Integer(last.latency_ms);
    ctx.reply.Integer(series.max_ms);
  }
}

// LATENCY RESET [event ...]: how many event series were dropped.
void CmdLatencyReset(CommandContext& ctx) {
  LatencyMonitor& monitor = ctx.server.latency;
  if (ctx.args.size() == 2) {
    ctx.reply.Integer(monitor.ResetAll());
    return;
  }
  int dropped = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) dropped += monitor.Reset(ctx.args[i]);
  ctx.reply.Integer(dropped);
}

void ReplyCommandCdf(CommandContext& ctx, std::string_view name, const LatencyHistogram& h) {
  ctx.reply.Bulk(name);
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("calls");
  ctx.reply.Integer(static_cast<int64_t>(h.total()));
  ctx.reply.Bulk("histogram_usec");
  const auto buckets = h.CumulativeUsecBuckets();
  ctx.reply.MapHeader(buckets.size());
  for (const auto& [usec, calls] : buckets) {
    ctx.reply.Integer(usec);
    ctx.reply.Integer(static_cast<int64_t>(calls));
  }
}

// LATENCY HISTOGRAM [command ...]: per command that ran (all, or each named one and, for a
// container, its subcommands; repeated names repeat), its calls and cumulative distribution.
void CmdLatencyHistogram(CommandContext& ctx) {
  const auto& stats = ctx.server.counters.command_stats;
  std::vector<std::pair<std::string_view, const LatencyHistogram*>> rows;
  auto add = [&](const std::string& name, const CommandStat& st) {
    if (st.histogram) rows.emplace_back(name, st.histogram.get());
  };
  if (ctx.args.size() == 2) {
    for (const auto& [name, st] : stats) add(name, st);
  }
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::string name(ctx.args[i]);
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    const CommandSpec* spec = ctx.server.commands.Find(name.substr(0, name.find('|')));
    if (spec == nullptr) continue;
    if (name.find('|') != std::string::npos &&
        CommandTable::FindSubcommand(*spec, name.substr(name.find('|') + 1)) == nullptr) {
      continue;
    }
    if (auto it = stats.find(name); it != stats.end()) add(it->first, it->second);
    if (name.find('|') != std::string::npos) continue;
    const std::string prefix = name + "|";
    for (auto it = stats.lower_bound(prefix); it != stats.end() && it->first.starts_with(prefix);
         ++it) {
      add(it->first, it->second);
    }
  }
  ctx.reply.MapHeader(rows.size());
  for (const auto& [name, h] : rows) ReplyCommandCdf(ctx, name, *h);
}

// LATENCY HELP
void CmdLatencyHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "LATENCY",
            {"DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
             "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
             "    Return time-latency samples for the <event> class.", "LATEST",
             "    Return the latest latency samples for all events.", "RESET [<event> ...]",
             "    Reset latency data of one or more <event> classes.",
             "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
             "    Return a cumulative distribution of latencies in the format of a histogram for "
             "the specified command names.",
             "    If no commands are specified then all histograms are replied."});
}

}  // namespace

void RegisterLatencyCommands(CommandTable& table) {
  // Redis 7.0.15's COMMAND INFO rows.
  constexpr uint32_t kAdminCfg = kAdmin | kNoScript | kLoading | kStale;
  constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
  CommandSpec latency = CommandRow("latency", -2, 0, CmdContainer, "@slow");
  latency.subcommands.push_back(
      CommandRow("latency|doctor", 2, kAdminCfg, CmdLatencyDoctor, kAdminAcl));
  latency.subcommands.push_back(
      CommandRow("latency|graph", 3, kAdminCfg, CmdLatencyGraph, kAdminAcl));
  latency.subcommands.push_back(
      CommandRow("latency|history", 3, kAdminCfg, CmdLatencyHistory, kAdminAcl));
  latency.subcommands.push_back(
      CommandRow("latency|latest", 2, kAdminCfg, CmdLatencyLatest, kAdminAcl));
  latency.subcommands.push_back(
      CommandRow("latency|reset", -2, kAdminCfg, CmdLatencyReset, kAdminAcl));
  latency.subcommands.push_back(
      CommandRow("latency|histogram", -2, kAdminCfg, CmdLatencyHistogram, kAdminAcl));
  latency.subcommands.push_back(
      CommandRow("latency|help", 2, kLoading | kStale, CmdLatencyHelp, "@slow"));
  table.Register(std::move(latency));
}

}  // namespace lrukv::cmd
