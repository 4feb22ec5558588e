#include "base/random.h"

#include <cstring>

#include "base/siphash.h"

namespace respd::base {
namespace {

uint64_t Seed() {
  const HashSeed seed = RandomHashSeed();
  uint64_t s;
  std::memcpy(&s, seed.bytes, sizeof(s));
  return s != 0 ? s : 0x9E3779B97F4A7C15ULL;  // xorshift must not start at 0.
}

uint64_t state = Seed();

}  // namespace

uint64_t RandomU64() {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

uint64_t RandomBelow(uint64_t n) {
  // Values below `limit` map onto [0, n) evenly.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t v;
  do {
    v = RandomU64();
  } while (v >= limit);
  return v % n;
}

}  // namespace respd::base
