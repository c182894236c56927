// TlsSession: SSL over memory BIOs. Every call empties OpenSSL's error queue first and drains
// the write BIO after, so records always leave in the order OpenSSL made them and no error
// of one connection is read as another's.
#include "src/server/tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>

#include "src/server/tls_context.h"

namespace lrukv::server {

namespace {

// Plaintext handed to one SSL_write_ex, bytes: bounds the records held in the write BIO
// before they move to wire_ (TLS cuts them into 16 KB records anyway).
constexpr size_t kWriteChunkBytes = 256 * 1024;

}  // namespace

TlsSession::TlsSession(SSL* ssl)
    : ssl_(ssl), read_bio_(BIO_new(BIO_s_mem())), write_bio_(BIO_new(BIO_s_mem())) {
  // An empty read BIO means "wait for more" (SSL_ERROR_WANT_READ), never end of file.
  BIO_set_mem_eof_return(read_bio_, -1);
  BIO_set_mem_eof_return(write_bio_, -1);
  SSL_set_bio(ssl_, read_bio_, write_bio_);
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

void TlsSession::Feed(const char* data, size_t len) {
  size_t written = 0;
  // A memory BIO only fails to grow when out of memory; the handshake or read then fails.
  if (len > 0) BIO_write_ex(read_bio_, data, len, &written);
}

TlsSession::Status TlsSession::Handshake() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  DrainWire();
  if (rc == 1) {
    handshake_done_ = true;
    return Status::kOk;
  }
  return Fail(rc);
}

TlsSession::Status TlsSession::Read(char* buf, size_t cap, size_t* n) {
  ERR_clear_error();
  *n = 0;
  const int rc = SSL_read_ex(ssl_, buf, cap, n);
  DrainWire();  // a read may answer the peer (TLSv1.3 key update, session tickets)
  if (rc == 1) return Status::kOk;
  return Fail(rc);
}

bool TlsSession::Write(std::string_view plain) {
  while (!plain.empty()) {
    ERR_clear_error();
    size_t written = 0;
    const int rc =
        SSL_write_ex(ssl_, plain.data(), std::min(plain.size(), kWriteChunkBytes), &written);
    DrainWire();
    if (rc != 1) {
      Fail(rc);
      if (error_.empty()) error_ = "TLS write failed";
      return false;
    }
    plain.remove_prefix(written);
  }
  return true;
}

bool TlsSession::Shutdown() {
  if (!handshake_done_ || failed_) return false;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // 0: our close_notify is made; the peer's is not waited for
  DrainWire();
  return true;
}

void TlsSession::DrainWire() {
  const size_t pending = BIO_ctrl_pending(write_bio_);
  if (pending == 0) return;
  const size_t old_size = wire_.size();
  wire_.resize(old_size + pending);
  size_t got = 0;
  BIO_read_ex(write_bio_, wire_.data() + old_size, pending, &got);
  wire_.resize(old_size + got);
}

TlsSession::Status TlsSession::Fail(int result) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:  // a memory BIO always takes more; kept for completeness
      return Status::kWantMore;
    case SSL_ERROR_ZERO_RETURN:
      return Status::kClosed;
    case SSL_ERROR_SSL:
      failed_ = true;
      error_ = TakeOpenSslError("TLS protocol error");
      return Status::kError;
    default:
      failed_ = true;
      error_ = TakeOpenSslError("TLS error " + std::to_string(SSL_get_error(ssl_, result)));
      return Status::kError;
  }
}

}  // namespace lrukv::server
