// Base64 (RFC 4648 vectors) and strict UTF-8 validation.
#include <doctest/doctest.h>

#include <string>

#include "src/persist/base64.h"
#include "src/persist/utf8.h"

namespace lrukv::persist {
namespace {

TEST_CASE("base64 encodes the RFC 4648 test vectors") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 decodes the RFC 4648 test vectors") {
  CHECK(Base64Decode("") == std::string(""));
  CHECK(Base64Decode("Zg==") == std::string("f"));
  CHECK(Base64Decode("Zm8=") == std::string("fo"));
  CHECK(Base64Decode("Zm9v") == std::string("foo"));
  CHECK(Base64Decode("Zm9vYg==") == std::string("foob"));
  CHECK(Base64Decode("Zm9vYmE=") == std::string("fooba"));
  CHECK(Base64Decode("Zm9vYmFy") == std::string("foobar"));
}

TEST_CASE("base64 round-trips every byte value") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= all.size(); len += 37) {
    std::string part = all.substr(0, len);
    CHECK(Base64Decode(Base64Encode(part)) == part);
  }
  CHECK(Base64Decode(Base64Encode(all)) == all);
}

TEST_CASE("base64 rejects malformed input") {
  CHECK_FALSE(Base64Decode("Zg=").has_value());       // length not a multiple of 4
  CHECK_FALSE(Base64Decode("Zm9").has_value());
  CHECK_FALSE(Base64Decode("Zm9v!A==").has_value());  // outside the alphabet
  CHECK_FALSE(Base64Decode("Zm-_").has_value());      // URL-safe alphabet is not standard
  CHECK_FALSE(Base64Decode("Zg==Zg==").has_value());  // padding in the middle
  CHECK_FALSE(Base64Decode("Z===").has_value());
  CHECK_FALSE(Base64Decode("=Zg=").has_value());
  CHECK_FALSE(Base64Decode("Zh==").has_value());      // non-zero unused bits
  CHECK_FALSE(Base64Decode("Zm9=").has_value());
  CHECK_FALSE(Base64Decode("Zm 9v").has_value());
  CHECK_FALSE(Base64Decode("====").has_value());
  CHECK_FALSE(Base64Decode("Zm9v\x80m9v").has_value());  // a byte with the high bit set
}

TEST_CASE("base64 decodes into a reused buffer, whatever it held before") {
  std::string out(100, 'x');
  CHECK(Base64DecodeInto("Zm9vYg==", &out));
  CHECK(out == "foob");
  CHECK(Base64DecodeInto("", &out));
  CHECK(out.empty());
  // Every character position of a group, outside the alphabet, is caught.
  for (size_t i = 0; i < 8; ++i) {
    std::string text = "Zm9vYmFy";
    text[i] = '*';
    CHECK_FALSE(Base64DecodeInto(text, &out));
  }
}

TEST_CASE("utf8 accepts valid text of every sequence length") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("caf\xC3\xA9"));              // U+00E9
  CHECK(IsValidUtf8("\xE2\x82\xAC"));             // U+20AC
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));         // U+1F600
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));         // U+10FFFF
  CHECK(IsValidUtf8("\xED\x9F\xBF"));             // U+D7FF, just below the surrogates
  CHECK(IsValidUtf8("\xEF\xBF\xBF"));             // U+FFFF
}

TEST_CASE("utf8 rejects overlongs, surrogates, out of range and truncated sequences") {
  CHECK_FALSE(IsValidUtf8("\x80"));               // lone continuation
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));           // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));       // overlong 3-byte
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));   // overlong 4-byte
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));       // U+D800 surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));   // U+110000
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK_FALSE(IsValidUtf8("\xC3"));               // truncated
  CHECK_FALSE(IsValidUtf8("ab\xE2\x82"));
  CHECK_FALSE(IsValidUtf8("\xE2\x28\xA1"));       // bad continuation
}

}  // namespace
}  // namespace lrukv::persist
