// Which arguments of a request are keys, found by Redis's key specs (command_meta.h): COMMAND
// GETKEYS prints them and the cluster mode's CROSSSLOT check hashes them.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "src/commands/command_meta.h"

namespace lrukv::cmd {

struct FoundKey {
  size_t index;            // argument index of the key within the target command
  std::string_view flags;  // its key spec's flags
};

// Appends to *keys the keys of `argv` (argv[0] = the command name) found by `specs`, as
// Redis's getKeysUsingKeySpecs; specs flagged "not_key" (shard channels) count only when
// `include_not_keys`. False when the arguments do not fit a spec (Redis then reports "Invalid
// arguments specified for command"); *keys may then hold the keys found before the misfit.
bool KeysFromSpecs(std::span<const meta::KeySpec> specs, std::span<const std::string_view> argv,
                   std::vector<FoundKey>* keys, bool include_not_keys = false);

}  // namespace lrukv::cmd
