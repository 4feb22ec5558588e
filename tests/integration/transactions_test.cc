// WATCH across connections: any client's write, an expiry, FLUSHALL or a
// SWAPDB breaks another client's transaction, as in Redis.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace respd::test {
namespace {

class Transactions : public testing::Test {
 protected:
  void SetUp() override {
    server_ = ServerProcess::StartRespd();
    ASSERT_TRUE(server_);
    a_ = std::make_unique<RawClient>(server_->port());
    b_ = std::make_unique<RawClient>(server_->port());
  }
  // WATCH key on A, run `interfere` on B, then MULTI/SET/EXEC on A.
  std::string ExecAfter(const std::vector<std::string>& interfere) {
    EXPECT_EQ(a_->Call({"WATCH", "k"}), "+OK\r\n");
    if (!interfere.empty()) b_->Call(interfere);
    EXPECT_EQ(a_->Call({"MULTI"}), "+OK\r\n");
    EXPECT_EQ(a_->Call({"SET", "k", "from-tx"}), "+QUEUED\r\n");
    return a_->Call({"EXEC"});
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<RawClient> a_, b_;
};

TEST_F(Transactions, AnotherClientsWriteAbortsExec) {
  b_->Call({"SET", "k", "v"});
  EXPECT_EQ(ExecAfter({"SET", "k", "other"}), "*-1\r\n");
  EXPECT_EQ(b_->Call({"GET", "k"}), "$5\r\nother\r\n");
}

TEST_F(Transactions, UnrelatedWritesDoNot) {
  EXPECT_EQ(ExecAfter({"SET", "unrelated", "x"}), "*1\r\n+OK\r\n");
  EXPECT_EQ(b_->Call({"GET", "k"}), "$7\r\nfrom-tx\r\n");
}

TEST_F(Transactions, DeleteExpireAndFlushAbort) {
  b_->Call({"SET", "k", "v"});
  EXPECT_EQ(ExecAfter({"DEL", "k"}), "*-1\r\n");
  b_->Call({"SET", "k", "v"});
  EXPECT_EQ(ExecAfter({"SET", "k", "v", "PX", "100000"}), "*-1\r\n");
  b_->Call({"SET", "k", "v"});
  EXPECT_EQ(ExecAfter({"FLUSHALL"}), "*-1\r\n");
}

TEST_F(Transactions, ActiveExpiryOfAWatchedKeyAborts) {
  b_->Call({"SET", "k", "v", "PX", "50"});
  EXPECT_EQ(a_->Call({"WATCH", "k"}), "+OK\r\n");
  // Nobody touches the key: the background cycle reclaims it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(b_->Call({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(a_->Call({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(a_->Call({"PING"}), "+QUEUED\r\n");
  EXPECT_EQ(a_->Call({"EXEC"}), "*-1\r\n");
}

TEST_F(Transactions, ClosedWatcherIsForgotten) {
  {
    RawClient c(server_->port());
    EXPECT_EQ(c.Call({"WATCH", "k"}), "+OK\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Writing the key after the watcher left must not touch freed memory
  // (the sanitizer build would catch it).
  EXPECT_EQ(b_->Call({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(b_->Call({"DEL", "k"}), ":1\r\n");
}

}  // namespace
}  // namespace respd::test
