// EncodePayload writes the one canonical form; DecodePayload parses with a SAX state machine
// that admits only that shape, checks the version and checksum, and finally requires the input
// to be byte for byte the canonical encoding of what it decoded, so no two payloads mean the
// same value and nothing a later version might add is silently ignored.
#include "src/persist/payload.h"

#include <cstdint>
#include <optional>
#include <utility>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "src/persist/base64.h"
#include "src/persist/crc64.h"
#include "src/persist/utf8.h"

namespace lrukv::persist {
namespace {

constexpr char kFieldVersion[] = "lrukv";  // its value is the payload format version
constexpr char kFieldValue[] = "value";
constexpr char kFieldValueB64[] = "value_b64";
constexpr char kFieldCrc[] = "crc64";
constexpr size_t kCrcHexDigits = 16;

// Crc64 of the checksummed text: "lrukv:<version>:" then the value bytes.
uint64_t PayloadCrc(std::string_view value) {
  const std::string prefix = std::string(kFieldVersion) + ":" +
                             std::to_string(kPayloadVersion) + ":";
  return Crc64(value, Crc64(prefix));
}

std::string CrcHex(uint64_t crc) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(kCrcHexDigits, '0');
  for (size_t i = kCrcHexDigits; i-- > 0; crc >>= 4) hex[i] = kDigits[crc & 0xF];
  return hex;
}

// JSON strings carry valid UTF-8 without NUL; everything else goes base64 (as dump_writer.cc).
bool NeedsBase64(std::string_view s) {
  return s.find('\0') != std::string_view::npos || !IsValidUtf8(s);
}

// Accepts exactly: { "lrukv": <uint>, ("value"|"value_b64"): <string>, "crc64": <string> }.
// Every other event returns false, which stops the parse at once.
class PayloadHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PayloadHandler> {
 public:
  bool Default() { return false; }  // any event not handled below

  bool StartObject() { return Advance(State::kStart, State::kVersionKey); }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    const std::string_view k(s, len);
    switch (state_) {
      case State::kVersionKey:
        return k == kFieldVersion && Advance(state_, State::kVersion);
      case State::kValueKey:
        if (k == kFieldValue) {
          base64_ = false;
        } else if (k == kFieldValueB64) {
          base64_ = true;
        } else {
          return false;
        }
        return Advance(state_, State::kValue);
      case State::kCrcKey:
        return k == kFieldCrc && Advance(state_, State::kCrc);
      default:
        return false;
    }
  }
  bool Uint(unsigned u) {
    version_ = u;
    return Advance(State::kVersion, State::kValueKey);
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    const std::string_view str(s, len);
    if (state_ == State::kValue) {
      text_.assign(str);
      return Advance(state_, State::kCrcKey);
    }
    if (state_ == State::kCrc) {
      crc_hex_.assign(str);
      return Advance(state_, State::kEnd);
    }
    return false;
  }
  bool EndObject(rapidjson::SizeType member_count) {
    return member_count == 3 && Advance(State::kEnd, State::kDone);
  }

  bool done() const { return state_ == State::kDone; }
  unsigned version() const { return version_; }
  bool base64() const { return base64_; }
  std::string& text() { return text_; }
  const std::string& crc_hex() const { return crc_hex_; }

 private:
  enum class State { kStart, kVersionKey, kVersion, kValueKey, kValue, kCrcKey, kCrc, kEnd, kDone };
  bool Advance(State expected, State next) {
    if (state_ != expected) return false;
    state_ = next;
    return true;
  }

  State state_ = State::kStart;
  unsigned version_ = 0;
  bool base64_ = false;
  std::string text_;     // the value field as written (base64 text when base64_)
  std::string crc_hex_;
};

}  // namespace

std::string EncodePayload(std::string_view value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key(kFieldVersion);
  w.Uint(kPayloadVersion);
  if (NeedsBase64(value)) {
    const std::string enc = Base64Encode(value);
    w.Key(kFieldValueB64);
    w.String(enc.data(), static_cast<rapidjson::SizeType>(enc.size()));
  } else {
    w.Key(kFieldValue);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  const std::string crc = CrcHex(PayloadCrc(value));
  w.Key(kFieldCrc);
  w.String(crc.data(), static_cast<rapidjson::SizeType>(crc.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool DecodePayload(std::string_view payload, std::string* value) {
  // Cheap rejections first: a payload always opens with {"lrukv": (an RDB payload never does).
  constexpr std::string_view kOpening = "{\"lrukv\":";
  if (!payload.starts_with(kOpening)) return false;

  PayloadHandler handler;
  rapidjson::MemoryStream stream(payload.data(), payload.size());
  rapidjson::Reader reader;
  // Iterative: nesting cannot exhaust the stack. Validated: the input must be UTF-8.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  if (reader.Parse<kFlags>(stream, handler).IsError() || !handler.done()) return false;
  if (handler.version() != static_cast<unsigned>(kPayloadVersion)) return false;

  if (handler.base64()) {
    std::optional<std::string> bytes = Base64Decode(handler.text());
    if (!bytes) return false;
    *value = std::move(*bytes);
  } else {
    *value = std::move(handler.text());
  }
  if (handler.crc_hex() != CrcHex(PayloadCrc(*value))) return false;
  // Canonical form: rejects other spellings of the same document (whitespace, escapes such as
  // \u0041, base64 for a value that needs none, a plain string holding NUL, "1.0" as version).
  return EncodePayload(*value) == payload;
}

}  // namespace lrukv::persist
