// Differential driver for tests/fuzz/resp_vs_redis.py (not part of the CMake build): reads a
// byte stream on stdin, feeds it to RequestParser in chunks of argv[1] bytes, and prints the
// replies Redis would send if every request named an unknown command (Redis echoes the
// arguments in that error), then the protocol error if one stops the stream.
// Build: g++ -O1 -std=c++20 -I. tests/fuzz/resp_driver.cc resp/*.cc -o /tmp/resp_driver
#include <algorithm>
#include <iostream>
#include <iterator>
#include <string>

#include "resp/errors.h"
#include "resp/parser.h"
#include "resp/reply_writer.h"

int main(int argc, char** argv) {
  using namespace lrukv::resp;
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  size_t chunk_bytes = argc > 1 ? std::stoul(argv[1]) : input.size();
  RequestParser parser;
  std::string out, buffer;
  ReplyWriter writer(&out);
  size_t at = 0;
  while (at < input.size()) {
    size_t n = std::min(chunk_bytes, input.size() - at);
    buffer.append(input, at, n);
    at += n;
    while (true) {
      ParseStatus status = parser.Parse(buffer.data(), buffer.size());
      if (status == ParseStatus::kNeedMore) break;
      if (status == ParseStatus::kError) {
        writer.Error(parser.error());
        std::cout << out;
        return 0;
      }
      auto args = parser.args();
      if (!args.empty())
        writer.Error(err::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
      buffer.erase(0, parser.consumed());
    }
  }
  std::cout << out;
}
