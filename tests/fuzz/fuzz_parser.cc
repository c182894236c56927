// libFuzzer target for resp::RequestParser (LRUKV_FUZZ build, `make fuzz`; README "Fuzzing").
// Any bytes, in any split into reads: the parser never crashes or reads past the bytes it was
// given (each call gets an exact-size copy, so ASan sees any overread), every request it
// yields consumed at least one byte and no more than it was given, and parsing the input in
// one buffer and fed in input-chosen chunks (moving the pending bytes each time, as the
// server does) yields the same requests and the same protocol error, if any.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "resp/parser.h"

namespace {

using lrukv::resp::ParserLimits;
using lrukv::resp::ParseStatus;
using lrukv::resp::RequestParser;

struct Outcome {
  std::vector<std::vector<std::string>> requests;
  std::string error;  // empty: no error
  bool operator==(const Outcome&) const = default;
};

// Parses `input` delivered in chunks of the given sizes (cycled); 0 means all at once.
Outcome Run(const std::string& input, const std::vector<size_t>& chunks, ParserLimits limits) {
  RequestParser parser(limits);
  Outcome outcome;
  std::string buffer;
  size_t at = 0;
  for (size_t i = 0; at < input.size(); ++i) {
    size_t n = chunks.empty() ? input.size() : chunks[i % chunks.size()];
    n = std::min(n == 0 ? input.size() : n, input.size() - at);
    buffer.append(input, at, n);
    at += n;
    while (true) {
      std::string moved = buffer;
      ParseStatus status = parser.Parse(moved.data(), moved.size());
      if (status == ParseStatus::kNeedMore) break;
      if (status == ParseStatus::kError) {
        outcome.error = std::string(parser.error());
        // Only a protocol error stops the stream (the server replies it and closes).
        if (outcome.error.rfind("ERR Protocol error: ", 0) != 0) abort();
        return outcome;
      }
      if (status != ParseStatus::kOk) abort();
      if (parser.consumed() == 0 || parser.consumed() > moved.size()) abort();
      outcome.requests.emplace_back(parser.args().begin(), parser.args().end());
      buffer.erase(0, parser.consumed());
    }
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first bytes choose the chunking; small limits make the limit paths reachable.
  std::vector<size_t> chunks;
  size_t nchunks = 1 + data[0] % 4;
  for (size_t i = 0; i < nchunks && 1 + i < size; ++i) chunks.push_back(1 + data[1 + i] % 16);
  size_t skip = 1 + nchunks;
  if (skip >= size) return 0;
  std::string input(reinterpret_cast<const char*>(data) + skip, size - skip);
  ParserLimits limits;
  limits.max_inline_len = 64;
  limits.max_bulk_len = 100;
  limits.auth_required = (data[0] & 0x80) != 0;
  // Limits are checked against whatever has arrived, so a limit error may fire earlier or
  // later with chunking (as in Redis); compare only inputs that stay under them.
  Outcome whole = Run(input, {}, limits);
  Outcome split = Run(input, chunks, limits);
  bool limit_error = whole.error.find("too big") != std::string::npos ||
                     split.error.find("too big") != std::string::npos;
  if (!limit_error && !(whole == split)) abort();
  return 0;
}
