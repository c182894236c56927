// PeekRequests (request_peek.h): a forward-only scan of "*N\r\n$len\r\n<bytes>\r\n..." that
// accepts only the plainest form and gives up on anything else.
#include "resp/request_peek.h"

namespace lrukv::resp {
namespace {

// Reads "<digits>\r\n" at data[*pos] (digits 1-9 first, at most 9 of them: no sign, no
// zero, nothing RequestParser would treat specially), leaving *pos after the "\r\n".
bool ReadCount(const char* data, size_t len, size_t* pos, size_t* value) {
  size_t i = *pos;
  if (i >= len || data[i] < '1' || data[i] > '9') return false;
  size_t v = 0;
  const size_t limit = i + 9 < len ? i + 9 : len;
  for (; i < limit && data[i] >= '0' && data[i] <= '9'; ++i) v = v * 10 + static_cast<size_t>(data[i] - '0');
  if (i + 1 >= len || data[i] != '\r' || data[i + 1] != '\n') return false;
  *pos = i + 2;
  *value = v;
  return true;
}

}  // namespace

size_t PeekRequests(const char* data, size_t len, size_t max_bulk_len,
                    std::span<PeekedRequest> requests, std::span<std::string_view> args) {
  size_t pos = 0;
  size_t n_requests = 0;
  size_t n_args = 0;
  while (n_requests < requests.size() && pos < len && data[pos] == '*') {
    size_t p = pos + 1;
    size_t argc;
    if (!ReadCount(data, len, &p, &argc) || argc > args.size() - n_args) break;
    const size_t first = n_args;
    bool whole = true;
    for (size_t a = 0; a < argc; ++a) {
      size_t bulk_len;
      if (p >= len || data[p] != '$') {
        whole = false;
        break;
      }
      ++p;
      if (!ReadCount(data, len, &p, &bulk_len) || bulk_len > max_bulk_len ||
          len - p < bulk_len + 2) {
        whole = false;
        break;
      }
      args[n_args++] = std::string_view(data + p, bulk_len);
      p += bulk_len + 2;  // the parser skips the two bytes after the data unchecked, as Redis
    }
    if (!whole) {
      n_args = first;
      break;
    }
    requests[n_requests++] = PeekedRequest{first, argc, p};
    pos = p;
  }
  return n_requests;
}

}  // namespace lrukv::resp
