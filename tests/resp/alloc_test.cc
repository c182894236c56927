// Hot-path contract: once its vectors have grown, the parser allocates nothing per request, and
// the writer nothing beyond its output string's growth. Counted by replacing operator new for
// this test binary (counting only; every allocation still goes to malloc).
#include <doctest/doctest.h>

#include <cstdlib>
#include <new>
#include <string>

#include "resp/parser.h"
#include "resp/reply_writer.h"

namespace {
size_t g_allocations = 0;
}  // namespace

void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace lrukv::resp {
namespace {

TEST_CASE("parser: no allocation per request once its storage has grown") {
  std::string wire;
  for (int i = 0; i < 100; ++i) {
    wire += "*3\r\n$3\r\nSET\r\n$5\r\nkey:" + std::to_string(i % 10) + "\r\n$5\r\nvalue\r\n";
    wire += "SET \"quoted key\" 'v\\'v'\r\n";
    wire += "*0\r\n\r\n";
  }
  RequestParser parser;
  auto parse_all = [&] {
    size_t at = 0, requests = 0;
    while (at < wire.size()) {
      REQUIRE(parser.Parse(wire.data() + at, wire.size() - at) == ParseStatus::kOk);
      at += parser.consumed();
      ++requests;
    }
    return requests;
  };
  size_t at_start = g_allocations;
  parse_all();  // warm-up: vectors and the inline scratch grow here
  size_t before = g_allocations;
  CHECK(before > at_start);  // the counting operator new is really in use
  size_t requests = parse_all();
  CHECK(requests == 400);
  CHECK(g_allocations == before);
}

TEST_CASE("reply: writing into a string with room allocates nothing") {
  std::string out;
  out.reserve(1 << 16);
  ReplyWriter writer(&out, 3);
  size_t before = g_allocations;
  for (int i = 0; i < 100; ++i) {
    writer.ArrayHeader(2);
    writer.Bulk("value");
    writer.Integer(-1234567890123 * i);
    writer.Double(0.1 * i);
    writer.Null();
    writer.Error("ERR a\nb");
    writer.MapHeader(1);
  }
  CHECK(g_allocations == before);
}

}  // namespace
}  // namespace lrukv::resp
