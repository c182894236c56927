// TlsContext: the SSL_CTX from the tls-* directives, with Redis 7.0's defaults (TLSv1.2 and
// TLSv1.3, no compression, no client renegotiation, the server session cache) and its checks
// and log lines, so a configuration that Redis refuses is refused here with the same words.
#include "src/server/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "src/commands/arg_parse.h"
#include "src/server/log.h"

namespace lrukv::server {

namespace {

enum ProtocolBit : int {
  kTlsV1 = 1 << 0,
  kTlsV1_1 = 1 << 1,
  kTlsV1_2 = 1 << 2,
  kTlsV1_3 = 1 << 3,
};
// tls-protocols when empty, as Redis: only the versions without known weaknesses.
constexpr int kDefaultProtocols = kTlsV1_2 | kTlsV1_3;

// tls-protocols as Redis parses it: words split on each single space, case-insensitive.
// -1 (logged) for anything else, an empty word from a doubled space included.
int ParseProtocols(const std::string& text) {
  if (text.empty()) return kDefaultProtocols;
  int protocols = 0;
  size_t start = 0;
  while (true) {
    const size_t space = text.find(' ', start);
    std::string_view word = std::string_view(text).substr(
        start, space == std::string::npos ? std::string::npos : space - start);
    if (cmd::EqualsIgnoreCase(word, "tlsv1")) {
      protocols |= kTlsV1;
    } else if (cmd::EqualsIgnoreCase(word, "tlsv1.1")) {
      protocols |= kTlsV1_1;
    } else if (cmd::EqualsIgnoreCase(word, "tlsv1.2")) {
      protocols |= kTlsV1_2;
    } else if (cmd::EqualsIgnoreCase(word, "tlsv1.3")) {
      protocols |= kTlsV1_3;
    } else {
      Log(LogLevel::kWarning,
          "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' "
          "and 'TLSv1.3'.");
      return -1;
    }
    if (space == std::string::npos) return protocols;
    start = space + 1;
  }
}

// Hands tls-key-file-pass to OpenSSL while the key is read (userdata: the NUL-terminated
// passphrase, or nullptr when none is set, which fails an encrypted key).
int PassphraseCallback(char* buf, int size, int /*rwflag*/, void* userdata) {
  const char* pass = static_cast<const char*>(userdata);
  if (pass == nullptr) return -1;
  const size_t len = std::strlen(pass);
  if (len > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, pass, len);
  return static_cast<int>(len);
}

// Loads tls-dh-params-file into ctx; false (logged) on failure.
bool LoadDhParams(SSL_CTX* ctx, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    Log(LogLevel::kWarning, "Failed to load {}: {}", path, std::strerror(errno));
    return false;
  }
  BIO* bio = BIO_new_fp(f, BIO_CLOSE);  // closes `f`
  EVP_PKEY* params = bio ? PEM_read_bio_Parameters(bio, nullptr) : nullptr;
  if (bio) {
    BIO_free(bio);
  } else {
    std::fclose(f);
  }
  if (params == nullptr || EVP_PKEY_get_base_id(params) != EVP_PKEY_DH) {
    EVP_PKEY_free(params);
    TakeOpenSslError("");
    Log(LogLevel::kWarning, "{}: failed to read DH params.", path);
    return false;
  }
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, params) <= 0) {  // takes `params` only on success
    EVP_PKEY_free(params);
    Log(LogLevel::kWarning, "Failed to load DH params file: {}: {}", path,
        TakeOpenSslError("unknown error"));
    return false;
  }
  return true;
}

// Everything but the checks that need no OpenSSL call; false (logged) on failure.
bool Configure(SSL_CTX* ctx, const cmd::Config& config, int protocols) {
  // Client-initiated renegotiation stays off: OpenSSL 3 refuses it unless allowed.
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION | SSL_OP_SINGLE_DH_USE);
  if (!(protocols & kTlsV1)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1);
  if (!(protocols & kTlsV1_1)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_1);
  if (!(protocols & kTlsV1_2)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_2);
  if (!(protocols & kTlsV1_3)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_3);
  if (config.tls_prefer_server_ciphers) SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Records are written whole into a memory buffer (TlsSession), so partial writes never
  // happen; the default verification is tls-auth-clients yes, relaxed per SSL (NewSsl).
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);

  const std::string& pass = config.tls_key_file_pass;
  SSL_CTX_set_default_passwd_cb(ctx, PassphraseCallback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, pass.empty() ? nullptr : (void*)pass.c_str());
  const bool cert_ok = SSL_CTX_use_certificate_chain_file(ctx, config.tls_cert_file.c_str()) > 0;
  if (!cert_ok) {
    Log(LogLevel::kWarning, "Failed to load certificate: {}: {}", config.tls_cert_file,
        TakeOpenSslError("unknown error"));
  }
  const bool key_ok = cert_ok && SSL_CTX_use_PrivateKey_file(ctx, config.tls_key_file.c_str(),
                                                             SSL_FILETYPE_PEM) > 0;
  if (cert_ok && !key_ok) {
    Log(LogLevel::kWarning, "Failed to load private key: {}: {}", config.tls_key_file,
        TakeOpenSslError("unknown error"));
  }
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);  // `pass` may change later
  if (!key_ok) return false;

  const std::string& ca_file = config.tls_ca_cert_file;
  const std::string& ca_dir = config.tls_ca_cert_dir;
  if ((!ca_file.empty() || !ca_dir.empty()) &&
      SSL_CTX_load_verify_locations(ctx, ca_file.empty() ? nullptr : ca_file.c_str(),
                                    ca_dir.empty() ? nullptr : ca_dir.c_str()) <= 0) {
    Log(LogLevel::kWarning, "Failed to configure CA certificate(s) file/directory: {}",
        TakeOpenSslError("unknown error"));
    return false;
  }
  if (!config.tls_ciphers.empty() && !SSL_CTX_set_cipher_list(ctx, config.tls_ciphers.c_str())) {
    TakeOpenSslError("");
    Log(LogLevel::kWarning, "Failed to configure ciphers: {}", config.tls_ciphers);
    return false;
  }
  if (!config.tls_ciphersuites.empty() &&
      !SSL_CTX_set_ciphersuites(ctx, config.tls_ciphersuites.c_str())) {
    TakeOpenSslError("");
    Log(LogLevel::kWarning, "Failed to configure ciphersuites: {}", config.tls_ciphersuites);
    return false;
  }

  if (config.tls_session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, config.tls_session_cache_size);
    SSL_CTX_set_timeout(ctx, config.tls_session_cache_timeout_s);
    static constexpr unsigned char kSessionIdContext[] = "lrukv";
    SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof(kSessionIdContext) - 1);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  if (!config.tls_dh_params_file.empty()) return LoadDhParams(ctx, config.tls_dh_params_file);
  SSL_CTX_set_dh_auto(ctx, 1);
  return true;
}

}  // namespace

std::string TakeOpenSslError(const std::string& fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

std::unique_ptr<TlsContext> TlsContext::Create(const cmd::Config& config) {
  ERR_clear_error();
  if (config.tls_cert_file.empty()) {
    Log(LogLevel::kWarning, "No tls-cert-file configured!");
    return nullptr;
  }
  if (config.tls_key_file.empty()) {
    Log(LogLevel::kWarning, "No tls-key-file configured!");
    return nullptr;
  }
  if ((config.tls_auth_clients != "no" || config.tls_cluster || config.tls_replication) &&
      config.tls_ca_cert_file.empty() && config.tls_ca_cert_dir.empty()) {
    Log(LogLevel::kWarning,
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
        "tls-replication or tls-auth-clients are enabled!");
    return nullptr;
  }
  const int protocols = ParseProtocols(config.tls_protocols);
  if (protocols < 0) return nullptr;
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    Log(LogLevel::kWarning, "Failed to create the TLS context: {}",
        TakeOpenSslError("out of memory"));
    return nullptr;
  }
  if (!Configure(ctx, config, protocols)) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return std::unique_ptr<TlsContext>(new TlsContext(ctx));
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

SSL* TlsContext::NewSsl(const std::string& auth_clients) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return nullptr;
  SSL_set_accept_state(ssl);
  if (auth_clients == "no") {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  } else if (auth_clients == "optional") {
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  }
  return ssl;
}

}  // namespace lrukv::server
