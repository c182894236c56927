// Snapshot files on disk: the atomic write of a whole dump (temporary file in the dump's
// directory, flushed, fsynced, renamed over the old dump, directory fsynced), the removal of
// temporaries a crash left behind, and the load of a dump file at start or on DEBUG RELOAD.
// A crash at any moment leaves either the old complete dump or the new one, never a mix.
#pragma once

#include <cstdint>
#include <string>

#include "src/engine/engine.h"
#include "src/persist/dump_loader.h"
#include "src/persist/dump_writer.h"

namespace lrukv::persist {

// "<dir>/<filename>", or just `filename` when dir is empty.
std::string JoinPath(const std::string& dir, const std::string& filename);

// The temporary file a save by process `pid` writes before its rename: "<filename>.tmp-<pid>"
// in the dump's directory (so the rename never crosses a file system).
std::string TempDumpPath(const std::string& dir, const std::string& filename, long pid);

// Writes the engine's whole keyspace to <dir>/<filename> atomically, through the temporary
// file of the calling process. On failure the temporary is removed, the old dump is untouched
// and `error` says which step failed and why ("No space left on device").
WriteResult SaveDumpFile(engine::Engine& engine, int64_t now_ms, const std::string& dir,
                         const std::string& filename);

// Removes the temporary files of saves that never finished (a server or save child killed
// mid-write): every "<filename>.tmp-<pid>" in `dir` whose process no longer runs. Returns how
// many were removed.
int RemoveStrayTemporaries(const std::string& dir, const std::string& filename);

// Loads <dir>/<filename> into `engine`. `found` is false when the file does not exist (then
// ok is true and nothing was loaded). On error, result.error names the file, the byte offset
// and the reason; the file is only ever read.
struct FileLoadResult {
  bool found = false;
  LoadResult load;
};
FileLoadResult LoadDumpFile(const std::string& dir, const std::string& filename,
                            engine::Engine& engine, int64_t now_ms);

}  // namespace lrukv::persist
