// PeekRequests: the arguments of the whole multibulk requests at the front of a buffer, read
// without consuming anything or keeping state. The server uses it to learn which keys a
// pipelined batch will touch before it runs the batch (so the engine can prefetch them); the
// RequestParser remains the one authority on what the bytes mean.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace lrukv::resp {

// One peeked request: its arguments are args[first, first + count) of the caller's array, and
// it ends (the next request starts) at data[end].
struct PeekedRequest {
  size_t first;
  size_t count;
  size_t end;
};

// Reads up to requests.size() whole multibulk requests from data[0, len), storing their
// arguments in `args` (views into data) and returns how many requests it read. It stops early,
// without error, at the first request that is incomplete, inline, unusual in any way (a sign,
// a zero or very long count, a bulk longer than max_bulk_len) or would not fit in `args`:
// what it does return is what RequestParser parses from the same bytes when it accepts them.
size_t PeekRequests(const char* data, size_t len, size_t max_bulk_len,
                    std::span<PeekedRequest> requests, std::span<std::string_view> args);

}  // namespace lrukv::resp
