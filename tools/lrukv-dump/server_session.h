// OpenSession: a connection ready for export or import. Connects, then authenticates when
// REDISCLI_AUTH is set (redis-cli's variable, so the password stays off the command line),
// as the user named in REDISCLI_AUTH_USER if that is set too (ACL users, Redis 6+).
#pragma once

#include <memory>
#include <string>

#include "tools/lrukv-dump/resp_client.h"

namespace lrukv::dumptool {

// nullptr with *error ("cannot connect to HOST:PORT: reason", or the server's AUTH error).
std::unique_ptr<RespClient> OpenSession(const std::string& host, const std::string& port,
                                        std::string* error);

}  // namespace lrukv::dumptool
