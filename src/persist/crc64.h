// CRC-64/XZ (ECMA-182 polynomial 0x42F0E1EBA9EA3693, reflected as 0xC96C5795D7870F42, initial
// value and final XOR all ones): the checksum of DUMP payloads (payload.h). Table-driven, one
// byte per step. Worked example: Crc64("123456789") == 0x995DC9BBDF1939FA.
#pragma once

#include <cstdint>
#include <string_view>

namespace lrukv::persist {

// The CRC of `bytes`. To checksum pieces as one run, pass the previous result as `crc`:
// Crc64("6789", Crc64("12345")) == Crc64("123456789").
uint64_t Crc64(std::string_view bytes, uint64_t crc = 0);

}  // namespace lrukv::persist
