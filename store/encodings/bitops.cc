#include "store/encodings/bitops.h"

#include <cstring>

namespace respd::store::bitops {
namespace {

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Popcount of 32-byte blocks with the popcnt instruction, compiled for it
// and called only where the CPU has it.
[[gnu::target("popcnt")]] uint64_t PopCountBlocksHardware(const uint8_t* p, size_t blocks) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (size_t i = 0; i < blocks; ++i, p += 32) {
    a += static_cast<uint64_t>(__builtin_popcountll(Load64(p)));
    b += static_cast<uint64_t>(__builtin_popcountll(Load64(p + 8)));
    c += static_cast<uint64_t>(__builtin_popcountll(Load64(p + 16)));
    d += static_cast<uint64_t>(__builtin_popcountll(Load64(p + 24)));
  }
  return a + b + c + d;
}

// The SWAR popcount of a word (no popcnt instruction).
uint64_t PopCountWord(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (x * 0x0101010101010101ULL) >> 56;
}

uint64_t PopCountBlocksPortable(const uint8_t* p, size_t blocks) {
  uint64_t total = 0;
  for (size_t i = 0; i < blocks; ++i, p += 32) {
    total += PopCountWord(Load64(p)) + PopCountWord(Load64(p + 8)) + PopCountWord(Load64(p + 16)) +
             PopCountWord(Load64(p + 24));
  }
  return total;
}

const bool kHasPopcnt = __builtin_cpu_supports("popcnt");

}  // namespace

uint64_t PopCount(const uint8_t* p, size_t n) {
  const size_t blocks = n / 32;
  uint64_t total =
      kHasPopcnt ? PopCountBlocksHardware(p, blocks) : PopCountBlocksPortable(p, blocks);
  for (size_t i = blocks * 32; i < n; ++i) total += PopCountWord(p[i]);
  return total;
}

int64_t FindBit(const uint8_t* p, uint64_t from, uint64_t to, int bit) {
  uint64_t i = from;
  const uint8_t skip = bit ? 0x00 : 0xFF;  // A byte with no bit we look for.
  while (i <= to) {
    if ((i & 7) == 0 && i + 7 <= to) {
      // Whole bytes (and whole words) that cannot match are skipped.
      const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
      while (i + 63 <= to && Load64(p + (i >> 3)) == skip_word) i += 64;
      while (i + 7 <= to && p[i >> 3] == skip) i += 8;
      if (i > to) break;
    }
    if (((p[i >> 3] >> (7 - (i & 7))) & 1) == bit) return static_cast<int64_t>(i);
    ++i;
  }
  return -1;
}

uint64_t GetUnsigned(const uint8_t* p, size_t n, uint64_t offset, int bits) {
  uint64_t value = 0;
  for (int j = 0; j < bits; ++j)
    value = (value << 1) | static_cast<uint64_t>(GetBit(p, n, offset + j));
  return value;
}

int64_t GetSigned(const uint8_t* p, size_t n, uint64_t offset, int bits) {
  uint64_t u = GetUnsigned(p, n, offset, bits);
  // Sign-extend from `bits` bits.
  if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(u);
}

void SetField(uint8_t* p, uint64_t offset, int bits, uint64_t value) {
  for (int j = 0; j < bits; ++j) {
    SetBit(p, offset + j, static_cast<int>((value >> (bits - 1 - j)) & 1));
  }
}

void Combine(BitOp op, const uint8_t* const* sources, const size_t* lengths, size_t count,
             uint8_t* out, size_t out_len) {
  // Source by source over whole arrays: plain loops the compiler vectorizes.
  if (lengths[0] != 0) std::memcpy(out, sources[0], lengths[0]);
  std::memset(out + lengths[0], 0, out_len - lengths[0]);
  if (op == BitOp::kNot) {
    for (size_t i = 0; i < out_len; ++i) out[i] = static_cast<uint8_t>(~out[i]);
    return;
  }
  for (size_t k = 1; k < count; ++k) {
    const uint8_t* s = sources[k];
    const size_t len = lengths[k];
    switch (op) {
      case BitOp::kAnd:
        for (size_t i = 0; i < len; ++i) out[i] &= s[i];
        std::memset(out + len, 0, out_len - len);  // A shorter source is zeros there.
        break;
      case BitOp::kOr:
        for (size_t i = 0; i < len; ++i) out[i] |= s[i];
        break;
      default:
        for (size_t i = 0; i < len; ++i) out[i] ^= s[i];
    }
  }
}

}  // namespace respd::store::bitops
