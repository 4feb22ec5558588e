// HyperLogLog against redis-server on random inputs: random PFADDs (small
// and large batches, so keys cross from sparse to dense), PFMERGEs and
// multi-key PFCOUNTs, with the value's bytes (GET) and every reply compared;
// then random and mutated HLL values (corrupt sparse runs, truncations,
// flipped bytes) through every command, where respd must answer what Redis
// answers and never read outside the value (the sanitizer build checks).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/support/differential.h"

namespace respd::test {
namespace {

class HllDifferential : public RedisRespdPair {
 protected:
  std::mt19937_64 rng_{20261202};
};

TEST_F(HllDifferential, RandomAddsMergesAndCountsMatchRedis) {
  const std::vector<std::string> keys = {"k0", "k1", "k2", "k3"};
  for (int step = 0; step < 400; ++step) {
    const std::string& key = keys[rng_() % keys.size()];
    switch (rng_() % 5) {
      case 0:
      case 1: {
        std::vector<std::string> args = {"PFADD", key};
        const size_t n = rng_() % 3 == 0 ? 200 + rng_() % 800 : 1 + rng_() % 5;
        for (size_t i = 0; i < n; ++i) args.push_back("e" + std::to_string(rng_() % 100000));
        Same(args);
        break;
      }
      case 2:
        Same({"PFMERGE", key, keys[rng_() % keys.size()], keys[rng_() % keys.size()]});
        break;
      case 3:
        Same({"PFCOUNT", key, keys[rng_() % keys.size()]});
        break;
      default:
        Same({"PFCOUNT", key});
    }
    Same({"GET", key});
    if (HasFailure()) return;
  }
  for (const auto& key : keys) Same({"PFDEBUG", "ENCODING", key});
}

TEST_F(HllDifferential, CorruptValuesGetRedisAnswers) {
  Same({"PFADD", "seed", "a", "b", "c", "d", "e", "f", "g", "h"});
  Same({"PFADD", "denseseed"});
  Same({"PFDEBUG", "TODENSE", "denseseed"});
  ASSERT_TRUE(a_->SendCommand({"GET", "seed"}));
  const std::string sparse_reply = *a_->ReadReply();
  const std::string sparse = sparse_reply.substr(
      sparse_reply.find("\r\n") + 2, sparse_reply.size() - sparse_reply.find("\r\n") - 4);
  for (int step = 0; step < 1500; ++step) {
    std::string v = sparse;
    switch (rng_() % 4) {
      case 0:  // Flip bytes after the header.
        for (int i = 0, n = 1 + static_cast<int>(rng_() % 3); i < n; ++i) {
          v[16 + rng_() % (v.size() - 16)] = static_cast<char>(rng_());
        }
        break;
      case 1:  // Truncate.
        v.resize(16 + rng_() % (v.size() - 16));
        break;
      case 2:  // Random opcodes.
        v.resize(16);
        for (int i = 0, n = static_cast<int>(rng_() % 12); i < n; ++i) {
          v.push_back(static_cast<char>(rng_()));
        }
        break;
      default:  // Append garbage.
        for (int i = 0, n = 1 + static_cast<int>(rng_() % 4); i < n; ++i) {
          v.push_back(static_cast<char>(rng_()));
        }
    }
    if (rng_() % 2) v[15] = static_cast<char>(v[15] | 0x80);  // Stale cache: recount.
    Same({"SET", "bad", v});
    switch (rng_() % 6) {
      case 0:
        Same({"PFCOUNT", "bad"});
        break;
      case 1:
        Same({"PFADD", "bad", "x" + std::to_string(rng_() % 1000)});
        break;
      case 2:
        Same({"PFCOUNT", "bad", "seed"});
        break;
      case 3:
        Same({"PFMERGE", "bad", "denseseed"});
        break;
      case 4:
        Same({"PFDEBUG", "DECODE", "bad"});
        break;
      default:
        Same({"PFDEBUG", "GETREG", "bad"});
    }
    Same({"GET", "bad"});
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace respd::test
