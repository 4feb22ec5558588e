// Client-side caching with REDIRECT, run the same way against redis-server
// and respd (client ids differ between them, so each side's frames are
// compared with its own id put back): a RESP2 connection subscribed to
// __redis__:invalidate receives the invalidations of another connection's
// reads, and a flush's null; when the target goes away, a RESP3 tracker is
// told once with a tracking-redir-broken push and CLIENT TRACKINGINFO says
// broken_redirect.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace respd::test {
namespace {

struct Transcript {
  std::string text;
  void Add(const std::string& what, const std::optional<std::string>& reply) {
    text += what + " -> " + reply.value_or("(nothing)") + "\n";
  }
};

int64_t ClientId(RawClient& c) {
  const std::string reply = c.Call({"CLIENT", "ID"});
  return reply.size() > 3 ? std::stoll(reply.substr(1)) : -1;
}

// The scenario on one server, with its ids replaced by names.
std::string RunScenario(int port) {
  Transcript t;
  RawClient target(port), tracker(port), writer(port), tracker3(port);
  const std::string target_id = std::to_string(ClientId(target));
  auto masked = [&](std::optional<std::string> s) {
    if (!s) return s;
    for (size_t at; (at = s->find(":" + target_id + "\r\n")) != std::string::npos;) {
      s->replace(at, target_id.size() + 1, ":<target>");
    }
    return s;
  };
  t.Add("SUBSCRIBE", target.Call({"SUBSCRIBE", "__redis__:invalidate"}));
  t.Add("TRACKING REDIRECT", tracker.Call({"CLIENT", "TRACKING", "on", "REDIRECT", target_id}));
  t.Add("GETREDIR", masked(tracker.Call({"CLIENT", "GETREDIR"})));
  t.Add("GET", tracker.Call({"GET", "k"}));
  t.Add("SET", writer.Call({"SET", "k", "v"}));
  t.Add("target", target.ReadReply());
  t.Add("tracker own write", tracker.Call({"SET", "k", "again"}));
  t.Add("FLUSHALL", writer.Call({"FLUSHALL"}));
  t.Add("target (null)", target.ReadReply());
  // A RESP3 tracker redirecting to the target, which then goes away.
  tracker3.Call({"HELLO", "3"});
  t.Add("TRACKING REDIRECT (RESP3)",
        tracker3.Call({"CLIENT", "TRACKING", "on", "REDIRECT", target_id}));
  t.Add("GET k2", tracker3.Call({"GET", "k2"}));
  target.Reset();
  for (int i = 0; i < 100; ++i) {
    if (writer.Call({"CLIENT", "LIST", "ID", target_id}) == "$0\r\n\r\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  t.Add("SET k2", writer.Call({"SET", "k2", "v"}));
  t.Add("tracker3 push", masked(tracker3.ReadReply()));
  t.Add("TRACKINGINFO", masked(tracker3.Call({"CLIENT", "TRACKINGINFO"})));
  return t.text;
}

TEST(Tracking, RedirectToASubscriberAndBrokenRedirectMatchRedis) {
  auto redis = ServerProcess::StartRedis();
  auto respd = ServerProcess::StartRespd();
  ASSERT_TRUE(redis && respd);
  const std::string expected = RunScenario(redis->port());
  EXPECT_NE(expected.find("__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n"), std::string::npos)
      << expected;
  EXPECT_NE(expected.find("tracking-redir-broken"), std::string::npos) << expected;
  EXPECT_EQ(RunScenario(respd->port()), expected);
}

// tracking-table-max-keys: past the limit, keys are forgotten (which ones is
// random in Redis) and their readers told, before the next command runs.
std::string RunLimitScenario(int port) {
  RawClient c(port), other(port);
  std::string out = c.Call({"CONFIG", "SET", "tracking-table-max-keys", "2"});
  c.Call({"HELLO", "3"});
  out += c.Call({"CLIENT", "TRACKING", "on"});
  out += c.Call({"MGET", "k1", "k2", "k3", "k4", "k5"});
  other.Call({"PING"});  // The next command: the table is cut to 2 keys.
  int pushes = 0;
  for (std::optional<std::string> r; pushes < 3 && (r = c.ReadReply()); ++pushes) {
    if (r->rfind(">2\r\n$10\r\ninvalidate\r\n*1\r\n", 0) != 0) out += "unexpected " + *r;
  }
  out += "pushes " + std::to_string(pushes) + "\n";
  const std::string info = other.Call({"INFO", "stats"});
  const size_t at = info.find("tracking_total_keys:");
  out += info.substr(at, info.find("\r\n", at) - at);
  return out;
}

TEST(Tracking, TableLimitForgetsKeysAndInvalidatesThemAsRedis) {
  auto redis = ServerProcess::StartRedis();
  auto respd = ServerProcess::StartRespd();
  ASSERT_TRUE(redis && respd);
  const std::string expected = RunLimitScenario(redis->port());
  EXPECT_NE(expected.find("pushes 3\ntracking_total_keys:2"), std::string::npos) << expected;
  EXPECT_EQ(RunLimitScenario(respd->port()), expected);
}

}  // namespace
}  // namespace respd::test
