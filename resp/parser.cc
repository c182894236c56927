// RequestParser: the resumable request state machine. It follows Redis 7.0's
// processMultibulkBuffer / processInlineBuffer behaviour byte for byte, quirks included (see the
// notes on each quirk below); replying to errors and closing the connection is the caller's job.
#include "resp/parser.h"

#include <algorithm>
#include <cstring>

#include "resp/errors.h"

namespace lrukv::resp {
namespace {

constexpr size_t kNotFound = static_cast<size_t>(-1);
// Arguments reserved up front for a multibulk request; a huge "*N" grows the vector as
// arguments actually arrive, so "*2147483647" alone cannot make us allocate gigabytes.
constexpr int64_t kMaxArgsReserved = 1024;
// Before AUTH, as Redis: at most this many arguments, each at most this many bytes.
constexpr int64_t kUnauthMaxArgs = 10;
constexpr int64_t kUnauthMaxBulkBytes = 16384;

// Finds the first `target` in data[from, len). Redis searches its NUL-terminated query buffer
// with strchr, so a NUL byte ends the search too: then (and when `target` is absent) this
// returns kNotFound and sets *resume to where a later search may start (the NUL itself, so a
// stuck line stays stuck without rescanning, or `len`).
size_t FindTerminator(const char* data, size_t from, size_t len, char target, size_t* resume) {
  const void* hit = std::memchr(data + from, target, len - from);
  size_t end = hit ? static_cast<size_t>(static_cast<const char*>(hit) - data) : len;
  const void* nul = std::memchr(data + from, '\0', end - from);
  if (nul) {
    *resume = static_cast<size_t>(static_cast<const char*>(nul) - data);
    return kNotFound;
  }
  if (!hit) {
    *resume = len;
    return kNotFound;
  }
  return end;
}

// The common length line, read without searching: data[from..] is a positive count written
// without leading zeros and ended by a '\r' inside the buffer ("3\r" of "$3\r\n"). Returns the
// '\r''s offset and sets *value; kNotFound for anything else (a sign, a zero, 18+ digits, other
// bytes, the line not all here yet), which the exact path (FindTerminator, ParseInt64) then
// handles, errors included. Where this succeeds the exact path finds the same '\r' and value.
size_t ScanShortLength(const char* data, size_t from, size_t len, int64_t* value) {
  if (from >= len || data[from] < '1' || data[from] > '9') return kNotFound;
  const size_t limit = std::min(len, from + 18);
  int64_t v = 0;
  size_t i = from;
  for (; i < limit && data[i] >= '0' && data[i] <= '9'; ++i) v = v * 10 + (data[i] - '0');
  if (i >= limit || data[i] != '\r') return kNotFound;
  *value = v;
  return i;
}

// Parses a decimal integer exactly as Redis's string2ll accepts it: optional '-', no '+', no
// leading zeros (so "-0" and "01" fail), fewer than 21 bytes, within int64_t.
bool ParseInt64(const char* s, size_t n, int64_t* out) {
  if (n == 0 || n >= 21) return false;
  if (n == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == n) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = static_cast<uint64_t>(s[i++] - '0');
  for (; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// isspace() in the C locale: what Redis's sdssplitargs skips between arguments.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

void RequestParser::Reset() {
  Rewind();
  args_.clear();
  consumed_ = 0;
  bytes_wanted_ = 0;
}

// Forgets the request in progress (not args_: they stay valid for the caller after kOk).
void RequestParser::Rewind() {
  state_ = State::kStart;
  multibulk_remaining_ = 0;
  bulk_len_ = -1;
  pos_ = 0;
  scan_ = 0;
  arg_offsets_.clear();
}

ParseStatus RequestParser::Fail(std::string_view text) {
  error_.assign(text);
  args_.clear();
  consumed_ = 0;
  Rewind();
  return ParseStatus::kError;
}

ParseStatus RequestParser::Parse(const char* data, size_t len) {
  bytes_wanted_ = 0;
  if (state_ == State::kStart) {
    if (len == 0) return ParseStatus::kNeedMore;
    args_.clear();
    consumed_ = 0;
    // As Redis: a request starting with '*' is multibulk, anything else is an inline line.
    if (data[0] == '*') {
      state_ = State::kMultibulkLen;
      scan_ = 1;
    } else {
      state_ = State::kInline;
      scan_ = 0;
    }
  }
  // A caller that passes fewer bytes than last time has broken the contract; wait, don't crash.
  if (len < scan_) return ParseStatus::kNeedMore;
  if (state_ == State::kInline) return ParseInline(data, len);
  return ParseMultibulk(data, len);
}

// ---- Multibulk: *<count>\r\n then <count> times $<len>\r\n<bytes>\r\n ----

ParseStatus RequestParser::ParseMultibulk(const char* data, size_t len) {
  int64_t n = 0;
  if (state_ == State::kMultibulkLen) {
    size_t cr = ScanShortLength(data, 1, len, &n);
    const bool scanned = cr != kNotFound;
    if (!scanned) {
      cr = FindTerminator(data, scan_, len, '\r', &scan_);
      if (cr == kNotFound) {
        if (len > limits_.max_inline_len) return Fail(err::kProtoTooBigMultibulk);
        return ParseStatus::kNeedMore;
      }
    }
    scan_ = cr;
    // Redis only asks for one byte after the '\r'; it never checks that byte is '\n'.
    if (cr + 2 > len) return ParseStatus::kNeedMore;
    if ((!scanned && !ParseInt64(data + 1, cr - 1, &n)) || n > limits_.max_multibulk_len) {
      return Fail(err::kProtoInvalidMultibulkLen);
    }
    if (n > kUnauthMaxArgs && limits_.auth_required) return Fail(err::kProtoUnauthMultibulkLen);
    pos_ = cr + 2;
    if (n <= 0) {  // "*0" and "*-1" (any count <= 0) are requests with no arguments
      consumed_ = pos_;
      Rewind();
      return ParseStatus::kOk;
    }
    multibulk_remaining_ = n;
    arg_offsets_.reserve(static_cast<size_t>(std::min(n, kMaxArgsReserved)));
    state_ = State::kBulkLen;
    scan_ = pos_;
  }

  while (multibulk_remaining_ > 0) {
    if (state_ == State::kBulkLen) {
      // The fast path reads the length after a '$'; a line starting otherwise may hold its
      // '\r' at pos_ itself, before any length (fuzz_parser: bulk_line_starting_with_cr).
      size_t cr = pos_ < len && data[pos_] == '$' ? ScanShortLength(data, pos_ + 1, len, &n)
                                                   : kNotFound;
      const bool scanned = cr != kNotFound;
      if (!scanned) {
        cr = FindTerminator(data, scan_, len, '\r', &scan_);
        if (cr == kNotFound) {
          if (len - pos_ > limits_.max_inline_len) return Fail(err::kProtoTooBigBulk);
          return ParseStatus::kNeedMore;
        }
      }
      scan_ = cr;
      if (cr + 2 > len) return ParseStatus::kNeedMore;
      // The '$' is checked only once the whole line is here, as Redis does.
      if (data[pos_] != '$') return Fail(err::ProtoExpectedDollar(data[pos_]));
      if ((!scanned && !ParseInt64(data + pos_ + 1, cr - pos_ - 1, &n)) || n < 0 ||
          static_cast<uint64_t>(n) > limits_.max_bulk_len) {
        return Fail(err::kProtoInvalidBulkLen);
      }
      if (n > kUnauthMaxBulkBytes && limits_.auth_required) return Fail(err::kProtoUnauthBulkLen);
      pos_ = cr + 2;
      bulk_len_ = n;
      state_ = State::kBulkData;
    }
    // The two bytes after the data are skipped unchecked (Redis does not verify the "\r\n").
    size_t end = pos_ + static_cast<size_t>(bulk_len_) + 2;
    if (len < end) {
      bytes_wanted_ = end - len;
      return ParseStatus::kNeedMore;
    }
    arg_offsets_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ = end;
    scan_ = end;
    bulk_len_ = -1;
    state_ = State::kBulkLen;
    --multibulk_remaining_;
  }

  args_.clear();
  for (const auto& [offset, length] : arg_offsets_) args_.emplace_back(data + offset, length);
  consumed_ = pos_;
  Rewind();
  return ParseStatus::kOk;
}

// ---- Inline: one line of space-separated arguments ending in "\n" or "\r\n" ----

ParseStatus RequestParser::ParseInline(const char* data, size_t len) {
  size_t lf = FindTerminator(data, scan_, len, '\n', &scan_);
  if (lf == kNotFound) {
    if (len > limits_.max_inline_len) return Fail(err::kProtoTooBigInline);
    return ParseStatus::kNeedMore;
  }
  size_t line_len = (lf > 0 && data[lf - 1] == '\r') ? lf - 1 : lf;
  if (!SplitInline(data, line_len)) return Fail(err::kProtoUnbalancedQuotes);
  consumed_ = lf + 1;
  Rewind();
  return ParseStatus::kOk;
}

// Splits line[0, len) into args_ the way Redis's sdssplitargs does. An unquoted argument ends
// at ' ', '\t', '\r' or the end of the line (not at '\v' or '\f', though those are skipped
// between arguments). Inside "..." the escapes \xHH, \n, \r, \t, \b, \a and \<any> apply; inside
// '...' only \' does. A closing quote must be followed by whitespace or the end of the line.
// Arguments without quotes are views into `line`; others are unescaped into inline_scratch_.
// The line holds no NUL byte (FindTerminator stops there). Returns false on unbalanced quotes.
bool RequestParser::SplitInline(const char* line, size_t len) {
  args_.clear();
  inline_scratch_.clear();
  // Unescaping never lengthens an argument, so with this capacity the views never dangle.
  inline_scratch_.reserve(len);
  size_t p = 0;
  while (true) {
    while (p < len && IsSpace(line[p])) ++p;
    if (p == len) return true;

    size_t start = p;
    // Fast path: an argument with no quote is a plain slice of the line.
    while (p < len && line[p] != ' ' && line[p] != '\t' && line[p] != '\r' && line[p] != '\n' &&
           line[p] != '"' && line[p] != '\'') {
      ++p;
    }
    if (p == len || (line[p] != '"' && line[p] != '\'')) {
      args_.emplace_back(line + start, p - start);
      if (p < len) ++p;  // the separator
      continue;
    }

    // Slow path: the argument has quotes; build it in the scratch buffer.
    size_t scratch_start = inline_scratch_.size();
    inline_scratch_.append(line + start, p - start);
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      char c = p < len ? line[p] : '\0';
      if (in_double) {
        if (c == '\\' && p + 3 < len && line[p + 1] == 'x' && IsHexDigit(line[p + 2]) &&
            IsHexDigit(line[p + 3])) {
          inline_scratch_.push_back(
              static_cast<char>(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3])));
          p += 3;
        } else if (c == '\\' && p + 1 < len) {
          ++p;
          char e = line[p];
          switch (e) {
            case 'n':
              e = '\n';
              break;
            case 'r':
              e = '\r';
              break;
            case 't':
              e = '\t';
              break;
            case 'b':
              e = '\b';
              break;
            case 'a':
              e = '\a';
              break;
            default:
              break;
          }
          inline_scratch_.push_back(e);
        } else if (c == '"') {
          if (p + 1 < len && !IsSpace(line[p + 1])) return false;
          done = true;
        } else if (p == len) {
          return false;  // unterminated quotes
        } else {
          inline_scratch_.push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && p + 1 < len && line[p + 1] == '\'') {
          ++p;
          inline_scratch_.push_back('\'');
        } else if (c == '\'') {
          if (p + 1 < len && !IsSpace(line[p + 1])) return false;
          done = true;
        } else if (p == len) {
          return false;
        } else {
          inline_scratch_.push_back(c);
        }
      } else if (p == len || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        done = true;
      } else if (c == '"') {
        in_double = true;
      } else if (c == '\'') {
        in_single = true;
      } else {
        inline_scratch_.push_back(c);
      }
      if (p < len) ++p;
    }
    args_.emplace_back(inline_scratch_.data() + scratch_start,
                       inline_scratch_.size() - scratch_start);
  }
}

}  // namespace lrukv::resp
