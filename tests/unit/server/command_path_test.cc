// The command path without sockets (Server::RunDetachedClient), as the
// command-path fuzzer drives it. Also the regression tests for what the
// fuzzers found.
#include <gtest/gtest.h>

#include "server/config/config.h"
#include "server/core/server.h"
#include "server/sys/log.h"

namespace respd::server {
namespace {

class CommandPath : public testing::Test {
 protected:
  CommandPath() : server_(MakeConfig(), &logger_) {}
  static Config MakeConfig() {
    Config c;
    c.databases = 4;
    return c;
  }
  std::string Run(std::string_view input) { return server_.connections().RunDetachedClient(input); }

  Logger logger_;
  Server server_;
};

TEST_F(CommandPath, RunsCommandsAndReturnsTheirReplies) {
  EXPECT_EQ(Run("SET k v\r\nGET k\r\n"), "+OK\r\n$1\r\nv\r\n");
  // State lives in the server across clients; client state does not.
  EXPECT_EQ(Run("GET k\r\nSELECT 1\r\nGET k\r\n"), "$1\r\nv\r\n+OK\r\n$-1\r\n");
  EXPECT_EQ(Run("GET k\r\n"), "$1\r\nv\r\n");
}

// Found by fuzz_command_path: empty input reached memcpy with a null source.
TEST_F(CommandPath, EmptyInputIsNothing) { EXPECT_EQ(Run(""), ""); }

TEST_F(CommandPath, ProtocolErrorEndsTheClient) {
  EXPECT_EQ(Run("PING\r\n*x\r\nPING\r\n"),
            "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n");
}

TEST_F(CommandPath, UnfinishedTransactionAndWatchAreDropped) {
  EXPECT_EQ(Run("WATCH w\r\nMULTI\r\nSET w 1\r\n"), "+OK\r\n+OK\r\n+QUEUED\r\n");
  // The client is gone: the write below must not touch it, and nothing ran.
  EXPECT_EQ(Run("EXISTS w\r\nSET w 2\r\n"), ":0\r\n+OK\r\n");
}

}  // namespace
}  // namespace respd::server
