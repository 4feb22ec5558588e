// Real client libraries, each with its default connection settings, against
// respd: the scripts in tests/clients/ (redis-py from Debian's python3-redis;
// ioredis 5 and 6 and node-redis 5 and 6 from the npm lockfile in
// tests/clients/node/) handshake, SET/GET, pipeline, MULTI/EXEC, check error
// replies by text and exit 0 only if every check passed. hiredis is covered
// by every other integration test.
//
// Each script first runs against Debian's redis-server, so a failure there
// points at the script (or a client upgrade), not at respd. A missing runtime
// or package fails the test: scripts/test installs them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace respd::test {
namespace {

const std::string kClientsDir = std::string(RESPD_SOURCE_DIR) + "/tests/clients";
const std::string kNodeDir = kClientsDir + "/node";
const char kPython[] = "/usr/bin/python3";
constexpr int kScriptTimeoutMs = 120000;

bool ExitedOk(const ProgramResult& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; }

std::string DescribeStatus(const ProgramResult& r) {
  if (r.status == -1) return "did not finish within the time limit (or could not start)";
  if (WIFEXITED(r.status)) {
    const int code = WEXITSTATUS(r.status);
    return code == 127 ? "exit status 127 (program not found?)"
                       : "exit status " + std::to_string(code);
  }
  if (WIFSIGNALED(r.status)) return "killed by signal " + std::to_string(WTERMSIG(r.status));
  return "status " + std::to_string(r.status);
}

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// The runtime answers `probe`; otherwise the test fails with `hint`.
::testing::AssertionResult RuntimeWorks(const std::vector<std::string>& probe,
                                        const std::string& hint) {
  const ProgramResult r = RunProgram(probe, "", 30000);
  if (ExitedOk(r)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "`" << Join(probe) << "` failed (" << DescribeStatus(r) << "): " << hint << "\n"
         << r.output;
}

::testing::AssertionResult NodePackageInstalled(const std::string& package) {
  if (access((kNodeDir + "/node_modules/" + package + "/package.json").c_str(), R_OK) == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << kNodeDir << "/node_modules/" << package
         << " is missing: install the pinned clients with `(cd tests/clients/node && npm ci)` "
            "(scripts/test does this)";
}

// Runs the script (argv, then the port appended, then `extra`) against
// Debian's redis-server and then against respd; both must exit 0.
void RunAgainstBothServers(std::vector<std::string> argv, const std::vector<std::string>& extra) {
  const auto run = [&](int port) {
    std::vector<std::string> full = argv;
    full.push_back(std::to_string(port));
    full.insert(full.end(), extra.begin(), extra.end());
    return std::make_pair(full, RunProgram(full, "", kScriptTimeoutMs));
  };
  {
    auto redis = ServerProcess::StartRedis();
    ASSERT_TRUE(redis);
    const auto [cmd, r] = run(redis->port());
    ASSERT_TRUE(ExitedOk(r)) << "The script fails against redis-server itself, so the script or "
                                "the client library is at fault, not respd.\n`"
                             << Join(cmd) << "`: " << DescribeStatus(r) << "\n"
                             << r.output;
  }
  auto respd = ServerProcess::StartRespd();
  ASSERT_TRUE(respd);
  const auto [cmd, r] = run(respd->port());
  EXPECT_TRUE(ExitedOk(r)) << "`" << Join(cmd) << "` against respd: " << DescribeStatus(r) << "\n"
                           << r.output;
  EXPECT_TRUE(respd->Alive()) << "respd died while the client ran; its log:\n" << respd->ReadLog();
}

TEST(ClientLibraries, RedisPy) {
  ASSERT_TRUE(RuntimeWorks({kPython, "-c", "import redis"},
                           "Debian's python3-redis must be installed for /usr/bin/python3 "
                           "(apt-get install python3-redis; scripts/test does this)"));
  RunAgainstBothServers({kPython, kClientsDir + "/redis_py_check.py"}, {});
}

void RunNodeScript(const std::string& script, const std::string& package) {
  ASSERT_TRUE(RuntimeWorks({"node", "--version"},
                           "Node.js must be on PATH (apt-get install nodejs npm; scripts/test "
                           "does this)"));
  ASSERT_TRUE(NodePackageInstalled(package));
  RunAgainstBothServers({"node", kNodeDir + "/" + script}, {package});
}

// ioredis 5: RESP2, INFO ready check.
TEST(ClientLibraries, Ioredis5) { RunNodeScript("ioredis_check.js", "ioredis5"); }

// ioredis 6: HELLO 3, then the INFO ready check.
TEST(ClientLibraries, Ioredis6) { RunNodeScript("ioredis_check.js", "ioredis6"); }

// node-redis 5: RESP2, CLIENT SETINFO in the handshake.
TEST(ClientLibraries, NodeRedis5) { RunNodeScript("node_redis_check.js", "redis5"); }

// node-redis 6: HELLO 3 (with SETNAME when named), CLIENT SETINFO.
TEST(ClientLibraries, NodeRedis6) { RunNodeScript("node_redis_check.js", "redis6"); }

}  // namespace
}  // namespace respd::test
