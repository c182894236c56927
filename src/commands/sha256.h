// SHA-256 (FIPS 180-4), for the password hashes ACL LIST and ACL GETUSER print: Redis shows a
// user's password only as the lower-case hex digest of its bytes.
#pragma once

#include <string>
#include <string_view>

namespace lrukv::cmd {

// The 64 lower-case hex digits of SHA-256(data): Sha256Hex("") is "e3b0c442...b855".
std::string Sha256Hex(std::string_view data);

}  // namespace lrukv::cmd
