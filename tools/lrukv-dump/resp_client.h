// RespClient: a small blocking RESP2 client for lrukv-dump (connect, encode commands as
// multibulk, read replies, pipeline a batch). Tools may not link hiredis (a test-only
// dependency), so this is our own; it knows nothing of dumps or of which commands are sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lrukv::dumptool {

// One decoded reply. Owns its bytes, so replies outlive the client's read buffer.
struct Reply {
  enum class Type { kStatus, kError, kInteger, kBulk, kNil, kArray };
  Type type = Type::kNil;
  std::string str;              // kStatus / kError text, kBulk payload
  int64_t integer = 0;          // kInteger
  std::vector<Reply> elements;  // kArray
};

enum class ParseStatus { kOk, kNeedMore, kError };

// Parses one complete reply at the front of `buf`: kOk with *consumed bytes, kNeedMore when
// `buf` holds only a prefix, or kError (with *error) on bytes that are not RESP2.
ParseStatus ParseReply(std::string_view buf, size_t* consumed, Reply* reply, std::string* error);

// Appends one command as a RESP multibulk array: *N\r\n then $len\r\nARG\r\n per argument.
void AppendCommand(std::string* out, std::span<const std::string_view> args);

// A short printable form of a reply or of binary bytes for messages, quoted as redis-cli
// does ("a\x00b"), cut after `max_bytes`.
std::string Printable(std::string_view bytes, size_t max_bytes = 64);

// Splits "host:port", "[v6addr]:port" or "v6addr:port" (the last colon) into its parts. False if
// either part is empty.
bool SplitHostPort(std::string_view address, std::string* host, std::string* port);

class RespClient {
 public:
  // Connects to host:port (any address getaddrinfo gives, IPv4 or IPv6). On failure returns
  // nullptr and sets *error, e.g. "127.0.0.1:1: Connection refused".
  static std::unique_ptr<RespClient> Connect(const std::string& host, const std::string& port,
                                             std::string* error);
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  // Sends `commands` (already encoded, any number of them) and reads `n_replies` replies
  // into *replies, writing and reading at the same time so that a server that stops reading
  // while its replies wait can never deadlock us. Error replies are replies, not failures;
  // false (with *error) only on I/O failure, timeout, EOF or a protocol error, after which
  // the connection is unusable.
  bool Pipeline(std::string_view commands, size_t n_replies, std::vector<Reply>* replies,
                std::string* error);
  // One command, one reply.
  bool Call(std::span<const std::string_view> args, Reply* reply, std::string* error);

  const std::string& address() const { return address_; }  // "host:port" for messages

 private:
  RespClient(int fd, std::string address) : fd_(fd), address_(std::move(address)) {}
  // Moves complete replies from the read buffer into *replies, up to `want` in all.
  bool TakeReplies(size_t want, std::vector<Reply>* replies, std::string* error);

  int fd_;
  std::string address_;
  std::string rbuf_;
  size_t rpos_ = 0;  // first unparsed byte of rbuf_
};

}  // namespace lrukv::dumptool
