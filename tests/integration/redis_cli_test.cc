// redis-cli itself against respd: one-shot commands as people type them, and
// --pipe mass insertion.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"
#include "tests/support/resp_reader.h"

namespace respd::test {
namespace {

ProgramResult Cli(int port, std::vector<std::string> args, const std::string& input = "") {
  std::vector<std::string> argv = {REDIS_CLI_BINARY, "-h", "127.0.0.1", "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input);
}

bool ExitedOk(const ProgramResult& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; }

TEST(RedisCli, OneShotCommands) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  const int port = server->port();
  EXPECT_EQ(Cli(port, {"PING"}).output, "PONG\n");
  EXPECT_EQ(Cli(port, {"SET", "name", "respd server"}).output, "OK\n");
  EXPECT_EQ(Cli(port, {"GET", "name"}).output, "respd server\n");
  EXPECT_EQ(Cli(port, {"EXISTS", "name", "missing", "name"}).output, "2\n");
  EXPECT_EQ(Cli(port, {"DEL", "name"}).output, "1\n");
  EXPECT_EQ(Cli(port, {"DBSIZE"}).output, "0\n");
  // Values with tabs and spaces survive the round trip.
  EXPECT_EQ(Cli(port, {"SET", "bin", "a\tb c"}).output, "OK\n");
  EXPECT_EQ(Cli(port, {"--no-raw", "GET", "bin"}).output, "\"a\\tb c\"\n");
}

// What a person sees in redis-cli is the same as with redis-server, errors
// and nils included.
TEST(RedisCli, PrintsWhatRedisPrints) {
  auto respd = ServerProcess::StartRespd();
  auto redis = ServerProcess::StartRedis();
  ASSERT_TRUE(respd && redis);
  const std::vector<std::vector<std::string>> commands = {{"SET", "k", "v"},
                                                          {"GET", "k"},
                                                          {"GET", "missing"},
                                                          {"NOSUCH", "a"},
                                                          {"GET"},
                                                          {"SET", "k", "v", "EX", "0"},
                                                          {"SET", "k", "v", "NX"},
                                                          {"SET", "k", "w", "GET"},
                                                          {"--no-raw", "GET", "missing"},
                                                          {"--no-raw", "SET", "k", "v", "NX"},
                                                          {"--no-raw", "EXISTS", "k"},
                                                          {"-3", "GET", "k"},
                                                          {"--no-raw", "COMMAND", "INFO", "get"},
                                                          {"PING", "hello"},
                                                          {"SELECT", "99"}};
  for (const auto& cmd : commands) {
    const ProgramResult a = Cli(redis->port(), cmd);
    const ProgramResult b = Cli(respd->port(), cmd);
    EXPECT_EQ(a.output, b.output) << testing::PrintToString(cmd);
    EXPECT_EQ(a.status, b.status) << testing::PrintToString(cmd);
  }
}

TEST(RedisCli, ReadsCommandsFromStdin) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  const ProgramResult r =
      Cli(server->port(), {}, "SET a 1\nSET b \"two words\"\nGET b\nEXISTS a b c\n");
  EXPECT_TRUE(ExitedOk(r)) << r.output;
  EXPECT_EQ(r.output, "OK\nOK\ntwo words\n2\n");
}

TEST(RedisCli, PipeMassInsertsHundredThousandCommands) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  std::string input;
  for (int i = 0; i < 100000; ++i) {
    input += EncodeCommand({"SET", "key:" + std::to_string(i), "value:" + std::to_string(i)});
  }
  const ProgramResult r = Cli(server->port(), {"--pipe"}, input);
  ASSERT_TRUE(ExitedOk(r)) << r.output;
  EXPECT_NE(r.output.find("errors: 0, replies: 100000"), std::string::npos) << r.output;
  RawClient c(server->port());
  EXPECT_EQ(c.Call({"DBSIZE"}), ":100000\r\n");
  EXPECT_EQ(c.Call({"GET", "key:99999"}), "$11\r\nvalue:99999\r\n");
}

TEST(RedisCli, PipeReportsErrors) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  const std::string input = EncodeCommand({"SET", "a", "1"}) + EncodeCommand({"NOSUCH"}) +
                            EncodeCommand({"GET"}) + EncodeCommand({"GET", "a"});
  const ProgramResult r = Cli(server->port(), {"--pipe"}, input);
  EXPECT_NE(r.output.find("errors: 2, replies: 4"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace respd::test
