// Hostile input and abuse: whatever a peer sends or fails to read, respd
// stays up, keeps serving others with low latency, and loses nothing.
//
// Each test starts a server, writes canary keys, runs a well-behaved client
// that PINGs every few milliseconds (recording latencies) while the abuse
// goes on, and at the end checks that the server is alive, the canaries are
// intact, and the PING p99 stayed under a generous bound (the machine is
// shared and noisy: the bound catches a blocked loop, not jitter).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"
#include "tests/support/resp_reader.h"

namespace respd::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kP99Bound = milliseconds(250);
constexpr int kCanaries = 100;

// Pings every 5 ms on its own connection until stopped; keeps latencies.
class LatencyProbe {
 public:
  explicit LatencyProbe(int port) : client_(port) {
    thread_ = std::thread([this] {
      while (!stop_) {
        const auto start = Clock::now();
        if (client_.Call({"PING"}) != "+PONG\r\n") {
          ++failures_;
        } else {
          latencies_.push_back(Clock::now() - start);
          ++samples_;
        }
        std::this_thread::sleep_for(milliseconds(5));
      }
    });
  }
  ~LatencyProbe() { Stop(); }
  // A fast test can finish before a loaded machine has even scheduled the
  // probe thread; a p99 needs pings to have happened.
  void WaitForSamples(size_t n, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (samples_ < n && failures_ == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  Clock::duration P99() {
    Stop();
    if (latencies_.empty()) return Clock::duration::max();
    std::sort(latencies_.begin(), latencies_.end());
    return latencies_[latencies_.size() * 99 / 100];
  }
  int failures() const { return failures_; }
  size_t samples() const { return samples_; }

 private:
  RawClient client_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> samples_{0};
  std::atomic<int> failures_{0};
  std::vector<Clock::duration> latencies_;
  std::thread thread_;
};

// The resident set of process `pid`, in kB (0 if unreadable).
uint64_t RssKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  uint64_t rss_kb = 0;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) rss_kb = std::stoull(line.substr(6));
  }
  return rss_kb;
}

class Abuse : public testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}, const std::string& password = "") {
    // Some tests open ~1000 sockets of their own.
    rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < 4096) {
      rl.rlim_cur = std::min<rlim_t>(8192, rl.rlim_max);
      setrlimit(RLIMIT_NOFILE, &rl);
    }
    server_ = ServerProcess::StartRespd(std::move(args));
    ASSERT_TRUE(server_);
    RawClient c(server_->port());
    if (!password.empty()) {
      ASSERT_EQ(c.Call({"AUTH", password}), "+OK\r\n");
    }
    for (int i = 0; i < kCanaries; ++i) {
      ASSERT_EQ(c.Call({"SET", "canary:" + std::to_string(i), "value-" + std::to_string(i)}),
                "+OK\r\n");
    }
    probe_ = std::make_unique<LatencyProbe>(server_->port());
  }

  // The server survived, served the probe promptly, and lost nothing.
  void ExpectHealthy(Clock::duration p99_bound = kP99Bound) {
    probe_->WaitForSamples(20, std::chrono::seconds(10));
    const auto p99 = probe_->P99();
    EXPECT_GT(probe_->samples(), 0u);
    EXPECT_EQ(probe_->failures(), 0);
    EXPECT_LT(p99, p99_bound) << "PING p99 "
                              << std::chrono::duration_cast<milliseconds>(p99).count() << " ms";
    ASSERT_TRUE(server_->Alive()) << server_->ReadLog();
    RawClient c(server_->port());
    ASSERT_TRUE(c.connected());
    std::string request;
    for (int i = 0; i < kCanaries; ++i)
      request += EncodeCommand({"GET", "canary:" + std::to_string(i)});
    c.Send(request);
    for (int i = 0; i < kCanaries; ++i) {
      const std::string value = "value-" + std::to_string(i);
      EXPECT_EQ(c.ReadReply(), "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n");
    }
  }

  int port() const { return server_->port(); }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<LatencyProbe> probe_;
};

TEST_F(Abuse, RandomGarbage) {
  Start();
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    RawClient c(port());
    std::string junk(1 + rng() % 4096, '\0');
    for (char& ch : junk) ch = static_cast<char>(rng());
    // Sometimes make it look like RESP so deeper states are reached.
    if (round % 3 == 0) junk = "*" + std::to_string(rng() % 10) + "\r\n$" + junk;
    c.Send(junk);
    if (round % 2 == 0) c.Reset();
  }
  ExpectHealthy();
}

TEST_F(Abuse, EveryMalformedRequestClosesOnlyItsConnection) {
  Start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$999999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*2\r\n$3\r\nGET\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"},
      {"\"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {std::string(70000, 'x'), "-ERR Protocol error: too big inline request\r\n"},
      {"*" + std::string(70000, '1'), "-ERR Protocol error: too big mbulk count string\r\n"},
      {"*1\r\n$" + std::string(70000, '1'), "-ERR Protocol error: too big bulk count string\r\n"},
  };
  for (const auto& [request, error] : cases) {
    RawClient c(port());
    c.Send("PING\r\n" + request);
    std::string got;
    EXPECT_TRUE(c.WaitClosed(milliseconds(5000), &got)) << request.substr(0, 40);
    EXPECT_EQ(got, "+PONG\r\n" + error) << request.substr(0, 40);
  }
  ExpectHealthy();
}

TEST_F(Abuse, CommandsSentOneByteAtATime) {
  Start();
  RawClient c(port());
  const std::string request = EncodeCommand({"SET", "dribble", std::string(300, 'd')}) +
                              "SET inline \"with spaces\"\r\n" + EncodeCommand({"GET", "dribble"});
  for (char ch : request) ASSERT_TRUE(c.Send(std::string(1, ch)));
  EXPECT_EQ(c.ReadReply(), "+OK\r\n");
  EXPECT_EQ(c.ReadReply(), "+OK\r\n");
  EXPECT_EQ(c.ReadReply(), "$300\r\n" + std::string(300, 'd') + "\r\n");
  ExpectHealthy();
}

TEST_F(Abuse, ThousandConnectionsAndChurn) {
  Start();
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 1000; ++i) {
    held.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(held.back()->connected()) << i;
  }
  // Churn: connect, maybe send half a command, vanish; 2000 times.
  for (int i = 0; i < 2000; ++i) {
    RawClient c(port());
    if (i % 3 == 0) c.Send("*2\r\n$3\r\nGET\r\n");
    if (i % 5 == 0) c.Reset();
  }
  // The held ones still work.
  for (int i = 0; i < 1000; i += 97)
    EXPECT_EQ(held[static_cast<size_t>(i)]->Call({"PING"}), "+PONG\r\n");
  held.clear();
  ExpectHealthy();
}

TEST_F(Abuse, IdleAndSlowlorisClients) {
  Start();
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 200; ++i) slow.push_back(std::make_unique<RawClient>(port()));
  // Each sends a few bytes of a command every 20 ms and never finishes.
  const std::string partial = "*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$100000\r\n";
  for (size_t pos = 0; pos < partial.size(); ++pos) {
    for (auto& c : slow) c->Send(partial.substr(pos, 1));
    std::this_thread::sleep_for(milliseconds(2));
  }
  for (int i = 0; i < 10; ++i) {
    for (auto& c : slow) c->Send("xxxxxxxxxx");
    std::this_thread::sleep_for(milliseconds(20));
  }
  ExpectHealthy();
  RawClient check(port());
  EXPECT_EQ(check.Call({"EXISTS", "slow"}), ":0\r\n");  // Nothing half-written landed.
}

TEST_F(Abuse, IdleClientsAreClosedByTimeout) {
  Start({"--timeout", "1"});
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 50; ++i) idle.push_back(std::make_unique<RawClient>(port()));
  std::this_thread::sleep_for(milliseconds(2500));
  int closed = 0;
  for (auto& c : idle) closed += c->WaitClosed(milliseconds(1000)) ? 1 : 0;
  EXPECT_EQ(closed, 50);
  ExpectHealthy();  // The probe pings every 5 ms, so it is never idle.
}

TEST_F(Abuse, NonReadingPipelinerIsCutOffByOutputLimit) {
  Start({"--client-output-buffer-limit", "normal 8mb 4mb 1"});
  RawClient setup(port());
  ASSERT_EQ(setup.Call({"SET", "big", std::string(64 * 1024, 'b')}), "+OK\r\n");
  // Tiny receive buffer, and it never reads: 200 MB of replies requested.
  RawClient hog(port(), 4096);
  std::string burst;
  for (int i = 0; i < 1000; ++i) burst += EncodeCommand({"GET", "big"});
  bool closed = false;
  for (int i = 0; i < 3 && !closed; ++i) closed = !hog.Send(burst);
  EXPECT_TRUE(hog.WaitClosed(milliseconds(10000)));
  EXPECT_NE(
      server_->ReadLog().find("scheduled to be closed ASAP for overcoming of output buffer limits"),
      std::string::npos);
  // The server's memory did not grow with the 200 MB it was asked for.
  const uint64_t rss_kb = RssKb(server_->pid());
  EXPECT_LT(rss_kb, 150u * 1024) << "RSS " << rss_kb << " kB";
  ExpectHealthy();
}

TEST_F(Abuse, SubscriberThatNeverReadsIsCutOffAtThePubsubLimit) {
  // The default pubsub class (32mb hard, 8mb for 60 s soft); the normal
  // class is unlimited, so only the subscriber's class can cut it off.
  Start();
  RawClient sub(port(), 4096);  // Tiny receive buffer, and it never reads.
  ASSERT_TRUE(sub.Send(EncodeCommand({"SUBSCRIBE", "firehose"})));
  RawClient fast(port());
  ASSERT_EQ(fast.Call({"SUBSCRIBE", "firehose"}),
            "*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n");
  RawClient publisher(port());
  for (int i = 0; i < 100 && publisher.Call({"PUBSUB", "NUMSUB", "firehose"}) !=
                                 "*2\r\n$8\r\nfirehose\r\n:2\r\n";
       ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  // 1 GB offered: 1 MB messages, a reply awaited for each, so the server
  // is never more than one message ahead of the publisher. The reading
  // subscriber drains as it goes.
  const std::string payload(1 << 20, 'p');
  size_t receivers_seen = 2;
  for (int i = 0; i < 1024 && receivers_seen == 2; ++i) {
    const std::string reply = publisher.Call({"PUBLISH", "firehose", payload});
    receivers_seen = reply == ":2\r\n" ? 2 : 1;
    ASSERT_TRUE(fast.ReadReply()) << "the reading subscriber missed message " << i;
  }
  EXPECT_EQ(receivers_seen, 1u) << "the hog was never cut off";
  EXPECT_TRUE(sub.WaitClosed(milliseconds(10000)));
  EXPECT_NE(
      server_->ReadLog().find("scheduled to be closed ASAP for overcoming of output buffer limits"),
      std::string::npos);
  EXPECT_EQ(publisher.Call({"PUBSUB", "NUMSUB", "firehose"}), "*2\r\n$8\r\nfirehose\r\n:1\r\n");
#if defined(__SANITIZE_ADDRESS__)
  // ASan holds freed blocks in its quarantine (256 MB by default), so the
  // 1 MB messages already freed still count in the RSS (a run saw 150.2
  // MB); the bound stays far below the 1 GB a cut-off failure would hold.
  constexpr uint64_t kRssBoundKb = (150u + 256u) * 1024;
#else
  constexpr uint64_t kRssBoundKb = 150u * 1024;
#endif
  const uint64_t rss_kb = RssKb(server_->pid());
  EXPECT_LT(rss_kb, kRssBoundKb) << "RSS " << rss_kb << " kB";
  ExpectHealthy();
}

TEST_F(Abuse, ResetsMidCommandAndMidReply) {
  Start();
  RawClient setup(port());
  ASSERT_EQ(setup.Call({"SET", "big", std::string(2 * 1024 * 1024, 'r')}), "+OK\r\n");
  for (int i = 0; i < 50; ++i) {
    RawClient mid_command(port());
    mid_command.Send("*3\r\n$3\r\nSET\r\n$5\r\nreset\r\n$1000\r\npartial");
    mid_command.Reset();
    RawClient mid_reply(port(), 4096);
    mid_reply.Send(EncodeCommand({"GET", "big"}) + EncodeCommand({"GET", "big"}));
    mid_reply.ReadBytes(100);
    mid_reply.Reset();
  }
  RawClient check(port());
  EXPECT_EQ(check.Call({"EXISTS", "reset"}), ":0\r\n");
  ExpectHealthy();
}

TEST_F(Abuse, HundredMegabyteValueInChunks) {
  Start();
  RawClient c(port());
  constexpr size_t kSize = 100 * 1024 * 1024;
  // One SET whose 100 MB argument arrives in 1 MB writes.
  ASSERT_TRUE(c.Send("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$" + std::to_string(kSize) + "\r\n"));
  const std::string chunk(1024 * 1024, 'h');
  for (size_t sent = 0; sent < kSize; sent += chunk.size()) ASSERT_TRUE(c.Send(chunk));
  ASSERT_TRUE(c.Send("\r\n"));
  EXPECT_EQ(c.ReadReply(std::chrono::seconds(60)), "+OK\r\n");
  // And APPENDed in chunks to another key.
  for (int i = 0; i < 100; ++i) c.SendCommand({"APPEND", "grown", chunk});
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(c.ReadReply(std::chrono::seconds(60)),
              ":" + std::to_string((i + 1) * chunk.size()) + "\r\n");
  }
  EXPECT_EQ(c.Call({"STRLEN", "huge"}), ":" + std::to_string(kSize) + "\r\n");
  EXPECT_EQ(c.Call({"GETRANGE", "huge", "104857590", "-1"}), "$10\r\nhhhhhhhhhh\r\n");
  EXPECT_EQ(c.Call({"DEL", "huge", "grown"}), ":2\r\n");
  // Storing a 100 MB value copies 100 MB on the loop (Redis does the same):
  // the probe may wait that long once, so the bound is wider here.
  ExpectHealthy(milliseconds(1500));
}

TEST_F(Abuse, UnauthenticatedClientsAreHeldToSmallRequests) {
  Start({"--requirepass", "pw"}, "pw");
  // The probe has not authenticated: PING is refused, and it counts that
  // as a failure, so this test checks the probe's view itself.
  probe_->Stop();
  RawClient c(port());
  EXPECT_EQ(c.Call({"GET", "canary:1"}), "-NOAUTH Authentication required.\r\n");
  c.Send("*11\r\n");
  std::string got;
  EXPECT_TRUE(c.WaitClosed(milliseconds(5000), &got));
  EXPECT_EQ(got, "-ERR Protocol error: unauthenticated multibulk length\r\n");
  RawClient d(port());
  d.Send("*2\r\n$4\r\nAUTH\r\n$16385\r\n");
  got.clear();
  EXPECT_TRUE(d.WaitClosed(milliseconds(5000), &got));
  EXPECT_EQ(got, "-ERR Protocol error: unauthenticated bulk length\r\n");
  RawClient e(port());
  EXPECT_EQ(e.Call({"AUTH", "pw"}), "+OK\r\n");
  EXPECT_EQ(e.Call({"GET", "canary:1"}), "$7\r\nvalue-1\r\n");
}

TEST_F(Abuse, CrashReportNamesTheCommand) {
  Start({"--enable-debug-command", "yes"});
  probe_->Stop();
  RawClient c(port());
  c.Send("DEBUG SEGFAULT\r\n");
  EXPECT_TRUE(c.WaitClosed(milliseconds(5000)));
  const auto status = server_->Stop(0, 5000);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGSEGV) << *status;
  const std::string log = server_->ReadLog();
  EXPECT_NE(log.find("=== RESPD BUG REPORT START"), std::string::npos) << log;
  EXPECT_NE(log.find("crashed by signal: 11"), std::string::npos) << log;
  EXPECT_NE(log.find("------ STACK TRACE ------"), std::string::npos) << log;
  // The walk crossed the signal frame into the command path, with names.
  EXPECT_NE(log.find("ProcessCommand"), std::string::npos) << log;
  EXPECT_NE(log.find("argv[0]: 'DEBUG'"), std::string::npos) << log;
  EXPECT_NE(log.find("argv[1]: 'SEGFAULT'"), std::string::npos) << log;
  EXPECT_NE(log.find("=== RESPD BUG REPORT END"), std::string::npos) << log;
}

}  // namespace
}  // namespace respd::test
