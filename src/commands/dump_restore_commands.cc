// DUMP and RESTORE: one key's value as lrukv's JSON payload (src/persist/payload.h).
#include "src/commands/persistence_family.h"

namespace lrukv::cmd {

void RegisterDumpRestoreCommands(CommandTable& table) {}

}  // namespace lrukv::cmd
