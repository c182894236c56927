// Versions INFO, HELLO and LOLWUT report: the Redis release whose behaviour lrukv matches, and
// lrukv's own version (CMake's project() version, compiled into the commands library).
#pragma once

#include <string_view>

namespace lrukv {

inline constexpr std::string_view kRedisVersion = "7.0.15";

// lrukv's version, "0.1.0". A function, not a constant, so every caller sees the one value the
// commands library was built with (LRUKV_VERSION is defined for that target only).
std::string_view LrukvVersion();

}  // namespace lrukv
