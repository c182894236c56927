// ReplyWriter: encodes replies in RESP2 or RESP3 by appending to a caller-owned byte string.
// It never allocates per reply beyond the string's own growth. Where RESP3 has a type RESP2
// lacks, the RESP2 fallback is Redis's (a map is a flat array, a double a bulk string, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lrukv::resp {

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int protocol = 2) : out_(out), protocol_(protocol) {}

  int protocol() const { return protocol_; }
  void set_protocol(int protocol) { protocol_ = protocol; }
  std::string* buffer() { return out_; }
  void set_buffer(std::string* out) { out_ = out; }

  void Ok();                         // +OK
  void Simple(std::string_view s);   // +s
  // -text. `text` carries its own code ("ERR ...", "WRONGTYPE ...") and no leading '-'.
  // Newlines in `text` are replaced by spaces, as Redis does.
  void Error(std::string_view text);
  void Integer(int64_t v);           // :v
  void Bulk(std::string_view s);     // $len\r\ns
  void Null();                       // $-1 (RESP2) or _ (RESP3): a missing bulk
  void NullArray();                  // *-1 (RESP2) or _ (RESP3): a missing array
  void ArrayHeader(size_t n);        // *n
  void MapHeader(size_t n);          // %n pairs (RESP3) or *2n (RESP2)
  void SetHeader(size_t n);          // ~n (RESP3) or *n (RESP2)
  void PushHeader(size_t n);         // >n (RESP3) or *n (RESP2)
  void Double(double v);             // ,v (RESP3) or a bulk string (RESP2), as Redis formats it
  void Bool(bool v);                 // #t/#f (RESP3) or :1/:0 (RESP2)
  void Verbatim(std::string_view format, std::string_view text);  // =len\r\ntxt:... or bulk
  void BulkOrNull(const std::string_view* s) { s ? Bulk(*s) : Null(); }
  void Raw(std::string_view bytes) { out_->append(bytes); }  // pre-encoded reply bytes

 private:
  void Header(char type, int64_t n);
  std::string* out_;
  int protocol_;
};

}  // namespace lrukv::resp
