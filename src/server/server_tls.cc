// The server's TLS setup: the context at start and the TLS listeners, and CONFIG SET of the
// tls-* directives, as Redis 7.0's initServer, applyTLSPort and applyTlsCfg do it (their log
// lines and error texts included). The per-connection hooks are in server.cc.
#include "src/server/log.h"
#include "src/server/server.h"
#include "src/server/tls_context.h"

namespace lrukv::server {

namespace {

constexpr std::string_view kTlsUpdateFailed =
    "Unable to update TLS configuration. Check server logs.";

}  // namespace

bool Server::StartTls() {
  tls_context_ = TlsContext::Create(config_);
  if (tls_context_) return true;
  Log(LogLevel::kWarning, "Failed to configure TLS. Check logs for more info.");
  return false;
}

void Server::CloseTlsListeners() {
  for (Listener* l : tls_listeners_) CloseListener(l);
  tls_listeners_.clear();
}

bool Server::ApplyTlsConfig(std::string_view name, std::string* error) {
  if (ApplyTlsDirective(name, error)) return true;
  Log(LogLevel::kWarning,
      "Failed applying new configuration. Possibly related to new {} setting. Restoring "
      "previous settings.",
      name);
  return false;
}

bool Server::ApplyTlsDirective(std::string_view name, std::string* error) {
  if (name == "tls-auth-clients") return true;  // read at each accept, as Redis
  if (name == "tls-port" || name == "bind") {
    stats_.tcp_port = config_.port != 0 ? config_.port : config_.tls_port;
    if (config_.tls_port != 0 && !tls_context_) {
      tls_context_ = TlsContext::Create(config_);
      if (!tls_context_) {
        *error = kTlsUpdateFailed;
        return false;
      }
    }
    // As for `port`: the old sockets are released at once, so the new ones may reuse them. On
    // failure Config restores the old values and calls us again, which listens as before.
    CloseTlsListeners();
    if (config_.tls_port != 0 &&
        !ListenTcp(config_.bind, config_.tls_port, &tls_listeners_, error, /*tls=*/true)) {
      Log(LogLevel::kWarning, "{}", *error);
      if (name == "bind") Log(LogLevel::kWarning, "Failed to bind");  // as Redis's changeBindAddr
      *error = name == "tls-port" ? "Unable to listen on this port. Check server logs."
                                  : "Failed to bind to specified addresses.";
      return false;
    }
    return true;
  }
  // A directive the context is made from. While TLS is off it is only stored, as Redis does,
  // and the context of an earlier tls-port is dropped, so turning TLS on builds one from the
  // values then set (Redis would keep using its stale one).
  if (config_.tls_port == 0 && !config_.tls_replication && !config_.tls_cluster) {
    tls_context_.reset();
    return true;
  }
  std::unique_ptr<TlsContext> fresh = TlsContext::Create(config_);
  if (!fresh) {
    *error = kTlsUpdateFailed;
    return false;
  }
  tls_context_ = std::move(fresh);  // connections already open keep the SSL they have
  return true;
}

}  // namespace lrukv::server
