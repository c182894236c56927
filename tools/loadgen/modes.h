// The load generator's modes. Each reads its options, runs, prints one JSON line of results to
// stdout and returns the process exit code (0 ok, 1 the server misbehaved, 2 usage).
#pragma once

#include <time.h>

#include <cstdint>
#include <functional>
#include <string>

#include "tools/loadgen/conn.h"
#include "tools/loadgen/options.h"

namespace lrukv::loadgen {

int RunProbe(Options& opts);      // PING round trips on an absolute schedule
int RunSetLoad(Options& opts, bool expire);  // grow (paced SETs) / expire-load (SET .. EXAT)
int RunGenPipe(Options& opts);    // RESP for N SETs to stdout, for redis-cli --pipe
int RunEvictSim(Options& opts);   // zipf GETs with a SET after every miss; hit ratio

inline int64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}
inline int64_t MonoNs() { return ClockNs(CLOCK_MONOTONIC); }
inline int64_t UnixNs() { return ClockNs(CLOCK_REALTIME); }

// What PipelinedSend saw.
struct PipelineStats {
  int64_t sent = 0;
  int64_t replies = 0;
  int64_t errors = 0;          // error replies
  int64_t max_backlog = 0;     // most commands sent but not yet answered
  int64_t max_late_ns = 0;     // worst lateness of a batch against its schedule (paced only)
  int64_t elapsed_ns = 0;      // first batch to last reply
  std::string first_error;
};

// Sends `count` commands on `conn` (made non-blocking here) in batches of `batch`. With
// rate_per_s > 0, batch k is queued at start + k * batch / rate_per_s whatever the replies do;
// with rate_per_s == 0 as fast as the server answers, at most `window` commands outstanding.
// append(out, i) appends command i's RESP. on_reply(reply, i), if set, sees reply i.
// Returns false if the connection broke.
bool PipelinedSend(Conn& conn, int64_t count, int64_t batch, double rate_per_s, int64_t window,
                   const std::function<void(std::string*, int64_t)>& append,
                   const std::function<void(const Reply&, int64_t)>& on_reply,
                   PipelineStats* stats);

}  // namespace lrukv::loadgen
