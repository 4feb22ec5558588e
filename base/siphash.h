// SipHash-1-3, keyed: the hash of every dict in the store.
//
// Keys come from the network, so the table's hash must not be predictable: a
// client that could choose colliding keys would turn O(1) lookups into O(n)
// chains. SipHash is a keyed PRF; the key is drawn at random at startup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace respd::base {

struct HashSeed {
  uint8_t bytes[16];
};

uint64_t SipHash13(const void* data, size_t len, const HashSeed& seed);
// The paper's SipHash-2-4, sharing the round function; its published test
// vectors are what the unit tests check the implementation against.
uint64_t SipHash24(const void* data, size_t len, const HashSeed& seed);

inline uint64_t HashKey(std::string_view key, const HashSeed& seed) {
  return SipHash13(key.data(), key.size(), seed);
}

// A seed from the kernel's random source (getrandom), for production use.
HashSeed RandomHashSeed();

}  // namespace respd::base
