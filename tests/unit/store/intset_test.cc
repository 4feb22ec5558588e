// The intset against a model (std::set): every width upgrade, Redis's exact
// bytes, random adds and removes, and Validate refusing malformed input.
#include "store/encodings/intset.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace respd::store {
namespace {

std::string_view AsBytes(const uint8_t* is) {
  return {reinterpret_cast<const char*>(is), intset::Bytes(is)};
}

std::set<int64_t> Contents(const uint8_t* is) {
  std::set<int64_t> out;
  for (size_t i = 0; i < intset::Length(is); ++i) out.insert(intset::Get(is, i));
  return out;
}

// The bytes inside redis-server 7.0's DUMP of `SADD s 3 1 2`.
TEST(Intset, EncodesAsRedis) {
  uint8_t* is = intset::New();
  bool added;
  for (int64_t v : std::initializer_list<int64_t>{3, 1, 2}) is = intset::Add(is, v, &added);
  const std::string expected("\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00", 14);
  EXPECT_EQ(AsBytes(is), expected);
  intset::Free(is);
}

TEST(Intset, UpgradesKeepOrderAtBothEnds) {
  uint8_t* is = intset::New();
  bool added;
  for (int64_t v : std::initializer_list<int64_t>{5, -5, 40000, -40000, int64_t{1} << 40,
                                                  -(int64_t{1} << 40), 0}) {
    is = intset::Add(is, v, &added);
    EXPECT_TRUE(added);
  }
  EXPECT_EQ(Contents(is),
            (std::set<int64_t>{-(int64_t{1} << 40), -40000, -5, 0, 5, 40000, int64_t{1} << 40}));
  EXPECT_EQ(intset::Min(is), -(int64_t{1} << 40));
  EXPECT_EQ(intset::Max(is), int64_t{1} << 40);
  EXPECT_EQ(intset::Bytes(is), 8u + 7 * 8);
  // Never downgraded: removing the wide values keeps 8-byte elements.
  bool removed;
  is = intset::Remove(is, int64_t{1} << 40, &removed);
  EXPECT_TRUE(removed);
  is = intset::Remove(is, -(int64_t{1} << 40), &removed);
  EXPECT_EQ(intset::Bytes(is), 8u + 5 * 8);
  EXPECT_FALSE(intset::Contains(is, int64_t{1} << 40));
  EXPECT_TRUE(intset::Validate(AsBytes(is)));
  intset::Free(is);
}

TEST(Intset, RandomAddsAndRemovesMatchTheModel) {
  std::mt19937_64 rng(3);
  std::set<int64_t> model;
  uint8_t* is = intset::New();
  for (int step = 0; step < 20000; ++step) {
    int64_t v;
    switch (rng() % 3) {
      case 0:
        v = static_cast<int64_t>(rng() % 200) - 100;
        break;
      case 1:
        v = static_cast<int64_t>(rng() % 200000) - 100000;
        break;
      default:
        v = static_cast<int64_t>(rng());
    }
    bool changed;
    if (rng() % 3 != 0) {
      is = intset::Add(is, v, &changed);
      ASSERT_EQ(changed, model.insert(v).second);
    } else {
      is = intset::Remove(is, v, &changed);
      ASSERT_EQ(changed, model.erase(v) == 1);
    }
    ASSERT_EQ(intset::Length(is), model.size());
    ASSERT_EQ(intset::Contains(is, v), model.count(v) == 1);
  }
  EXPECT_EQ(Contents(is), model);
  EXPECT_TRUE(intset::Validate(AsBytes(is)));
  uint8_t* copy = intset::Copy(is);
  EXPECT_EQ(Contents(copy), model);
  intset::Free(copy);
  intset::Free(is);
}

TEST(Intset, ValidateRefusesMalformedInput) {
  uint8_t* is = intset::New();
  bool added;
  for (int64_t v : std::initializer_list<int64_t>{1, 2, 3}) is = intset::Add(is, v, &added);
  const std::string good(AsBytes(is));
  EXPECT_TRUE(intset::Validate(good));
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(intset::Validate(good.substr(0, n)));
  std::string bad_width = good;
  bad_width[0] = 3;
  EXPECT_FALSE(intset::Validate(bad_width));
  std::string unsorted = good;
  std::swap(unsorted[8], unsorted[10]);
  EXPECT_FALSE(intset::Validate(unsorted));
  EXPECT_TRUE(intset::Validate(unsorted, /*deep=*/false));
  std::string duplicate = good;
  duplicate[10] = 1;
  EXPECT_FALSE(intset::Validate(duplicate));
  intset::Free(is);
}

}  // namespace
}  // namespace respd::store
