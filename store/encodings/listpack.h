// Listpack: Redis 7.0's compact sequence of strings and integers, byte for
// byte in Redis's format, so the RDB writer can store one as it is (the
// listpack-encoded hash, zset and quicklist node types) and a loaded one can
// be used without conversion.
//
// One allocation:
//
//   uint32 total bytes | uint16 element count (65535: count unknown, walk)
//   entries…           | 0xFF
//
// and each entry is <encoding><data><backlen>: the encoding says whether the
// element is an integer (7, 13, 16, 24, 32 or 64 bits) or a string (6-, 12-
// or 32-bit length); backlen is the length of encoding + data, 1 to 5 bytes
// of 7 bits read from the end, so the list walks both ways. A string that is
// a canonical int64 ("12", not "012" or "+12") is stored as the integer, as
// Redis does, and reads back as the same bytes.
//
// Positions are byte offsets from the start (not pointers), so they survive
// the reallocation every write may do; a write returns the new listpack and
// invalidates offsets after the written place. Knows nothing of hashes or
// keys; the types above decide what a pair or an order means.
//
// Untrusted listpacks (RESTORE, RDB) must pass Validate first: every other
// function assumes a well-formed one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace respd::store::listpack {

inline constexpr size_t kHeaderSize = 6;
inline constexpr uint8_t kEof = 0xFF;
// Redis's LISTPACK_MAX_SAFETY_SIZE: no listpack grows past 1 GiB; the types
// convert to their general encoding before that.
inline constexpr size_t kMaxSafeBytes = size_t{1} << 30;
// A decimal int64 and its sign.
inline constexpr size_t kIntBufferSize = 21;

// A new, empty listpack.
uint8_t* New();
void Free(uint8_t* lp);
uint8_t* Copy(const uint8_t* lp);

size_t Bytes(const uint8_t* lp);
// Elements held (walks the list when the header's count saturated).
size_t Length(const uint8_t* lp);
// Bytes of its allocation, as the allocator reports it.
size_t AllocationSize(const uint8_t* lp);
// Whether adding `add` bytes keeps it under kMaxSafeBytes (lpSafeToAdd).
inline bool SafeToAdd(const uint8_t* lp, size_t add) {
  return (lp != nullptr ? Bytes(lp) : 0) + add <= kMaxSafeBytes;
}

// Offsets. First/Last give 0 when the list is empty; Next gives 0 past the
// last element, Prev before the first (0 is never an element: the header).
size_t First(const uint8_t* lp);
size_t Last(const uint8_t* lp);
size_t Next(const uint8_t* lp, size_t at);
size_t Prev(const uint8_t* lp, size_t at);
// The element at `index` (negative: from the end), or 0 if out of range.
size_t Seek(const uint8_t* lp, int64_t index);
// Where an insertion at the end goes (the EOF byte).
inline size_t EndOffset(const uint8_t* lp) { return Bytes(lp) - 1; }

// The element at `at` as bytes; integers are formatted into `buf`.
std::string_view Get(const uint8_t* lp, size_t at, char (&buf)[kIntBufferSize]);
// The element at `at` as an integer: true if it is stored as one.
bool GetInt(const uint8_t* lp, size_t at, int64_t* value);

// A needle for Find, parsed once: an integer-looking needle is compared
// with integer entries, any other with string entries (the encoding is
// canonical, so the two never match each other).
class Needle {
 public:
  explicit Needle(std::string_view s);
  bool Matches(const uint8_t* lp, size_t at) const;

 private:
  std::string_view bytes_;
  int64_t number_ = 0;
  bool is_int_;
};
// The first element at or after `at` equal to `needle`, looking at every
// (skip + 1)-th element (skip 1: the fields of a field/value list); 0 if
// none.
size_t Find(const uint8_t* lp, size_t at, const Needle& needle, size_t skip);

// Inserts `elements` before the element at `at` (EndOffset to append).
// Returns the new listpack; `lp` is invalid afterwards.
uint8_t* Insert(uint8_t* lp, size_t at, std::span<const std::string_view> elements);
inline uint8_t* Append(uint8_t* lp, std::span<const std::string_view> elements) {
  return Insert(lp, EndOffset(lp), elements);
}
// Replaces the element at `at` by `element`.
uint8_t* Replace(uint8_t* lp, size_t at, std::string_view element);
// Deletes `count` elements from `at` on (fewer if the list ends first).
uint8_t* Delete(uint8_t* lp, size_t at, size_t count);

// Whether `bytes` is a well-formed listpack: header total matching the
// size, every entry inside it with a backlen that agrees, EOF last, and the
// header count (when not saturated) right. When `expected_count` is not
// SIZE_MAX the count must be it too.
bool Validate(std::string_view bytes, size_t expected_count = SIZE_MAX);

}  // namespace respd::store::listpack
