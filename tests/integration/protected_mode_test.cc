// Protected mode needs a client that is not on loopback. The test makes its
// own test host: a network namespace joined to this one by a veth pair, with
// addresses of its own (10.231.N.1 here, 10.231.N.2 there); the client runs
// inside it with `ip netns exec`. Nothing leaves the machine. Without the
// privileges to make a namespace (not root), the test is skipped and says so.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "tests/support/process.h"

namespace respd::test {
namespace {

bool Ok(const ProgramResult& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; }

class ProtectedMode : public testing::Test {
 protected:
  void SetUp() override {
    const int n = static_cast<int>(getpid() % 200) + 20;
    ns_ = "respd-pm-" + std::to_string(getpid());
    host_if_ = "rpm" + std::to_string(getpid() % 100000) + "h";
    ns_if_ = "rpm" + std::to_string(getpid() % 100000) + "n";
    host_ip_ = "10.231." + std::to_string(n) + ".1";
    ns_ip_ = "10.231." + std::to_string(n) + ".2";
    const std::vector<std::vector<std::string>> steps = {
        {"ip", "netns", "add", ns_},
        {"ip", "link", "add", host_if_, "type", "veth", "peer", "name", ns_if_},
        {"ip", "link", "set", ns_if_, "netns", ns_},
        {"ip", "addr", "add", host_ip_ + "/24", "dev", host_if_},
        {"ip", "link", "set", host_if_, "up"},
        {"ip", "netns", "exec", ns_, "ip", "addr", "add", ns_ip_ + "/24", "dev", ns_if_},
        {"ip", "netns", "exec", ns_, "ip", "link", "set", ns_if_, "up"},
        {"ip", "netns", "exec", ns_, "ip", "link", "set", "lo", "up"},
    };
    for (const auto& step : steps) {
      const ProgramResult r = RunProgram(step, "", 10000);
      if (!Ok(r)) {
        TearDown();
        GTEST_SKIP() << "cannot make a test network namespace here (" << step[0] << " " << step[1]
                     << " " << step[2] << ": " << r.output << ")";
      }
    }
    ready_ = true;
  }

  void TearDown() override {
    RunProgram({"ip", "link", "del", host_if_}, "", 10000);
    RunProgram({"ip", "netns", "del", ns_}, "", 10000);
  }

  // redis-cli run from the other host.
  std::string RemoteCli(int port, std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "ip", "netns", "exec", ns_, REDIS_CLI_BINARY, "-h", host_ip_, "-p", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, "", 20000).output;
  }

  bool ready_ = false;
  std::string ns_, host_if_, ns_if_, host_ip_, ns_ip_;
};

TEST_F(ProtectedMode, RefusesRemoteClientsWithoutAPassword) {
  // Redis 7.0 applies it whatever the bind addresses are.
  auto server = ServerProcess::StartRespd({"--bind", "127.0.0.1", host_ip_});
  ASSERT_TRUE(server);
  const std::string out = RemoteCli(server->port(), {"PING"});
  EXPECT_EQ(out.rfind("DENIED Redis is running in protected mode because protected mode is enabled "
                      "and no password is set for the default user.",
                      0),
            0u)
      << out;
  // Loopback clients are served as usual.
  EXPECT_EQ(RunProgram({REDIS_CLI_BINARY, "-p", std::to_string(server->port()), "PING"}).output,
            "PONG\n");
}

TEST_F(ProtectedMode, ServesRemoteClientsWhenOffOrWithAPassword) {
  auto open =
      ServerProcess::StartRespd({"--bind", "127.0.0.1", host_ip_, "--protected-mode", "no"});
  ASSERT_TRUE(open);
  EXPECT_EQ(RemoteCli(open->port(), {"PING"}), "PONG\n");
  auto locked = ServerProcess::StartRespd({"--bind", "127.0.0.1", host_ip_, "--requirepass", "pw"});
  ASSERT_TRUE(locked);
  EXPECT_EQ(RemoteCli(locked->port(), {"PING"}), "NOAUTH Authentication required.\n\n");
  EXPECT_EQ(RemoteCli(locked->port(), {"-a", "pw", "--no-auth-warning", "PING"}), "PONG\n");
}

}  // namespace
}  // namespace respd::test
