#include "store/encodings/stream_id.h"

#include "base/numbers.h"

namespace respd::store {

bool StreamId::Increment() {
  if (seq != UINT64_MAX) {
    ++seq;
  } else if (ms != UINT64_MAX) {
    ++ms;
    seq = 0;
  } else {
    return false;
  }
  return true;
}

bool StreamId::Decrement() {
  if (seq != 0) {
    --seq;
  } else if (ms != 0) {
    --ms;
    seq = UINT64_MAX;
  } else {
    return false;
  }
  return true;
}

size_t StreamId::Format(char* buf) const {
  size_t n = base::FormatUint64(ms, buf);
  buf[n++] = '-';
  return n + base::FormatUint64(seq, buf + n);
}

std::string StreamId::ToString() const {
  char buf[kMaxChars];
  return std::string(buf, Format(buf));
}

namespace {

// Redis's string2ull, which stream IDs are parsed with: a canonical int64
// (string2ll) counts only if it is not negative; anything else goes to
// strtoull, which also takes leading spaces, a '+', leading zeros, and a
// '-' that negates modulo 2^64 ("-0" and "-05" are valid halves, "-5" is
// not). "" and trailing bytes are invalid, and so is overflow (ERANGE).
bool ParseHalf(std::string_view s, uint64_t* v) {
  int64_t canonical;
  if (base::ParseInt64(s, &canonical)) {
    if (canonical < 0) return false;
    *v = static_cast<uint64_t>(canonical);
    return true;
  }
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return false;
  uint64_t value = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *v = negative ? 0 - value : value;
  return true;
}

}  // namespace

bool StreamId::Parse(std::string_view s, uint64_t missing_seq, StreamId* id) {
  // Redis copies the argument into a 128-byte buffer (longer is invalid)
  // and reads it as a C string: a NUL ends it.
  if (s.size() > 127) return false;
  s = s.substr(0, s.find('\0'));
  const size_t dash = s.find('-');
  StreamId parsed;
  if (dash == std::string_view::npos) {
    if (!ParseHalf(s, &parsed.ms)) return false;
    parsed.seq = missing_seq;
  } else if (!ParseHalf(s.substr(0, dash), &parsed.ms) ||
             !ParseHalf(s.substr(dash + 1), &parsed.seq)) {
    return false;
  }
  *id = parsed;
  return true;
}

void StreamId::Encode(uint8_t* out) const {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(ms >> (56 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  }
}

StreamId StreamId::Decode(const uint8_t* in) {
  StreamId id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | in[i];
    id.seq = (id.seq << 8) | in[8 + i];
  }
  return id;
}

}  // namespace respd::store
