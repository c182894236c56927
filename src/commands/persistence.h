// Snapshots as the server runs them: SAVE in the foreground, BGSAVE in a forked child that
// writes a copy-on-write image of the keyspace while the reactor keeps serving, the `save`
// points that start one automatically, and the -MISCONF rule after a failed background save.
// The reactor calls PersistenceCron at its cron and when a child exits (SIGCHLD); the rest is
// called by commands (SAVE, BGSAVE, SHUTDOWN, DEBUG RELOAD) and by the reactor's SIGTERM.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace lrukv::cmd {

struct ServerContext;

// What INFO persistence shows, and the background child in flight.
struct PersistenceState {
  pid_t child_pid = -1;         // the BGSAVE child, -1 when none
  int child_result_fd = -1;     // read end of the pipe the child reports through
  int64_t child_start_ms = 0;
  uint64_t dirty_at_child_start = 0;  // changes the child's snapshot covers
  bool bgsave_scheduled = false;      // BGSAVE SCHEDULE while a child ran
  bool last_bgsave_ok = true;         // rdb_last_bgsave_status
  int64_t last_bgsave_time_sec = -1;  // rdb_last_bgsave_time_sec
  int64_t last_bgsave_try_s = 0;      // for the 5 s retry delay after a failure
  uint64_t saves = 0;                 // rdb_saves: snapshots written, foreground or not
  uint64_t last_cow_bytes = 0;        // rdb_last_cow_size: the child's private dirty memory
  uint64_t last_dump_keys = 0;        // dump_last_keys
  uint64_t last_dump_bytes = 0;       // dump_last_bytes
  uint64_t last_load_keys_loaded = 0;   // rdb_last_load_keys_loaded
  uint64_t last_load_keys_expired = 0;  // rdb_last_load_keys_expired
  uint64_t total_forks = 0;
  int64_t latest_fork_usec = 0;
  // Set when the server started empty past a bad dump (ignore-bad-dump): the first save moves
  // that file aside to "<dbfilename>.bad-<unix time>" instead of overwriting what it holds.
  bool keep_bad_dump = false;
};

// SAVE: writes the dump in the foreground. On success resets the change counter and stamps
// LASTSAVE; on failure logs why and returns false with *error.
bool SaveInForeground(ServerContext& server, int64_t now_ms, std::string* error);

// BGSAVE: forks a child that writes the dump. False with *error when fork fails.
bool StartBackgroundSave(ServerContext& server, int64_t now_ms, std::string* error);

bool BackgroundSaveInProgress(const ServerContext& server);

// Stops a running child (SHUTDOWN, SAVE at exit) and removes its temporary file. The
// snapshot it was writing is abandoned; the status of the last finished one stands.
void KillBackgroundSave(ServerContext& server);

// Reaps a finished child, starts a scheduled BGSAVE, and starts one when a `save` point is
// reached (N changes in M seconds). Cheap when there is nothing to do.
void PersistenceCron(ServerContext& server, int64_t now_ms);

// True when writes (and PING) must answer -MISCONF: the last background save failed, `save`
// points are configured and stop-writes-on-bgsave-error is yes (Redis's rule).
bool WritesDeniedByDiskError(const ServerContext& server);

// The save a shutdown does: with `save_mode` 0 only when `save` points are configured, 1
// always (SHUTDOWN SAVE), -1 never (SHUTDOWN NOSAVE). Kills a running child first. False when
// a save was due and failed (the caller then keeps running unless forced).
bool SaveBeforeShutdown(ServerContext& server, int64_t now_ms, int save_mode);

// FLUSHALL's part: kills a running child and, when `save` points are configured, saves the
// now empty dataset in the foreground (a failure is logged only, as Redis).
void ResetSnapshotAfterFlushAll(ServerContext& server, int64_t now_ms);

// DEBUG RELOAD: save (unless !save), flush (unless !flush), load the dump back. False with
// *error (Redis's reply text) on failure.
bool ReloadDump(ServerContext& server, int64_t now_ms, bool save, bool flush, std::string* error);

}  // namespace lrukv::cmd
