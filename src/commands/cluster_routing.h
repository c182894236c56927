// The CROSSSLOT rule of cluster mode: a command's keys (found by its key specs, shard channels
// included as Redis routes them) must all hash to one slot, and so must the keys of all the
// commands a transaction queued, checked when EXEC runs. The Dispatcher asks, only when
// cluster-enabled is on, and writes the error itself.
#pragma once

#include <span>
#include <string_view>

#include "src/commands/client_state.h"
#include "src/commands/command_table.h"

namespace lrukv::cmd::cluster {

// True when the keys `args` name for `spec` hash to at most one slot. A command whose keys
// cannot be found (arguments that do not fit its key specs) passes: its handler rejects it.
bool KeysInOneSlot(const CommandSpec& spec, std::span<const std::string_view> args);

// True when every key of every command `client` queued since MULTI hashes to one slot (WATCHed
// keys do not count, as in Redis).
bool QueuedKeysInOneSlot(const ClientState& client);

}  // namespace lrukv::cmd::cluster
