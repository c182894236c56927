// LoadDump: streams a JSON dump (dump_format.h, docs/dump-format.md) into an Engine with a
// SAX parser, applying each entry with Engine::Set as it is read (so recency is rebuilt in
// the dump's order), never building the whole document.
//
// Contract on error: entries read before the error have already been applied to the engine.
// The caller must discard that engine (load into a fresh one and swap it in only on success).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "src/engine/engine.h"

namespace lrukv::persist {

struct LoadResult {
  bool ok = false;
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // entries dropped because expire_at_ms < now_ms (as Redis)
  size_t error_offset = 0;    // byte offset of the error in the input, when !ok
  std::string error;          // "offset N: reason", when !ok
};

// Reads from `file`'s current position to its end.
LoadResult LoadDump(FILE* file, engine::Engine& engine, int64_t now_ms);
LoadResult LoadDump(std::string_view text, engine::Engine& engine, int64_t now_ms);

}  // namespace lrukv::persist
