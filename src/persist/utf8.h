// A strict UTF-8 validity check (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequences.
#pragma once

#include <string_view>

namespace lrukv::persist {

bool IsValidUtf8(std::string_view bytes);

}  // namespace lrukv::persist
