// TlsContext: the server side of TLS as the tls-* directives configure it, one OpenSSL SSL_CTX
// built and checked the way Redis 7.0's tlsConfigure builds it (its log lines included). It
// knows no socket: each accepted connection gets an SSL from NewSsl, and TlsSession
// (tls_session.h) drives it over memory buffers.
#pragma once

#include <openssl/ossl_typ.h>

#include <memory>
#include <string>

#include "src/commands/config.h"

namespace lrukv::server {

class TlsContext {
 public:
  // Builds a context from config's tls-* values. On failure returns nullptr and has logged why,
  // at warning level and in Redis's words ("Failed to load certificate: <file>: <reason>").
  static std::unique_ptr<TlsContext> Create(const cmd::Config& config);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A server-side SSL for one accepted connection, in accept state, with no BIO yet. Peer
  // verification follows `auth_clients` (tls-auth-clients, read at each accept as Redis does):
  // "yes" requires a certificate signed by the CA, "optional" verifies one when sent, "no"
  // asks for none. The SSL holds its own reference to the context, so it outlives a
  // reconfiguration. nullptr when OpenSSL is out of memory.
  SSL* NewSsl(const std::string& auth_clients) const;

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

// The reason for the oldest error in this thread's OpenSSL error queue, as ERR_error_string_n
// writes it ("error:0A00010B:SSL routines::wrong version number"); `fallback` when the queue is
// empty. Empties the queue, so one connection's error never shows up as another's.
std::string TakeOpenSslError(const std::string& fallback);

}  // namespace lrukv::server
