#include "base/numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace respd::base {

bool ParseUint64(std::string_view s, uint64_t* value) {
  if (s.empty() || s.size() > kInt64Digits) return false;
  if (s.size() == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  if (s[0] < '1' || s[0] > '9') return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *value = v;
  return true;
}

bool ParseInt64(std::string_view s, int64_t* value) {
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
    if (s == "0") return false;  // "-0" is not canonical; Redis refuses it.
  }
  uint64_t magnitude;
  if (!ParseUint64(s, &magnitude)) return false;
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (magnitude > kMaxPositive + 1) return false;
    // -(2^63) does not fit a positive int64: negate in unsigned arithmetic.
    *value = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > kMaxPositive) return false;
    *value = static_cast<int64_t>(magnitude);
  }
  return true;
}

size_t FormatUint64(uint64_t value, char* buf) {
  // Two digits per step from a 200-byte table: about half the divisions of
  // the one-digit loop, which matters for every integer reply and INCR.
  static constexpr char kDigitPairs[] =
      "0001020304050607080910111213141516171819"
      "2021222324252627282930313233343536373839"
      "4041424344454647484950515253545556575859"
      "6061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char tmp[kInt64Digits];
  size_t pos = kInt64Digits;
  while (value >= 100) {
    const size_t i = static_cast<size_t>(value % 100) * 2;
    value /= 100;
    tmp[--pos] = kDigitPairs[i + 1];
    tmp[--pos] = kDigitPairs[i];
  }
  if (value < 10) {
    tmp[--pos] = static_cast<char>('0' + value);
  } else {
    const size_t i = static_cast<size_t>(value) * 2;
    tmp[--pos] = kDigitPairs[i + 1];
    tmp[--pos] = kDigitPairs[i];
  }
  const size_t len = kInt64Digits - pos;
  std::memcpy(buf, tmp + pos, len);
  return len;
}

size_t FormatInt64(int64_t value, char* buf) {
  if (value >= 0) return FormatUint64(static_cast<uint64_t>(value), buf);
  buf[0] = '-';
  // 0 - (unsigned)value is the magnitude, also for INT64_MIN.
  return 1 + FormatUint64(0 - static_cast<uint64_t>(value), buf + 1);
}

bool ParseLongDouble(std::string_view s, long double* value) {
  char buf[kMaxLongDoubleChars];
  if (s.empty() || s.size() >= sizeof(buf)) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end;
  const long double v = std::strtold(buf, &end);
  if (std::isspace(static_cast<unsigned char>(buf[0])) || *end != '\0' ||
      static_cast<size_t>(end - buf) != s.size() ||
      (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) ||
      errno == EINVAL || std::isnan(v)) {
    return false;
  }
  *value = v;
  return true;
}

bool ParseDouble(std::string_view s, double* value) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  // strtod needs a terminator; an argument may be any size.
  char small[64];
  std::string big;
  const char* text;
  if (s.size() < sizeof(small)) {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    text = small;
  } else {
    big.assign(s);
    text = big.c_str();
  }
  errno = 0;
  char* end;
  const double v = std::strtod(text, &end);
  if (static_cast<size_t>(end - text) != s.size() ||
      (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) ||
      std::isnan(v)) {
    return false;
  }
  *value = v;
  return true;
}

size_t FormatLongDouble(long double value, char* buf) {
  const int written = std::snprintf(buf, kMaxLongDoubleChars, "%.17Lf", value);
  if (written <= 0 || static_cast<size_t>(written) >= kMaxLongDoubleChars) std::abort();
  size_t len = static_cast<size_t>(written);
  if (std::memchr(buf, '.', len) != nullptr) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    len = 1;
  }
  return len;
}

size_t FormatDouble(double value, char* buf) {
  auto literal = [buf](std::string_view text) {
    std::memcpy(buf, text.data(), text.size());
    return text.size();
  };
  if (std::isnan(value)) return literal("nan");
  if (std::isinf(value)) return literal(value < 0 ? "-inf" : "inf");
  if (value == 0) return literal(std::signbit(value) ? "-0" : "0");
  // Integral values in (-(2^52 - 1), 2^52) print as integers, as Redis 7.0
  // does before falling back to %.17g.
  constexpr double kMin = -4503599627370495.0;
  constexpr double kMax = 4503599627370496.0;
  if (value > kMin && value < kMax && value == static_cast<double>(static_cast<int64_t>(value))) {
    return FormatInt64(static_cast<int64_t>(value), buf);
  }
  const int written = std::snprintf(buf, kMaxDoubleChars, "%.17g", value);
  if (written <= 0 || static_cast<size_t>(written) >= kMaxDoubleChars) std::abort();
  return static_cast<size_t>(written);
}

}  // namespace respd::base
