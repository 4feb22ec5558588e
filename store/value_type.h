// The types of Redis values and their encodings, as a key entry records them
// (3 bits each in KeyEntry's flags). What each type and encoding means, and
// everything done with a value, is in store/value.h and store/types/.
#pragma once

#include <cstdint>

namespace respd::store {

// Numbered as Redis's OBJ_* constants (5 is Redis's module type), so the
// RDB writer can use them as they are.
enum class ValueType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 6,
};
inline constexpr int kValueTypeSlots = 8;  // What 3 bits can name.

// Encodings are numbered per type. A string's says where its bytes live and
// how they were written: Redis reports a string's encoding (int, embstr,
// raw) from both, so the entry remembers it.
enum StringEncoding : uint8_t {
  kStringWhole = 0,  // Inline, written whole (SET, MSET, ...): "int" if it parses as one.
  kStringBuilt = 1,  // Inline, built as a string (INCRBYFLOAT's result): never "int".
  kStringRaw = 2,    // Inline, changed in place (APPEND, SETRANGE): "raw" whatever its size.
  kStringHeap = 3,   // On the heap (a ByteBuffer), for big values: always "raw".
};

// A list is a quicklist, always (Redis 7.0 has no other list encoding).
enum ListEncoding : uint8_t {
  kListQuicklist = 0,
};

// A sorted set is a listpack of member, score pairs in score order until it
// outgrows zset-max-listpack-*, then a SkipList (with its member index).
enum ZSetEncoding : uint8_t {
  kZSetListpack = 0,
  kZSetSkipList = 1,
};

// A hash is a listpack of field, value, field, value… in insertion order
// until it outgrows hash-max-listpack-*, then a StringMap, for good.
enum HashEncoding : uint8_t {
  kHashListpack = 0,
  kHashTable = 1,
};

// A set is an intset (sorted integers) until a member is not an integer or
// it outgrows set-max-intset-entries, then a StringMap with empty values.
enum SetEncoding : uint8_t {
  kSetIntset = 0,
  kSetTable = 1,
};

// A stream is always a radix tree of listpacks in Redis ("stream"); here an
// ordered map of listpack nodes (store/types/stream.h).
enum StreamEncoding : uint8_t {
  kStreamListpacks = 0,
};

}  // namespace respd::store
