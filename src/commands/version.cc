// LrukvVersion: the LRUKV_VERSION CMake defines for the commands target.
#include "src/commands/version.h"

#ifndef LRUKV_VERSION
#error "LRUKV_VERSION must be defined by the build (CMakeLists.txt sets it for commands)"
#endif

namespace lrukv {

std::string_view LrukvVersion() { return LRUKV_VERSION; }

}  // namespace lrukv
