// What the string family (string_commands.cc) and the bitmap family (bit_commands.cc) share:
// the bitmap registration called from RegisterStringCommands, lookup flags chosen as Redis's
// lookupKeyRead/lookupKeyWrite, and the bit offset rule of SETBIT, GETBIT and BITFIELD.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "src/commands/command_table.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {

// Registers SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO (bit_commands.cc).
void RegisterBitCommands(CommandTable& table);

namespace string_family {

// Flags for a lookup made by a read (GET, STRLEN, BITCOUNT...): counts a hit or a miss and
// touches the key, unless the client asked for CLIENT NO-TOUCH.
inline uint32_t ReadLookup(const CommandContext& ctx) {
  return ctx.client.no_touch ? engine::kLookupNoTouch : engine::kLookupDefault;
}
// Flags for a lookup made by a write (SET NX, INCR, APPEND...): counts neither hit nor miss,
// as Redis's lookupKeyWrite.
inline uint32_t WriteLookup(const CommandContext& ctx) {
  return engine::kLookupNoStats | (ctx.client.no_touch ? engine::kLookupNoTouch : 0u);
}

// Parses a bit offset as Redis's getBitOffsetFromArgument: a strict integer (see ParseInt64),
// or with `bits` > 0 also "#N" meaning N * bits (BITFIELD); it must be >= 0 and address a byte
// below `max_bulk_bytes` (proto-max-bulk-len). nullopt means "ERR bit offset is not an integer
// or out of range".   "7" -> 7;  "#2" with bits 8 -> 16;  "-1", "4294967296" (512 MiB) -> nullopt
std::optional<uint64_t> ParseBitOffset(std::string_view arg, int bits, uint64_t max_bulk_bytes);

}  // namespace string_family
}  // namespace lrukv::cmd
