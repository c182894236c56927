// LatencyMonitor: event series and their one-sample-per-second ring.
#include "src/commands/latency_monitor.h"

#include "src/commands/arg_parse.h"
#include "src/commands/config.h"

namespace lrukv::cmd {

std::vector<LatencySample> LatencySeries::Chronological() const {
  std::vector<LatencySample> out;
  for (size_t j = 0; j < kSamples; ++j) {
    const LatencySample& s = samples[(next + j) % kSamples];
    if (s.time_s != 0) out.push_back(s);
  }
  return out;
}

int64_t LatencyMonitor::ThresholdMs() const { return config_.latency_monitor_threshold_ms; }

void LatencyMonitor::AddSample(std::string_view event, int64_t latency_ms, int64_t now_s) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), LatencySeries{}).first;
  LatencySeries& series = it->second;
  if (latency_ms > series.max_ms) series.max_ms = latency_ms;
  LatencySample& last = series.samples[(series.next + LatencySeries::kSamples - 1) %
                                       LatencySeries::kSamples];
  if (last.time_s == now_s) {  // one sample per second: the worst of it
    if (latency_ms > last.latency_ms) last.latency_ms = latency_ms;
    return;
  }
  series.samples[series.next] = LatencySample{now_s, latency_ms};
  series.next = (series.next + 1) % LatencySeries::kSamples;
}

int LatencyMonitor::Reset(std::string_view event) {
  int dropped = 0;
  for (auto it = events_.begin(); it != events_.end();) {
    if (EqualsIgnoreCase(it->first, event)) {
      it = events_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

int LatencyMonitor::ResetAll() {
  const int dropped = static_cast<int>(events_.size());
  events_.clear();
  return dropped;
}

const LatencySeries* LatencyMonitor::Find(std::string_view event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

}  // namespace lrukv::cmd
