// KeyEntry: one key of the keyspace in one allocation — the dict link, the
// flags, the expiry (only when set), the key bytes and the value.
//
// Memory per key is a headline figure, so the layout is packed by hand:
//
//   offset 0   KeyEntry* next        the dict chain (see Dict)
//   offset 8   uint8_t   flags       type (3 bits), encoding (3 bits),
//                                    has-expire, wide lengths
//   offset 9   uint8_t   lru[3]      24-bit access clock (seconds), as Redis's
//                                    robj lru: OBJECT IDLETIME, LRU eviction
//   offset 12  int64_t   expire_at   unix ms; present only with kHasExpire
//   then       lengths               1+1 bytes when key and value are < 256
//                                    bytes, else 8+8 ("wide")
//   then       key bytes, then the value: its bytes inline (small strings)
//              or an 8-byte pointer to its encoding's object (aggregates,
//              big strings), padded to an 8-byte boundary so that it is an
//              ordinary aligned pointer (leak checkers and debuggers find
//              the object through it)
//
// A 16-byte key with a 16-byte value takes 12 + 2 + 32 = 46 bytes: one
// allocation (a 48-byte size class), against Redis's dictEntry + key sds +
// robj + value. An aggregate's entry never changes size when the aggregate
// does: writes go to the object, and RENAME/MOVE move the pointer.
//
// The entry knows layouts, not types: which types and encodings hold an
// object is value_type.h's rule (HoldsObject), and what an object is, how it
// is freed or copied, is store/value.h's. Destroying an entry that holds an
// object goes through value.h (DestroyEntry).
//
// Unaligned fields are read with memcpy. An allocation is never smaller than
// sizeof(KeyEntry), so the sanitizers' object-size checks hold. An entry moves
// when its size changes (ResizeInline, SetExpire); whoever holds a pointer to
// it (the keyspace dict and the expires index) is updated by the Database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "store/value_type.h"

namespace respd::store {

class KeyEntry {
 public:
  static constexpr int64_t kNoExpire = -1;

  // Whether entries of this type and encoding hold a pointer to an object
  // (every aggregate, and strings kept on the heap) rather than inline bytes.
  static constexpr bool HoldsObject(ValueType type, uint8_t encoding) {
    return type != ValueType::kString || encoding == kStringHeap;
  }

  // A new entry with `bytes` inline (a string of an inline encoding).
  // expire_at is unix ms or kNoExpire.
  static KeyEntry* CreateInline(std::string_view key, std::string_view bytes, int64_t expire_at,
                                ValueType type, uint8_t encoding);
  // A new entry pointing at `object` (HoldsObject(type, encoding) must be
  // true). The entry does not own the object: value.h frees it.
  static KeyEntry* CreateWithObject(std::string_view key, void* object, int64_t expire_at,
                                    ValueType type, uint8_t encoding);
  // Frees the entry's own allocation, and nothing it points at.
  static void Free(KeyEntry* e);

  // Returns an entry equal to inline `e` but with a value of `new_len` bytes
  // whose first min(old, new) bytes are the old value's; the rest is
  // uninitialised for the caller to fill. Keeps room to grow (like sds) when
  // `greedy`, so a run of APPENDs costs amortised O(1) per byte. `e` is
  // invalid afterwards: the result may live elsewhere, and carries `e`'s next
  // link.
  static KeyEntry* ResizeInline(KeyEntry* e, size_t new_len, bool greedy);
  // Returns `e` with expire_at set (kNoExpire removes it). May move, as above
  // (only when a deadline comes or goes: changing one is in place).
  static KeyEntry* SetExpire(KeyEntry* e, int64_t expire_at) {
    const bool want = expire_at != kNoExpire;
    if (want != e->has_expire()) return ChangeExpireLayout(e, expire_at);
    if (want) std::memcpy(e->Payload(), &expire_at, sizeof(expire_at));
    return e;
  }

  // The same value under another key (RENAME): inline bytes are copied
  // (strings are inline only while small, so this is bounded), an object
  // pointer is taken over — the object itself is never copied. Keeps the
  // deadline, type, encoding and access clock; frees `e`; no next link.
  static KeyEntry* Rekey(KeyEntry* e, std::string_view key);

  KeyEntry*& next() { return next_; }

  // The access clock: seconds, modulo 2^24 (kLruClockMax + 1).
  static constexpr uint32_t kLruClockMax = (1u << 24) - 1;
  uint32_t lru() const { return lru_[0] | (lru_[1] << 8) | (static_cast<uint32_t>(lru_[2]) << 16); }
  void set_lru(uint32_t clock) {
    lru_[0] = static_cast<uint8_t>(clock);
    lru_[1] = static_cast<uint8_t>(clock >> 8);
    lru_[2] = static_cast<uint8_t>(clock >> 16);
  }

  ValueType type() const { return static_cast<ValueType>(flags_ & kTypeMask); }
  uint8_t encoding() const { return (flags_ & kEncodingMask) >> kEncodingShift; }
  // Changes the encoding within the same layout (an inline string form, or
  // one aggregate encoding for another after the object was swapped).
  void set_encoding(uint8_t encoding) {
    flags_ = static_cast<uint8_t>((flags_ & ~kEncodingMask) |
                                  ((encoding << kEncodingShift) & kEncodingMask));
  }
  bool holds_object() const { return HoldsObject(type(), encoding()); }

  bool has_expire() const { return flags_ & kHasExpire; }
  int64_t expire_at() const {
    if (!has_expire()) return kNoExpire;
    int64_t at;
    std::memcpy(&at, Payload(), sizeof(at));
    return at;
  }

  std::string_view key() const {
    const Layout l = GetLayout();
    return {Payload() + l.key_offset, l.key_len};
  }
  // An inline value's bytes.
  std::string_view inline_value() const {
    const Layout l = GetLayout();
    return {Payload() + l.key_offset + l.key_len, l.value_len};
  }
  // Writable inline value bytes (after ResizeInline, to fill them).
  char* mutable_inline_value() {
    const Layout l = GetLayout();
    return Payload() + l.key_offset + l.key_len;
  }
  // The object of an entry that holds one.
  void* object() const {
    void* p;
    std::memcpy(&p, ValueBytes(), sizeof(p));
    return p;
  }
  void set_object(void* p) { std::memcpy(const_cast<char*>(ValueBytes()), &p, sizeof(p)); }

  // Bytes this entry's own allocation occupies (as the allocator reports
  // it); what an object holds is value.h's MemoryUsage.
  size_t AllocationSize() const;

 private:
  static constexpr uint8_t kTypeMask = 0x07;
  static constexpr int kEncodingShift = 3;
  static constexpr uint8_t kEncodingMask = 0x38;
  static constexpr uint8_t kHasExpire = 0x40;
  static constexpr uint8_t kWideLengths = 0x80;
  // What a copy keeps of the original's flags (the layout bits are its own).
  static constexpr uint8_t kValueFlags = kTypeMask | kEncodingMask;
  static constexpr size_t kHeaderSize = sizeof(KeyEntry*) + 4;  // next + flags + lru

  struct Layout {
    size_t key_offset;  // From Payload().
    size_t key_len;
    size_t value_len;
  };

  KeyEntry() = delete;

  // Everything after the flags byte.
  char* Payload() { return reinterpret_cast<char*>(this) + kHeaderSize; }
  const char* Payload() const { return reinterpret_cast<const char*>(this) + kHeaderSize; }
  const char* ValueBytes() const {
    const Layout l = GetLayout();
    const size_t at = kHeaderSize + l.key_offset + l.key_len;  // From the entry's start.
    return reinterpret_cast<const char*>(this) + at + (holds_object() ? PaddingBefore(at) : 0);
  }
  // Bytes that bring offset `at` (from the entry's start, which malloc
  // aligns) to a multiple of 8.
  static constexpr size_t PaddingBefore(size_t at) { return (8 - at % 8) % 8; }

  Layout GetLayout() const {
    const char* p = Payload() + (has_expire() ? sizeof(int64_t) : 0);
    if (!(flags_ & kWideLengths)) {
      return {static_cast<size_t>(p - Payload()) + 2, static_cast<uint8_t>(p[0]),
              static_cast<uint8_t>(p[1])};
    }
    uint64_t k, v;
    std::memcpy(&k, p, 8);
    std::memcpy(&v, p + 8, 8);
    return {static_cast<size_t>(p - Payload()) + 16, k, v};
  }

  static size_t AllocationSize(bool has_expire, bool wide, size_t key_len, size_t value_len,
                               bool holds_object);
  // SetExpire when the deadline slot must be added or removed.
  static KeyEntry* ChangeExpireLayout(KeyEntry* e, int64_t expire_at);
  static bool NeedsWide(size_t key_len, size_t value_len) {
    return key_len > 255 || value_len > 255;
  }
  // Allocates an entry for a value of `value_len` bytes and writes its
  // header; returns it, with *value pointing where the value bytes go.
  static KeyEntry* Allocate(std::string_view key, size_t value_len, int64_t expire_at,
                            uint8_t value_flags, char** value);
  // Writes flags, expiry and lengths; returns where the key bytes go.
  static char* WriteHeader(KeyEntry* e, uint8_t flags, int64_t expire_at, size_t key_len,
                           size_t value_len);

  KeyEntry* next_;
  uint8_t flags_;
  uint8_t lru_[3];
};

struct KeyEntryTraits {
  using Entry = KeyEntry;
  static std::string_view Key(const KeyEntry* e) { return e->key(); }
  static KeyEntry*& Next(KeyEntry* e) { return e->next(); }
};

}  // namespace respd::store
