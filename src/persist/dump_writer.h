// DumpWriter: streams an Engine's whole keyspace as the JSON dump format (dump_format.h,
// docs/dump-format.md) into a sink, entry by entry, never building the whole document.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "src/engine/engine.h"

namespace lrukv::persist {

// Where the dump's bytes go. Write returns false on an I/O error (the writer then stops).
class DumpSink {
 public:
  virtual ~DumpSink() = default;
  virtual bool Write(const char* data, size_t len) = 0;
};

// Appends to a string (tests, DUMP payloads).
class StringSink final : public DumpSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  bool Write(const char* data, size_t len) override {
    out_->append(data, len);
    return true;
  }

 private:
  std::string* out_;
};

// Writes to a stdio FILE* (not closed, not flushed to disk: the caller fflushes and fsyncs).
class FileSink final : public DumpSink {
 public:
  explicit FileSink(FILE* file) : file_(file) {}
  bool Write(const char* data, size_t len) override {
    return std::fwrite(data, 1, len, file_) == len;
  }

 private:
  FILE* file_;
};

struct WriteResult {
  bool ok = false;
  std::string error;    // set when !ok
  uint64_t keys = 0;    // entries written
  uint64_t bytes = 0;   // bytes handed to the sink
};

// Writes every live key of every database, least recently used first, with created_ms =
// now_ms. Reading through ForEachLruOrder does not touch recency.
WriteResult WriteDump(engine::Engine& engine, int64_t now_ms, DumpSink& sink);

}  // namespace lrukv::persist
