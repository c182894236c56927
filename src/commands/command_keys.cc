// KeysFromSpecs: Redis's key-spec walk (begin_search, then find_keys) over a request.
#include "src/commands/command_keys.h"

#include <cstdint>

#include "src/commands/arg_parse.h"
#include "src/commands/number_format.h"

namespace lrukv::cmd {

namespace {

using meta::KeySpec;

// "not_key" marks shard channels (SSUBSCRIBE, SPUBLISH); no other flag contains the text.
bool IsNotKey(const KeySpec& ks) { return ks.flags.find("not_key") != std::string_view::npos; }

}  // namespace

bool KeysFromSpecs(std::span<const KeySpec> specs, std::span<const std::string_view> argv,
                   std::vector<FoundKey>* keys, bool include_not_keys) {
  const int argc = static_cast<int>(argv.size());
  for (const KeySpec& ks : specs) {
    if (!include_not_keys && IsNotKey(ks)) continue;
    int first = 0;
    switch (ks.begin) {
      case meta::BeginSearch::kIndex:
        first = ks.index;
        break;
      case meta::BeginSearch::kKeyword: {
        int start = ks.index >= 0 ? ks.index : argc + ks.index;
        int end = ks.index >= 0 ? argc - 1 : 1;
        int step = ks.index >= 0 ? 1 : -1;
        first = 0;
        for (int i = start; step > 0 ? i <= end : i >= end; i += step) {
          if (i <= 0 || i >= argc) break;
          if (EqualsIgnoreCase(argv[i], ks.keyword)) {
            first = i + 1;
            break;
          }
        }
        if (first == 0) continue;  // keyword absent: this spec names no key
        break;
      }
      case meta::BeginSearch::kUnknown:
        continue;
    }
    int last = 0, step = 1;
    switch (ks.find) {
      case meta::FindKeys::kRange:
        step = ks.find1;
        if (ks.find0 >= 0) {
          last = first + ks.find0;
        } else if (ks.find2 == 0) {
          last = argc + ks.find0;
        } else {
          last = first + ((argc - first) / ks.find2 + ks.find0);
        }
        break;
      case meta::FindKeys::kKeynum: {
        int idx = first + ks.find0;
        int64_t numkeys = 0;
        if (idx >= argc || !ParseInt64(argv[idx], &numkeys) || numkeys < 0 ||
            numkeys > argc) {
          return false;
        }
        first = idx + ks.find1;
        step = ks.find2;
        last = first + static_cast<int>(numkeys) * step - 1;
        if (numkeys == 0) continue;
        break;
      }
      case meta::FindKeys::kUnknown:
        continue;
    }
    if (step <= 0) step = 1;
    for (int i = first; i <= last; i += step) {
      if (i >= argc || i < first) return false;
      keys->push_back({static_cast<size_t>(i), ks.flags});
    }
  }
  return true;
}

}  // namespace lrukv::cmd
