// The persistence family: SAVE and BGSAVE (persistence.h does the work); DUMP and RESTORE are
// registered from dump_restore_commands.cc. LASTSAVE, SHUTDOWN and DEBUG RELOAD live with the
// server family.
#include <string>

#include "resp/errors.h"
#include "resp/reply_writer.h"
#include "src/commands/arg_parse.h"
#include "src/commands/persistence.h"
#include "src/commands/persistence_family.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {
namespace {

constexpr std::string_view kSaveInProgress = "ERR Background save already in progress";

// SAVE: the whole dump in the foreground, blocking every client as Redis's does.
void CmdSave(CommandContext& ctx) {
  if (BackgroundSaveInProgress(ctx.server)) {
    ctx.reply.Error(kSaveInProgress);
    return;
  }
  std::string error;
  if (SaveInForeground(ctx.server, ctx.now_ms, &error)) {
    ctx.reply.Ok();
  } else {
    // Redis answers a bare "-ERR"; lrukv says why (disk full, unwritable dir).
    ctx.reply.Error("ERR Error saving the dump: " + error);
  }
}

// BGSAVE [SCHEDULE]. SCHEDULE only matters while another kind of child runs (Redis's AOF
// rewrite), which lrukv never has: with no child it starts now, and a running save refuses
// it as a plain BGSAVE, as Redis 7.0 does. Inside EXEC (the only way a handler runs while its
// client is in MULTI) the fork waits for the cron, as Redis's does.
void CmdBgsave(CommandContext& ctx) {
  if (ctx.args.size() > 2 ||
      (ctx.args.size() == 2 && !EqualsIgnoreCase(ctx.args[1], "schedule"))) {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  }
  if (BackgroundSaveInProgress(ctx.server)) {
    ctx.reply.Error(kSaveInProgress);
    return;
  }
  if (ctx.client.in_multi) {
    ctx.server.persistence.bgsave_scheduled = true;
    ctx.reply.Simple("Background saving scheduled");
    return;
  }
  std::string error;
  if (StartBackgroundSave(ctx.server, ctx.now_ms, &error)) {
    ctx.reply.Simple("Background saving started");
  } else {
    ctx.reply.Error("ERR Can't fork the background save: " + error);
  }
}

}  // namespace

void RegisterPersistenceCommands(CommandTable& table) {
  constexpr std::string_view kAcl = "@admin @slow @dangerous";
  table.Register(MakeCommandSpec("save", 1, kAdmin | kNoScript | kNoMulti, 0, 0, 0, CmdSave,
                                 kAcl, "server", "Synchronously saves the database(s) to disk",
                                 "1.0.0"));
  table.Register(MakeCommandSpec("bgsave", -1, kAdmin | kNoScript, 0, 0, 0, CmdBgsave, kAcl,
                                 "server", "Asynchronously saves the database(s) to disk",
                                 "1.0.0"));
  RegisterDumpRestoreCommands(table);
}

}  // namespace lrukv::cmd
