// The bitmap family: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO over string values,
// registered by RegisterBitCommands (called from RegisterStringCommands). Bit 0 is the most
// significant bit of byte 0, as in Redis; bits past the end of a string read as 0.
#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/command_table.h"
#include "src/commands/keyspace_events.h"
#include "src/commands/number_format.h"
#include "src/commands/server_context.h"
#include "src/commands/string_family.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {
namespace {

namespace err = resp::err;
using string_family::ParseBitOffset;
using string_family::ReadLookup;
using string_family::WriteLookup;

__extension__ typedef __int128 Int128;  // exact sums of two 64-bit values (BITFIELD overflow)

uint64_t MaxBulkBytes(const CommandContext& ctx) { return ctx.server.config.proto_max_bulk_len; }

// Bit `pos` of `bytes` (MSB first); 0 past the end.
int BitAt(std::string_view bytes, uint64_t pos) {
  const uint64_t byte = pos >> 3;
  if (byte >= bytes.size()) return 0;
  return (static_cast<unsigned char>(bytes[byte]) >> (7 - (pos & 7))) & 1;
}

// ---- Ranges (BITCOUNT, BITPOS) ----

// A [start, end] range argument pair resolved against a string of `len` bytes, in bits:
// negative indexes count from the end, then both are clamped into the string. Empty when
// first_bit > last_bit.
struct BitRange {
  int64_t first_bit = 0;
  int64_t last_bit = -1;
  bool empty() const { return first_bit > last_bit; }
};

// Resolves start/end given in bytes or (in_bits) bits as Redis's BITCOUNT/BITPOS do.
BitRange ResolveRange(int64_t start, int64_t end, bool in_bits, size_t len) {
  const int64_t total = static_cast<int64_t>(len) * (in_bits ? 8 : 1);  // in range units
  if (start < 0) start = std::max<int64_t>(total + start, 0);
  if (end < 0) end = std::max<int64_t>(total + end, 0);
  if (end >= total) end = total - 1;
  BitRange range;
  if (start > end) return range;  // empty
  range.first_bit = in_bits ? start : start * 8;
  range.last_bit = in_bits ? end : end * 8 + 7;
  return range;
}

// Set bits of `bytes` within the bit range.
int64_t CountBits(std::string_view bytes, BitRange range) {
  if (range.empty()) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  uint64_t first_byte = static_cast<uint64_t>(range.first_bit) >> 3;
  const uint64_t last_byte = static_cast<uint64_t>(range.last_bit) >> 3;
  int64_t count = 0;
  // Whole bytes first, 8 at a time, then take away the bits outside the range at both edges.
  uint64_t i = first_byte;
  for (; i + 8 <= last_byte + 1; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    count += std::popcount(word);
  }
  for (; i <= last_byte; ++i) count += std::popcount(static_cast<unsigned>(p[i]));
  const unsigned head_bits = static_cast<unsigned>(range.first_bit & 7);  // bits before start
  const unsigned tail_bits = 7 - static_cast<unsigned>(range.last_bit & 7);  // bits after end
  if (head_bits) count -= std::popcount(static_cast<unsigned>(p[first_byte] >> (8 - head_bits)));
  if (tail_bits) {
    count -= std::popcount(static_cast<unsigned>(p[last_byte] & ((1u << tail_bits) - 1)));
  }
  return count;
}

// Position of the first bit equal to `bit` within the bit range, or -1.
int64_t FindBit(std::string_view bytes, BitRange range, int bit) {
  if (range.empty()) return -1;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char skip = bit ? 0x00 : 0xff;  // a byte holding no wanted bit
  uint64_t pos = static_cast<uint64_t>(range.first_bit);
  const uint64_t last = static_cast<uint64_t>(range.last_bit);
  while (pos <= last) {
    const uint64_t byte = pos >> 3;
    if ((pos & 7) == 0 && pos + 7 <= last) {
      // Whole bytes: skip those without the wanted bit, 8 at a time where possible.
      const uint64_t whole_end = (last + 1) >> 3;  // first byte not wholly inside
      uint64_t b = byte;
      const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
      while (b + 8 <= whole_end) {
        uint64_t word;
        std::memcpy(&word, p + b, 8);
        if (word != skip_word) break;
        b += 8;
      }
      while (b < whole_end && p[b] == skip) ++b;
      if (b == whole_end) {
        pos = b << 3;
        continue;
      }
      const int lead = bit ? std::countl_zero(static_cast<unsigned char>(p[b]))
                           : std::countl_one(static_cast<unsigned char>(p[b]));
      return static_cast<int64_t>((b << 3) + static_cast<uint64_t>(lead));
    }
    if (BitAt(bytes, pos) == bit) return static_cast<int64_t>(pos);
    ++pos;
  }
  return -1;
}

// ---- SETBIT, GETBIT ----

// SETBIT key offset value: the bit's old value; the string grows zero filled as needed.
void CmdSetBit(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  auto offset = ParseBitOffset(ctx.args[2], 0, MaxBulkBytes(ctx));
  if (!offset) {
    ctx.reply.Error(err::kBitOffset);
    return;
  }
  int64_t on;
  if (!ParseInt64(ctx.args[3], &on) || (on != 0 && on != 1)) {
    ctx.reply.Error(err::kBitValue);
    return;
  }
  engine::Engine& engine = ctx.server.engine;
  const int db = ctx.client.db;
  auto entry = engine.Lookup(db, key, ctx.now_ms, WriteLookup(ctx));
  const size_t old_len = entry ? entry->value.size() : 0;
  const size_t byte = static_cast<size_t>(*offset >> 3);
  std::span<char> value;
  {
    // As Redis, a SETBIT that neither creates, grows nor flips anything signals no change
    // (WATCH stays clean), though the value is still rewritten in place.
    KeyspaceFanout::MuteModified mute(ctx.server.keyspace_observers, db, key);
    value = engine.ResizeValue(db, key, std::max(old_len, byte + 1), ctx.now_ms);
  }
  const unsigned mask = 1u << (7 - (*offset & 7));
  auto& cell = reinterpret_cast<unsigned char&>(value[byte]);
  const bool was_set = cell & mask;
  cell = static_cast<unsigned char>(on ? (cell | mask) : (cell & ~mask));
  ctx.server.counters.dirty++;
  if (!entry || byte >= old_len || was_set != (on == 1)) {
    ctx.server.keyspace_observers.OnModified(db, key);
    NotifyKeyspaceEvent(ctx.server, kNotifyString, "setbit", db, key);
  }
  ctx.reply.Integer(was_set ? 1 : 0);
}

// GETBIT key offset
void CmdGetBit(CommandContext& ctx) {
  auto offset = ParseBitOffset(ctx.args[2], 0, MaxBulkBytes(ctx));
  if (!offset) {
    ctx.reply.Error(err::kBitOffset);
    return;
  }
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  ctx.reply.Integer(entry ? BitAt(entry->value, *offset) : 0);
}

// ---- BITCOUNT, BITPOS ----

// Parses BYTE|BIT; false on anything else.
bool ParseRangeUnit(std::string_view arg, bool* in_bits) {
  if (EqualsIgnoreCase(arg, "BIT")) {
    *in_bits = true;
  } else if (EqualsIgnoreCase(arg, "BYTE")) {
    *in_bits = false;
  } else {
    return false;
  }
  return true;
}

// BITCOUNT key [start end [BYTE|BIT]]. As Redis 7.0: a missing key answers 0 before the
// arguments are looked at, and two negative indexes with start > end answer 0 before the unit.
void CmdBitCount(CommandContext& ctx) {
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  if (!entry) {
    ctx.reply.Integer(0);
    return;
  }
  const std::string_view value = entry->value;
  const size_t argc = ctx.args.size();
  if (argc == 2) {
    ctx.reply.Integer(CountBits(value, ResolveRange(0, -1, false, value.size())));
    return;
  }
  if (argc != 4 && argc != 5) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  int64_t start, end;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &end)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Integer(0);
    return;
  }
  bool in_bits = false;
  if (argc == 5 && !ParseRangeUnit(ctx.args[4], &in_bits)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  ctx.reply.Integer(CountBits(value, ResolveRange(start, end, in_bits, value.size())));
}

// BITPOS key bit [start [end [BYTE|BIT]]]: the first bit equal to `bit`, or -1. A missing key
// reads as endless zeros (0 for bit 0, -1 for bit 1). Looking for 0 without an end, an all-ones
// range answers the first bit past it, as if the string went on with zeros.
void CmdBitPos(CommandContext& ctx) {
  int64_t bit;
  if (!ParseInt64(ctx.args[2], &bit)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (bit != 0 && bit != 1) {
    ctx.reply.Error(err::kBitArgument);
    return;
  }
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  if (!entry) {
    ctx.reply.Integer(bit ? -1 : 0);
    return;
  }
  const std::string_view value = entry->value;
  const size_t argc = ctx.args.size();
  if (argc > 6) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  int64_t start = 0;
  int64_t end = -1;
  bool in_bits = false;
  const bool end_given = argc >= 5;
  if (argc >= 4 && !ParseInt64(ctx.args[3], &start)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (argc == 6 && !ParseRangeUnit(ctx.args[5], &in_bits)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  if (end_given && !ParseInt64(ctx.args[4], &end)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  const BitRange range = ResolveRange(start, end, in_bits, value.size());
  int64_t pos = FindBit(value, range, static_cast<int>(bit));
  if (pos < 0 && bit == 0 && !end_given && !range.empty()) pos = range.last_bit + 1;
  ctx.reply.Integer(pos);
}

// ---- BITOP ----

enum class BitOp { kAnd, kOr, kXor, kNot };

// BITOP AND|OR|XOR|NOT destkey key [key ...]: stores the result (missing keys and short
// strings read as zeros, the result as long as the longest source) and answers its length; an
// empty result deletes destkey.
void CmdBitOp(CommandContext& ctx) {
  const std::string_view op_name = ctx.args[1];
  BitOp op;
  if (EqualsIgnoreCase(op_name, "AND")) {
    op = BitOp::kAnd;
  } else if (EqualsIgnoreCase(op_name, "OR")) {
    op = BitOp::kOr;
  } else if (EqualsIgnoreCase(op_name, "XOR")) {
    op = BitOp::kXor;
  } else if (EqualsIgnoreCase(op_name, "NOT")) {
    op = BitOp::kNot;
  } else {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  const auto sources = ctx.args.subspan(3);
  if (op == BitOp::kNot && sources.size() != 1) {
    ctx.reply.Error(err::kBitOpNotArgs);
    return;
  }
  engine::Engine& engine = ctx.server.engine;
  const int db = ctx.client.db;
  // Folds one source at a time, so no view outlives the next lookup.
  std::string result;
  for (size_t s = 0; s < sources.size(); ++s) {
    auto entry = engine.Lookup(db, sources[s], ctx.now_ms, ReadLookup(ctx));
    const std::string_view src = entry ? entry->value : std::string_view();
    if (s == 0) {
      result.assign(src);
      if (op == BitOp::kNot) {
        for (char& c : result) c = static_cast<char>(~c);
      }
      continue;
    }
    if (src.size() > result.size()) result.resize(src.size(), '\0');
    for (size_t i = 0; i < result.size(); ++i) {
      const char c = i < src.size() ? src[i] : '\0';
      switch (op) {
        case BitOp::kAnd: result[i] &= c; break;
        case BitOp::kOr: result[i] |= c; break;
        case BitOp::kXor: result[i] ^= c; break;
        case BitOp::kNot: break;
      }
    }
  }
  const std::string_view dest = ctx.args[2];
  if (result.empty()) {
    if (engine.Del(db, dest, ctx.now_ms)) {
      ctx.server.counters.dirty++;
      NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "del", db, dest);
    }
    ctx.reply.Integer(0);
    return;
  }
  // Redis builds the result in a buffer and stores it as is: OBJECT ENCODING says "raw".
  engine.Set(db, dest, result, ctx.now_ms, {.modified_in_place = true});
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyString, "set", db, dest);
  ctx.reply.Integer(static_cast<int64_t>(result.size()));
}

// ---- BITFIELD, BITFIELD_RO ----

enum class Overflow { kWrap, kSat, kFail };

struct BitFieldOp {
  enum Kind { kGet, kSet, kIncrBy } kind = kGet;
  bool is_signed = false;
  int bits = 0;         // 1..64 signed, 1..63 unsigned
  uint64_t offset = 0;  // in bits
  int64_t value = 0;    // SET value or INCRBY increment
  Overflow overflow = Overflow::kWrap;
};

// Parses "i8", "u16"...: i1..i64, u1..u63.
bool ParseBitFieldType(std::string_view arg, BitFieldOp* op) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return false;
  op->is_signed = arg[0] == 'i';
  int64_t bits;
  if (!ParseInt64(arg.substr(1), &bits) || bits < 1 || bits > (op->is_signed ? 64 : 63)) {
    return false;
  }
  op->bits = static_cast<int>(bits);
  return true;
}

struct BitFieldParams {
  std::vector<BitFieldOp> ops;
  bool writes = false;             // any SET or INCRBY
  uint64_t highest_write_bit = 0;  // last bit a write touches
};

// Parses the subcommands after the key; on failure returns false with *error set.
bool ParseBitFieldParams(const CommandContext& ctx, BitFieldParams* params,
                         std::string_view* error) {
  const auto args = ctx.args.subspan(2);
  Overflow overflow = Overflow::kWrap;
  for (size_t i = 0; i < args.size(); ++i) {
    const size_t more = args.size() - i - 1;
    BitFieldOp op;
    if (EqualsIgnoreCase(args[i], "GET") && more >= 2) {
      op.kind = BitFieldOp::kGet;
    } else if (EqualsIgnoreCase(args[i], "SET") && more >= 3) {
      op.kind = BitFieldOp::kSet;
    } else if (EqualsIgnoreCase(args[i], "INCRBY") && more >= 3) {
      op.kind = BitFieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(args[i], "OVERFLOW") && more >= 1) {
      const std::string_view type = args[++i];
      if (EqualsIgnoreCase(type, "WRAP")) {
        overflow = Overflow::kWrap;
      } else if (EqualsIgnoreCase(type, "SAT")) {
        overflow = Overflow::kSat;
      } else if (EqualsIgnoreCase(type, "FAIL")) {
        overflow = Overflow::kFail;
      } else {
        *error = err::kBitFieldOverflowType;
        return false;
      }
      continue;
    } else {
      *error = err::kSyntax;
      return false;
    }
    if (!ParseBitFieldType(args[i + 1], &op)) {
      *error = err::kBitFieldType;
      return false;
    }
    auto offset = ParseBitOffset(args[i + 2], op.bits, MaxBulkBytes(ctx));
    if (!offset) {
      *error = err::kBitOffset;
      return false;
    }
    op.offset = *offset;
    op.overflow = overflow;
    if (op.kind != BitFieldOp::kGet) {
      params->writes = true;
      params->highest_write_bit =
          std::max(params->highest_write_bit, op.offset + static_cast<uint64_t>(op.bits) - 1);
      if (!ParseInt64(args[i + 3], &op.value)) {
        *error = err::kNotInteger;
        return false;
      }
    }
    params->ops.push_back(op);
    i += op.kind == BitFieldOp::kGet ? 2 : 3;
  }
  return true;
}

// The `bits`-bit field at bit `offset`, as an unsigned number (bits past the end read 0).
uint64_t ReadField(std::string_view bytes, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int i = 0; i < bits; ++i) v = (v << 1) | static_cast<uint64_t>(BitAt(bytes, offset + i));
  return v;
}

int64_t SignExtend(uint64_t v, int bits) {
  if (bits < 64 && ((v >> (bits - 1)) & 1)) v |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(v);
}

// Writes the low `bits` bits of v at bit `offset`; the span covers the field.
void WriteField(std::span<char> bytes, uint64_t offset, int bits, uint64_t v) {
  for (int i = 0; i < bits; ++i) {
    const uint64_t pos = offset + static_cast<uint64_t>(i);
    const unsigned mask = 1u << (7 - (pos & 7));
    auto& cell = reinterpret_cast<unsigned char&>(bytes[pos >> 3]);
    if ((v >> (bits - 1 - i)) & 1) {
      cell = static_cast<unsigned char>(cell | mask);
    } else {
      cell = static_cast<unsigned char>(cell & ~mask);
    }
  }
}

// Fits the exact result `target` into the field's range by the op's overflow rule. Returns
// false when it does not fit and the rule is FAIL.
bool FitField(const BitFieldOp& op, Int128 target, uint64_t* out) {
  Int128 min, max;
  if (op.is_signed) {
    max = (Int128{1} << (op.bits - 1)) - 1;
    min = -max - 1;
  } else {
    max = (Int128{1} << op.bits) - 1;
    min = 0;
  }
  if (target >= min && target <= max) {
    *out = static_cast<uint64_t>(target);
    return true;
  }
  switch (op.overflow) {
    case Overflow::kFail:
      return false;
    case Overflow::kSat:
      *out = static_cast<uint64_t>(target < min ? min : max);
      return true;
    case Overflow::kWrap:
      *out = static_cast<uint64_t>(target);  // the low bits are all that get written
      return true;
  }
  return false;
}

// Reads a field of `op` as the number BITFIELD replies with.
int64_t FieldValue(std::string_view bytes, const BitFieldOp& op) {
  const uint64_t raw = ReadField(bytes, op.offset, op.bits);
  return op.is_signed ? SignExtend(raw, op.bits) : static_cast<int64_t>(raw);
}

enum class FieldWrite { kRefused, kSameValue, kChanged };

// Runs SET or INCRBY on the value and replies with its result (old value for SET, new value
// for INCRBY) or nil when OVERFLOW FAIL refused it (kRefused: nothing written).
FieldWrite RunBitFieldWrite(CommandContext& ctx, std::span<char> value, const BitFieldOp& op) {
  const std::string_view bytes(value.data(), value.size());
  const int64_t old = FieldValue(bytes, op);  // an unsigned field (u63 at most) fits too
  Int128 target;
  if (op.kind == BitFieldOp::kIncrBy) {
    target = Int128{old} + op.value;
  } else if (op.is_signed) {
    target = op.value;
  } else {
    target = static_cast<uint64_t>(op.value);  // Redis reads a negative SET value as unsigned
  }
  uint64_t stored;
  if (!FitField(op, target, &stored)) {
    ctx.reply.Null();
    return FieldWrite::kRefused;
  }
  const uint64_t old_raw = ReadField(bytes, op.offset, op.bits);
  WriteField(value, op.offset, op.bits, stored);
  if (op.kind == BitFieldOp::kSet) {
    ctx.reply.Integer(old);
  } else {
    ctx.reply.Integer(FieldValue(bytes, op));
  }
  return ReadField(bytes, op.offset, op.bits) == old_raw ? FieldWrite::kSameValue
                                                         : FieldWrite::kChanged;
}

// Shared body of BITFIELD and BITFIELD_RO (read_only). All subcommands are parsed before any
// runs; a write grows the string (zero filled, even if OVERFLOW FAIL then writes nothing) to
// hold every field written.
void BitFieldGeneric(CommandContext& ctx, bool read_only) {
  BitFieldParams params;
  std::string_view error;
  if (!ParseBitFieldParams(ctx, &params, &error)) {
    ctx.reply.Error(error);
    return;
  }
  engine::Engine& engine = ctx.server.engine;
  const int db = ctx.client.db;
  const std::string_view key = ctx.args[1];
  if (!params.writes) {
    auto entry = engine.Lookup(db, key, ctx.now_ms, ReadLookup(ctx));
    const std::string_view value = entry ? entry->value : std::string_view();
    ctx.reply.ArrayHeader(params.ops.size());
    for (const BitFieldOp& op : params.ops) ctx.reply.Integer(FieldValue(value, op));
    return;
  }
  if (read_only) {
    ctx.reply.Error(err::kBitFieldRoWrite);
    return;
  }
  auto entry = engine.Lookup(db, key, ctx.now_ms, WriteLookup(ctx));
  const size_t old_len = entry ? entry->value.size() : 0;
  const size_t need_len = static_cast<size_t>(params.highest_write_bit >> 3) + 1;
  const bool created_or_grown = !entry || need_len > old_len;
  std::span<char> value;
  {
    // Signalled below as Redis 7.0 does: only once a write changed a field, or any write was
    // not refused on a string this created or grew. Refused writes alone (OVERFLOW FAIL)
    // leave the string grown but signal nothing.
    KeyspaceFanout::MuteModified mute(ctx.server.keyspace_observers, db, key);
    value = engine.ResizeValue(db, key, std::max(old_len, need_len), ctx.now_ms);
  }
  bool changed = false;
  ctx.reply.ArrayHeader(params.ops.size());
  for (const BitFieldOp& op : params.ops) {
    if (op.kind == BitFieldOp::kGet) {
      ctx.reply.Integer(FieldValue(std::string_view(value.data(), value.size()), op));
      continue;
    }
    const FieldWrite w = RunBitFieldWrite(ctx, value, op);
    if (w != FieldWrite::kRefused) ctx.server.counters.dirty++;
    changed |= w == FieldWrite::kChanged || (w == FieldWrite::kSameValue && created_or_grown);
  }
  if (changed) {
    ctx.server.keyspace_observers.OnModified(db, key);
    NotifyKeyspaceEvent(ctx.server, kNotifyString, "setbit", db, key);
  }
}

// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
//     [OVERFLOW WRAP|SAT|FAIL] ...
void CmdBitField(CommandContext& ctx) { BitFieldGeneric(ctx, false); }
// BITFIELD_RO key [GET type offset] ...
void CmdBitFieldRo(CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace

void RegisterBitCommands(CommandTable& table) {
  auto row = [&](std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 Handler handler, std::string_view acl, std::string_view summary,
                 std::string_view since) {
    table.Register(MakeCommandSpec(name, arity, flags, first_key, last_key, 1, handler, acl,
                                   "bitmap", summary, since));
  };
  // Rows as Redis 7.0.15's COMMAND INFO and COMMAND DOCS print them.
  row("setbit", 4, kWrite | kDenyOom, 1, 1, CmdSetBit, "@write @bitmap @slow",
      "Sets or clears the bit at offset in the string value stored at key", "2.2.0");
  row("getbit", 3, kReadOnly | kFast, 1, 1, CmdGetBit, "@read @bitmap @fast",
      "Returns the bit value at offset in the string value stored at key", "2.2.0");
  row("bitcount", -2, kReadOnly, 1, 1, CmdBitCount, "@read @bitmap @slow",
      "Count set bits in a string", "2.6.0");
  row("bitpos", -3, kReadOnly, 1, 1, CmdBitPos, "@read @bitmap @slow",
      "Find first bit set or clear in a string", "2.8.7");
  row("bitop", -4, kWrite | kDenyOom, 2, -1, CmdBitOp, "@write @bitmap @slow",
      "Perform bitwise operations between strings", "2.6.0");
  row("bitfield", -2, kWrite | kDenyOom, 1, 1, CmdBitField, "@write @bitmap @slow",
      "Perform arbitrary bitfield integer operations on strings", "3.2.0");
  row("bitfield_ro", -2, kReadOnly | kFast, 1, 1, CmdBitFieldRo, "@read @bitmap @fast",
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
      "6.0.0");
}

}  // namespace lrukv::cmd
