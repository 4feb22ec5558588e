#include "store/encodings/intset.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace respd::store::intset {
namespace {

constexpr size_t kHeaderSize = 8;

uint32_t ReadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // Little-endian hosts only, as the RDB format expects.
}
void WriteU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

uint32_t WidthOf(const uint8_t* is) { return ReadU32(is); }

// Bytes an element needs (Redis's _intsetValueEncoding).
uint32_t WidthFor(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

int64_t ReadAt(const uint8_t* is, size_t index, uint32_t width) {
  const uint8_t* p = is + kHeaderSize + index * width;
  switch (width) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

void WriteAt(uint8_t* is, size_t index, uint32_t width, int64_t value) {
  uint8_t* p = is + kHeaderSize + index * width;
  if (width == 2) {
    const auto v = static_cast<int16_t>(value);
    std::memcpy(p, &v, 2);
  } else if (width == 4) {
    const auto v = static_cast<int32_t>(value);
    std::memcpy(p, &v, 4);
  } else {
    std::memcpy(p, &value, 8);
  }
}

uint8_t* Resize(uint8_t* is, size_t bytes) {
  auto* grown = static_cast<uint8_t*>(std::realloc(is, bytes));
  if (grown == nullptr) std::abort();  // Out of memory: nothing sane to do.
  return grown;
}

// Binary search: true and the index if found, else false and where it goes.
bool Search(const uint8_t* is, int64_t value, size_t* pos) {
  const uint32_t width = WidthOf(is);
  size_t lo = 0, hi = Length(is);
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t v = ReadAt(is, mid, width);
    if (v == value) {
      *pos = mid;
      return true;
    }
    if (v < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

}  // namespace

uint8_t* New() {
  auto* is = static_cast<uint8_t*>(std::malloc(kHeaderSize));
  if (is == nullptr) std::abort();
  WriteU32(is, 2);
  WriteU32(is + 4, 0);
  return is;
}

void Free(uint8_t* is) { std::free(is); }

uint8_t* Copy(const uint8_t* is) {
  const size_t n = Bytes(is);
  auto* copy = static_cast<uint8_t*>(std::malloc(n));
  if (copy == nullptr) std::abort();
  std::memcpy(copy, is, n);
  return copy;
}

size_t Length(const uint8_t* is) { return ReadU32(is + 4); }
size_t Bytes(const uint8_t* is) { return kHeaderSize + Length(is) * WidthOf(is); }
size_t AllocationSize(const uint8_t* is) { return malloc_usable_size(const_cast<uint8_t*>(is)); }

int64_t Get(const uint8_t* is, size_t index) { return ReadAt(is, index, WidthOf(is)); }

bool Contains(const uint8_t* is, int64_t value) {
  if (WidthFor(value) > WidthOf(is)) return false;
  size_t pos;
  return Search(is, value, &pos);
}

uint8_t* Add(uint8_t* is, int64_t value, bool* added) {
  const uint32_t width = WidthOf(is);
  const size_t n = Length(is);
  const uint32_t needed = WidthFor(value);
  if (needed > width) {
    // Upgrade: the new value is below or above everything there, so it
    // goes at one end. Elements move from the back, so none is overwritten
    // before it is read.
    is = Resize(is, kHeaderSize + (n + 1) * needed);
    const bool at_front = value < 0;
    for (size_t i = n; i-- > 0;) WriteAt(is, i + (at_front ? 1 : 0), needed, ReadAt(is, i, width));
    WriteAt(is, at_front ? 0 : n, needed, value);
    WriteU32(is, needed);
    WriteU32(is + 4, static_cast<uint32_t>(n + 1));
    *added = true;
    return is;
  }
  size_t pos;
  if (Search(is, value, &pos)) {
    *added = false;
    return is;
  }
  is = Resize(is, kHeaderSize + (n + 1) * width);
  uint8_t* at = is + kHeaderSize + pos * width;
  std::memmove(at + width, at, (n - pos) * width);
  WriteAt(is, pos, width, value);
  WriteU32(is + 4, static_cast<uint32_t>(n + 1));
  *added = true;
  return is;
}

uint8_t* Remove(uint8_t* is, int64_t value, bool* removed) {
  size_t pos;
  if (WidthFor(value) > WidthOf(is) || !Search(is, value, &pos)) {
    *removed = false;
    return is;
  }
  const uint32_t width = WidthOf(is);
  const size_t n = Length(is);
  uint8_t* at = is + kHeaderSize + pos * width;
  std::memmove(at, at + width, (n - pos - 1) * width);
  WriteU32(is + 4, static_cast<uint32_t>(n - 1));
  *removed = true;
  return Resize(is, kHeaderSize + (n - 1) * width);
}

bool Validate(std::string_view bytes, bool deep) {
  if (bytes.size() < kHeaderSize) return false;
  const auto* is = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint32_t width = WidthOf(is);
  if (width != 2 && width != 4 && width != 8) return false;
  const uint64_t n = Length(is);
  if (kHeaderSize + n * width != bytes.size()) return false;
  if (!deep) return true;
  for (size_t i = 1; i < n; ++i) {
    if (ReadAt(is, i - 1, width) >= ReadAt(is, i, width)) return false;
  }
  return true;
}

}  // namespace respd::store::intset
