// The listpack against a model (a vector of strings): every encoding
// boundary, Redis's exact bytes for known inputs, random edits walked both
// ways, and Validate refusing every truncation and corruption.
#include "store/encodings/listpack.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace respd::store {
namespace {

namespace lp = listpack;

std::vector<std::string> Contents(const uint8_t* l) {
  std::vector<std::string> out;
  char buf[lp::kIntBufferSize];
  for (size_t at = lp::First(l); at != 0; at = lp::Next(l, at)) {
    out.emplace_back(lp::Get(l, at, buf));
  }
  return out;
}

std::vector<std::string> ContentsBackwards(const uint8_t* l) {
  std::vector<std::string> out;
  char buf[lp::kIntBufferSize];
  for (size_t at = lp::Last(l); at != 0; at = lp::Prev(l, at)) {
    out.insert(out.begin(), std::string(lp::Get(l, at, buf)));
  }
  return out;
}

std::string_view AsBytes(const uint8_t* l) {
  return {reinterpret_cast<const char*>(l), lp::Bytes(l)};
}

uint8_t* FromList(const std::vector<std::string>& items) {
  uint8_t* l = lp::New();
  std::vector<std::string_view> views(items.begin(), items.end());
  return lp::Append(l, views);
}

TEST(Listpack, EmptyIsSevenBytes) {
  uint8_t* l = lp::New();
  EXPECT_EQ(lp::Bytes(l), 7u);
  EXPECT_EQ(lp::Length(l), 0u);
  EXPECT_EQ(lp::First(l), 0u);
  EXPECT_EQ(lp::Last(l), 0u);
  EXPECT_TRUE(lp::Validate(AsBytes(l), 0));
  lp::Free(l);
}

// The bytes Redis writes: the listpack inside redis-server 7.0's DUMP of
// `HSET hh a 1 -1 128`.
TEST(Listpack, EncodesAsRedis) {
  uint8_t* l = FromList({"a", "1", "-1", "128"});
  const std::string expected(
      "\x12\x00\x00\x00"  // 18 bytes
      "\x04\x00"          // 4 elements
      "\x81"
      "a\x02"         // 6-bit string "a", backlen 2
      "\x01\x01"      // 7-bit uint 1
      "\xdf\xff\x02"  // 13-bit int -1
      "\xc0\x80\x02"  // 13-bit int 128
      "\xff",
      18);
  EXPECT_EQ(AsBytes(l), expected);
  lp::Free(l);
}

TEST(Listpack, EveryIntegerWidthRoundTrips) {
  const std::vector<std::string> values = {"0",
                                           "127",
                                           "128",
                                           "-1",
                                           "-4096",
                                           "4095",
                                           "4096",
                                           "-4097",
                                           "32767",
                                           "-32768",
                                           "32768",
                                           "8388607",
                                           "-8388608",
                                           "8388608",
                                           "2147483647",
                                           "-2147483648",
                                           "2147483648",
                                           "9223372036854775807",
                                           "-9223372036854775808",
                                           "9223372036854775808",
                                           "01",
                                           "+1",
                                           "-0",
                                           " 1",
                                           "1.5",
                                           ""};
  uint8_t* l = FromList(values);
  EXPECT_EQ(Contents(l), values);
  EXPECT_EQ(ContentsBackwards(l), values);
  EXPECT_TRUE(lp::Validate(AsBytes(l), values.size()));
  int64_t v;
  EXPECT_TRUE(lp::GetInt(l, lp::Seek(l, 17), &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(lp::GetInt(l, lp::Seek(l, 19), &v));  // 2^63 is a string.
  EXPECT_FALSE(lp::GetInt(l, lp::Seek(l, 20), &v));  // "01" too.
  lp::Free(l);
}

TEST(Listpack, StringLengthBoundaries) {
  std::vector<std::string> values;
  for (size_t n : {0, 1, 63, 64, 126, 127, 128, 4095, 4096, 16382, 16383, 70000}) {
    values.push_back(std::string(n, 'x'));
  }
  uint8_t* l = FromList(values);
  EXPECT_EQ(Contents(l), values);
  EXPECT_EQ(ContentsBackwards(l), values);
  EXPECT_TRUE(lp::Validate(AsBytes(l), values.size()));
  lp::Free(l);
}

TEST(Listpack, FindMatchesIntegersAndStringsCanonically) {
  uint8_t* l = FromList({"f1", "1", "12", "v", "012", "w"});
  EXPECT_EQ(lp::Find(l, lp::First(l), lp::Needle("12"), 1), lp::Seek(l, 2));
  EXPECT_EQ(lp::Find(l, lp::First(l), lp::Needle("012"), 1), lp::Seek(l, 4));
  EXPECT_EQ(lp::Find(l, lp::First(l), lp::Needle("1"), 1), 0u);  // A value, skipped.
  EXPECT_EQ(lp::Find(l, lp::First(l), lp::Needle("1"), 0), lp::Seek(l, 1));
  EXPECT_EQ(lp::Find(l, lp::First(l), lp::Needle("+12"), 1), 0u);
  lp::Free(l);
}

TEST(Listpack, SeekFromBothEnds) {
  uint8_t* l = FromList({"a", "b", "c"});
  char buf[lp::kIntBufferSize];
  EXPECT_EQ(lp::Get(l, lp::Seek(l, 0), buf), "a");
  EXPECT_EQ(lp::Get(l, lp::Seek(l, 2), buf), "c");
  EXPECT_EQ(lp::Get(l, lp::Seek(l, -1), buf), "c");
  EXPECT_EQ(lp::Get(l, lp::Seek(l, -3), buf), "a");
  EXPECT_EQ(lp::Seek(l, 3), 0u);
  EXPECT_EQ(lp::Seek(l, -4), 0u);
  lp::Free(l);
}

// Random inserts, replaces and deletes against a vector, every element size
// class and integer width mixed in, checked both ways after each step.
TEST(Listpack, RandomEditsMatchTheModel) {
  std::mt19937_64 rng(42);
  const auto random_element = [&rng]() -> std::string {
    switch (rng() % 6) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
      case 1:
        return std::to_string(static_cast<int64_t>(rng()));
      case 2:
        return std::to_string(static_cast<int64_t>(rng() % 20000000) - 10000000);
      case 3:
        return std::string(rng() % 70, 'a' + static_cast<char>(rng() % 26));
      case 4:
        return std::string(rng() % 5000, 'b');
      default:
        return "0" + std::to_string(rng() % 100);
    }
  };
  std::vector<std::string> model;
  uint8_t* l = lp::New();
  for (int step = 0; step < 3000; ++step) {
    const size_t op = rng() % 10;
    if (op < 5 || model.empty()) {
      const size_t index = model.empty() ? 0 : rng() % (model.size() + 1);
      std::vector<std::string> items;
      for (size_t i = 0, n = 1 + rng() % 3; i < n; ++i) items.push_back(random_element());
      std::vector<std::string_view> views(items.begin(), items.end());
      const size_t at =
          index == model.size() ? lp::EndOffset(l) : lp::Seek(l, static_cast<int64_t>(index));
      l = lp::Insert(l, at, views);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(index), items.begin(), items.end());
    } else if (op < 8) {
      const size_t index = rng() % model.size();
      const std::string item = random_element();
      l = lp::Replace(l, lp::Seek(l, static_cast<int64_t>(index)), item);
      model[index] = item;
    } else {
      const size_t index = rng() % model.size();
      const size_t count = 1 + rng() % 3;
      l = lp::Delete(l, lp::Seek(l, static_cast<int64_t>(index)), count);
      model.erase(
          model.begin() + static_cast<std::ptrdiff_t>(index),
          model.begin() + static_cast<std::ptrdiff_t>(std::min(model.size(), index + count)));
    }
    ASSERT_EQ(lp::Length(l), model.size()) << "step " << step;
    if (step % 50 == 0 || model.size() < 10) {
      ASSERT_EQ(Contents(l), model) << "step " << step;
      ASSERT_EQ(ContentsBackwards(l), model) << "step " << step;
      ASSERT_TRUE(lp::Validate(AsBytes(l), model.size())) << "step " << step;
    }
  }
  uint8_t* copy = lp::Copy(l);
  EXPECT_EQ(Contents(copy), model);
  lp::Free(copy);
  lp::Free(l);
}

TEST(Listpack, CountSaturatesAndIsWalked) {
  uint8_t* l = lp::New();
  std::vector<std::string_view> many(70000, "x");
  l = lp::Append(l, many);
  EXPECT_EQ(lp::Length(l), 70000u);
  EXPECT_TRUE(lp::Validate(AsBytes(l), 70000));
  l = lp::Delete(l, lp::First(l), 69990);
  EXPECT_EQ(lp::Length(l), 10u);
  EXPECT_TRUE(lp::Validate(AsBytes(l), 10));
  lp::Free(l);
}

TEST(Listpack, ValidateRefusesTruncationAndCorruption) {
  uint8_t* l = FromList({"a", "12345", std::string(100, 'z'), "-7", "hello"});
  const std::string good(AsBytes(l));
  EXPECT_TRUE(lp::Validate(good));
  EXPECT_FALSE(lp::Validate(good, 4));
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(lp::Validate(std::string_view(good).substr(0, n))) << n;
  }
  // Any single corrupted byte is refused or still reads as a well-formed
  // list; never read outside the buffer (the sanitizers check that).
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      if (lp::Validate(bad)) {
        const auto* p = reinterpret_cast<const uint8_t*>(bad.data());
        EXPECT_EQ(Contents(p).size(), lp::Length(p));
      }
    }
  }
  lp::Free(l);
}

}  // namespace
}  // namespace respd::store
