#include "src/persist/dump_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>

#include <rapidjson/error/en.h>
#include <rapidjson/filereadstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "src/engine/clock.h"
#include "src/persist/base64.h"
#include "src/persist/dump_format.h"
#include "src/persist/utf8.h"

namespace lrukv::persist {
namespace {

// The fewest bytes one entry takes in a dump: {"key":"","value":""}.
constexpr uint64_t kMinEntryBytes = 22;

// The SAX handler: a small state machine over the one document shape the format allows. Any
// other event fails with a reason; rapidjson then stops and reports the offset.
class Handler {
 public:
  using Ch = char;
  // The file's unix deadlines become engine time (clock.h) under one offset for the whole load.
  // `max_keys` bounds db_keys' sizing hint: no more entries than the input has room for.
  Handler(engine::Engine& engine, int64_t now_ms, uint64_t max_keys)
      : engine_(engine),
        now_ms_(now_ms),
        wall_offset_ms_(engine.clock().WallOffsetMs()),
        max_keys_(max_keys) {}

  const std::string& reason() const { return reason_; }
  uint64_t loaded() const { return loaded_; }
  uint64_t expired() const { return expired_; }
  bool complete() const { return state_ == State::kDone; }

  bool Null() { return Fail("unexpected null"); }
  bool Bool(bool) { return Fail("unexpected boolean"); }
  bool Int(int i) { return Integer(i); }
  bool Uint(unsigned u) { return Integer(u); }
  bool Int64(int64_t i) { return Integer(i); }
  bool Uint64(uint64_t u) {
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Fail("number out of range");
    }
    return Integer(static_cast<int64_t>(u));
  }
  bool Double(double) { return Fail("expected an integer, got a fractional number"); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return Fail("unexpected number"); }

  bool String(const char* s, rapidjson::SizeType len, bool) {
    std::string_view str(s, len);
    switch (state_) {
      case State::kTopValue:
        if (field_ != Field::kFormat) return Fail("expected a number or array");
        if (str != kFormatName) return Fail("unknown format name \"" + std::string(str) + "\"");
        have_format_ = true;
        state_ = State::kTopKey;
        return true;
      case State::kEntryValue:
        switch (field_) {
          case Field::kKey:
            if (!IsValidUtf8(str)) return Fail("invalid UTF-8 in key (binary goes in key_b64)");
            key_.assign(str);
            have_key_ = true;
            break;
          case Field::kValue:
            if (!IsValidUtf8(str)) return Fail("invalid UTF-8 in value (binary goes in value_b64)");
            value_.assign(str);
            have_value_ = true;
            break;
          case Field::kKeyB64:
            if (!Base64DecodeInto(str, &key_)) return Fail("bad base64 in key_b64");
            have_key_ = true;
            break;
          case Field::kValueB64:
            if (!Base64DecodeInto(str, &value_)) return Fail("bad base64 in value_b64");
            have_value_ = true;
            break;
          default: return Fail("expected an integer");
        }
        state_ = State::kEntryKey;
        return true;
      default:
        return Fail("unexpected string");
    }
  }

  bool StartObject() {
    if (state_ == State::kStart) {
      state_ = State::kTopKey;
      return true;
    }
    if (state_ == State::kEntries) {
      state_ = State::kEntryKey;
      seen_ = 0;
      have_key_ = have_value_ = false;
      db_ = 0;
      expire_at_ms_ = engine::kNoExpiry;
      return true;
    }
    return Fail("unexpected object");
  }

  bool Key(const char* s, rapidjson::SizeType len, bool) {
    std::string_view k(s, len);
    if (state_ == State::kTopKey) {
      Field f;
      if (k == kFieldFormat) f = Field::kFormat;
      else if (k == kFieldVersion) f = Field::kVersion;
      else if (k == kFieldCreatedMs) f = Field::kCreatedMs;
      else if (k == kFieldDbKeys) f = Field::kDbKeys;
      else if (k == kFieldEntries) f = Field::kEntries;
      else return Fail("unknown field \"" + std::string(k) + "\"");
      if (!Mark(f)) return false;
      if (f == Field::kEntries && !(have_format_ && have_version_)) {
        return Fail("\"format\" and \"version\" must come before \"entries\"");
      }
      if (f == Field::kDbKeys && (top_seen_ & Bit(Field::kEntries))) {
        return Fail("\"db_keys\" must come before \"entries\"");
      }
      field_ = f;
      state_ = State::kTopValue;
      return true;
    }
    if (state_ == State::kEntryKey) {
      Field f;
      if (k == kFieldDb) f = Field::kDb;
      else if (k == kFieldKey) f = Field::kKey;
      else if (k == kFieldKeyB64) f = Field::kKeyB64;
      else if (k == kFieldValue) f = Field::kValue;
      else if (k == kFieldValueB64) f = Field::kValueB64;
      else if (k == kFieldExpireAtMs) f = Field::kExpireAtMs;
      else return Fail("unknown entry field \"" + std::string(k) + "\"");
      if (!Mark(f)) return false;
      if ((f == Field::kKey || f == Field::kKeyB64) && have_key_field_conflict()) {
        return Fail("entry has both \"key\" and \"key_b64\"");
      }
      if ((f == Field::kValue || f == Field::kValueB64) && have_value_field_conflict()) {
        return Fail("entry has both \"value\" and \"value_b64\"");
      }
      field_ = f;
      state_ = State::kEntryValue;
      return true;
    }
    return Fail("unexpected key");
  }

  bool EndObject(rapidjson::SizeType) {
    if (state_ == State::kEntryKey) {
      if (!have_key_) return Fail("entry without \"key\" or \"key_b64\"");
      if (!have_value_) return Fail("entry without \"value\" or \"value_b64\"");
      if (expire_at_ms_ != engine::kNoExpiry && expire_at_ms_ < now_ms_) {
        ++expired_;
      } else {
        engine::SetOptions options;
        options.expire_at_ms = expire_at_ms_;
        options.loading = true;  // no "new" keyspace events, as Redis's RDB load
        engine_.Set(db_, key_, value_, now_ms_, options);
        ++loaded_;
      }
      state_ = State::kEntries;
      return true;
    }
    if (state_ == State::kTopKey) {
      if (!have_format_) return Fail("missing \"format\"");
      if (!have_version_) return Fail("missing \"version\"");
      if (!(top_seen_ & Bit(Field::kEntries))) return Fail("missing \"entries\"");
      state_ = State::kDone;
      return true;
    }
    return Fail("unexpected end of object");
  }

  bool StartArray() {
    if (state_ == State::kTopValue && field_ == Field::kEntries) {
      state_ = State::kEntries;
      return true;
    }
    if (state_ == State::kTopValue && field_ == Field::kDbKeys) {
      state_ = State::kDbKeys;
      db_keys_index_ = 0;
      return true;
    }
    return Fail("unexpected array");
  }
  bool EndArray(rapidjson::SizeType) {
    if (state_ == State::kEntries || state_ == State::kDbKeys) {
      state_ = State::kTopKey;
      return true;
    }
    return Fail("unexpected end of array");
  }

 private:
  enum class State {
    kStart, kTopKey, kTopValue, kDbKeys, kEntries, kEntryKey, kEntryValue, kDone,
  };
  enum class Field {
    kFormat, kVersion, kCreatedMs, kDbKeys, kEntries,
    kDb, kKey, kKeyB64, kValue, kValueB64, kExpireAtMs,
  };
  static uint32_t Bit(Field f) { return 1u << static_cast<int>(f); }

  bool have_key_field_conflict() const {
    return (seen_ & Bit(Field::kKey)) && (seen_ & Bit(Field::kKeyB64));
  }
  bool have_value_field_conflict() const {
    return (seen_ & Bit(Field::kValue)) && (seen_ & Bit(Field::kValueB64));
  }

  // Records a field as seen in the current object; a repeat is an error.
  bool Mark(Field f) {
    uint32_t& seen = state_ == State::kTopKey ? top_seen_ : seen_;
    if (seen & Bit(f)) return Fail("duplicate field");
    seen |= Bit(f);
    return true;
  }

  bool Integer(int64_t v) {
    if (state_ == State::kDbKeys) {
      // Only a sizing hint: the entries still decide what is loaded.
      if (v < 0) return Fail("db_keys must not be negative");
      if (db_keys_index_ >= engine_.databases()) {
        return Fail("db_keys lists more databases than the server has (" +
                    std::to_string(engine_.databases()) + ")");
      }
      // A hint larger than the input could hold would reserve gigabytes for a file that then
      // fails to parse ("db_keys":[444444444] in a 500-byte file; found by fuzz_dump_loader).
      engine_.ReserveKeys(db_keys_index_++, std::min(static_cast<uint64_t>(v), max_keys_));
      return true;
    }
    if (state_ == State::kTopValue) {
      if (field_ == Field::kVersion) {
        if (v != kFormatVersion) return Fail("unsupported version " + std::to_string(v));
        have_version_ = true;
      } else if (field_ != Field::kCreatedMs) {
        return Fail("unexpected number");
      }
      state_ = State::kTopKey;
      return true;
    }
    if (state_ == State::kEntryValue) {
      if (field_ == Field::kDb) {
        if (v < 0 || v >= engine_.databases()) {
          return Fail("db " + std::to_string(v) + " out of range");
        }
        db_ = static_cast<int>(v);
      } else if (field_ == Field::kExpireAtMs) {
        if (v <= 0) return Fail("expire_at_ms must be positive");
        expire_at_ms_ = engine::WallToEngineMs(v, wall_offset_ms_);
      } else {
        return Fail("expected a string");
      }
      state_ = State::kEntryKey;
      return true;
    }
    return Fail("unexpected number");
  }

  bool Fail(std::string reason) {
    if (reason_.empty()) reason_ = std::move(reason);
    return false;
  }

  engine::Engine& engine_;
  int64_t now_ms_;
  int64_t wall_offset_ms_;
  State state_ = State::kStart;
  Field field_ = Field::kFormat;
  uint32_t top_seen_ = 0;
  uint32_t seen_ = 0;
  bool have_format_ = false;
  bool have_version_ = false;
  bool have_key_ = false;
  bool have_value_ = false;
  int db_ = 0;
  int db_keys_index_ = 0;  // the database the next db_keys number is for
  uint64_t max_keys_;
  int64_t expire_at_ms_ = engine::kNoExpiry;
  std::string key_;
  std::string value_;
  std::string reason_;
  uint64_t loaded_ = 0;
  uint64_t expired_ = 0;
};

template <typename Stream>
LoadResult Run(Stream& stream, engine::Engine& engine, int64_t now_ms, uint64_t input_bytes) {
  LoadResult result;
  Handler handler(engine, now_ms, input_bytes / kMinEntryBytes);
  rapidjson::Reader reader;
  // No kParseValidateEncodingFlag: rapidjson would validate byte by byte through its
  // transcoder; the handler checks the two fields that carry text with IsValidUtf8, which
  // skips ASCII a word at a time. (Other strings are compared to fixed names anyway.)
  constexpr unsigned kFlags = rapidjson::kParseDefaultFlags;
  rapidjson::ParseResult pr = reader.Parse<kFlags>(stream, handler);
  result.keys_loaded = handler.loaded();
  result.keys_expired = handler.expired();
  if (!pr || !handler.complete()) {
    result.error_offset = pr ? stream.Tell() : pr.Offset();
    std::string reason;
    if (!handler.reason().empty()) {
      reason = handler.reason();
    } else if (!pr) {
      reason = rapidjson::GetParseError_En(pr.Code());
    } else {
      reason = "incomplete dump";
    }
    result.error = "offset " + std::to_string(result.error_offset) + ": " + reason;
    return result;
  }
  result.ok = true;
  return result;
}

}  // namespace

LoadResult LoadDump(FILE* file, engine::Engine& engine, int64_t now_ms) {
  auto buffer = std::make_unique<char[]>(64 * 1024);
  rapidjson::FileReadStream stream(file, buffer.get(), 64 * 1024);
  struct stat st;
  const uint64_t bytes = fstat(fileno(file), &st) == 0 && st.st_size > 0
                             ? static_cast<uint64_t>(st.st_size)
                             : std::numeric_limits<uint64_t>::max();  // a pipe: no bound known
  return Run(stream, engine, now_ms, bytes);
}

LoadResult LoadDump(std::string_view text, engine::Engine& engine, int64_t now_ms) {
  rapidjson::MemoryStream stream(text.data(), text.size());
  return Run(stream, engine, now_ms, text.size());
}

}  // namespace lrukv::persist
