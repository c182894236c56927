// The DUMP/RESTORE payload: one string value as a compact JSON object that names lrukv's
// payload format, its version and a checksum (docs/dump-format.md, "DUMP payload"):
//   {"lrukv":1,"value":"bar","crc64":"2f5d3d5b0a8c1e4f"}
//   {"lrukv":1,"value_b64":"AP8=","crc64":"..."}   (values that are not UTF-8 or hold a NUL)
// The checksum is Crc64 (crc64.h) of "lrukv:1:" followed by the raw value bytes, printed as 16
// lower-case hex digits. Keys and TTLs are not part of it: RESTORE gives both.
#pragma once

#include <string>
#include <string_view>

namespace lrukv::persist {

inline constexpr int kPayloadVersion = 1;

// The payload of `value` (any bytes, any length).
std::string EncodePayload(std::string_view value);

// True when `payload` is exactly what EncodePayload would write for some value, and that value
// is then in *value. Anything else fails and leaves *value unspecified: bad JSON, another
// version, a wrong checksum, unknown, missing, repeated or reordered fields, bad base64,
// whitespace, escapes EncodePayload would not write, trailing bytes, a Redis RDB payload. Safe
// on arbitrary bytes (no recursion, no reads past the end).
bool DecodePayload(std::string_view payload, std::string* value);

}  // namespace lrukv::persist
