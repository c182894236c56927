// Versions INFO, HELLO and LOLWUT report: the Redis release whose behaviour lrukv matches, and
// lrukv's own version (LRUKV_VERSION comes from CMake's project() version).
#pragma once

#include <string_view>

#ifndef LRUKV_VERSION
#define LRUKV_VERSION "0.0.0"
#endif

namespace lrukv {

inline constexpr std::string_view kRedisVersion = "7.0.15";
inline constexpr std::string_view kLrukvVersion = LRUKV_VERSION;

}  // namespace lrukv
