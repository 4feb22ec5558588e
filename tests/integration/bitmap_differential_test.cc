// Bitmaps against redis-server on random inputs: thousands of BITPOS,
// BITCOUNT and BITFIELD calls with random strings (runs of 0x00 and 0xff
// among random bytes), random ranges in BYTE and BIT units and random
// BITFIELD types, values and overflow policies, every raw reply compared.
// The corpus (bitmaps.txt) holds the hand-picked edge cases; this covers
// the combinations nobody thought to write down.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace respd::test {
namespace {

TEST(BitmapDifferential, RandomRangesAndFieldsMatchRedis) {
  auto redis = ServerProcess::StartRedis();
  auto respd = ServerProcess::StartRespd();
  ASSERT_TRUE(redis && respd);
  RawClient a(redis->port()), b(respd->port());
  std::mt19937_64 rng(20261202);
  const auto pick = [&rng](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  int compared = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string value;
    for (int64_t i = 0, n = pick(0, 6); i < n; ++i) {
      const int64_t kind = pick(0, 2);
      value.push_back(static_cast<char>(kind == 0 ? 0 : kind == 1 ? 0xff : pick(0, 255)));
    }
    std::vector<std::string> args;
    switch (pick(0, 2)) {
      case 0: {
        args = {"BITPOS", "k", std::to_string(pick(0, 1))};
        const int64_t extra = pick(0, 3);
        if (extra >= 1) args.push_back(std::to_string(pick(-20, 20)));
        if (extra >= 2) args.push_back(std::to_string(pick(-20, 20)));
        if (extra >= 3) args.push_back(pick(0, 1) ? "BIT" : "BYTE");
        break;
      }
      case 1:
        args = {"BITCOUNT", "k"};
        if (pick(0, 4) != 0) {
          args.push_back(std::to_string(pick(-50, 50)));
          args.push_back(std::to_string(pick(-50, 50)));
          if (pick(0, 1)) args.push_back(pick(0, 1) ? "BIT" : "BYTE");
        }
        break;
      default: {
        args = {"BITFIELD", "k"};
        for (int64_t op = 0, n = pick(1, 3); op < n; ++op) {
          if (pick(0, 3) == 0) {
            args.push_back("OVERFLOW");
            args.push_back(std::vector<std::string>{"WRAP", "SAT", "FAIL"}[pick(0, 2)]);
          }
          const bool is_signed = pick(0, 1);
          const int64_t bits = pick(1, is_signed ? 64 : 63);
          const int64_t kind = pick(0, 2);
          args.push_back(kind == 0 ? "GET" : kind == 1 ? "SET" : "INCRBY");
          args.push_back((is_signed ? "i" : "u") + std::to_string(bits));
          args.push_back(std::to_string(pick(0, 40)));
          if (kind != 0) {
            const int64_t v = pick(0, 2) == 0   ? static_cast<int64_t>(rng())
                              : pick(0, 1) == 0 ? pick(-300, 300)
                                                : pick(-(int64_t{1} << 40), int64_t{1} << 40);
            args.push_back(std::to_string(v));
          }
        }
      }
    }
    for (RawClient* c : {&a, &b}) {
      ASSERT_TRUE(c->SendCommand({"SET", "k", value}));
      ASSERT_TRUE(c->ReadReply().has_value());
      ASSERT_TRUE(c->SendCommand(args));
    }
    const auto ra = a.ReadReply(), rb = b.ReadReply();
    ASSERT_TRUE(ra && rb);
    std::string shown;
    for (const auto& arg : args) shown += arg + " ";
    ASSERT_EQ(*ra, *rb) << shown << "on a value of " << value.size() << " bytes";
    ++compared;
  }
  EXPECT_EQ(compared, 3000);
}

}  // namespace
}  // namespace respd::test
