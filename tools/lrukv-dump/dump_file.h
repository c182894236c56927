// Loading a dump file for the tool's commands: LoadDump into a fresh Engine, with the file's
// size and every error message naming the file.
#pragma once

#include <cstdint>
#include <string>

#include "src/engine/engine.h"
#include "src/persist/dump_loader.h"

namespace lrukv::dumptool {

// Databases of the engine a dump is loaded into: the engine's own maximum, so that any dump a
// server wrote loads (a target server with fewer refuses the SELECT itself, by name).
inline constexpr int kMaxDumpDatabases = 65535;

struct LoadedDump {
  persist::LoadResult result;
  uint64_t file_bytes = 0;
};

// Reads `path` (never writing it) into `engine` at `now_ms`. False on failure with *error =
// "PATH: offset N: reason" or "PATH: cannot open: reason"; the engine must then be discarded.
bool LoadDumpFile(const std::string& path, engine::Engine& engine, int64_t now_ms,
                  LoadedDump* loaded, std::string* error);

}  // namespace lrukv::dumptool
