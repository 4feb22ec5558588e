#include "base/numbers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace respd::base {
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

std::string LongDoubleText(long double v) {
  char buf[kMaxLongDoubleChars];
  return std::string(buf, FormatLongDouble(v, buf));
}

TEST(ParseLongDouble, AcceptsWhatStrtoldReadsWhole) {
  long double v;
  ASSERT_TRUE(ParseLongDouble("10.5", &v));
  EXPECT_EQ(v, 10.5L);
  ASSERT_TRUE(ParseLongDouble("-1e3", &v));
  EXPECT_EQ(v, -1000.0L);
  ASSERT_TRUE(ParseLongDouble("0x10", &v));
  EXPECT_EQ(v, 16.0L);
  ASSERT_TRUE(ParseLongDouble("inf", &v));
  EXPECT_TRUE(std::isinf(v));
}

TEST(ParseLongDouble, RefusesWhatRedisRefuses) {
  long double v;
  for (const char* bad : {"", " 1", "1 ", "abc", "1.5x", "nan", "-nan", "1e99999", "1e-99999"}) {
    EXPECT_FALSE(ParseLongDouble(bad, &v)) << bad;
  }
  EXPECT_FALSE(ParseLongDouble(std::string(kMaxLongDoubleChars, '1'), &v));
}

TEST(FormatLongDouble, TrimsAsLd2stringHumanMode) {
  EXPECT_EQ(LongDoubleText(10.5L), "10.5");
  EXPECT_EQ(LongDoubleText(3.0L), "3");
  EXPECT_EQ(LongDoubleText(-0.0L), "0");
  EXPECT_EQ(LongDoubleText(0.1L), "0.1");
  EXPECT_EQ(LongDoubleText(1e20L), "100000000000000000000");
  EXPECT_EQ(LongDoubleText(-2.5e-3L), "-0.0025");
}

std::string DoubleText(double v) {
  char buf[kMaxDoubleChars];
  return std::string(buf, FormatDouble(v, buf));
}

TEST(FormatDouble, WritesAsRedis70D2string) {
  EXPECT_EQ(DoubleText(0.0), "0");
  EXPECT_EQ(DoubleText(-0.0), "-0");
  EXPECT_EQ(DoubleText(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(DoubleText(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(DoubleText(std::nan("")), "nan");
  EXPECT_EQ(DoubleText(42.0), "42");
  EXPECT_EQ(DoubleText(-7.0), "-7");
  EXPECT_EQ(DoubleText(1.5), "1.5");
  EXPECT_EQ(DoubleText(0.1), "0.10000000000000001");
  // 2^52 and above leave the integer path for %.17g.
  EXPECT_EQ(DoubleText(4503599627370495.0), "4503599627370495");
  EXPECT_EQ(DoubleText(4503599627370496.0), "4503599627370496");
  EXPECT_EQ(DoubleText(1e20), "1e+20");
  EXPECT_EQ(DoubleText(-1.7976931348623157e308), "-1.7976931348623157e+308");
}

}  // namespace
}  // namespace respd::base
