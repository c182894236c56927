// LatencyHistogram: per-command call durations for INFO latencystats and LATENCY HISTOGRAM.
// A log-linear histogram over 1 ns .. 1 s with two significant digits, bucketed the way Redis's
// HDR histogram is configured (lowest 1, highest 1e9, 2 significant figures), so percentiles
// print the same numbers Redis prints for the same durations. Recording allocates nothing.
//
// Worked example: values below 256 ns each have their own counter. Above that, each power of
// two [2^k, 2^(k+1)) is cut into 128 equal slices: 4000 ns lies in [2048, 4096), slices of
// 16 ns, so it shares one counter with 4001..4015. A percentile answers the highest value of its slice (4015 -> "4.015" us),
// except p0, which answers the lowest (4000 -> "4.000").
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lrukv::cmd {

class LatencyHistogram {
 public:
  // Redis's LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE: durations are clamped into this range.
  static constexpr int64_t kMinNs = 1;
  static constexpr int64_t kMaxNs = 1'000'000'000;

  // Counts one call of `duration_ns` (clamped to [kMinNs, kMaxNs]).
  void Record(int64_t duration_ns) {
    if (duration_ns < kMinNs) duration_ns = kMinNs;
    if (duration_ns > kMaxNs) duration_ns = kMaxNs;
    ++counts_[IndexOf(static_cast<uint64_t>(duration_ns))];
    ++total_;
  }

  uint64_t total() const { return total_; }

  // The duration at `percentile` (0..100) in ns, as Redis's hdr_value_at_percentile: the
  // highest value of the slice holding the ceil-ish rank (p0: the lowest). 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // LATENCY HISTOGRAM's cumulative distribution: for each power of two from 1024 ns up while
  // calls remain, (highest value of that power's slice in us, calls at or below it), skipping
  // powers that add no call.
  std::vector<std::pair<int64_t, uint64_t>> CumulativeUsecBuckets() const;

  // Slice arithmetic, public for tests: the counter of `value_ns` and its value range.
  static size_t IndexOf(uint64_t value_ns) {
    // Which power of two above the exact range: 0 for [0, 256), 1 for [256, 512), ...
    const int power = (64 - std::countl_zero(value_ns | 255)) - (kSubBucketHalfBits + 1);
    const uint64_t slice = value_ns >> power;  // 128..255 above the exact range, 0..255 in it
    return (static_cast<size_t>(power + 1) << kSubBucketHalfBits) + (slice - 128);
  }
  static uint64_t LowestEquivalent(uint64_t value_ns);
  static uint64_t HighestEquivalent(uint64_t value_ns);

  // Counters: 256 exact ones, then 128 per power of two up to the first power of two whose
  // range passes kMaxNs (2^30): (23 + 1) * 128.
  static constexpr int kSubBucketHalfBits = 7;  // 128 slices per power of two
  static constexpr int kBucketCount = 23;       // powers of two above the exact range
  static constexpr size_t kCounters = (kBucketCount + 1) << kSubBucketHalfBits;

 private:
  static uint64_t ValueOfIndex(size_t index);

  std::array<uint64_t, kCounters> counts_{};
  uint64_t total_ = 0;
};

// A percentile as INFO latencystats names it and CONFIG GET prints it: "%f" without trailing
// zeros or a trailing point (99.9 -> "99.9", 50 -> "50", 12.345 -> "12.345").
std::string PercentileText(double percentile);

}  // namespace lrukv::cmd
