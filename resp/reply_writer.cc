// ReplyWriter: RESP2/RESP3 encoding. Integers and lengths are formatted by hand (two digits per
// step, no snprintf) because every reply carries at least one; doubles use std::to_chars, whose
// "%.17g"-equivalent output is what Redis 7.0's addReplyDouble prints.
#include "resp/reply_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace lrukv::resp {
namespace {

// "00".."99", so each division by 100 yields two digits.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Most bytes a "<type><int64>\r\n" line takes: 1 + 20 + 2.
constexpr size_t kMaxHeaderBytes = 24;
// Most bytes of a double formatted as "%.17g" ("-1.2345678901234567e-308" is 24).
constexpr size_t kMaxDoubleBytes = 32;

// Writes v in decimal so that it ends just before `end`; returns where it starts.
char* FormatInt64(int64_t v, char* end) {
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char* p = end;
  while (u >= 100) {
    const char* pair = kDigitPairs + (u % 100) * 2;
    u /= 100;
    *--p = pair[1];
    *--p = pair[0];
  }
  if (u >= 10) {
    const char* pair = kDigitPairs + u * 2;
    *--p = pair[1];
    *--p = pair[0];
  } else {
    *--p = static_cast<char>('0' + u);
  }
  if (v < 0) *--p = '-';
  return p;
}

// Appends "<type><n>\r\n".
void AppendLine(std::string* out, char type, int64_t n) {
  char buf[kMaxHeaderBytes];
  char* end = buf + sizeof(buf);
  end[-2] = '\r';
  end[-1] = '\n';
  char* p = FormatInt64(n, end - 2);
  *--p = type;
  out->append(p, static_cast<size_t>(end - p));
}

}  // namespace

void ReplyWriter::Header(char type, int64_t n) { AppendLine(out_, type, n); }

void ReplyWriter::Ok() { out_->append("+OK\r\n", 5); }

void ReplyWriter::Simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Error(std::string_view text) {
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(text);
  if (std::memchr(text.data(), '\r', text.size()) || std::memchr(text.data(), '\n', text.size())) {
    for (size_t i = start; i < out_->size(); ++i) {
      char& c = (*out_)[i];
      if (c == '\r' || c == '\n') c = ' ';
    }
  }
  out_->append("\r\n", 2);
}

void ReplyWriter::Integer(int64_t v) { AppendLine(out_, ':', v); }

void ReplyWriter::Bulk(std::string_view s) {
  AppendLine(out_, '$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Null() {
  if (protocol_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::NullArray() {
  if (protocol_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::ArrayHeader(size_t n) { Header('*', static_cast<int64_t>(n)); }

void ReplyWriter::MapHeader(size_t n) {
  if (protocol_ >= 3) {
    Header('%', static_cast<int64_t>(n));
  } else {
    Header('*', static_cast<int64_t>(n * 2));
  }
}

void ReplyWriter::SetHeader(size_t n) {
  Header(protocol_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}

void ReplyWriter::PushHeader(size_t n) {
  Header(protocol_ >= 3 ? '>' : '*', static_cast<int64_t>(n));
}

// Redis 7.0 addReplyDouble: "%.17g" (so 1.0 is "1", 0.1 is "0.10000000000000001"), infinities
// spelled "inf"/"-inf", NaN as libc prints it ("nan", or "-nan" with the sign bit set).
void ReplyWriter::Double(double v) {
  char buf[kMaxDoubleBytes];
  size_t n;
  if (std::isinf(v)) {
    n = v > 0 ? 3 : 4;
    std::memcpy(buf, v > 0 ? "inf" : "-inf", n);
  } else {
    auto result = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, 17);
    n = static_cast<size_t>(result.ptr - buf);
  }
  if (protocol_ >= 3) {
    out_->push_back(',');
    out_->append(buf, n);
    out_->append("\r\n", 2);
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyWriter::Bool(bool v) {
  if (protocol_ >= 3) {
    out_->append(v ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(v ? ":1\r\n" : ":0\r\n", 4);
  }
}

// RESP3: "=<len>\r\n<fmt>:<text>\r\n" where fmt is three letters ("txt", "mkd"); RESP2: a bulk.
void ReplyWriter::Verbatim(std::string_view format, std::string_view text) {
  if (protocol_ < 3) {
    Bulk(text);
    return;
  }
  AppendLine(out_, '=', static_cast<int64_t>(format.size() + 1 + text.size()));
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

}  // namespace lrukv::resp
