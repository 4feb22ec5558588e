// The introspection commands whose replies change by nature (clocks, memory
// figures, timings), checked for their shape and their sense rather than
// byte for byte: TIME, LASTSAVE, SLOWLOG, MEMORY, DEBUG.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "tests/support/process.h"

namespace respd::test {
namespace {

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Str(const redisReply* r) { return std::string(r->str, r->len); }

class Introspection : public testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    server_ = ServerProcess::StartRespd(std::move(args));
    ASSERT_TRUE(server_);
    c_ = Connect(server_->port());
    ASSERT_TRUE(c_ && !c_->err);
  }
  Reply Run(const std::vector<std::string>& args) { return Command(c_.get(), args); }
  int64_t Int(const std::vector<std::string>& args) {
    Reply r = Run(args);
    EXPECT_EQ(r->type, REDIS_REPLY_INTEGER) << args[0];
    return r->integer;
  }
  std::string Status(const std::vector<std::string>& args) {
    Reply r = Run(args);
    EXPECT_TRUE(r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR) << args[0];
    return Str(r.get());
  }

  std::unique_ptr<ServerProcess> server_;
  RedisConnection c_;
};

TEST_F(Introspection, TimeIsTheWallClock) {
  Start();
  const int64_t before = UnixSeconds();
  Reply r = Run({"TIME"});
  const int64_t after = UnixSeconds();
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 2u);
  ASSERT_EQ(r->element[0]->type, REDIS_REPLY_STRING);
  ASSERT_EQ(r->element[1]->type, REDIS_REPLY_STRING);
  const int64_t seconds = std::stoll(Str(r->element[0]));
  const int64_t micros = std::stoll(Str(r->element[1]));
  EXPECT_GE(seconds, before);
  EXPECT_LE(seconds, after);
  EXPECT_GE(micros, 0);
  EXPECT_LT(micros, 1000000);
}

TEST_F(Introspection, LastsaveIsTheStartTimeAndSaveAnswersLikeRedis) {
  const int64_t before = UnixSeconds();
  Start();
  const int64_t lastsave = Int({"LASTSAVE"});
  EXPECT_GE(lastsave, before);
  EXPECT_LE(lastsave, UnixSeconds());
  EXPECT_EQ(Status({"SAVE"}), "OK");
  EXPECT_EQ(Status({"BGSAVE"}), "Background saving started");
  EXPECT_EQ(Status({"BGSAVE", "SCHEDULE"}), "Background saving started");
  // Nothing was saved, and the log says so once.
  EXPECT_EQ(Int({"LASTSAVE"}), lastsave);
  const std::string log = server_->ReadLog();
  const std::string note = "persistence is not implemented";
  const size_t at = log.find(note);
  EXPECT_NE(at, std::string::npos) << log;
  EXPECT_EQ(log.find(note, at + 1), std::string::npos) << log;
}

TEST_F(Introspection, SlowlogRecordsASlowCommand) {
  Start({"--enable-debug-command", "yes", "--slowlog-log-slower-than", "1000"});
  EXPECT_EQ(Run({"HELLO", "2", "SETNAME", "sleeper"})->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(Int({"SLOWLOG", "LEN"}), 0);
  const int64_t before = UnixSeconds();
  EXPECT_EQ(Status({"DEBUG", "SLEEP", "0.05"}), "OK");
  EXPECT_EQ(Status({"SET", "fast", "v"}), "OK");  // Under 1 ms: not logged.
  EXPECT_EQ(Int({"SLOWLOG", "LEN"}), 1);

  Reply r = Run({"SLOWLOG", "GET"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 1u);
  const redisReply* e = r->element[0];
  ASSERT_EQ(e->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(e->elements, 6u);
  EXPECT_EQ(e->element[0]->integer, 0);  // The first id.
  EXPECT_GE(e->element[1]->integer, before);
  EXPECT_LE(e->element[1]->integer, UnixSeconds());
  EXPECT_GE(e->element[2]->integer, 50000);  // Microseconds.
  ASSERT_EQ(e->element[3]->elements, 3u);
  EXPECT_EQ(Str(e->element[3]->element[0]), "DEBUG");
  EXPECT_EQ(Str(e->element[3]->element[1]), "SLEEP");
  EXPECT_EQ(Str(e->element[3]->element[2]), "0.05");
  EXPECT_TRUE(Str(e->element[4]).starts_with("127.0.0.1:")) << Str(e->element[4]);
  EXPECT_EQ(Str(e->element[5]), "sleeper");

  EXPECT_EQ(Status({"SLOWLOG", "RESET"}), "OK");
  EXPECT_EQ(Int({"SLOWLOG", "LEN"}), 0);
}

TEST_F(Introspection, SlowlogKeepsTheNewestMaxLenEntries) {
  Start({"--slowlog-log-slower-than", "0", "--slowlog-max-len", "2"});
  for (int i = 0; i < 5; ++i) Run({"SET", "k" + std::to_string(i), "v"});
  EXPECT_EQ(Int({"SLOWLOG", "LEN"}), 2);  // SLOWLOG LEN itself is logged after replying.

  Reply all = Run({"SLOWLOG", "GET", "-1"});
  ASSERT_EQ(all->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(all->elements, 2u);
  // Newest first: the SLOWLOG LEN, then the last SET.
  EXPECT_EQ(Str(all->element[0]->element[3]->element[0]), "SLOWLOG");
  EXPECT_EQ(Str(all->element[1]->element[3]->element[1]), "k4");
  EXPECT_EQ(all->element[0]->element[0]->integer, all->element[1]->element[0]->integer + 1);

  Reply one = Run({"SLOWLOG", "GET", "1"});
  ASSERT_EQ(one->elements, 1u);
  EXPECT_EQ(Str(one->element[0]->element[3]->element[0]), "SLOWLOG");
  EXPECT_EQ(Run({"SLOWLOG", "GET", "0"})->elements, 0u);

  // Long commands are abbreviated as Redis does: 32 arguments at most, 128
  // bytes per argument.
  std::vector<std::string> args = {"ECHO"};
  args.push_back(std::string(200, 'x'));
  Run(args);
  Reply echo = Run({"SLOWLOG", "GET", "1"});
  EXPECT_EQ(Str(echo->element[0]->element[3]->element[1]),
            std::string(128, 'x') + "... (72 more bytes)");
  std::vector<std::string> many = {"DEL"};
  for (int i = 0; i < 40; ++i) many.push_back("key" + std::to_string(i));
  Run(many);
  Reply del = Run({"SLOWLOG", "GET", "1"});
  const redisReply* argv = del->element[0]->element[3];
  ASSERT_EQ(argv->elements, 32u);
  EXPECT_EQ(Str(argv->element[31]), "... (10 more arguments)");

  // RESET empties the log, then is logged itself.
  EXPECT_EQ(Status({"SLOWLOG", "RESET"}), "OK");
  EXPECT_EQ(Int({"SLOWLOG", "LEN"}), 1);
}

TEST_F(Introspection, MemoryUsageGrowsWithTheValue) {
  Start();
  EXPECT_EQ(Run({"MEMORY", "USAGE", "missing"})->type, REDIS_REPLY_NIL);
  Run({"SET", "k", "v"});
  const int64_t small = Int({"MEMORY", "USAGE", "k"});
  EXPECT_GT(small, 0);
  EXPECT_EQ(Int({"MEMORY", "USAGE", "k", "SAMPLES", "0"}), small);
  Run({"SET", "k", std::string(10000, 'x')});
  const int64_t big = Int({"MEMORY", "USAGE", "k"});
  EXPECT_GE(big, small + 10000);
  EXPECT_LT(big, small + 10000 + 4096);
}

TEST_F(Introspection, MemoryStatsHasRedisFieldsInRedisOrder) {
  Start();
  Run({"SET", "a", "1"});
  Run({"SET", "b", "2", "EX", "100"});
  Run({"SELECT", "3"});
  Run({"SET", "c", "3"});
  Reply r = Run({"MEMORY", "STATS"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  std::vector<std::string> names;
  for (size_t i = 0; i + 1 < r->elements; i += 2) names.push_back(Str(r->element[i]));
  const std::vector<std::string> expected = {"peak.allocated",
                                             "total.allocated",
                                             "startup.allocated",
                                             "replication.backlog",
                                             "clients.slaves",
                                             "clients.normal",
                                             "cluster.links",
                                             "aof.buffer",
                                             "lua.caches",
                                             "functions.caches",
                                             "db.0",
                                             "db.3",
                                             "overhead.total",
                                             "keys.count",
                                             "keys.bytes-per-key",
                                             "dataset.bytes",
                                             "dataset.percentage",
                                             "peak.percentage",
                                             "allocator.allocated",
                                             "allocator.active",
                                             "allocator.resident",
                                             "allocator-fragmentation.ratio",
                                             "allocator-fragmentation.bytes",
                                             "allocator-rss.ratio",
                                             "allocator-rss.bytes",
                                             "rss-overhead.ratio",
                                             "rss-overhead.bytes",
                                             "fragmentation",
                                             "fragmentation.bytes"};
  EXPECT_EQ(names, expected);
  auto value = [&](std::string_view name) -> const redisReply* {
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
      if (Str(r->element[i]) == name) return r->element[i + 1];
    }
    return nullptr;
  };
  EXPECT_EQ(value("keys.count")->integer, 3);
  // Allocated bytes come from glibc's mallinfo2, which sees nothing of a
  // sanitizer's allocator: 0 there.
  const bool malloc_visible = value("total.allocated")->integer > 0;
  EXPECT_GE(value("peak.allocated")->integer, value("total.allocated")->integer);
  const redisReply* db0 = value("db.0");
  ASSERT_EQ(db0->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(db0->elements, 6u);
  EXPECT_EQ(Str(db0->element[0]), "overhead.hashtable.main");
  EXPECT_GT(db0->element[1]->integer, 0);
  EXPECT_EQ(Str(db0->element[2]), "overhead.hashtable.expires");
  EXPECT_GT(db0->element[3]->integer, 0);  // b has a deadline.
  EXPECT_EQ(value("db.3")->element[3]->integer, 0);
  // Ratios are doubles: bulk strings in RESP2.
  EXPECT_EQ(value("fragmentation")->type, REDIS_REPLY_STRING);
  if (malloc_visible) {
    EXPECT_GT(std::stod(Str(value("fragmentation"))), 0);
  }
}

TEST_F(Introspection, DebugSetActiveExpireStopsAndResumesBackgroundExpiry) {
  Start({"--enable-debug-command", "yes"});
  EXPECT_EQ(Status({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), "OK");
  Run({"SET", "k", "v", "PX", "50"});
  Run({"SET", "keep", "v"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  // Past its deadline, but nobody read it and the cron leaves it alone.
  EXPECT_EQ(Int({"DBSIZE"}), 2);
  EXPECT_EQ(Status({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}), "OK");
  int64_t size = 2;
  for (int i = 0; i < 30 && size != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    size = Int({"DBSIZE"});
  }
  EXPECT_EQ(size, 1);
}

TEST_F(Introspection, DebugObjectDescribesTheValue) {
  Start({"--enable-debug-command", "yes"});
  Run({"SET", "n", "5"});
  Run({"SET", "big", "123456"});
  Run({"SET", "s", "hello"});
  Run({"SET", "long", std::string(50, 'x')});
  Run({"SET", "appended", "a"});
  Run({"APPEND", "appended", "b"});
  const std::regex format(
      "Value at:0x[0-9a-f]+ refcount:(\\d+) encoding:(\\w+) serializedlength:(\\d+) "
      "lru:\\d+ lru_seconds_idle:\\d+");
  auto describe = [&](const std::string& key) {
    const std::string s = Status({"DEBUG", "OBJECT", key});
    std::smatch m;
    EXPECT_TRUE(std::regex_match(s, m, format)) << s;
    return m.size() == 4 ? m[1].str() + " " + m[2].str() + " " + m[3].str() : s;
  };
  EXPECT_EQ(describe("n"), "2147483647 int 2");  // A shared integer.
  EXPECT_EQ(describe("big"), "1 int 5");
  EXPECT_EQ(describe("s"), "1 embstr 6");
  EXPECT_EQ(describe("long"), "1 raw 51");
  EXPECT_EQ(describe("appended"), "1 raw 3");
  EXPECT_EQ(Status({"DEBUG", "OBJECT", "missing"}), "ERR no such key");
}

TEST_F(Introspection, DebugIsRefusedUnlessEnabled) {
  Start();
  EXPECT_TRUE(Status({"DEBUG", "SLEEP", "0"}).starts_with("ERR DEBUG command not allowed."));
  server_.reset();
  Start({"--enable-debug-command", "local"});
  EXPECT_EQ(Status({"DEBUG", "SLEEP", "0"}), "OK");  // Loopback is local.
}

}  // namespace
}  // namespace respd::test
