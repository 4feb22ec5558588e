// Strings: Redis's t_string.c without the protocol. Every operation that
// reads or writes a string value goes through here; the string family
// (server/commands/string_family.cc) parses arguments and replies, and never
// sees how a string is kept.
//
// How a string is kept: up to kMaxInlineStringBytes inline in its key's
// entry (one allocation per key: a 16-byte key and value take 48 bytes), and
// beyond that in a ByteBuffer the entry points at, so RENAME of a big string
// moves a pointer and APPEND to it never moves the entry. The entry's
// encoding also remembers how the string was written, which is what OBJECT
// ENCODING reports (see value_type.h). Numbers are parsed from the bytes per
// command with Redis's rules and written back in Redis's format.
//
// Writes emit Redis's key-change events: "set" (and "expire" when SET gives
// a deadline), "incrby", "incrbyfloat", "append", "setrange".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "store/database.h"
#include "store/encodings/byte_buffer.h"
#include "store/key_entry.h"
#include "store/op_result.h"
#include "store/value.h"

namespace respd::store {

// Values longer than this live on the heap. Big enough that every string a
// benchmark or a cache usually holds is one allocation with its key; small
// enough that copying one (RENAME) is cheap.
inline constexpr size_t kMaxInlineStringBytes = 4096;

// The string type's row in the value dispatch.
extern const ValueOps kStringValueOps;

// The bytes of a string entry. Valid until the next write to its database.
inline std::string_view StringBytes(const KeyEntry& e) {
  if (e.encoding() == kStringHeap) return static_cast<const ByteBuffer*>(e.object())->view();
  return e.inline_value();
}

// The string at `key`, as a read (counts a keyspace hit or miss):
// kKeyNotFound, or kWrongType for another type. Valid until the next write.
OpResult<std::string_view> StringGet(Database& db, std::string_view key);

// How a write treats the key's deadline.
enum class TtlMode : uint8_t {
  kClear,  // The new value has no deadline (plain SET).
  kKeep,   // Keep the old deadline, if any (SET … KEEPTTL, INCR, …).
  kSet,    // Use expire_at (SET … EX/PX/EXAT/PXAT).
};

// SET and its relatives: stores `value` under `key`, replacing any value of
// any type, written whole. Emits "set" (and "expire" with kSet). Returns the
// entry (valid until the next write).
KeyEntry* StringSet(Database& db, std::string_view key, std::string_view value,
                    TtlMode mode = TtlMode::kClear, int64_t expire_at = KeyEntry::kNoExpire);

// INCR, DECR, INCRBY, DECRBY: adds `incr` to the integer at `key` (0 if
// missing), keeping its deadline; the new value, or kWrongType,
// kNotAnInteger, kOverflow.
OpResult<int64_t> StringIncrBy(Database& db, std::string_view key, int64_t incr);

// INCRBYFLOAT: adds `incr` to the float at `key` (0 if missing), keeping its
// deadline; the new value as stored (Redis's ld2string), or kWrongType,
// kNotAFloat, kNotFinite. The view is valid until the next write.
OpResult<std::string_view> StringIncrByFloat(Database& db, std::string_view key, long double incr);

// APPEND: the new length, or kWrongType, or kTooLarge past `max_len` bytes
// (proto-max-bulk-len). A missing key is created with `tail`.
OpResult<size_t> StringAppend(Database& db, std::string_view key, std::string_view tail,
                              uint64_t max_len);

// SETRANGE: writes `patch` at `offset`, zero-filling any gap; the new
// length, or kWrongType, or kTooLarge past `max_len`. An empty patch changes
// (and creates) nothing.
OpResult<size_t> StringSetRange(Database& db, std::string_view key, uint64_t offset,
                                std::string_view patch, uint64_t max_len);

// Stores a raw string of `len` bytes at `key` that `fill(bytes)` writes in
// place (BITOP's result: computed straight into its final buffer, no copy),
// replacing any value and deadline. Emits "set"; returns the entry.
KeyEntry* StringSetFilled(Database& db, std::string_view key, size_t len,
                          const std::function<void(char*)>& fill);

// Replaces the bytes of the string at `key` (created when missing) by
// `bytes`, keeping its deadline; raw from now on. No event: the caller
// emits its own (PFADD's "pfadd"). kWrongType. `bytes` must not point into
// the value.
OpStatus StringRewrite(Database& db, std::string_view key, std::string_view bytes);

// The string at `key` made ready for writing bits in place (SETBIT,
// BITFIELD; Redis's lookupStringForBitCommand): at least `min_len` bytes,
// grown with zeros, created when missing, and raw from now on. Returns its
// bytes (valid until the next write) and their count; kWrongType. The caller
// writes, then emits its event.
struct WritableBytes {
  char* data;
  size_t size;
};
OpResult<WritableBytes> StringForBitWrite(Database& db, std::string_view key, size_t min_len);

}  // namespace respd::store
