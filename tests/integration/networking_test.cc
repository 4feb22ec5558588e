// The connection path under load: pipelines, big values, slow readers, many
// clients, clients that vanish mid-reply. Each test talks to the real binary.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"
#include "tests/support/resp_reader.h"

namespace respd::test {
namespace {

using std::chrono::milliseconds;

// Open descriptors of a process, from /proc.
int CountOpenFds(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(path.c_str());
  if (d == nullptr) return -1;
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
}

// Waits until the server's open descriptors drop to `want` (clients freed).
bool WaitForFds(pid_t pid, int want, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (CountOpenFds(pid) == want) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

TEST(Networking, TenThousandPipelinedCommandsInOneWrite) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  RawClient c(server->port());
  ASSERT_TRUE(c.connected());
  std::string request, expected;
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "key:" + std::to_string(i);
    const std::string value = "value-" + std::to_string(i * 7);
    request += EncodeCommand({"SET", key, value});
    request += EncodeCommand({"GET", key});
    expected += "+OK\r\n" + Bulk(value);
  }
  ASSERT_TRUE(c.Send(request));
  EXPECT_EQ(c.ReadBytes(expected.size(), std::chrono::seconds(30)), expected);
  EXPECT_EQ(c.Call({"DBSIZE"}), ":10000\r\n");
}

TEST(Networking, EightMegabyteValueRoundTrips) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  auto c = Connect(server->port());
  ASSERT_TRUE(c && !c->err);
  std::string value(8 * 1024 * 1024, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>((i * 131 + 7) & 0xff);
  Reply r = Command(c.get(), {"SET", "big", value});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_STATUS);
  r = Command(c.get(), {"GET", "big"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  ASSERT_EQ(r->len, value.size());
  EXPECT_TRUE(std::string_view(r->str, r->len) == value);
}

TEST(Networking, ArgumentSplitAcrossManyWritesIsReassembled) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  RawClient c(server->port());
  const std::string value(300000, 'x');
  const std::string request = EncodeCommand({"SET", "k", value}) + EncodeCommand({"GET", "k"});
  // Dribble it in odd-sized pieces, so headers and payloads split anywhere.
  for (size_t pos = 0; pos < request.size();) {
    const size_t n = std::min<size_t>(request.size() - pos, 1 + (pos * 7919) % 9000);
    ASSERT_TRUE(c.Send(std::string_view(request).substr(pos, n)));
    pos += n;
  }
  EXPECT_EQ(c.ReadReply(), "+OK\r\n");
  EXPECT_EQ(c.ReadReply(), Bulk(value));
}

TEST(Networking, SlowReaderGetsEveryByteAndOthersAreServed) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  auto setup = Connect(server->port());
  std::string value(1024 * 1024, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(Command(setup.get(), {"SET", "big", value})->type, REDIS_REPLY_STATUS);

  // 16 MiB of replies against a 4 KiB receive buffer: the server must park
  // the rest, install a writable event, and finish as the reader drains.
  RawClient slow(server->port(), 4096);
  std::string request;
  for (int i = 0; i < 16; ++i) request += EncodeCommand({"GET", "big"});
  ASSERT_TRUE(slow.Send(request));
  std::this_thread::sleep_for(milliseconds(200));

  // While the slow reader's replies wait, others get answers promptly.
  RawClient other(server->port());
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(other.Call({"PING"}), "+PONG\r\n");
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  }

  const std::string expected_one = Bulk(value);
  for (int i = 0; i < 16; ++i) {
    // Read in small bites with pauses: a reader slower than the server.
    std::string got;
    while (got.size() < expected_one.size()) {
      std::string part =
          slow.ReadBytes(std::min<size_t>(256 * 1024, expected_one.size() - got.size()));
      ASSERT_FALSE(part.empty()) << "connection stalled at reply " << i;
      got += part;
      if (i < 2) std::this_thread::sleep_for(milliseconds(5));
    }
    ASSERT_TRUE(got == expected_one) << "reply " << i << " differs";
  }
  EXPECT_EQ(slow.Call({"PING"}), "+PONG\r\n");
}

TEST(Networking, ThousandClientsAtOnce) {
  // The test itself needs ~1000 descriptors.
  rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < 2048) {
    rl.rlim_cur = std::min<rlim_t>(4096, rl.rlim_max);
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 1000; ++i) {
    clients.push_back(std::make_unique<RawClient>(server->port()));
    ASSERT_TRUE(clients.back()->connected()) << "client " << i;
  }
  // Every client writes its own key, then every client reads it back.
  for (int i = 0; i < 1000; ++i) {
    clients[static_cast<size_t>(i)]->SendCommand(
        {"SET", "c" + std::to_string(i), std::to_string(i)});
  }
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(clients[static_cast<size_t>(i)]->ReadReply(), "+OK\r\n") << "client " << i;
  }
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(clients[static_cast<size_t>(i)]->Call({"GET", "c" + std::to_string(i)}),
              Bulk(std::to_string(i)));
  }
  EXPECT_EQ(clients[0]->Call({"DBSIZE"}), ":1000\r\n");
  const int with_clients = CountOpenFds(server->pid());
  clients.clear();
  // All 1000 are freed once they hang up.
  EXPECT_TRUE(WaitForFds(server->pid(), with_clients - 1000, std::chrono::seconds(10)))
      << CountOpenFds(server->pid());
}

TEST(Networking, ClientResetMidReplyIsCleanedUp) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  RawClient setup(server->port());
  ASSERT_EQ(setup.Call({"SET", "big", std::string(4 * 1024 * 1024, 'z')}), "+OK\r\n");
  const int baseline = CountOpenFds(server->pid());

  for (int round = 0; round < 20; ++round) {
    auto c = std::make_unique<RawClient>(server->port(), 4096);
    std::string request;
    for (int i = 0; i < 8; ++i) request += EncodeCommand({"GET", "big"});
    c->Send(request);
    c->ReadBytes(1000);  // Take a little of the reply...
    c->Reset();          // ...then vanish with a reset.
  }
  // The server notices on its next write, frees each client, keeps serving.
  EXPECT_TRUE(WaitForFds(server->pid(), baseline, std::chrono::seconds(10)))
      << CountOpenFds(server->pid()) << " vs " << baseline;
  EXPECT_EQ(setup.Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(setup.Call({"DBSIZE"}), ":1\r\n");
  EXPECT_TRUE(server->Alive());
}

TEST(Networking, ClientClosingWithPendingInputIsCleanedUp) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  RawClient keeper(server->port());
  ASSERT_EQ(keeper.Call({"PING"}), "+PONG\r\n");
  const int baseline = CountOpenFds(server->pid());
  for (int i = 0; i < 50; ++i) {
    RawClient c(server->port());
    c.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nonly-part");  // Half a command.
  }
  EXPECT_TRUE(WaitForFds(server->pid(), baseline, std::chrono::seconds(10)));
  EXPECT_EQ(keeper.Call({"EXISTS", "k"}), ":0\r\n");
}

TEST(Networking, QuitRepliesThenCloses) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  RawClient c(server->port());
  c.Send("SET k v\r\nQUIT\r\nSET k2 v\r\n");
  std::string rest;
  EXPECT_TRUE(c.WaitClosed(std::chrono::seconds(5), &rest));
  EXPECT_EQ(rest, "+OK\r\n+OK\r\n");
  RawClient check(server->port());
  EXPECT_EQ(check.Call({"EXISTS", "k", "k2"}), ":1\r\n");  // Nothing after QUIT ran.
}

}  // namespace
}  // namespace respd::test
