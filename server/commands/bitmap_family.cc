// Bitmaps: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO, with
// Redis 7.0's replies, argument order and error texts (src/bitops.c).
// Bitmaps are strings: reads go through the string type API, in-place bit
// writes through StringForBitWrite, the bit arithmetic through
// store/encodings/bitops.h.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/commands/families.h"
#include "server/core/server.h"
#include "server/dispatch/command_context.h"
#include "server/dispatch/errors.h"
#include "store/encodings/bitops.h"
#include "store/types/string.h"

namespace respd::server {
namespace {

using store::OpStatus;
namespace bitops = store::bitops;

constexpr std::string_view kErrBitOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kErrBitArgument = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kErrBitopNot = "ERR BITOP NOT must be called with a single source key.";
constexpr std::string_view kErrBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
constexpr std::string_view kErrOverflowType = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kErrBitfieldRo = "ERR BITFIELD_RO only supports the GET subcommand";

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// getBitOffsetFromArgument: a non-negative integer (or, for BITFIELD, "#n"
// meaning n * bits) whose byte is below proto-max-bulk-len.
bool ParseBitOffset(CommandContext& ctx, std::string_view arg, bool allow_hash, int bits,
                    uint64_t* offset) {
  const bool hash = allow_hash && !arg.empty() && arg[0] == '#' && bits > 0;
  int64_t v;
  if (!base::ParseInt64(hash ? arg.substr(1) : arg, &v)) {
    ctx.Error(kErrBitOffset);
    return false;
  }
  if (hash && __builtin_mul_overflow(v, static_cast<int64_t>(bits), &v)) v = -1;
  if (v < 0 || (v >> 3) >= ctx.server.config().proto_max_bulk_len) {
    ctx.Error(kErrBitOffset);
    return false;
  }
  *offset = static_cast<uint64_t>(v);
  return true;
}

// The string at `key` for a read; nullopt after replying WRONGTYPE. A
// missing key reads as the empty string (*exists false).
std::optional<std::string_view> ReadBits(CommandContext& ctx, std::string_view key,
                                         bool* exists = nullptr) {
  auto value = store::StringGet(ctx.db, key);
  if (exists != nullptr) *exists = value.ok();
  if (value) return *value;
  if (value.status() == OpStatus::kKeyNotFound) return std::string_view();
  ctx.Error(OpStatusError(value.status()));
  return std::nullopt;
}

// SETBIT key offset value
void SetBitCommand(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.argv[2], false, 0, &offset)) return;
  const std::string_view v = ctx.argv[3];
  if (v != "0" && v != "1") {
    ctx.Error(kErrBitValue);
    return;
  }
  auto bytes = store::StringForBitWrite(ctx.db, ctx.argv[1], (offset >> 3) + 1);
  if (!bytes) {
    ctx.Error(OpStatusError(bytes.status()));
    return;
  }
  const int old = bitops::SetBit(reinterpret_cast<uint8_t*>(bytes->data), offset, v[0] - '0');
  ctx.db.Emit(store::KeyEvent::kSetBit, ctx.argv[1]);
  ctx.reply.Integer(old);
}

// GETBIT key offset
void GetBitCommand(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.argv[2], false, 0, &offset)) return;
  auto bits = ReadBits(ctx, ctx.argv[1]);
  if (!bits) return;
  ctx.reply.Integer(bitops::GetBit(Bytes(*bits), bits->size(), offset));
}

// A BITCOUNT/BITPOS range, resolved as Redis resolves it: negative
// indexes from the end, clamped to the string; in bits or bytes.
struct BitRange {
  bool empty;
  uint64_t first_bit;
  uint64_t last_bit;
};
BitRange ResolveRange(int64_t start, int64_t end, size_t len, bool in_bits) {
  const int64_t total = static_cast<int64_t>(len) * (in_bits ? 8 : 1);
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return {true, 0, 0};
  if (in_bits) return {false, static_cast<uint64_t>(start), static_cast<uint64_t>(end)};
  return {false, static_cast<uint64_t>(start) * 8, static_cast<uint64_t>(end) * 8 + 7};
}

// Parses a trailing BYTE|BIT; false after replying a syntax error.
bool ParseUnit(CommandContext& ctx, std::string_view arg, bool* in_bits) {
  if (base::EqualsIgnoreCase(arg, "bit")) {
    *in_bits = true;
  } else if (base::EqualsIgnoreCase(arg, "byte")) {
    *in_bits = false;
  } else {
    ctx.Error(kErrSyntax);
    return false;
  }
  return true;
}

// BITCOUNT key [start end [BYTE|BIT]]: the key is looked up first, so a
// missing key answers 0 whatever the arguments.
void BitCountCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bool exists;
  auto bits = ReadBits(ctx, argv[1], &exists);
  if (!bits) return;
  if (!exists) {
    ctx.reply.Integer(0);
    return;
  }
  const uint8_t* p = Bytes(*bits);
  if (argv.size() == 2) {
    ctx.reply.Integer(static_cast<int64_t>(bitops::PopCount(p, bits->size())));
    return;
  }
  if (argv.size() != 4 && argv.size() != 5) {
    ctx.Error(kErrSyntax);
    return;
  }
  int64_t start, end;
  if (!base::ParseInt64(argv[2], &start) || !base::ParseInt64(argv[3], &end)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  bool in_bits = false;
  if (argv.size() == 5 && !ParseUnit(ctx, argv[4], &in_bits)) return;
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Integer(0);
    return;
  }
  const BitRange r = ResolveRange(start, end, bits->size(), in_bits);
  if (r.empty) {
    ctx.reply.Integer(0);
    return;
  }
  // Whole bytes with the popcount, the partial edge bytes bit by bit.
  const auto bits_in = [&](uint64_t from, uint64_t to) {
    uint64_t c = 0;
    for (uint64_t i = from; i <= to; ++i)
      c += static_cast<uint64_t>(bitops::GetBit(p, bits->size(), i));
    return c;
  };
  const uint64_t first_byte = r.first_bit / 8, last_byte = r.last_bit / 8;
  uint64_t count = 0;
  if (first_byte == last_byte) {
    count = bits_in(r.first_bit, r.last_bit);
  } else {
    uint64_t lo = first_byte, hi = last_byte;
    if (r.first_bit % 8 != 0) {
      count += bits_in(r.first_bit, first_byte * 8 + 7);
      ++lo;
    }
    if (r.last_bit % 8 != 7) {
      count += bits_in(last_byte * 8, r.last_bit);
      --hi;
    }
    if (lo <= hi) count += bitops::PopCount(p + lo, hi - lo + 1);
  }
  ctx.reply.Integer(static_cast<int64_t>(count));
}

// BITPOS key bit [start [end [BYTE|BIT]]]
void BitPosCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t bit;
  if (!base::ParseInt64(argv[2], &bit)) {
    ctx.Error(kErrNotInteger);
    return;
  }
  if (bit != 0 && bit != 1) {
    ctx.Error(kErrBitArgument);
    return;
  }
  bool exists;
  auto bits = ReadBits(ctx, argv[1], &exists);
  if (!bits) return;
  // A missing key is an endless run of zeros.
  if (!exists) {
    ctx.reply.Integer(bit ? -1 : 0);
    return;
  }
  if (argv.size() > 6) {
    ctx.Error(kErrSyntax);
    return;
  }
  int64_t start = 0, end = -1;
  bool in_bits = false;
  const bool end_given = argv.size() >= 5;
  if (argv.size() >= 4) {
    if (!base::ParseInt64(argv[3], &start)) {
      ctx.Error(kErrNotInteger);
      return;
    }
    if (argv.size() == 6 && !ParseUnit(ctx, argv[5], &in_bits)) return;
    if (end_given && !base::ParseInt64(argv[4], &end)) {
      ctx.Error(kErrNotInteger);
      return;
    }
  }
  const BitRange r = ResolveRange(start, end, bits->size(), in_bits);
  if (r.empty) {
    ctx.reply.Integer(-1);
    return;
  }
  const int64_t found =
      bitops::FindBit(Bytes(*bits), r.first_bit, r.last_bit, static_cast<int>(bit));
  if (found >= 0 || bit == 1 || end_given) {
    ctx.reply.Integer(found);
    return;
  }
  // No clear bit up to the end of the string: the string is padded with
  // zeros, so the first one is the bit after its last byte in the range.
  ctx.reply.Integer(static_cast<int64_t>((r.last_bit / 8 + 1) * 8));
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]
void BitOpCommand(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bitops::BitOp op;
  if (base::EqualsIgnoreCase(argv[1], "and")) {
    op = bitops::BitOp::kAnd;
  } else if (base::EqualsIgnoreCase(argv[1], "or")) {
    op = bitops::BitOp::kOr;
  } else if (base::EqualsIgnoreCase(argv[1], "xor")) {
    op = bitops::BitOp::kXor;
  } else if (base::EqualsIgnoreCase(argv[1], "not")) {
    op = bitops::BitOp::kNot;
  } else {
    ctx.Error(kErrSyntax);
    return;
  }
  if (op == bitops::BitOp::kNot && argv.size() != 4) {
    ctx.Error(kErrBitopNot);
    return;
  }
  // Views into the sources: valid until the destination is written, which
  // happens after the result is computed (a source may be the destination).
  std::vector<const uint8_t*> ptrs;
  std::vector<size_t> lengths;
  size_t longest = 0;
  for (size_t i = 3; i < argv.size(); ++i) {
    auto bits = ReadBits(ctx, argv[i]);
    if (!bits) return;
    ptrs.push_back(Bytes(*bits));
    lengths.push_back(bits->size());
    longest = std::max(longest, bits->size());
  }
  if (longest == 0) {
    ctx.db.Delete(argv[2]);
    ctx.reply.Integer(0);
    return;
  }
  // Computed straight into the destination's new buffer; the old value
  // (perhaps a source) is freed only once the new one is in place. Redis
  // stores a fresh raw string, and emits "set".
  store::StringSetFilled(ctx.db, argv[2], longest, [&](char* out) {
    bitops::Combine(op, ptrs.data(), lengths.data(), ptrs.size(), reinterpret_cast<uint8_t*>(out),
                    longest);
  });
  ctx.reply.Integer(static_cast<int64_t>(longest));
}

// One BITFIELD operation, parsed.
struct FieldOp {
  enum Kind : uint8_t { kGet, kSet, kIncrBy } kind;
  bool is_signed;
  int bits;
  uint64_t offset;
  int64_t value;  // SET's value, INCRBY's increment.
  enum Overflow : uint8_t { kWrap, kSat, kFail } overflow;
};

bool ParseFieldType(std::string_view t, bool* is_signed, int* bits) {
  if (t.size() < 2 || (t[0] != 'i' && t[0] != 'I' && t[0] != 'u' && t[0] != 'U')) return false;
  *is_signed = t[0] == 'i' || t[0] == 'I';
  int64_t n;
  if (!base::ParseInt64(t.substr(1), &n)) return false;
  if (n < 1 || (*is_signed && n > 64) || (!*is_signed && n > 63)) return false;
  *bits = static_cast<int>(n);
  return true;
}

// Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow:
// `value + incr` as the policy stores it (only its low `bits` bits are
// written), or nullopt under FAIL. SET checks its value with incr 0.
std::optional<uint64_t> ApplyOverflow(const FieldOp& op, int64_t value, int64_t incr) {
  const uint64_t wrapped = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
  bool high, low;
  uint64_t at_max, at_min;
  if (op.is_signed) {
    const int64_t max = op.bits == 64 ? INT64_MAX : (int64_t{1} << (op.bits - 1)) - 1;
    const int64_t min = -max - 1;
    // Computed unsigned: only used once `value` is known to be in range.
    const auto max_incr =
        static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
    const auto min_incr =
        static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
    high = value > max || (op.bits != 64 && incr > max_incr) ||
           (value >= 0 && incr > 0 && incr > max_incr);
    low = !high && (value < min || (op.bits != 64 && incr < min_incr) ||
                    (value < 0 && incr < 0 && incr < min_incr));
    at_max = static_cast<uint64_t>(max);
    at_min = static_cast<uint64_t>(min);
  } else {
    const uint64_t max = (uint64_t{1} << op.bits) - 1;
    const auto uvalue = static_cast<uint64_t>(value);
    const auto max_incr = static_cast<int64_t>(max - uvalue);
    const auto min_incr = static_cast<int64_t>(0 - uvalue);
    high = uvalue > max || (incr > 0 && incr > max_incr);
    low = !high && incr < 0 && incr < min_incr;
    at_max = max;
    at_min = 0;
  }
  if (!high && !low) return wrapped;
  if (op.overflow == FieldOp::kFail) return std::nullopt;
  if (op.overflow == FieldOp::kSat) return high ? at_max : at_min;
  return wrapped;
}

// BITFIELD key [GET t o] [SET t o v] [INCRBY t o i] [OVERFLOW WRAP|SAT|FAIL]
void BitFieldGeneric(CommandContext& ctx, bool read_only) {
  const auto& argv = ctx.argv;
  std::vector<FieldOp> ops;
  FieldOp::Overflow overflow = FieldOp::kWrap;
  bool writes = false;
  uint64_t highest_byte = 0;
  for (size_t i = 2; i < argv.size(); ++i) {
    const size_t left = argv.size() - i - 1;
    FieldOp op{};
    if (base::EqualsIgnoreCase(argv[i], "get") && left >= 2) {
      op.kind = FieldOp::kGet;
    } else if (base::EqualsIgnoreCase(argv[i], "set") && left >= 3) {
      op.kind = FieldOp::kSet;
    } else if (base::EqualsIgnoreCase(argv[i], "incrby") && left >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (base::EqualsIgnoreCase(argv[i], "overflow") && left >= 1) {
      const std::string_view o = argv[++i];
      if (base::EqualsIgnoreCase(o, "wrap")) {
        overflow = FieldOp::kWrap;
      } else if (base::EqualsIgnoreCase(o, "sat")) {
        overflow = FieldOp::kSat;
      } else if (base::EqualsIgnoreCase(o, "fail")) {
        overflow = FieldOp::kFail;
      } else {
        ctx.Error(kErrOverflowType);
        return;
      }
      continue;
    } else {
      ctx.Error(kErrSyntax);
      return;
    }
    if (!ParseFieldType(argv[i + 1], &op.is_signed, &op.bits)) {
      ctx.Error(kErrBitfieldType);
      return;
    }
    if (!ParseBitOffset(ctx, argv[i + 2], true, op.bits, &op.offset)) return;
    if (op.kind != FieldOp::kGet) {
      if (!base::ParseInt64(argv[i + 3], &op.value)) {
        ctx.Error(kErrNotInteger);
        return;
      }
      writes = true;
      highest_byte = std::max(highest_byte, (op.offset + static_cast<uint64_t>(op.bits) - 1) >> 3);
      i += 3;
    } else {
      i += 2;
    }
    op.overflow = overflow;
    ops.push_back(op);
  }
  if (read_only && writes) {
    ctx.Error(kErrBitfieldRo);
    return;
  }

  uint8_t* data = nullptr;
  size_t size = 0;
  std::string read_copy;
  if (writes) {
    auto bytes = store::StringForBitWrite(ctx.db, argv[1], highest_byte + 1);
    if (!bytes) {
      ctx.Error(OpStatusError(bytes.status()));
      return;
    }
    data = reinterpret_cast<uint8_t*>(bytes->data);
    size = bytes->size;
  } else {
    auto bits = ReadBits(ctx, argv[1]);
    if (!bits) return;
    data = const_cast<uint8_t*>(Bytes(*bits));
    size = bits->size();
  }

  ctx.reply.ArrayHeader(ops.size());
  for (const FieldOp& op : ops) {
    const int64_t old =
        op.is_signed ? bitops::GetSigned(data, size, op.offset, op.bits)
                     : static_cast<int64_t>(bitops::GetUnsigned(data, size, op.offset, op.bits));
    if (op.kind == FieldOp::kGet) {
      ctx.reply.Integer(old);
      continue;
    }
    // SET checks its value against the type as an increment from 0 would.
    const std::optional<uint64_t> stored = op.kind == FieldOp::kSet
                                               ? ApplyOverflow(op, op.value, 0)
                                               : ApplyOverflow(op, old, op.value);
    if (!stored) {
      ctx.reply.Null();
      continue;
    }
    bitops::SetField(data, op.offset, op.bits, *stored);
    if (op.kind == FieldOp::kSet) {
      ctx.reply.Integer(old);
    } else {
      ctx.reply.Integer(
          op.is_signed ? bitops::GetSigned(data, size, op.offset, op.bits)
                       : static_cast<int64_t>(bitops::GetUnsigned(data, size, op.offset, op.bits)));
    }
  }
  if (writes) ctx.db.Emit(store::KeyEvent::kSetBit, argv[1]);
}
void BitFieldCommand(CommandContext& ctx) { BitFieldGeneric(ctx, /*read_only=*/false); }
void BitFieldRoCommand(CommandContext& ctx) { BitFieldGeneric(ctx, /*read_only=*/true); }

constexpr CommandSpec kBitmapCommands[] = {
    {.name = "setbit", .handler = &SetBitCommand},
    {.name = "getbit", .handler = &GetBitCommand},
    {.name = "bitcount", .handler = &BitCountCommand},
    {.name = "bitpos", .handler = &BitPosCommand},
    {.name = "bitop", .handler = &BitOpCommand},
    {.name = "bitfield", .handler = &BitFieldCommand},
    {.name = "bitfield_ro", .handler = &BitFieldRoCommand},
};

}  // namespace

std::span<const CommandSpec> BitmapCommands() { return kBitmapCommands; }

}  // namespace respd::server
