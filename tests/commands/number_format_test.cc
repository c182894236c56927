// number_format: Redis 7.0's string2ll / string2ld acceptance and INCRBYFLOAT's output form.
// Each expectation mirrors a reply checked on redis-server 7.0.15 (INCRBY and INCRBYFLOAT with
// the same text; see string_commands_test.cc for the transcripts).
#include "src/commands/number_format.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

using lrukv::cmd::FormatInt64;
using lrukv::cmd::FormatLongDoubleHuman;
using lrukv::cmd::kInt64Chars;
using lrukv::cmd::ParseInt64;
using lrukv::cmd::ParseLongDouble;
using namespace std::literals;

TEST_CASE("ParseInt64 accepts only what string2ll accepts") {
  int64_t v = 7;
  CHECK(ParseInt64("0", &v));
  CHECK(v == 0);
  CHECK(ParseInt64("-9223372036854775808", &v));
  CHECK(v == INT64_MIN);
  CHECK(ParseInt64("9223372036854775807", &v));
  CHECK(v == INT64_MAX);
  CHECK(ParseInt64("-42", &v));
  CHECK(v == -42);
  for (std::string_view bad : {""sv, "-"sv, "-0"sv, "01"sv, "+1"sv, " 1"sv, "1 "sv, "1.0"sv,
                               "9223372036854775808"sv, "-9223372036854775809"sv,
                               "123456789012345678901"sv, "1\0"sv, "0x10"sv}) {
    CAPTURE(bad);
    v = 7;
    CHECK_FALSE(ParseInt64(bad, &v));
    CHECK(v == 7);
  }
}

TEST_CASE("FormatInt64 writes plain decimal") {
  char buf[kInt64Chars];
  CHECK(std::string_view(buf, FormatInt64(INT64_MIN, buf)) == "-9223372036854775808");
  CHECK(std::string_view(buf, FormatInt64(0, buf)) == "0");
  CHECK(std::string_view(buf, FormatInt64(12345, buf)) == "12345");
}

TEST_CASE("ParseLongDouble accepts strtold forms but no spaces, NaN or range errors") {
  long double v = 0;
  CHECK(ParseLongDouble("1.5", &v));
  CHECK(v == 1.5L);
  CHECK(ParseLongDouble("0x1a", &v));
  CHECK(v == 26.0L);
  CHECK(ParseLongDouble(".5", &v));
  CHECK(ParseLongDouble("5.", &v));
  CHECK(ParseLongDouble("+2", &v));
  CHECK(ParseLongDouble("inf", &v));
  CHECK(ParseLongDouble("1e4900", &v));   // beyond a double, within a long double
  CHECK(ParseLongDouble("1e-4940", &v));  // subnormal: allowed
  for (std::string_view bad : {""sv, " 1"sv, "1 "sv, "abc"sv, "nan"sv, "1.1.1"sv, "1\0002"sv,
                               "1e5000"sv, "1e-5000"sv}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseLongDouble(bad, &v));
  }
  CHECK_FALSE(ParseLongDouble(std::string(5 * 1024, '1'), &v));  // too long for Redis's buffer
}

TEST_CASE("FormatLongDoubleHuman: %.17Lf without trailing zeros, and never -0") {
  CHECK(FormatLongDoubleHuman(1.5L) == "1.5");
  CHECK(FormatLongDoubleHuman(3000.0L) == "3000");
  CHECK(FormatLongDoubleHuman(0.1L + 0.2L) == "0.3");
  CHECK(FormatLongDoubleHuman(-1e-18L) == "0");
  CHECK(FormatLongDoubleHuman(100000000000000000.5L) == "100000000000000000.5");
  CHECK(FormatLongDoubleHuman(123456789012345678901234567890.0L) ==
        "123456789012345678899921813504");
}
