// PeekRequests tests: whatever it returns must be what RequestParser parses from the same
// bytes, for random pipelines cut at every length, with and without protocol oddities.
#include "resp/request_peek.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "resp/parser.h"

namespace lrukv::resp {
namespace {

using Args = std::vector<std::string>;

std::string Multibulk(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Every request RequestParser accepts from the front of `input`, until it needs more or fails.
std::vector<Args> ParseAll(std::string_view input) {
  RequestParser parser;
  std::vector<Args> out;
  size_t at = 0;
  while (at < input.size() &&
         parser.Parse(input.data() + at, input.size() - at) == ParseStatus::kOk) {
    out.emplace_back(parser.args().begin(), parser.args().end());
    at += parser.consumed();
  }
  return out;
}

std::vector<Args> Peek(std::string_view input, size_t max_requests = 16, size_t max_args = 64,
                       size_t max_bulk = 512 * 1024 * 1024) {
  std::vector<PeekedRequest> requests(max_requests);
  std::vector<std::string_view> args(max_args);
  const size_t n = PeekRequests(input.data(), input.size(), max_bulk, requests, args);
  std::vector<Args> out;
  for (size_t r = 0; r < n; ++r) {
    out.emplace_back(args.begin() + static_cast<long>(requests[r].first),
                     args.begin() + static_cast<long>(requests[r].first + requests[r].count));
  }
  return out;
}

// The peeked requests are a prefix of the parsed ones.
void CheckPrefixOfParsed(std::string_view input) {
  const std::vector<Args> peeked = Peek(input);
  const std::vector<Args> parsed = ParseAll(input);
  REQUIRE(peeked.size() <= parsed.size());
  for (size_t i = 0; i < peeked.size(); ++i) CHECK(peeked[i] == parsed[i]);
}

TEST_CASE("a plain pipeline is peeked whole, request by request") {
  std::string input = Multibulk({"GET", "k1"}) + Multibulk({"SET", "k2", "v"}) +
                      Multibulk({"MSET", "a", "1", "b", "2"});
  const std::vector<Args> peeked = Peek(input);
  REQUIRE(peeked.size() == 3);
  std::vector<PeekedRequest> requests(16);
  std::vector<std::string_view> args(64);
  REQUIRE(PeekRequests(input.data(), input.size(), 1024, requests, args) == 3);
  CHECK(requests[0].end == Multibulk({"GET", "k1"}).size());
  CHECK(requests[2].end == input.size());
  CHECK(peeked[0] == Args{"GET", "k1"});
  CHECK(peeked[1] == Args{"SET", "k2", "v"});
  CHECK(peeked[2] == Args{"MSET", "a", "1", "b", "2"});
}

TEST_CASE("a pipeline cut at every byte peeks only the whole requests before the cut") {
  std::string input = Multibulk({"GET", "key:000000012345"}) + Multibulk({"SET", "k", ""}) +
                      Multibulk({"PING"}) + Multibulk({"DEL", std::string("a\r\nb\0c", 6)});
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    CAPTURE(cut);
    CheckPrefixOfParsed(std::string_view(input).substr(0, cut));
  }
  CHECK(Peek(input).size() == 1);  // it stops at the empty bulk ("$0") of the second request
}

TEST_CASE("peeking stops at inline requests, odd counts and full arrays, never misreads") {
  CHECK(Peek("PING\r\n" + Multibulk({"GET", "k"})).empty());
  CHECK(Peek("*-1\r\n" + Multibulk({"GET", "k"})).empty());
  CHECK(Peek("*02\r\n$3\r\nGET\r\n$1\r\nk\r\n").empty());
  CHECK(Peek("*2\r\n$+3\r\nGET\r\n$1\r\nk\r\n").empty());
  CHECK(Peek("*2\r\n$3\r\nGET\r\n:1\r\nk\r\n").empty());
  CHECK(Peek(Multibulk({"GET", "k"}) + Multibulk({"GET", "k"}), 1).size() == 1);
  CHECK(Peek(Multibulk({"MGET", "a", "b", "c"}) + Multibulk({"GET", "k"}), 16, 5).size() == 1);
  CHECK(Peek(Multibulk({"SET", "k", "0123456789"}), 16, 64, 9).empty());
}

TEST_CASE("random pipelines with random corruption: peeked requests are always parsed ones") {
  std::mt19937 rng(20261126);
  const std::string alphabet = "*$\r\n0123456789-+:abcGETSET";
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    const int n = static_cast<int>(rng() % 6);
    for (int r = 0; r < n; ++r) {
      Args args;
      const int argc = 1 + static_cast<int>(rng() % 4);
      for (int a = 0; a < argc; ++a) {
        std::string arg;
        const int len = static_cast<int>(rng() % 12);
        for (int i = 0; i < len; ++i) arg.push_back(static_cast<char>(rng() % 256));
        args.push_back(arg);
      }
      input += Multibulk(args);
    }
    const int flips = static_cast<int>(rng() % 3);
    for (int f = 0; f < flips && !input.empty(); ++f) {
      input[rng() % input.size()] = alphabet[rng() % alphabet.size()];
    }
    CAPTURE(input);
    CheckPrefixOfParsed(input);
  }
}

}  // namespace
}  // namespace lrukv::resp
