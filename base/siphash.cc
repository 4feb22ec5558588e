#include "base/siphash.h"

#include <sys/random.h>

#include <cstring>
#include <ctime>

namespace respd::base {
namespace {

inline uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

struct State {
  uint64_t v0, v1, v2, v3;

  void Round() {
    v0 += v1;
    v1 = Rotl(v1, 13);
    v1 ^= v0;
    v0 = Rotl(v0, 32);
    v2 += v3;
    v3 = Rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Rotl(v1, 17);
    v1 ^= v2;
    v2 = Rotl(v2, 32);
  }
};

template <int kCompressionRounds, int kFinalRounds>
uint64_t SipHash(const void* data, size_t len, const HashSeed& seed) {
  const uint64_t k0 = LoadLE64(seed.bytes);
  const uint64_t k1 = LoadLE64(seed.bytes + 8);
  // The initialisation constants of the SipHash paper ("somepseudorandomlygeneratedbytes").
  State s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
          k1 ^ 0x7465646279746573ULL};
  const auto* in = static_cast<const uint8_t*>(data);
  const size_t blocks = len / 8;
  for (size_t i = 0; i < blocks; ++i) {
    const uint64_t m = LoadLE64(in + i * 8);
    s.v3 ^= m;
    for (int r = 0; r < kCompressionRounds; ++r) s.Round();
    s.v0 ^= m;
  }
  // The last block: the remaining bytes, little-endian, with len in the top byte.
  uint64_t b = static_cast<uint64_t>(len) << 56;
  const uint8_t* tail = in + blocks * 8;
  for (size_t i = 0; i < (len & 7); ++i) b |= static_cast<uint64_t>(tail[i]) << (8 * i);
  s.v3 ^= b;
  for (int r = 0; r < kCompressionRounds; ++r) s.Round();
  s.v0 ^= b;
  s.v2 ^= 0xff;
  for (int r = 0; r < kFinalRounds; ++r) s.Round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace

uint64_t SipHash13(const void* data, size_t len, const HashSeed& seed) {
  return SipHash<1, 3>(data, len, seed);
}

uint64_t SipHash24(const void* data, size_t len, const HashSeed& seed) {
  return SipHash<2, 4>(data, len, seed);
}

HashSeed RandomHashSeed() {
  HashSeed seed{};
  size_t got = 0;
  while (got < sizeof(seed.bytes)) {
    ssize_t n = getrandom(seed.bytes + got, sizeof(seed.bytes) - got, 0);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < sizeof(seed.bytes)) {
    // No entropy source (a very old kernel): mix the time and our address in,
    // which still beats a fixed, public seed.
    uint64_t t = static_cast<uint64_t>(std::time(nullptr)) ^ reinterpret_cast<uintptr_t>(&seed);
    std::memcpy(seed.bytes, &t, sizeof(t));
  }
  return seed;
}

}  // namespace respd::base
