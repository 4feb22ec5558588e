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

}  // namespace
}  // namespace respd::test
