// RequestParser: a resumable RESP request parser (multibulk "*N\r\n$len\r\n..." and inline
// "SET k v\r\n"). It does no I/O and owns no request bytes: arguments are views into the
// caller's buffer. Limits and error texts are Redis's; the caller replies and closes on kError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lrukv::resp {

struct ParserLimits {
  size_t max_bulk_len = 512ull * 1024 * 1024;  // proto-max-bulk-len, bytes
  size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE, bytes
  int64_t max_multibulk_len = 2147483647;  // most arguments in one request (INT_MAX, as Redis 7.0)
  // The client has not authenticated yet (requirepass is set): as Redis, a multibulk request may
  // then carry at most 10 arguments of at most 16384 bytes each ("unauthenticated ... length").
  bool auth_required = false;
};

enum class ParseStatus {
  kOk,        // one whole request parsed: args() and consumed() are valid
  kNeedMore,  // the buffer holds only part of a request; call again with more bytes
  kError,     // protocol error: error() holds Redis's text; reply it, then close
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {});

  // Parses the request that starts at data[0]. The caller passes the same request start again
  // (possibly moved, possibly with more bytes appended) after kNeedMore; the parser resumes
  // from where it stopped rather than rescanning. On kOk, args() are views into `data` and
  // consumed() is the request's length in bytes; the caller drops them before the next call.
  // (An inline argument written with quotes or escapes is unescaped into parser-owned storage;
  // such views stay valid until the next Parse() or Reset().)
  // A request with no arguments (empty inline line, "*0\r\n") is kOk with args() empty.
  ParseStatus Parse(const char* data, size_t len);

  std::span<const std::string_view> args() const { return args_; }
  size_t consumed() const { return consumed_; }
  // After kError: the error reply text without the leading '-', e.g.
  // "ERR Protocol error: invalid bulk length".
  std::string_view error() const { return error_; }
  // After kNeedMore: at least this many more bytes are needed (a hint for sizing the read
  // buffer for large bulks; 0 when unknown).
  size_t bytes_wanted() const { return bytes_wanted_; }
  // After kNeedMore inside a bulk's data: that bulk's length (bytes_wanted() of which are
  // still to come, with its "\r\n"); 0 otherwise.
  size_t bulk_in_progress() const {
    return bytes_wanted_ > 0 && bulk_len_ > 0 ? static_cast<size_t>(bulk_len_) : 0;
  }

  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  // Forgets any partial request (the connection was reset).
  void Reset();

 private:
  // Implementation-defined state follows; see parser.cc.
  ParserLimits limits_;
  std::vector<std::string_view> args_;
  size_t consumed_ = 0;
  size_t bytes_wanted_ = 0;
  std::string error_;
  // Resumable state: offsets are relative to the request start so the caller may move bytes.
  enum class State { kStart, kMultibulkLen, kBulkLen, kBulkData, kInline };
  State state_ = State::kStart;
  int64_t multibulk_remaining_ = 0;
  int64_t bulk_len_ = -1;
  size_t pos_ = 0;   // start of the line or bulk being parsed, from the request start
  size_t scan_ = 0;  // where the search for the current line's terminator resumes
  std::vector<std::pair<size_t, size_t>> arg_offsets_;  // (offset, length) per finished argument
  std::string inline_scratch_;  // unescaped inline arguments that had quotes live here

  ParseStatus ParseInline(const char* data, size_t len);
  ParseStatus ParseMultibulk(const char* data, size_t len);
  bool SplitInline(const char* line, size_t len);
  ParseStatus Fail(std::string_view text);
  void Rewind();
};

}  // namespace lrukv::resp
