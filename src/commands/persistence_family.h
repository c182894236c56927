// The persistence family's internal seams: RegisterPersistenceCommands (persistence_commands.cc:
// SAVE, BGSAVE, automatic snapshots) registers DUMP and RESTORE through
// RegisterDumpRestoreCommands (dump_restore_commands.cc). Only the family's files include this.
#pragma once

#include "src/commands/command_table.h"

namespace lrukv::cmd {

// DUMP key, RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f].
void RegisterDumpRestoreCommands(CommandTable& table);

}  // namespace lrukv::cmd
