#include "tools/lrukv-dump/server_session.h"

#include <cstdlib>
#include <string_view>
#include <vector>

namespace lrukv::dumptool {

std::unique_ptr<RespClient> OpenSession(const std::string& host, const std::string& port,
                                        std::string* error) {
  std::string connect_error;
  std::unique_ptr<RespClient> client = RespClient::Connect(host, port, &connect_error);
  if (!client) {
    *error = "cannot connect to " + connect_error;
    return nullptr;
  }
  const char* password = std::getenv("REDISCLI_AUTH");
  if (password == nullptr) return client;
  std::vector<std::string_view> auth = {"AUTH"};
  if (const char* user = std::getenv("REDISCLI_AUTH_USER")) auth.push_back(user);
  auth.push_back(password);
  Reply reply;
  if (!client->Call(auth, &reply, error)) return nullptr;
  if (reply.type != Reply::Type::kStatus) {
    *error = client->address() + " refused AUTH: " + reply.str;
    return nullptr;
  }
  return client;
}

}  // namespace lrukv::dumptool
