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

// Owns an entry for the length of a test.
struct EntryHolder {
  KeyEntry* e;
  explicit EntryHolder(KeyEntry* entry) : e(entry) {}
  ~EntryHolder() { KeyEntry::Destroy(e); }
  EntryHolder(const EntryHolder&) = delete;
  EntryHolder& operator=(const EntryHolder&) = delete;
};

void ExpectEntry(const KeyEntry* e, std::string_view key, std::string_view value, int64_t expire) {
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->key().size(), key.size());
  EXPECT_EQ(e->string_value(), value);
  EXPECT_EQ(e->string_value().size(), value.size());
  EXPECT_EQ(e->has_expire(), expire != KeyEntry::kNoExpire);
  EXPECT_EQ(e->expire_at(), expire);
}

TEST(KeyEntry, CreateSmallWithoutExpiry) {
  EntryHolder h(KeyEntry::CreateString("foo", "bar", KeyEntry::kNoExpire));
  ExpectEntry(h.e, "foo", "bar", KeyEntry::kNoExpire);
  EXPECT_EQ(h.e->next(), nullptr);
  EXPECT_EQ(h.e->string_form(), KeyEntry::StringForm::kWhole);
  // Header 9 bytes + 2 length bytes + 6 bytes of data, rounded by malloc.
  EXPECT_GE(h.e->MemoryUsage(), 17u);
  EXPECT_LE(h.e->MemoryUsage(), 32u);
}

TEST(KeyEntry, CreateSmallWithExpiry) {
  const int64_t at = 1'700'000'000'123;
  EntryHolder h(KeyEntry::CreateString("key", "value", at));
  ExpectEntry(h.e, "key", "value", at);
  EXPECT_EQ(h.e->next(), nullptr);
}

TEST(KeyEntry, ExpiryKeepsEdgeValues) {
  for (int64_t at : {int64_t{0}, int64_t{1}, std::numeric_limits<int64_t>::max()}) {
    EntryHolder h(KeyEntry::CreateString("k", "v", at));
    ExpectEntry(h.e, "k", "v", at);
  }
}

TEST(KeyEntry, EmptyKeyAndValue) {
  {
    EntryHolder h(KeyEntry::CreateString("", "", KeyEntry::kNoExpire));
    ExpectEntry(h.e, "", "", KeyEntry::kNoExpire);
    // Never smaller than the struct, so sanitizers' object-size checks hold.
    EXPECT_GE(h.e->MemoryUsage(), sizeof(KeyEntry));
  }
  {
    EntryHolder h(KeyEntry::CreateString("", "v", 5));
    ExpectEntry(h.e, "", "v", 5);
  }
  {
    EntryHolder h(KeyEntry::CreateString("k", "", 5));
    ExpectEntry(h.e, "k", "", 5);
  }
  {
    // Default-constructed views: a null data pointer with size 0.
    EntryHolder h(KeyEntry::CreateString(std::string_view(), std::string_view(), 7));
    ExpectEntry(h.e, "", "", 7);
  }
}

TEST(KeyEntry, BinaryBytesSurvive) {
  const std::string bytes = AllBytes();
  const std::string key = bytes.substr(0, 200);
  const std::string value = std::string("\0\r\n\xff", 4) + bytes.substr(100, 100);
  EntryHolder h(KeyEntry::CreateString(key, value, KeyEntry::kNoExpire));
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
        EntryHolder h(KeyEntry::CreateString(key, value, at));
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
  EntryHolder small(KeyEntry::CreateString(std::string(100, 'k'), std::string(255, 'v'), -1));
  EntryHolder wide(KeyEntry::CreateString(std::string(100, 'k'), std::string(256, 'v'), -1));
  EXPECT_GE(wide.e->MemoryUsage(), small.e->MemoryUsage());
  EntryHolder tiny(KeyEntry::CreateString("k", "v", -1));
  EXPECT_LE(tiny.e->MemoryUsage(), 32u);  // 12 + 2 + 2 bytes: the smallest classes.
}

TEST(KeyEntry, StringFormBitsAreIndependent) {
  EntryHolder h(KeyEntry::CreateString("k", "v", 10));
  EXPECT_EQ(h.e->string_form(), KeyEntry::StringForm::kWhole);
  for (KeyEntry::StringForm form :
       {KeyEntry::StringForm::kRaw, KeyEntry::StringForm::kBuilt, KeyEntry::StringForm::kWhole}) {
    h.e->set_string_form(form);
    EXPECT_EQ(h.e->string_form(), form);
    EXPECT_EQ(h.e->type(), ValueType::kString);
    ExpectEntry(h.e, "k", "v", 10);
  }
}

TEST(KeyEntry, CopyKeepsTheStringForm) {
  EntryHolder h(KeyEntry::CreateString("k", "3", KeyEntry::kNoExpire));
  h.e->set_string_form(KeyEntry::StringForm::kBuilt);
  EntryHolder copy(KeyEntry::CloneWithKey(h.e, "k2"));
  EXPECT_EQ(copy.e->string_form(), KeyEntry::StringForm::kBuilt);
  ExpectEntry(copy.e, "k2", "3", KeyEntry::kNoExpire);
}

TEST(KeyEntry, TraitsExposeKeyAndLink) {
  EntryHolder a(KeyEntry::CreateString("a", "1", -1));
  EntryHolder b(KeyEntry::CreateString("b", "2", -1));
  EXPECT_EQ(KeyEntryTraits::Key(a.e), "a");
  KeyEntryTraits::Next(a.e) = b.e;
  EXPECT_EQ(a.e->next(), b.e);
  a.e->next() = nullptr;
}

// Resizes h.e to new_len, fills the new tail with `fill`, and checks that key,
// prefix, deadline, string form and link all survived.
void ResizeAndCheck(EntryHolder& h, size_t new_len, bool greedy, char fill) {
  const std::string key(h.e->key());
  const std::string old_value(h.e->string_value());
  const int64_t at = h.e->expire_at();
  const KeyEntry::StringForm form = h.e->string_form();
  KeyEntry* link = h.e->next();
  h.e = KeyEntry::ResizeValue(h.e, new_len, greedy);
  const size_t keep = std::min(old_value.size(), new_len);
  ASSERT_EQ(h.e->string_value().size(), new_len);
  ASSERT_EQ(h.e->key(), key);
  ASSERT_EQ(h.e->string_value().substr(0, keep), std::string_view(old_value).substr(0, keep));
  ASSERT_EQ(h.e->expire_at(), at);
  ASSERT_EQ(h.e->string_form(), form);
  ASSERT_EQ(h.e->next(), link);
  ASSERT_EQ(h.e->type(), ValueType::kString);
  if (new_len > keep) std::memset(h.e->mutable_value() + keep, fill, new_len - keep);
}

TEST(KeyEntry, ResizeValueAcrossTheSmallWideBoundary) {
  // A dummy next link, never dereferenced: only its value must survive.
  auto* fake_link = reinterpret_cast<KeyEntry*>(uintptr_t{0x1000});
  for (int64_t at : {KeyEntry::kNoExpire, int64_t{987654321}}) {
    for (size_t klen : {size_t{0}, size_t{3}, size_t{255}, size_t{256}}) {
      for (bool greedy : {false, true}) {
        SCOPED_TRACE("at=" + std::to_string(at) + " klen=" + std::to_string(klen) +
                     " greedy=" + std::to_string(greedy));
        EntryHolder h(KeyEntry::CreateString(Pattern(klen, 'K'), "abc", at));
        h.e->next() = fake_link;
        h.e->set_string_form(KeyEntry::StringForm::kRaw);
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
  EntryHolder h(KeyEntry::CreateString("append:key", "", 42));
  std::string shadow;
  for (int i = 0; i < 600; ++i) {
    const std::string piece = Pattern(static_cast<size_t>(i % 7), static_cast<char>(i));
    const size_t old = shadow.size();
    h.e = KeyEntry::ResizeValue(h.e, old + piece.size(), /*greedy=*/true);
    if (!piece.empty()) std::memcpy(h.e->mutable_value() + old, piece.data(), piece.size());
    shadow += piece;
    ASSERT_EQ(h.e->string_value(), shadow) << i;
    ASSERT_EQ(h.e->key(), "append:key");
    ASSERT_EQ(h.e->expire_at(), 42);
  }
  // And shrink it back in steps.
  while (!shadow.empty()) {
    const size_t len = shadow.size() / 2;
    h.e = KeyEntry::ResizeValue(h.e, len, /*greedy=*/false);
    shadow.resize(len);
    ASSERT_EQ(h.e->string_value(), shadow);
    ASSERT_EQ(h.e->key(), "append:key");
    ASSERT_EQ(h.e->expire_at(), 42);
  }
}

// Appends one byte `n` times and counts how often the allocation changed.
int CountReallocsOverAppends(bool greedy, int n) {
  EntryHolder h(KeyEntry::CreateString("k", "", KeyEntry::kNoExpire));
  int changes = 0;
  size_t usage = h.e->MemoryUsage();
  for (int i = 0; i < n; ++i) {
    const size_t len = h.e->string_value().size();
    h.e = KeyEntry::ResizeValue(h.e, len + 1, greedy);
    h.e->mutable_value()[len] = 'x';
    if (h.e->MemoryUsage() != usage) {
      ++changes;
      usage = h.e->MemoryUsage();
    }
  }
  EXPECT_EQ(h.e->string_value(), std::string(static_cast<size_t>(n), 'x'));
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
  EntryHolder h(KeyEntry::CreateString("k", std::string(1000, 'a'), KeyEntry::kNoExpire));
  // Past what the first allocation holds, so the block must grow.
  const size_t grown = h.e->MemoryUsage() + 1;
  h.e = KeyEntry::ResizeValue(h.e, grown, /*greedy=*/true);
  const size_t usage = h.e->MemoryUsage();
  EXPECT_GE(usage, 2 * grown);  // Room reserved: about twice what is needed.
  KeyEntry* at = h.e;
  for (size_t len = grown + 1; len < 2 * grown - 64; len += 1) {
    h.e = KeyEntry::ResizeValue(h.e, len, /*greedy=*/true);
    ASSERT_EQ(h.e, at) << len;  // Fits: no move.
    ASSERT_EQ(h.e->MemoryUsage(), usage) << len;
  }
}

TEST(KeyEntry, GreedyGrowthStepIsCappedForBigValues) {
  const size_t mib = 1024 * 1024;
  EntryHolder h(KeyEntry::CreateString("k", std::string(3 * mib, 'a'), KeyEntry::kNoExpire));
  // Past what the big allocation was rounded up to, so the block grows.
  const size_t grown = h.e->MemoryUsage() + 1;
  h.e = KeyEntry::ResizeValue(h.e, grown, /*greedy=*/true);
  // At most 1 MiB of slack (plus the allocator's rounding, up to a quarter
  // with jemalloc), not another 3 MiB.
  EXPECT_GE(h.e->MemoryUsage(), grown + mib);
  EXPECT_LE(h.e->MemoryUsage(), (grown + mib) * 5 / 4 + 64 * 1024);
  EXPECT_EQ(h.e->string_value().substr(0, 3 * mib), std::string(3 * mib, 'a'));
}

TEST(KeyEntry, NonGreedyResizeReleasesMostlyUnusedRoom) {
  EntryHolder h(KeyEntry::CreateString("k", std::string(100000, 'a'), KeyEntry::kNoExpire));
  h.e = KeyEntry::ResizeValue(h.e, 10, /*greedy=*/false);
  EXPECT_LT(h.e->MemoryUsage(), 1000u);
  EXPECT_EQ(h.e->string_value(), std::string(10, 'a'));
}

TEST(KeyEntry, SetExpireAddChangeRemove) {
  auto* fake_link = reinterpret_cast<KeyEntry*>(uintptr_t{0x2000});
  for (size_t klen : {size_t{0}, size_t{5}, size_t{300}}) {
    for (size_t vlen : {size_t{0}, size_t{7}, size_t{255}, size_t{256}, size_t{4000}}) {
      SCOPED_TRACE(std::to_string(klen) + "/" + std::to_string(vlen));
      const std::string key = Pattern(klen, 'k');
      const std::string value = Pattern(vlen, 'v');
      EntryHolder h(KeyEntry::CreateString(key, value, KeyEntry::kNoExpire));
      h.e->next() = fake_link;
      h.e->set_string_form(KeyEntry::StringForm::kBuilt);
      h.e = KeyEntry::SetExpire(h.e, 1000);  // Add.
      ExpectEntry(h.e, key, value, 1000);
      EXPECT_EQ(h.e->next(), fake_link);
      EXPECT_EQ(h.e->string_form(), KeyEntry::StringForm::kBuilt);
      KeyEntry* before = h.e;
      h.e = KeyEntry::SetExpire(h.e, 2000);  // Change: in place.
      EXPECT_EQ(h.e, before);
      ExpectEntry(h.e, key, value, 2000);
      h.e = KeyEntry::SetExpire(h.e, KeyEntry::kNoExpire);  // Remove.
      ExpectEntry(h.e, key, value, KeyEntry::kNoExpire);
      EXPECT_EQ(h.e->next(), fake_link);
      EXPECT_EQ(h.e->string_form(), KeyEntry::StringForm::kBuilt);
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
  EntryHolder h(KeyEntry::CreateString("key", "x", KeyEntry::kNoExpire));
  std::string shadow = "x";
  for (int round = 0; round < 50; ++round) {
    const size_t old = shadow.size();
    h.e = KeyEntry::ResizeValue(h.e, old + 13, /*greedy=*/true);
    std::memset(h.e->mutable_value() + old, 'a' + round % 26, 13);
    shadow.append(13, static_cast<char>('a' + round % 26));
    const int64_t at = round % 3 == 0 ? KeyEntry::kNoExpire : 5000 + round;
    h.e = KeyEntry::SetExpire(h.e, at);
    ASSERT_EQ(h.e->key(), "key");
    ASSERT_EQ(h.e->string_value(), shadow);
    ASSERT_EQ(h.e->expire_at(), at);
  }
}

}  // namespace
}  // namespace respd::store
