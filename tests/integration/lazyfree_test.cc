// Lazy free against the real binary: FLUSHALL ASYNC empties the keyspace at
// once, the reclaimer's timer then frees the old contents between client
// events (INFO's lazyfree_pending_objects falls to 0, lazyfreed_objects
// counts them), and clients are served all the while.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/process.h"

namespace respd::test {
namespace {

std::string Str(const redisReply* r) { return std::string(r->str, r->len); }

// The value of `field` in an INFO reply.
int64_t InfoInt(const std::string& info, const std::string& field) {
  const size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + field.size() + 3));
}

TEST(LazyFree, FlushAllAsyncIsFreedInTheBackgroundWhileClientsAreServed) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  RedisConnection c = Connect(server->port());
  ASSERT_TRUE(c && !c->err);
  constexpr int kKeys = 200000;
  for (int i = 0; i < kKeys; ++i) {
    const std::string k = "key:" + std::to_string(i);
    // A third with deadlines, so the expires index is freed too.
    if (i % 3 == 0) {
      redisAppendCommand(c.get(), "SET %b v EX 1000", k.data(), k.size());
    } else {
      redisAppendCommand(c.get(), "SET %b v", k.data(), k.size());
    }
  }
  for (int i = 0; i < kKeys; ++i) {
    redisReply* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
    freeReplyObject(r);
  }
  // FLUSHALL ASYNC and INFO in one write: they run in one batch, before the
  // reclaimer's first slice, so everything is still pending.
  redisAppendCommand(c.get(), "FLUSHALL ASYNC");
  redisAppendCommand(c.get(), "INFO memory");
  redisAppendCommand(c.get(), "DBSIZE");
  redisReply* r = nullptr;
  ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(Str(r), "OK");
  freeReplyObject(r);
  ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(InfoInt(Str(r), "lazyfree_pending_objects"), kKeys);
  freeReplyObject(r);
  ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(r->integer, 0);
  freeReplyObject(r);

  // The server keeps answering while it frees; the count reaches zero.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int64_t pending = kKeys;
  int pings = 0;
  while (pending > 0 && std::chrono::steady_clock::now() < deadline) {
    Reply pong = Command(c.get(), {"PING"});
    ASSERT_TRUE(pong);
    EXPECT_EQ(Str(pong.get()), "PONG");
    ++pings;
    Reply info = Command(c.get(), {"INFO", "memory"});
    pending = InfoInt(Str(info.get()), "lazyfree_pending_objects");
  }
  EXPECT_EQ(pending, 0);
  Reply stats = Command(c.get(), {"INFO", "memory"});
  EXPECT_EQ(InfoInt(Str(stats.get()), "lazyfreed_objects"), kKeys);
  EXPECT_GT(pings, 0);
  // New writes work as usual afterwards.
  Reply set = Command(c.get(), {"SET", "after", "1"});
  EXPECT_EQ(Str(set.get()), "OK");
  c.reset();
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace respd::test
