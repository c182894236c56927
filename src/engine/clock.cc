// SystemClock: unix wall time from CLOCK_REALTIME, in milliseconds.
#include "src/engine/clock.h"

#include <time.h>

namespace lrukv::engine {

int64_t SystemClock::NowMs() const {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace lrukv::engine
