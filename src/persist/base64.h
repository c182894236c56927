// Standard base64 (RFC 4648 section 4, with '=' padding) for the dump format's *_b64 fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lrukv::persist {

std::string Base64Encode(std::string_view bytes);

// Strict: length a multiple of 4, only the standard alphabet, padding only at the end, and
// unused trailing bits zero. nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

// The same decoding into *out (replacing its contents, reusing its capacity: the loader
// decodes millions of values into one buffer). False, with *out unspecified, on bad input.
bool Base64DecodeInto(std::string_view text, std::string* out);

}  // namespace lrukv::persist
