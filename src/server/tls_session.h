// TlsSession: one connection's TLS, an OpenSSL SSL fed through two memory BIOs. The reactor
// keeps doing all socket I/O: it feeds the records it read (Feed), takes plaintext out (Read),
// puts replies in (Write) and sends whatever records appear in wire(). Nothing here blocks or
// touches a socket, so a slow or hostile peer costs the loop no more than a plain one.
#pragma once

#include <openssl/ossl_typ.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace lrukv::server {

class TlsSession {
 public:
  // Takes ownership of `ssl` (from TlsContext::NewSsl, in accept state).
  explicit TlsSession(SSL* ssl);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Status {
    kOk,        // done (Handshake) or bytes were read (Read)
    kWantMore,  // needs more records from the peer
    kClosed,    // the peer sent close_notify (Read only)
    kError,  // fatal: error() says why; the connection must be closed (an alert may be in wire())
  };

  // Appends records read from the socket (copies them: the caller's buffer is free again).
  void Feed(const char* data, size_t len);
  // Advances the handshake on what was fed. Its replies (ServerHello..., or an alert) are in
  // wire() afterwards.
  Status Handshake();
  bool handshake_done() const { return handshake_done_; }
  // Decrypts at most `cap` bytes into `buf`: kOk with *n > 0, kWantMore when no whole record
  // is left, kClosed, or kError. Call until it returns something else than kOk.
  Status Read(char* buf, size_t cap, size_t* n);
  // Encrypts `plain` (after the handshake) and appends its records to wire(). False, with
  // error() set, when OpenSSL fails.
  bool Write(std::string_view plain);
  // Puts close_notify in wire(), as Redis's connTLSClose does before it closes a connection
  // whose handshake is done. False (and nothing queued) before the handshake or after a fatal
  // error, when OpenSSL must not send one.
  bool Shutdown();
  // Records waiting for the socket, oldest first. The caller sends and erases them.
  std::string& wire() { return wire_; }
  const std::string& error() const { return error_; }

 private:
  // Moves whatever OpenSSL wrote into the write BIO to wire_.
  void DrainWire();
  // Maps a failed SSL call's result to a status, setting error_ for kError.
  Status Fail(int result);

  SSL* ssl_;
  BIO* read_bio_;   // owned by ssl_
  BIO* write_bio_;  // owned by ssl_
  std::string wire_;
  std::string error_;
  bool handshake_done_ = false;
  bool failed_ = false;  // a call failed fatally (kError)
};

}  // namespace lrukv::server
