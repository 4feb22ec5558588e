#include "store/encodings/listpack.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "base/numbers.h"

namespace respd::store::listpack {
namespace {

// Encoding bytes (the first byte of an entry), as Redis's LP_ENCODING_*.
constexpr uint8_t k7BitUint = 0x00;  // 0xxxxxxx
constexpr uint8_t k6BitStr = 0x80;   // 10xxxxxx
constexpr uint8_t k13BitInt = 0xC0;  // 110xxxxx yyyyyyyy
constexpr uint8_t k12BitStr = 0xE0;  // 1110xxxx yyyyyyyy
constexpr uint8_t k32BitStr = 0xF0;  // 11110000 + 4 length bytes
constexpr uint8_t k16BitInt = 0xF1;  // + 2 bytes
constexpr uint8_t k24BitInt = 0xF2;  // + 3 bytes
constexpr uint8_t k32BitInt = 0xF3;  // + 4 bytes
constexpr uint8_t k64BitInt = 0xF4;  // + 8 bytes
constexpr uint16_t kCountUnknown = 0xFFFF;

uint32_t ReadU32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
void WriteU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t ReadCount(const uint8_t* lp) { return static_cast<uint16_t>(lp[4] | (lp[5] << 8)); }
void WriteCount(uint8_t* lp, size_t n) {
  const uint16_t v = n < kCountUnknown ? static_cast<uint16_t>(n) : kCountUnknown;
  lp[4] = static_cast<uint8_t>(v);
  lp[5] = static_cast<uint8_t>(v >> 8);
}

// Bytes of a backlen for an entry of `l` bytes (encoding + data).
size_t BacklenSize(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// Writes the backlen: the most significant 7-bit group first; every byte
// but the first has the high bit set, so a reader walking backwards from
// the last byte knows where it ends.
void WriteBacklen(uint8_t* p, size_t l) {
  const size_t n = BacklenSize(l);
  for (size_t i = 0; i < n; ++i) {
    const auto group = static_cast<uint8_t>((l >> (7 * (n - 1 - i))) & 127);
    p[i] = i == 0 ? group : (group | 128);
  }
}

// Reads the backlen that ends at p (its last byte).
size_t ReadBacklen(const uint8_t* p) {
  size_t value = 0;
  int shift = 0;
  while (true) {
    value |= static_cast<size_t>(p[0] & 127) << shift;
    if (!(p[0] & 128)) break;
    shift += 7;
    --p;
  }
  return value;
}

// How an element will be encoded: its encoding + data size, and for
// integers the value.
struct Encoded {
  size_t size;  // Encoding + data bytes (without backlen).
  bool is_int;
  int64_t value;
};

Encoded EncodingOf(std::string_view s) {
  int64_t v;
  if (s.size() <= base::kInt64Digits && base::ParseInt64(s, &v)) {
    if (v >= 0 && v <= 127) return {1, true, v};
    if (v >= -4096 && v <= 4095) return {2, true, v};
    if (v >= -32768 && v <= 32767) return {3, true, v};
    if (v >= -8388608 && v <= 8388607) return {4, true, v};
    if (v >= INT32_MIN && v <= INT32_MAX) return {5, true, v};
    return {9, true, v};
  }
  if (s.size() < 64) return {1 + s.size(), false, 0};
  if (s.size() < 4096) return {2 + s.size(), false, 0};
  return {5 + s.size(), false, 0};
}

size_t EntrySize(const Encoded& e) { return e.size + BacklenSize(e.size); }

// Writes the entry for `s` (encoded as `e`) at p.
void WriteEntry(uint8_t* p, std::string_view s, const Encoded& e) {
  if (e.is_int) {
    const auto u = static_cast<uint64_t>(e.value);
    switch (e.size) {
      case 1:
        p[0] = static_cast<uint8_t>(u);
        break;
      case 2: {
        const uint64_t t = u & 0x1FFF;  // 13-bit two's complement.
        p[0] = static_cast<uint8_t>(k13BitInt | (t >> 8));
        p[1] = static_cast<uint8_t>(t);
        break;
      }
      default: {
        const size_t bytes = e.size - 1;
        p[0] = bytes == 2 ? k16BitInt : bytes == 3 ? k24BitInt : bytes == 4 ? k32BitInt : k64BitInt;
        for (size_t i = 0; i < bytes; ++i) p[1 + i] = static_cast<uint8_t>(u >> (8 * i));
      }
    }
  } else {
    const size_t n = s.size();
    uint8_t* data;
    if (n < 64) {
      p[0] = static_cast<uint8_t>(k6BitStr | n);
      data = p + 1;
    } else if (n < 4096) {
      p[0] = static_cast<uint8_t>(k12BitStr | (n >> 8));
      p[1] = static_cast<uint8_t>(n);
      data = p + 2;
    } else {
      p[0] = k32BitStr;
      WriteU32(p + 1, static_cast<uint32_t>(n));
      data = p + 5;
    }
    if (n != 0) std::memcpy(data, s.data(), n);
  }
  WriteBacklen(p + e.size, e.size);
}

// Encoding + data bytes of the entry at p (Redis's lpCurrentEncodedSize).
size_t EncodedSize(const uint8_t* p) {
  const uint8_t b = p[0];
  if ((b & 0x80) == k7BitUint) return 1;
  if ((b & 0xC0) == k6BitStr) return 1 + (b & 0x3F);
  if ((b & 0xE0) == k13BitInt) return 2;
  if ((b & 0xF0) == k12BitStr) return 2 + (((b & 0x0F) << 8) | p[1]);
  switch (b) {
    case k16BitInt:
      return 3;
    case k24BitInt:
      return 4;
    case k32BitInt:
      return 5;
    case k64BitInt:
      return 9;
    case k32BitStr:
      return 5 + ReadU32(p + 1);
  }
  std::abort();  // Not a valid entry: callers validate untrusted listpacks.
}

size_t EntrySizeAt(const uint8_t* p) {
  const size_t l = EncodedSize(p);
  return l + BacklenSize(l);
}

uint8_t* Reallocate(uint8_t* lp, size_t bytes) {
  auto* grown = static_cast<uint8_t*>(std::realloc(lp, bytes));
  if (grown == nullptr) std::abort();  // Out of memory: nothing sane to do.
  return grown;
}

// Reads an integer entry; false for a string.
bool DecodeInt(const uint8_t* p, int64_t* value) {
  const uint8_t b = p[0];
  if ((b & 0x80) == k7BitUint) {
    *value = b;
    return true;
  }
  if ((b & 0xE0) == k13BitInt) {
    uint64_t u = (static_cast<uint64_t>(b & 0x1F) << 8) | p[1];
    *value = u >= (1u << 12) ? static_cast<int64_t>(u) - (1 << 13) : static_cast<int64_t>(u);
    return true;
  }
  int bytes;
  switch (b) {
    case k16BitInt:
      bytes = 2;
      break;
    case k24BitInt:
      bytes = 3;
      break;
    case k32BitInt:
      bytes = 4;
      break;
    case k64BitInt:
      bytes = 8;
      break;
    default:
      return false;
  }
  uint64_t u = 0;
  for (int i = 0; i < bytes; ++i) u |= static_cast<uint64_t>(p[1 + i]) << (8 * i);
  if (bytes < 8 && (u >> (8 * bytes - 1)) != 0) u |= ~uint64_t{0} << (8 * bytes);  // Sign-extend.
  *value = static_cast<int64_t>(u);
  return true;
}

// A string entry's bytes.
std::string_view DecodeString(const uint8_t* p) {
  const uint8_t b = p[0];
  if ((b & 0xC0) == k6BitStr) return {reinterpret_cast<const char*>(p + 1), size_t{b & 0x3Fu}};
  if ((b & 0xF0) == k12BitStr) {
    return {reinterpret_cast<const char*>(p + 2), (size_t{b & 0x0Fu} << 8) | p[1]};
  }
  return {reinterpret_cast<const char*>(p + 5), ReadU32(p + 1)};
}

}  // namespace

uint8_t* New() {
  auto* lp = static_cast<uint8_t*>(std::malloc(kHeaderSize + 1));
  if (lp == nullptr) std::abort();
  WriteU32(lp, kHeaderSize + 1);
  WriteCount(lp, 0);
  lp[kHeaderSize] = kEof;
  return lp;
}

void Free(uint8_t* lp) { std::free(lp); }

uint8_t* Copy(const uint8_t* lp) {
  const size_t n = Bytes(lp);
  auto* copy = static_cast<uint8_t*>(std::malloc(n));
  if (copy == nullptr) std::abort();
  std::memcpy(copy, lp, n);
  return copy;
}

size_t Bytes(const uint8_t* lp) { return ReadU32(lp); }

size_t Length(const uint8_t* lp) {
  const uint16_t n = ReadCount(lp);
  if (n != kCountUnknown) return n;
  size_t count = 0;
  for (size_t at = First(lp); at != 0; at = Next(lp, at)) ++count;
  return count;
}

size_t AllocationSize(const uint8_t* lp) { return malloc_usable_size(const_cast<uint8_t*>(lp)); }

size_t First(const uint8_t* lp) { return lp[kHeaderSize] == kEof ? 0 : kHeaderSize; }

size_t Last(const uint8_t* lp) {
  const size_t end = EndOffset(lp);
  return end == kHeaderSize ? 0 : Prev(lp, end);
}

size_t Next(const uint8_t* lp, size_t at) {
  const size_t next = at + EntrySizeAt(lp + at);
  return lp[next] == kEof ? 0 : next;
}

size_t Prev(const uint8_t* lp, size_t at) {
  if (at <= kHeaderSize) return 0;
  const size_t l = ReadBacklen(lp + at - 1);
  return at - l - BacklenSize(l);
}

size_t Seek(const uint8_t* lp, int64_t index) {
  if (index >= 0) {
    size_t at = First(lp);
    while (at != 0 && index-- > 0) at = Next(lp, at);
    return at;
  }
  size_t at = Last(lp);
  while (at != 0 && ++index < 0) at = Prev(lp, at);
  return at;
}

std::string_view Get(const uint8_t* lp, size_t at, char (&buf)[kIntBufferSize]) {
  int64_t v;
  if (DecodeInt(lp + at, &v)) return {buf, base::FormatInt64(v, buf)};
  return DecodeString(lp + at);
}

bool GetInt(const uint8_t* lp, size_t at, int64_t* value) { return DecodeInt(lp + at, value); }

Needle::Needle(std::string_view s)
    : bytes_(s), is_int_(s.size() <= base::kInt64Digits && base::ParseInt64(s, &number_)) {}

bool Needle::Matches(const uint8_t* lp, size_t at) const {
  int64_t v;
  if (DecodeInt(lp + at, &v)) return is_int_ && v == number_;
  return !is_int_ && DecodeString(lp + at) == bytes_;
}

size_t Find(const uint8_t* lp, size_t at, const Needle& needle, size_t skip) {
  while (at != 0) {
    if (needle.Matches(lp, at)) return at;
    for (size_t i = 0; i <= skip && at != 0; ++i) at = Next(lp, at);
  }
  return 0;
}

uint8_t* Insert(uint8_t* lp, size_t at, std::span<const std::string_view> elements) {
  // Encode sizes first, so the list is resized and shifted once.
  size_t add = 0;
  for (std::string_view s : elements) add += EntrySize(EncodingOf(s));
  const size_t old_bytes = Bytes(lp);
  const size_t count = Length(lp);
  lp = Reallocate(lp, old_bytes + add);
  std::memmove(lp + at + add, lp + at, old_bytes - at);
  uint8_t* p = lp + at;
  for (std::string_view s : elements) {
    const Encoded e = EncodingOf(s);
    WriteEntry(p, s, e);
    p += EntrySize(e);
  }
  WriteU32(lp, static_cast<uint32_t>(old_bytes + add));
  WriteCount(lp, count + elements.size());
  return lp;
}

uint8_t* Replace(uint8_t* lp, size_t at, std::string_view element) {
  const Encoded e = EncodingOf(element);
  const size_t new_size = EntrySize(e);
  const size_t old_size = EntrySizeAt(lp + at);
  const size_t old_bytes = Bytes(lp);
  const size_t new_bytes = old_bytes - old_size + new_size;
  const size_t tail = old_bytes - at - old_size;
  if (new_size > old_size) lp = Reallocate(lp, new_bytes);
  std::memmove(lp + at + new_size, lp + at + old_size, tail);
  if (new_size < old_size) lp = Reallocate(lp, new_bytes);
  WriteEntry(lp + at, element, e);
  WriteU32(lp, static_cast<uint32_t>(new_bytes));
  return lp;
}

uint8_t* Delete(uint8_t* lp, size_t at, size_t count) {
  const size_t old_bytes = Bytes(lp);
  size_t end = at;
  size_t deleted = 0;
  while (deleted < count && lp[end] != kEof) {
    end += EntrySizeAt(lp + end);
    ++deleted;
  }
  if (deleted == 0) return lp;
  const size_t total = Length(lp);
  std::memmove(lp + at, lp + end, old_bytes - end);
  const size_t new_bytes = old_bytes - (end - at);
  lp = Reallocate(lp, new_bytes);
  WriteU32(lp, static_cast<uint32_t>(new_bytes));
  WriteCount(lp, total - deleted);
  return lp;
}

bool Validate(std::string_view bytes, size_t expected_count) {
  const auto* lp = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  if (size < kHeaderSize + 1 || ReadU32(lp) != size || lp[size - 1] != kEof) return false;
  size_t count = 0;
  size_t at = kHeaderSize;
  while (at < size - 1) {
    const uint8_t b = lp[at];
    if (b == kEof) return false;  // EOF before the end.
    // Enough bytes for the encoding's own length fields before reading them.
    size_t header = 1;
    if ((b & 0xF0) == k12BitStr || (b & 0xE0) == k13BitInt) header = 2;
    if (b == k32BitStr) header = 5;
    if (b > k64BitInt && b != kEof) return false;  // Undefined encodings 0xF5..0xFE.
    if (size - 1 - at < header) return false;
    const size_t l = EncodedSize(lp + at);
    const size_t entry = l + BacklenSize(l);
    if (l > size || size - 1 - at < entry) return false;
    // Compared by re-encoding: a corrupt backlen must not be walked.
    uint8_t backlen[5];
    WriteBacklen(backlen, l);
    if (std::memcmp(backlen, lp + at + l, BacklenSize(l)) != 0) return false;
    at += entry;
    ++count;
  }
  if (at != size - 1) return false;
  const uint16_t stored = ReadCount(lp);
  if (stored != kCountUnknown && stored != count) return false;
  return expected_count == SIZE_MAX || expected_count == count;
}

}  // namespace respd::store::listpack
