// LatencyHistogram's slice arithmetic and the two read-outs (percentiles, cumulative buckets).
#include "src/commands/latency_histogram.h"

#include <bit>
#include <cstdio>

namespace lrukv::cmd {

namespace {

// Values below this have one counter each (two significant digits need 2 * 10^2 < 256).
constexpr uint64_t kExactLimit = uint64_t{1} << (LatencyHistogram::kSubBucketHalfBits + 1);
constexpr uint64_t kHalf = uint64_t{1} << LatencyHistogram::kSubBucketHalfBits;  // 128
// LATENCY HISTOGRAM's first reported bucket, ns (Redis iterates from 1024 by powers of 2).
constexpr uint64_t kFirstReportedNs = 1024;

// Which power of two above the exact range `value` falls in: 0 for [0, 256), 1 for
// [256, 512), ...; within power p the slices are 2^p ns wide.
int PowerOf(uint64_t value) {
  return (64 - std::countl_zero(value | (kExactLimit - 1))) - (LatencyHistogram::kSubBucketHalfBits + 1);
}

}  // namespace

uint64_t LatencyHistogram::ValueOfIndex(size_t index) {
  int power = static_cast<int>(index >> kSubBucketHalfBits) - 1;
  uint64_t slice = (index & (kHalf - 1)) + kHalf;
  if (power < 0) {
    slice -= kHalf;
    power = 0;
  }
  return slice << power;
}

uint64_t LatencyHistogram::LowestEquivalent(uint64_t value_ns) {
  const int power = PowerOf(value_ns);
  return (value_ns >> power) << power;
}

uint64_t LatencyHistogram::HighestEquivalent(uint64_t value_ns) {
  const int power = PowerOf(value_ns);
  return LowestEquivalent(value_ns) + (uint64_t{1} << power) - 1;
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  const double p = percentile < 100.0 ? percentile : 100.0;
  auto rank = static_cast<uint64_t>((p / 100.0) * static_cast<double>(total_) + 0.5);
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kCounters; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t value = ValueOfIndex(i);
      return static_cast<int64_t>(percentile == 0.0 ? LowestEquivalent(value)
                                                    : HighestEquivalent(value));
    }
  }
  return 0;
}

std::vector<std::pair<int64_t, uint64_t>> LatencyHistogram::CumulativeUsecBuckets() const {
  std::vector<std::pair<int64_t, uint64_t>> out;
  uint64_t seen = 0;
  size_t i = 0;
  for (uint64_t level = kFirstReportedNs; seen < total_ && i < kCounters; level <<= 1) {
    // Every slice up to and including the one that starts at `level`.
    const size_t last = IndexOf(level);
    for (; i <= last && i < kCounters; ++i) seen += counts_[i];
    if (out.empty() ? seen > 0 : seen > out.back().second) {
      out.emplace_back(static_cast<int64_t>(HighestEquivalent(level) / 1000), seen);
    }
  }
  return out;
}

std::string PercentileText(double percentile) {
  char buf[400];  // "%f" of any double fits
  int n = std::snprintf(buf, sizeof(buf), "%f", percentile);
  std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  return text;
}

}  // namespace lrukv::cmd
