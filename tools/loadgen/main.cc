// lrukv-loadgen: the load generator behind tools/bench-scenarios (issue 3's growth, expiry and
// eviction scenarios). One mode per run; each prints one JSON line of results on stdout.
//
//   lrukv-loadgen probe       [--port P] [--interval-us 500] [--seconds S] [--samples FILE]
//   lrukv-loadgen grow        [--port P] [--keys N] [--rate 100000] [--batch 100] [--value-size 16]
//   lrukv-loadgen expire-load [--port P] --exat UNIX_S [--keys N] [--value-size 16]
//   lrukv-loadgen gen-pipe    [--keys N] [--value-size 16] > load.resp   (for redis-cli --pipe)
//   lrukv-loadgen evict-sim   [--port P] [--maxmemory 100mb] [--universe 2000000] [--gets 3000000]
//                             [--value-size 100] [--zipf 0.99] [--seed 1] [--pipeline 100]
// Common: --host 127.0.0.1. Keys are key:<i> (evict-sim: key:NNNNNNN).
#include <cstdio>
#include <string>

#include "tools/loadgen/modes.h"

int main(int argc, char** argv) {
  using namespace lrukv::loadgen;
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "-h" || mode == "--help" || mode.empty()) {
    std::fprintf(stderr,
                 "usage: lrukv-loadgen probe|grow|expire-load|gen-pipe|evict-sim "
                 "[--name value]...\n"
                 "(see tools/loadgen/main.cc for every mode's options)\n");
    return mode.empty() ? 2 : 0;
  }
  Options opts(argc, argv, 2);
  if (mode == "probe") return RunProbe(opts);
  if (mode == "grow") return RunSetLoad(opts, /*expire=*/false);
  if (mode == "expire-load") return RunSetLoad(opts, /*expire=*/true);
  if (mode == "gen-pipe") return RunGenPipe(opts);
  if (mode == "evict-sim") return RunEvictSim(opts);
  std::fprintf(stderr, "lrukv-loadgen: unknown mode %s\n", mode.c_str());
  return 2;
}
