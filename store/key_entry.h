// KeyEntry: one key of the keyspace in one allocation — the dict link, the
// flags, the expiry (only when set), the key bytes and the value.
//
// Memory per key is a headline figure, so the layout is packed by hand:
//
//   offset 0   KeyEntry* next        the dict chain (see Dict)
//   offset 8   uint8_t   flags       type, has-expire, wide lengths, encoding hint
//   offset 9   uint8_t   lru[3]      24-bit access clock (seconds), as Redis's
//                                    robj lru: OBJECT IDLETIME, LRU eviction
//   offset 12  int64_t   expire_at   unix ms; present only with kHasExpire
//   then       lengths               1+1 bytes when key and value are < 256
//                                    bytes, else 8+8 ("wide")
//   then       key bytes, then the value bytes (strings are stored inline)
//
// A 16-byte key with a 16-byte value takes 12 + 2 + 32 = 46 bytes: one
// allocation (a 48-byte size class), against Redis's dictEntry + key sds +
// robj + value.
// Unaligned fields are read with memcpy. An allocation is never smaller than
// sizeof(KeyEntry), so the sanitizers' object-size checks hold.
//
// An entry moves when its size changes (Realloc); whoever holds a pointer to
// it (the keyspace dict and the expires index) is updated by the Database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace respd::store {

enum class ValueType : uint8_t {
  kString = 0,
};

class KeyEntry {
 public:
  static constexpr int64_t kNoExpire = -1;

  // A new string entry. expire_at is unix ms or kNoExpire.
  static KeyEntry* CreateString(std::string_view key, std::string_view value, int64_t expire_at);
  static void Destroy(KeyEntry* e);

  // Returns an entry equal to `e` but with a value of `new_len` bytes whose
  // first min(old, new) bytes are the old value's; the rest is uninitialised
  // for the caller to fill. Keeps room to grow (like sds) when `greedy`, so a
  // run of APPENDs costs amortised O(1) per byte. `e` is invalid afterwards:
  // the result may live elsewhere, and carries `e`'s next link.
  static KeyEntry* ResizeValue(KeyEntry* e, size_t new_len, bool greedy);
  // Returns `e` with expire_at set (kNoExpire removes it). May move, as above.
  static KeyEntry* SetExpire(KeyEntry* e, int64_t expire_at);

  // Copies `e` under another key (RENAME, COPY): same value, deadline,
  // encoding hint and access clock; no next link.
  static KeyEntry* CloneWithKey(const KeyEntry* e, std::string_view key);

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
  std::string_view string_value() const {
    const Layout l = GetLayout();
    return {Payload() + l.key_offset + l.key_len, l.value_len};
  }
  // Writable value bytes (after ResizeValue, to fill them).
  char* mutable_value() {
    const Layout l = GetLayout();
    return Payload() + l.key_offset + l.key_len;
  }

  // Redis reports a string's encoding from how it was written, not only
  // from its bytes; these two bits remember how.
  enum class StringForm : uint8_t {
    kWhole = 0,  // Written whole (SET, MSET, ...): an int if it parses as one.
    kBuilt = 1,  // Built as a string (INCRBYFLOAT's result): never an int.
    kRaw = 2,    // Changed in place (APPEND, SETRANGE): raw, whatever its size.
  };
  StringForm string_form() const {
    return static_cast<StringForm>((flags_ & kStringFormMask) >> kStringFormShift);
  }
  void set_string_form(StringForm form) {
    flags_ = static_cast<uint8_t>((flags_ & ~kStringFormMask) |
                                  (static_cast<uint8_t>(form) << kStringFormShift));
  }

  // Bytes this entry occupies on the heap (as the allocator reports it).
  size_t MemoryUsage() const;

 private:
  static constexpr uint8_t kTypeMask = 0x0F;
  static constexpr uint8_t kHasExpire = 0x10;
  static constexpr uint8_t kWideLengths = 0x20;
  static constexpr int kStringFormShift = 6;
  static constexpr uint8_t kStringFormMask = 0xC0;
  // What a copy keeps of the original's flags (the layout bits are its own).
  static constexpr uint8_t kCopiedFlags = kTypeMask | kStringFormMask;
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

  static size_t AllocationSize(bool has_expire, bool wide, size_t key_len, size_t value_len);
  static bool NeedsWide(size_t key_len, size_t value_len) {
    return key_len > 255 || value_len > 255;
  }
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
