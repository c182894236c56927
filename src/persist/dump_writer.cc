#include "src/persist/dump_writer.h"

#include <memory>

#include <rapidjson/writer.h>

#include "src/engine/clock.h"
#include "src/persist/base64.h"
#include "src/persist/dump_format.h"
#include "src/persist/utf8.h"

namespace lrukv::persist {
namespace {

// A rapidjson output stream that buffers 64 KiB before handing bytes to the sink.
class SinkStream {
 public:
  using Ch = char;
  explicit SinkStream(DumpSink& sink) : sink_(sink) {}
  void Put(char c) {
    if (len_ == sizeof(buf_)) Flush();
    buf_[len_++] = c;
  }
  void Flush() {
    if (len_ == 0) return;
    if (ok_ && !sink_.Write(buf_, len_)) ok_ = false;
    bytes_ += len_;
    len_ = 0;
  }
  bool ok() const { return ok_; }
  uint64_t bytes() const { return bytes_; }

 private:
  DumpSink& sink_;
  char buf_[64 * 1024];
  size_t len_ = 0;
  uint64_t bytes_ = 0;
  bool ok_ = true;
};

// JSON strings carry valid UTF-8 without NUL; everything else goes base64.
bool NeedsBase64(std::string_view s) {
  return s.find('\0') != std::string_view::npos || !IsValidUtf8(s);
}

void WriteBytes(rapidjson::Writer<SinkStream>& w, const char* plain_name, const char* b64_name,
                std::string_view bytes) {
  if (NeedsBase64(bytes)) {
    w.Key(b64_name);
    std::string enc = Base64Encode(bytes);
    w.String(enc.data(), static_cast<rapidjson::SizeType>(enc.size()));
  } else {
    w.Key(plain_name);
    w.String(bytes.data(), static_cast<rapidjson::SizeType>(bytes.size()));
  }
}

}  // namespace

WriteResult WriteDump(engine::Engine& engine, int64_t now_ms, DumpSink& sink) {
  WriteResult result;
  // The file holds unix times; the engine its own monotonic time (clock.h). One offset for
  // the whole dump, so every entry is converted alike.
  const int64_t wall_offset_ms = engine.clock().WallOffsetMs();
  auto stream = std::make_unique<SinkStream>(sink);
  rapidjson::Writer<SinkStream> w(*stream);
  w.StartObject();
  w.Key(kFieldFormat);
  w.String(kFormatName);
  w.Key(kFieldVersion);
  w.Int(kFormatVersion);
  w.Key(kFieldCreatedMs);
  w.Int64(engine::EngineToWallMs(now_ms, wall_offset_ms));
  int last_db_with_keys = -1;
  for (int db = 0; db < engine.databases(); ++db) {
    if (engine.DbSize(db) != 0) last_db_with_keys = db;
  }
  if (last_db_with_keys >= 0) {
    w.Key(kFieldDbKeys);
    w.StartArray();
    for (int db = 0; db <= last_db_with_keys; ++db) w.Uint64(engine.DbSize(db));
    w.EndArray();
  }
  w.Key(kFieldEntries);
  w.StartArray();
  engine.ForEachLruOrder(now_ms, [&](int db, const engine::EntryView& e) {
    if (!stream->ok()) return;
    w.StartObject();
    if (db != 0) {
      w.Key(kFieldDb);
      w.Int(db);
    }
    WriteBytes(w, kFieldKey, kFieldKeyB64, e.key);
    WriteBytes(w, kFieldValue, kFieldValueB64, e.value);
    if (e.expire_at_ms != engine::kNoExpiry) {
      w.Key(kFieldExpireAtMs);
      w.Int64(engine::EngineToWallMs(e.expire_at_ms, wall_offset_ms));
    }
    w.EndObject();
    ++result.keys;
  });
  w.EndArray();
  w.EndObject();
  stream->Put('\n');
  stream->Flush();
  result.bytes = stream->bytes();
  if (!stream->ok()) {
    result.error = "write to the dump failed";
    return result;
  }
  result.ok = true;
  return result;
}

}  // namespace lrukv::persist
