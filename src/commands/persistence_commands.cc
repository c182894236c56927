// The persistence family: SAVE, BGSAVE and automatic snapshots; DUMP and RESTORE are registered
// from dump_restore_commands.cc.
#include "src/commands/persistence_family.h"

namespace lrukv::cmd {

void RegisterPersistenceCommands(CommandTable& table) { RegisterDumpRestoreCommands(table); }

}  // namespace lrukv::cmd
