// Fast pseudo-random numbers for the commands that pick at random
// (HRANDFIELD, SRANDMEMBER, SPOP, …): xorshift64*, seeded once per process
// from the kernel. Not for secrets (ACL GENPASS reads the kernel itself).
#pragma once

#include <cstdint>

namespace respd::base {

uint64_t RandomU64();
// Uniform in [0, n) for n > 0 (rejection sampling: no modulo bias).
uint64_t RandomBelow(uint64_t n);

}  // namespace respd::base
