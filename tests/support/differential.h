// A fixture for differential tests: a redis-server and a respd started side
// by side, one connection to each, and Same(), which runs a command on both
// and fails the test unless the raw replies are byte-identical.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace respd::test {

class RedisRespdPair : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = ServerProcess::StartRedis();
    respd_ = ServerProcess::StartRespd();
    ASSERT_TRUE(redis_ && respd_);
    a_ = std::make_unique<RawClient>(redis_->port());
    b_ = std::make_unique<RawClient>(respd_->port());
  }

  // Runs `args` on both; a failure unless the raw replies are equal (each
  // argument shown up to 40 bytes). Returns Redis's reply ("" if none came).
  std::string Same(const std::vector<std::string>& args) {
    EXPECT_TRUE(a_->SendCommand(args) && b_->SendCommand(args));
    const auto ra = a_->ReadReply(), rb = b_->ReadReply();
    EXPECT_TRUE(ra && rb) << args[0];
    if (!ra || !rb) return "";
    std::string shown;
    for (const auto& arg : args) shown += arg.substr(0, 40) + " ";
    EXPECT_EQ(*ra, *rb) << shown;
    return *ra;
  }

  std::unique_ptr<ServerProcess> redis_, respd_;
  std::unique_ptr<RawClient> a_, b_;  // To redis_ and to respd_.
};

}  // namespace respd::test
