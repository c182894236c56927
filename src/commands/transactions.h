// Transaction state helpers shared by the Dispatcher (which queues inside MULTI and aborts EXEC
// on rejection) and the transactions family (transaction_commands.cc), which defines them.
#pragma once

#include "src/commands/client_state.h"

namespace lrukv::cmd {

struct ServerContext;

// Ends MULTI (drops the queue, clears the EXECABORT and watch-dirty flags) and unwatches every
// key, as Redis's discardTransaction. Safe outside MULTI.
void DiscardTransaction(ServerContext& server, ClientState& client);

}  // namespace lrukv::cmd
