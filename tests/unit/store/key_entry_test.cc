// KeyEntry: the packed one-allocation layout (small and wide lengths, with and
// without a deadline) keeps key, value, deadline, flags and the dict link
// exact through every resize and expiry change.
#include "store/key_entry.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace respd::store {
namespace {

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::string Pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + static_cast<char>(i * 31 % 251));
  return s;
}

// A string entry, written whole.
KeyEntry* Str(std::string_view key, std::string_view value, int64_t expire_at) {
  return KeyEntry::CreateInline(key, value, expire_at, ValueType::kString, kStringWhole);
}

// Owns an entry for the length of a test.
struct EntryHolder {
  KeyEntry* e;
  explicit EntryHolder(KeyEntry* entry) : e(entry) {}
  ~EntryHolder() { KeyEntry::Free(e); }
  EntryHolder(const EntryHolder&) = delete;
  EntryHolder& operator=(const EntryHolder&) = delete;
};

void ExpectEntry(const KeyEntry* e, std::string_view key, std::string_view value, int64_t expire) {
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->key().size(), key.size());
  EXPECT_EQ(e->inline_value(), value);
  EXPECT_EQ(e->inline_value().size(), value.size());
  EXPECT_EQ(e->has_expire(), expire != KeyEntry::kNoExpire);
  EXPECT_EQ(e->expire_at(), expire);
}

TEST(KeyEntry, CreateSmallWithoutExpiry) {
  EntryHolder h(Str("foo", "bar", KeyEntry::kNoExpire));
  ExpectEntry(h.e, "foo", "bar", KeyEntry::kNoExpire);
  EXPECT_EQ(h.e->next(), nullptr);
  EXPECT_EQ(h.e->encoding(), kStringWhole);
  // Header 9 bytes + 2 length bytes + 6 bytes of data, rounded by malloc.
  EXPECT_GE(h.e->AllocationSize(), 17u);
  EXPECT_LE(h.e->AllocationSize(), 32u);
}

TEST(KeyEntry, CreateSmallWithExpiry) {
  const int64_t at = 1'700'000'000'123;
  EntryHolder h(Str("key", "value", at));
  ExpectEntry(h.e, "key", "value", at);
  EXPECT_EQ(h.e->next(), nullptr);
}

TEST(KeyEntry, ExpiryKeepsEdgeValues) {
  for (int64_t at : {int64_t{0}, int64_t{1}, std::numeric_limits<int64_t>::max()}) {
    EntryHolder h(Str("k", "v", at));
    ExpectEntry(h.e, "k", "v", at);
  }
}

TEST(KeyEntry, EmptyKeyAndValue) {
  {
    EntryHolder h(Str("", "", KeyEntry::kNoExpire));
    ExpectEntry(h.e, "", "", KeyEntry::kNoExpire);
    // Never smaller than the struct, so sanitizers' object-size checks hold.
    EXPECT_GE(h.e->AllocationSize(), sizeof(KeyEntry));
  }
  {
    EntryHolder h(Str("", "v", 5));
    ExpectEntry(h.e, "", "v", 5);
  }
  {
    EntryHolder h(Str("k", "", 5));
    ExpectEntry(h.e, "k", "", 5);
  }
  {
    // Default-constructed views: a null data pointer with size 0.
    EntryHolder h(Str(std::string_view(), std::string_view(), 7));
    ExpectEntry(h.e, "", "", 7);
  }
}

TEST(KeyEntry, BinaryBytesSurvive) {
  const std::string bytes = AllBytes();
  const std::string key = bytes.substr(0, 200);
  const std::string value = std::string("\0\r\n\xff", 4) + bytes.substr(100, 100);
  EntryHolder h(Str(key, value, KeyEntry::kNoExpire));
  ExpectEntry(h.e, key, value, KeyEntry::kNoExpire);
}

TEST(KeyEntry, SmallAndWideLayoutsAtTheBoundary) {
  // 255 is the largest length a small layout holds; 256 needs the wide one.
  for (size_t klen : {size_t{0}, size_t{1}, size_t{254}, size_t{255}, size_t{256}, size_t{1000}}) {
    for (size_t vlen :
         {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{70000}, size_t{1} << 20}) {
      for (int64_t at : {KeyEntry::kNoExpire, int64_t{123456789}}) {
        const std::string key = Pattern(klen, 'k');
        const std::string value = Pattern(vlen, 'v');
        EntryHolder h(Str(key, value, at));
        SCOPED_TRACE(std::to_string(klen) + "/" + std::to_string(vlen) + "/" + std::to_string(at));
        ExpectEntry(h.e, key, value, at);
      }
    }
  }
}

TEST(KeyEntry, WideLayoutCostsMoreThanSmall) {
  // The wide lengths are 16 bytes instead of 2: the small layout is used
  // whenever both lengths fit. (Allocator size classes may hide the
  // difference, hence >=; with glibc it shows as 16 more bytes.)
  EntryHolder small(Str(std::string(100, 'k'), std::string(255, 'v'), -1));
  EntryHolder wide(Str(std::string(100, 'k'), std::string(256, 'v'), -1));
  EXPECT_GE(wide.e->AllocationSize(), small.e->AllocationSize());
  EntryHolder tiny(Str("k", "v", -1));
  EXPECT_LE(tiny.e->AllocationSize(), 32u);  // 12 + 2 + 2 bytes: the smallest classes.
}

TEST(KeyEntry, EncodingBitsAreIndependent) {
  EntryHolder h(Str("k", "v", 10));
  EXPECT_EQ(h.e->encoding(), kStringWhole);
  for (uint8_t form : {kStringRaw, kStringBuilt, kStringWhole}) {
    h.e->set_encoding(form);
    EXPECT_EQ(h.e->encoding(), form);
    EXPECT_EQ(h.e->type(), ValueType::kString);
    ExpectEntry(h.e, "k", "v", 10);
  }
}

TEST(KeyEntry, RekeyKeepsValueDeadlineEncodingAndClock) {
  for (size_t klen : {size_t{1}, size_t{300}}) {
    KeyEntry* e = Str("k", "3", 99);
    e->set_encoding(kStringBuilt);
    e->set_lru(12345);
    EntryHolder moved(KeyEntry::Rekey(e, Pattern(klen, 'n')));
    EXPECT_EQ(moved.e->encoding(), kStringBuilt);
    EXPECT_EQ(moved.e->lru(), 12345u);
    EXPECT_EQ(moved.e->next(), nullptr);
    ExpectEntry(moved.e, Pattern(klen, 'n'), "3", 99);
  }
}

TEST(KeyEntry, ObjectLayoutHoldsAPointerWhateverTheKey) {
  int object = 7;
  for (size_t klen : {size_t{0}, size_t{5}, size_t{255}, size_t{256}, size_t{1000}}) {
    for (int64_t at : {KeyEntry::kNoExpire, int64_t{42}}) {
      const std::string key = Pattern(klen, 'o');
      KeyEntry* e = KeyEntry::CreateWithObject(key, &object, at, ValueType::kHash, 1);
      EXPECT_TRUE(e->holds_object());
      EXPECT_EQ(e->type(), ValueType::kHash);
      EXPECT_EQ(e->encoding(), 1);
      EXPECT_EQ(e->key(), key);
      EXPECT_EQ(e->expire_at(), at);
      EXPECT_EQ(e->object(), &object);
      // Stored aligned, as a plain pointer that leak checkers can follow.
      bool found_aligned = false;
      for (size_t off = 0; off + sizeof(void*) <= e->AllocationSize(); off += sizeof(void*)) {
        void* word;
        std::memcpy(&word, reinterpret_cast<const char*>(e) + off, sizeof(word));
        found_aligned |= word == &object;
      }
      EXPECT_TRUE(found_aligned);
      // The deadline can come and go without touching the pointer.
      e = KeyEntry::SetExpire(e, 5000);
      EXPECT_EQ(e->object(), &object);
      e = KeyEntry::SetExpire(e, KeyEntry::kNoExpire);
      EXPECT_EQ(e->object(), &object);
      int other = 8;
      e->set_object(&other);
      EXPECT_EQ(e->object(), &other);
      // Another encoding of the same type keeps the layout.
      e->set_encoding(0);
      EXPECT_TRUE(e->holds_object());
      e->set_object(&object);
      KeyEntry* moved = KeyEntry::Rekey(e, "renamed");
      EXPECT_EQ(moved->object(), &object);
      EXPECT_EQ(moved->type(), ValueType::kHash);
      KeyEntry::Free(moved);  // The object is not the entry's to free.
    }
  }
}

TEST(KeyEntry, WhichLayoutsHoldObjects) {
  EXPECT_FALSE(KeyEntry::HoldsObject(ValueType::kString, kStringWhole));
  EXPECT_FALSE(KeyEntry::HoldsObject(ValueType::kString, kStringBuilt));
  EXPECT_FALSE(KeyEntry::HoldsObject(ValueType::kString, kStringRaw));
  EXPECT_TRUE(KeyEntry::HoldsObject(ValueType::kString, kStringHeap));
  for (ValueType t : {ValueType::kList, ValueType::kSet, ValueType::kZSet, ValueType::kHash,
                      ValueType::kStream}) {
    EXPECT_TRUE(KeyEntry::HoldsObject(t, 0));
  }
}

TEST(KeyEntry, TraitsExposeKeyAndLink) {
  EntryHolder a(Str("a", "1", -1));
  EntryHolder b(Str("b", "2", -1));
  EXPECT_EQ(KeyEntryTraits::Key(a.e), "a");
  KeyEntryTraits::Next(a.e) = b.e;
  EXPECT_EQ(a.e->next(), b.e);
  a.e->next() = nullptr;
}

// Resizes h.e to new_len, fills the new tail with `fill`, and checks that key,
// prefix, deadline, string form and link all survived.
void ResizeAndCheck(EntryHolder& h, size_t new_len, bool greedy, char fill) {
  const std::string key(h.e->key());
  const std::string old_value(h.e->inline_value());
  const int64_t at = h.e->expire_at();
  const uint8_t form = h.e->encoding();
  KeyEntry* link = h.e->next();
  h.e = KeyEntry::ResizeInline(h.e, new_len, greedy);
  const size_t keep = std::min(old_value.size(), new_len);
  ASSERT_EQ(h.e->inline_value().size(), new_len);
  ASSERT_EQ(h.e->key(), key);
  ASSERT_EQ(h.e->inline_value().substr(0, keep), std::string_view(old_value).substr(0, keep));
  ASSERT_EQ(h.e->expire_at(), at);
  ASSERT_EQ(h.e->encoding(), form);
  ASSERT_EQ(h.e->next(), link);
  ASSERT_EQ(h.e->type(), ValueType::kString);
  if (new_len > keep) std::memset(h.e->mutable_inline_value() + keep, fill, new_len - keep);
}

TEST(KeyEntry, ResizeValueAcrossTheSmallWideBoundary) {
  // A dummy next link, never dereferenced: only its value must survive.
  auto* fake_link = reinterpret_cast<KeyEntry*>(uintptr_t{0x1000});
  for (int64_t at : {KeyEntry::kNoExpire, int64_t{987654321}}) {
    for (size_t klen : {size_t{0}, size_t{3}, size_t{255}, size_t{256}}) {
      for (bool greedy : {false, true}) {
        SCOPED_TRACE("at=" + std::to_string(at) + " klen=" + std::to_string(klen) +
                     " greedy=" + std::to_string(greedy));
        EntryHolder h(Str(Pattern(klen, 'K'), "abc", at));
        h.e->next() = fake_link;
        h.e->set_encoding(kStringRaw);
        // Grow: small -> wide (unless the key already made it wide).
        for (size_t len :
             {size_t{10}, size_t{255}, size_t{256}, size_t{300}, size_t{5000}, size_t{256},
              size_t{255}, size_t{100}, size_t{0}, size_t{1}, size_t{100000}, size_t{2}}) {
          ResizeAndCheck(h, len, greedy, static_cast<char>('a' + len % 26));
          if (HasFatalFailure()) return;
        }
        h.e->next() = nullptr;
      }
    }
  }
}

TEST(KeyEntry, ResizeValueKeepsTheWrittenBytesExactly) {
  // Build a value by appends, against a shadow string.
  EntryHolder h(Str("append:key", "", 42));
  std::string shadow;
  for (int i = 0; i < 600; ++i) {
    const std::string piece = Pattern(static_cast<size_t>(i % 7), static_cast<char>(i));
    const size_t old = shadow.size();
    h.e = KeyEntry::ResizeInline(h.e, old + piece.size(), /*greedy=*/true);
    if (!piece.empty()) std::memcpy(h.e->mutable_inline_value() + old, piece.data(), piece.size());
    shadow += piece;
    ASSERT_EQ(h.e->inline_value(), shadow) << i;
    ASSERT_EQ(h.e->key(), "append:key");
    ASSERT_EQ(h.e->expire_at(), 42);
  }
  // And shrink it back in steps.
  while (!shadow.empty()) {
    const size_t len = shadow.size() / 2;
    h.e = KeyEntry::ResizeInline(h.e, len, /*greedy=*/false);
    shadow.resize(len);
    ASSERT_EQ(h.e->inline_value(), shadow);
    ASSERT_EQ(h.e->key(), "append:key");
    ASSERT_EQ(h.e->expire_at(), 42);
  }
}

// Appends one byte `n` times and counts how often the allocation changed.
int CountReallocsOverAppends(bool greedy, int n) {
  EntryHolder h(Str("k", "", KeyEntry::kNoExpire));
  int changes = 0;
  size_t usage = h.e->AllocationSize();
  for (int i = 0; i < n; ++i) {
    const size_t len = h.e->inline_value().size();
    h.e = KeyEntry::ResizeInline(h.e, len + 1, greedy);
    h.e->mutable_inline_value()[len] = 'x';
    if (h.e->AllocationSize() != usage) {
      ++changes;
      usage = h.e->AllocationSize();
    }
  }
  EXPECT_EQ(h.e->inline_value(), std::string(static_cast<size_t>(n), 'x'));
  return changes;
}

TEST(KeyEntry, GreedyGrowthReallocatesLogarithmically) {
  // 4000 one-byte appends: doubling needs about log2(4000) = 12 reallocations;
  // exact-fit growth needs one per allocator size class (16 bytes apart
  // with glibc, a quarter of the size apart with jemalloc): more either way.
  const int greedy = CountReallocsOverAppends(true, 4000);
  const int exact = CountReallocsOverAppends(false, 4000);
  EXPECT_LE(greedy, 20);
  EXPECT_GT(exact, greedy + 5);
}

TEST(KeyEntry, GreedyGrowthLeavesRoomForTheNextAppends) {
  EntryHolder h(Str("k", std::string(1000, 'a'), KeyEntry::kNoExpire));
  // Past what the first allocation holds, so the block must grow.
  const size_t grown = h.e->AllocationSize() + 1;
  h.e = KeyEntry::ResizeInline(h.e, grown, /*greedy=*/true);
  const size_t usage = h.e->AllocationSize();
  EXPECT_GE(usage, 2 * grown);  // Room reserved: about twice what is needed.
  KeyEntry* at = h.e;
  for (size_t len = grown + 1; len < 2 * grown - 64; len += 1) {
    h.e = KeyEntry::ResizeInline(h.e, len, /*greedy=*/true);
    ASSERT_EQ(h.e, at) << len;  // Fits: no move.
    ASSERT_EQ(h.e->AllocationSize(), usage) << len;
  }
}

TEST(KeyEntry, GreedyGrowthStepIsCappedForBigValues) {
  const size_t mib = 1024 * 1024;
  EntryHolder h(Str("k", std::string(3 * mib, 'a'), KeyEntry::kNoExpire));
  // Past what the big allocation was rounded up to, so the block grows.
  const size_t grown = h.e->AllocationSize() + 1;
  h.e = KeyEntry::ResizeInline(h.e, grown, /*greedy=*/true);
  // At most 1 MiB of slack (plus the allocator's rounding, up to a quarter
  // with jemalloc), not another 3 MiB.
  EXPECT_GE(h.e->AllocationSize(), grown + mib);
  EXPECT_LE(h.e->AllocationSize(), (grown + mib) * 5 / 4 + 64 * 1024);
  EXPECT_EQ(h.e->inline_value().substr(0, 3 * mib), std::string(3 * mib, 'a'));
}

TEST(KeyEntry, NonGreedyResizeReleasesMostlyUnusedRoom) {
  EntryHolder h(Str("k", std::string(100000, 'a'), KeyEntry::kNoExpire));
  h.e = KeyEntry::ResizeInline(h.e, 10, /*greedy=*/false);
  EXPECT_LT(h.e->AllocationSize(), 1000u);
  EXPECT_EQ(h.e->inline_value(), std::string(10, 'a'));
}

TEST(KeyEntry, SetExpireAddChangeRemove) {
  auto* fake_link = reinterpret_cast<KeyEntry*>(uintptr_t{0x2000});
  for (size_t klen : {size_t{0}, size_t{5}, size_t{300}}) {
    for (size_t vlen : {size_t{0}, size_t{7}, size_t{255}, size_t{256}, size_t{4000}}) {
      SCOPED_TRACE(std::to_string(klen) + "/" + std::to_string(vlen));
      const std::string key = Pattern(klen, 'k');
      const std::string value = Pattern(vlen, 'v');
      EntryHolder h(Str(key, value, KeyEntry::kNoExpire));
      h.e->next() = fake_link;
      h.e->set_encoding(kStringBuilt);
      h.e = KeyEntry::SetExpire(h.e, 1000);  // Add.
      ExpectEntry(h.e, key, value, 1000);
      EXPECT_EQ(h.e->next(), fake_link);
      EXPECT_EQ(h.e->encoding(), kStringBuilt);
      KeyEntry* before = h.e;
      h.e = KeyEntry::SetExpire(h.e, 2000);  // Change: in place.
      EXPECT_EQ(h.e, before);
      ExpectEntry(h.e, key, value, 2000);
      h.e = KeyEntry::SetExpire(h.e, KeyEntry::kNoExpire);  // Remove.
      ExpectEntry(h.e, key, value, KeyEntry::kNoExpire);
      EXPECT_EQ(h.e->next(), fake_link);
      EXPECT_EQ(h.e->encoding(), kStringBuilt);
      h.e = KeyEntry::SetExpire(h.e, KeyEntry::kNoExpire);  // Remove again: no-op.
      ExpectEntry(h.e, key, value, KeyEntry::kNoExpire);
      h.e = KeyEntry::SetExpire(h.e, 0);  // Add the epoch itself.
      ExpectEntry(h.e, key, value, 0);
      EXPECT_EQ(h.e->next(), fake_link);
      h.e->next() = nullptr;
    }
  }
}

TEST(KeyEntry, SetExpireAfterGreedyGrowthKeepsEverything) {
  EntryHolder h(Str("key", "x", KeyEntry::kNoExpire));
  std::string shadow = "x";
  for (int round = 0; round < 50; ++round) {
    const size_t old = shadow.size();
    h.e = KeyEntry::ResizeInline(h.e, old + 13, /*greedy=*/true);
    std::memset(h.e->mutable_inline_value() + old, 'a' + round % 26, 13);
    shadow.append(13, static_cast<char>('a' + round % 26));
    const int64_t at = round % 3 == 0 ? KeyEntry::kNoExpire : 5000 + round;
    h.e = KeyEntry::SetExpire(h.e, at);
    ASSERT_EQ(h.e->key(), "key");
    ASSERT_EQ(h.e->inline_value(), shadow);
    ASSERT_EQ(h.e->expire_at(), at);
  }
}

}  // namespace
}  // namespace respd::store
