#include "protocol/numbers.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace respd::protocol {
namespace {

TEST(ParseInt64, AcceptsCanonicalIntegers) {
  int64_t v;
  ASSERT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseInt64("-1", &v));
  EXPECT_EQ(v, -1);
  ASSERT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64, RefusesWhatRedisRefuses) {
  int64_t v;
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1a", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999", "0x10", "1.0"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

TEST(FormatInt64, RoundTripsEveryMagnitude) {
  char buf[kInt64Digits + 1];
  for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{-7}, int64_t{10}, int64_t{99}, int64_t{100},
                    int64_t{-12345}, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    const size_t n = FormatInt64(v, buf);
    EXPECT_EQ(std::string(buf, n), std::to_string(v));
  }
  for (int64_t v = 1; v > 0 && v < std::numeric_limits<int64_t>::max() / 10; v = v * 10 + 3) {
    const size_t n = FormatInt64(v, buf);
    EXPECT_EQ(std::string(buf, n), std::to_string(v));
  }
}

TEST(ParseUint64, AcceptsTheFullUnsignedRange) {
  uint64_t v;
  ASSERT_TRUE(ParseUint64("0", &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ParseUint64("42", &v));
  EXPECT_EQ(v, 42u);
  ASSERT_TRUE(ParseUint64("9223372036854775808", &v));
  EXPECT_EQ(v, uint64_t{1} << 63);
  ASSERT_TRUE(ParseUint64("18446744073709551615", &v));
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());
}

TEST(ParseUint64, RefusesSignsLeadingZerosAndOverflow) {
  uint64_t v = 7;
  for (const char* bad :
       {"", "-1", "+1", "-0", "01", "00", " 1", "1 ", "1a", "18446744073709551616",
        "18446744073709551620", "99999999999999999999", "100000000000000000000"}) {
    EXPECT_FALSE(ParseUint64(bad, &v)) << bad;
  }
  EXPECT_EQ(v, 7u);  // Untouched on failure.
}

TEST(FormatUint64, RoundTripsEveryMagnitude) {
  char buf[kInt64Digits + 1];
  for (uint64_t v : {uint64_t{0}, uint64_t{9}, uint64_t{10}, uint64_t{99}, uint64_t{100},
                     uint64_t{101}, uint64_t{1} << 63, std::numeric_limits<uint64_t>::max()}) {
    const size_t n = FormatUint64(v, buf);
    EXPECT_EQ(std::string(buf, n), std::to_string(v));
  }
  for (uint64_t v = 1; v < std::numeric_limits<uint64_t>::max() / 10; v = v * 10 + 7) {
    for (uint64_t w : {v - 1, v, v + 1}) {
      const size_t n = FormatUint64(w, buf);
      EXPECT_EQ(std::string(buf, n), std::to_string(w));
      uint64_t back;
      ASSERT_TRUE(ParseUint64(std::string_view(buf, n), &back));
      EXPECT_EQ(back, w);
    }
  }
}

}  // namespace
}  // namespace respd::protocol
