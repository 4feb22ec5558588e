// Intset: Redis's sorted array of distinct integers, byte for byte in its
// format (so the RDB writer stores one as it is):
//
//   uint32 encoding (2, 4 or 8: bytes per element) | uint32 length |
//   elements, ascending, little-endian
//
// The encoding is the narrowest that holds every element; adding a wider
// one upgrades the whole array (never downgraded, as Redis). Lookups are a
// binary search. A write returns the new intset (it may reallocate).
// Untrusted intsets (RESTORE, RDB) must pass Validate first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace respd::store::intset {

uint8_t* New();
void Free(uint8_t* is);
uint8_t* Copy(const uint8_t* is);

size_t Length(const uint8_t* is);
size_t Bytes(const uint8_t* is);
// Bytes of its allocation, as the allocator reports it.
size_t AllocationSize(const uint8_t* is);

int64_t Get(const uint8_t* is, size_t index);
bool Contains(const uint8_t* is, int64_t value);
// Inserts `value` in order; *added says whether it was absent.
uint8_t* Add(uint8_t* is, int64_t value, bool* added);
// Removes `value`; *removed says whether it was there.
uint8_t* Remove(uint8_t* is, int64_t value, bool* removed);
// The smallest / largest element of a non-empty intset.
inline int64_t Min(const uint8_t* is) { return Get(is, 0); }
inline int64_t Max(const uint8_t* is) { return Get(is, Length(is) - 1); }

// Whether `bytes` is a well-formed intset: a known encoding, the length
// matching the size, elements strictly ascending. When `deep` is false only
// the header and size are checked.
bool Validate(std::string_view bytes, bool deep = true);

}  // namespace respd::store::intset
