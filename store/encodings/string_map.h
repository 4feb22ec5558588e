// StringMap: binary-safe field → value pairs on the store's Dict — the
// general encoding of hashes ("hashtable"), and of sets as a map whose values
// are empty.
//
// One allocation per pair: the dict link, the two lengths (one byte each
// while both are under 255, else a marker and two 32-bit lengths), the field
// bytes, then the value bytes. Redis spends a dictEntry, two sds headers and
// their allocations on the same pair. The Dict brings incremental rehashing
// (a 10M-field hash grows without a stall), SCAN's guarantee across resizes,
// and random sampling (HRANDFIELD, SRANDMEMBER, SPOP).
//
// Views it returns are valid until the map next changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

#include "base/siphash.h"
#include "store/dict.h"

namespace respd::store {

class StringMapEntry {
 public:
  static StringMapEntry* Create(std::string_view field, std::string_view value);
  static void Destroy(StringMapEntry* e);
  // `e` with its value replaced (in place when the length is unchanged);
  // keeps the next link. `e` is invalid afterwards.
  static StringMapEntry* SetValue(StringMapEntry* e, std::string_view value);

  std::string_view field() const {
    const Lengths l = GetLengths();
    return {Bytes() + l.header, l.field};
  }
  std::string_view value() const {
    const Lengths l = GetLengths();
    return {Bytes() + l.header + l.field, l.value};
  }
  StringMapEntry*& next() { return next_; }
  // Bytes it asked the allocator for (the size class may round it up).
  size_t RequestedBytes() const {
    const Lengths l = GetLengths();
    return sizeof(StringMapEntry) + l.header + l.field + l.value;
  }

 private:
  static constexpr uint8_t kWide = 0xFF;
  struct Lengths {
    size_t header;  // Bytes of the length fields.
    size_t field;
    size_t value;
  };
  StringMapEntry() = delete;
  const char* Bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* Bytes() { return reinterpret_cast<char*>(this + 1); }
  Lengths GetLengths() const {
    const auto* p = reinterpret_cast<const uint8_t*>(Bytes());
    if (p[0] != kWide) return {2, p[0], p[1]};
    uint32_t f, v;
    std::memcpy(&f, p + 1, 4);
    std::memcpy(&v, p + 5, 4);
    return {9, f, v};
  }
  static StringMapEntry* Allocate(std::string_view field, std::string_view value);

  StringMapEntry* next_;
};

struct StringMapTraits {
  using Entry = StringMapEntry;
  static std::string_view Key(const StringMapEntry* e) { return e->field(); }
  static StringMapEntry*& Next(StringMapEntry* e) { return e->next(); }
};

class StringMap {
 public:
  explicit StringMap(const base::HashSeed& seed) : dict_(seed), seed_(&seed) {}
  ~StringMap();
  StringMap(const StringMap&) = delete;
  StringMap& operator=(const StringMap&) = delete;

  // A deep copy, hashing with the same seed.
  StringMap* Copy();

  size_t size() const { return dict_.size(); }
  bool empty() const { return dict_.empty(); }

  // The entry for `field`, or nullptr.
  const StringMapEntry* Find(std::string_view field) { return dict_.Find(field); }
  // Sets `field` to `value`; true if the field is new.
  bool Set(std::string_view field, std::string_view value);
  // Adds `field` with `value` if absent; true if it did.
  bool Add(std::string_view field, std::string_view value);
  // Removes `field`; true if it was there.
  bool Delete(std::string_view field);
  // Sizes the table for `n` entries up front (bulk builds).
  void Reserve(size_t n) { dict_.Resize(n); }

  // fn(const StringMapEntry&) for every pair; fn must not change the map.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    dict_.ForEach([&fn](StringMapEntry* e) { fn(static_cast<const StringMapEntry&>(*e)); });
  }
  // One SCAN step (Dict::Scan's guarantee); 0 when complete.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    return dict_.Scan(cursor,
                      [&fn](StringMapEntry* e) { fn(static_cast<const StringMapEntry&>(*e)); });
  }
  // A random pair (nullptr when empty), close to uniform.
  const StringMapEntry* Random() { return dict_.RandomEntry(); }
  // fn for `count` distinct random pairs (count < size()), as Redis picks
  // them: for most of the map a partial shuffle of all of it, for a few
  // random draws until that many are distinct.
  void RandomDistinct(size_t count, const std::function<void(const StringMapEntry&)>& fn);

  // Bytes held: the table and every pair's allocation as requested (kept
  // as a running sum, so MEMORY USAGE of a 10M-field hash is O(1)).
  size_t MemoryUsage() const { return sizeof(StringMap) + dict_.MemoryUsage() + entry_bytes_; }

  // For the lazy reclaimer: frees up to *budget pairs (lowering it), true
  // once the map is empty; the map itself is then destroyed by the caller.
  bool FreeSome(size_t* budget);

 private:
  Dict<StringMapTraits> dict_;
  const base::HashSeed* seed_;
  size_t entry_bytes_ = 0;  // Sum of the pairs' RequestedBytes.
  DetachedTable<StringMapTraits> freeing_;
};

}  // namespace respd::store
