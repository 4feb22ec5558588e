// The string type's row in the value dispatch: the encoding and refcount
// Redis 7.0 would report for a string, from its bytes and how it was written
// (the compatibility corpus checks the same against redis-server through
// OBJECT and DEBUG OBJECT), and what the dispatch does with each layout.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "store/types/string.h"
#include "store/value.h"

namespace respd::store {
namespace {

constexpr int kShared = std::numeric_limits<int32_t>::max();

struct Case {
  std::string_view value;
  uint8_t encoding;
  std::string_view name;
  int refcount;
};

TEST(StringType, EncodingNameAndRefcountByValueAndForm) {
  const std::string len44(44, 'x');
  const std::string len45(45, 'x');
  const Case cases[] = {
      {"0", kStringWhole, "int", kShared},
      {"9999", kStringWhole, "int", kShared},
      {"10000", kStringWhole, "int", 1},
      {"-1", kStringWhole, "int", 1},
      {"9223372036854775807", kStringWhole, "int", 1},
      {"9223372036854775808", kStringWhole, "embstr", 1},  // Past int64.
      {"01", kStringWhole, "embstr", 1},                   // Does not round-trip.
      {"1.5", kStringWhole, "embstr", 1},
      {"", kStringWhole, "embstr", 1},
      {len44, kStringWhole, "embstr", 1},
      {len45, kStringWhole, "raw", 1},
      {"3", kStringBuilt, "embstr", 1},  // INCRBYFLOAT's result is never an int.
      {len44, kStringBuilt, "embstr", 1},
      {len45, kStringBuilt, "raw", 1},
      {"5", kStringRaw, "raw", 1},  // APPEND/SETRANGE: raw whatever the size.
      {"abc", kStringRaw, "raw", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.value) + " encoding " + std::to_string(c.encoding));
    KeyEntry* e =
        KeyEntry::CreateInline("k", c.value, KeyEntry::kNoExpire, ValueType::kString, c.encoding);
    EXPECT_EQ(EncodingName(*e), c.name);
    EXPECT_EQ(Refcount(*e), c.refcount);
    EXPECT_EQ(TypeName(*e), "string");
    EXPECT_EQ(StringBytes(*e), c.value);
    DestroyEntry(e);
  }
}

TEST(StringType, HeapStringsAreRawAndCountTheirBuffer) {
  const std::string big(kMaxInlineStringBytes + 100, 'h');
  KeyEntry* e = KeyEntry::CreateWithObject("key", ByteBuffer::Create(big), KeyEntry::kNoExpire,
                                           ValueType::kString, kStringHeap);
  EXPECT_TRUE(e->holds_object());
  EXPECT_EQ(EncodingName(*e), "raw");
  EXPECT_EQ(Refcount(*e), 1);
  EXPECT_EQ(StringBytes(*e), big);
  // The entry itself is small; the value's bytes are the buffer's.
  EXPECT_LT(e->AllocationSize(), 64u);
  EXPECT_GE(MemoryUsage(*e), big.size() + e->AllocationSize());
  EXPECT_EQ(FreeEffort(*e), 1u);
  DestroyEntry(e);
}

TEST(StringType, CopyIsDeepAndRekeyMovesThePointer) {
  const std::string big(kMaxInlineStringBytes * 2, 'c');
  KeyEntry* e = KeyEntry::CreateWithObject("a", ByteBuffer::Create(big), 1234, ValueType::kString,
                                           kStringHeap);
  e->set_lru(77);
  KeyEntry* copy = CopyEntry(*e, "b");
  EXPECT_NE(copy->object(), e->object());
  EXPECT_EQ(StringBytes(*copy), big);
  EXPECT_EQ(copy->key(), "b");
  EXPECT_EQ(copy->expire_at(), 1234);
  EXPECT_EQ(copy->lru(), 77u);
  void* object = e->object();
  KeyEntry* moved = RekeyEntry(e, "a-much-longer-key-than-before");
  EXPECT_EQ(moved->object(), object);
  EXPECT_EQ(moved->key(), "a-much-longer-key-than-before");
  EXPECT_EQ(moved->expire_at(), 1234);
  EXPECT_EQ(moved->lru(), 77u);
  EXPECT_EQ(moved->encoding(), kStringHeap);
  DestroyEntry(moved);
  DestroyEntry(copy);
}

TEST(StringType, InlineCopyAndRekeyKeepTheForm) {
  KeyEntry* e =
      KeyEntry::CreateInline("k", "42", KeyEntry::kNoExpire, ValueType::kString, kStringBuilt);
  KeyEntry* copy = CopyEntry(*e, "k2");
  EXPECT_EQ(copy->encoding(), kStringBuilt);
  EXPECT_EQ(EncodingName(*copy), "embstr");
  KeyEntry* moved = RekeyEntry(e, "k3");
  EXPECT_EQ(moved->encoding(), kStringBuilt);
  EXPECT_EQ(StringBytes(*moved), "42");
  DestroyEntry(moved);
  DestroyEntry(copy);
}

}  // namespace
}  // namespace respd::store
