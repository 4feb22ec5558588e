// SCAN, KEYS and RANDOMKEY where the corpus cannot compare bytes: cursors
// and key order depend on each server's (seeded) hashing. These tests check
// the guarantees instead — every key present for a whole scan comes back,
// filters hold, results agree with a real redis-server as sets — and
// OBJECT IDLETIME over time, whose second boundaries fall differently for
// two servers. Checks that state Redis behaviour run against both servers,
// so the expectation itself is verified.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace respd::test {
namespace {

std::string Str(const redisReply* r) { return std::string(r->str, r->len); }

// The strings of an array reply.
std::vector<std::string> Strings(const redisReply* r) {
  std::vector<std::string> out;
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return out;
  for (size_t i = 0; i < r->elements; ++i) out.push_back(Str(r->element[i]));
  return out;
}

// Stores every key (value "v") with MSET in batches.
void Fill(redisContext* c, const std::vector<std::string>& keys) {
  constexpr size_t kBatch = 500;
  for (size_t i = 0; i < keys.size(); i += kBatch) {
    std::vector<std::string> args = {"MSET"};
    for (size_t j = i; j < std::min(keys.size(), i + kBatch); ++j) {
      args.push_back(keys[j]);
      args.push_back("v");
    }
    Reply r = Command(c, args);
    ASSERT_TRUE(r && r->type == REDIS_REPLY_STATUS);
  }
}

// One SCAN call: the next cursor and the keys.
struct ScanStep {
  std::string cursor;
  std::vector<std::string> keys;
};
ScanStep ScanOnce(redisContext* c, const std::string& cursor,
                  const std::vector<std::string>& options) {
  std::vector<std::string> args = {"SCAN", cursor};
  args.insert(args.end(), options.begin(), options.end());
  Reply r = Command(c, args);
  ScanStep step;
  EXPECT_TRUE(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return step;
  EXPECT_EQ(r->element[0]->type, REDIS_REPLY_STRING);
  step.cursor = Str(r->element[0]);
  step.keys = Strings(r->element[1]);
  return step;
}

// Scans to completion; `between` runs after each call. Returns every key
// returned, duplicates included.
template <typename Fn>
std::vector<std::string> FullScan(redisContext* c, const std::vector<std::string>& options,
                                  Fn between) {
  std::vector<std::string> all;
  std::string cursor = "0";
  for (int calls = 0; calls < 1000000; ++calls) {
    ScanStep step = ScanOnce(c, cursor, options);
    all.insert(all.end(), step.keys.begin(), step.keys.end());
    cursor = step.cursor;
    if (cursor == "0" || cursor.empty()) break;
    between();
  }
  EXPECT_EQ(cursor, "0") << "the scan did not finish";
  return all;
}
std::vector<std::string> FullScan(redisContext* c, const std::vector<std::string>& options = {}) {
  return FullScan(c, options, [] {});
}

std::map<std::string, int> Counts(const std::vector<std::string>& keys) {
  std::map<std::string, int> counts;
  for (const std::string& k : keys) ++counts[k];
  return counts;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> NumberedKeys(const std::string& prefix, int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(i));
  return keys;
}

// Both servers, each with a hiredis connection.
class Scan : public testing::Test {
 protected:
  void SetUp() override {
    respd_ = ServerProcess::StartRespd();
    redis_ = ServerProcess::StartRedis();
    ASSERT_TRUE(respd_ && redis_);
    conns_.push_back(Connect(respd_->port()));
    conns_.push_back(Connect(redis_->port()));
    for (auto& c : conns_) ASSERT_TRUE(c && !c->err);
  }
  static const char* Name(size_t i) { return i == 0 ? "respd" : "redis-server"; }

  std::unique_ptr<ServerProcess> respd_, redis_;
  std::vector<RedisConnection> conns_;  // respd first.
};

TEST_F(Scan, ReturnsEveryKeyExactlyOnceWhenNothingChanges) {
  const std::vector<std::string> keys = NumberedKeys("key:", 10000);
  for (size_t s = 0; s < conns_.size(); ++s) {
    redisContext* c = conns_[s].get();
    Fill(c, keys);
    // Let background rehashing finish: with a stable table no key repeats.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (const char* count : {"1", "7", "100", "20000"}) {
      const auto counts = Counts(FullScan(c, {"COUNT", count}));
      EXPECT_EQ(counts.size(), keys.size()) << Name(s) << " COUNT " << count;
      for (const std::string& k : keys) {
        auto it = counts.find(k);
        ASSERT_TRUE(it != counts.end()) << Name(s) << " missed " << k;
        EXPECT_EQ(it->second, 1) << Name(s) << " repeated " << k;
      }
    }
  }
}

TEST_F(Scan, CountBoundsEachCallRoughly) {
  // COUNT is a hint: a call stops once it has collected that many keys,
  // after finishing the bucket it is in.
  redisContext* c = conns_[0].get();
  Fill(c, NumberedKeys("k", 2000));
  ScanStep step = ScanOnce(c, "0", {"COUNT", "50"});
  EXPECT_GE(step.keys.size(), 50u);
  EXPECT_LT(step.keys.size(), 80u);
  EXPECT_NE(step.cursor, "0");
  step = ScanOnce(c, "0", {});
  EXPECT_GE(step.keys.size(), 10u);
  EXPECT_LT(step.keys.size(), 30u);
}

TEST_F(Scan, KeysPresentThroughoutAreReturnedWhileTheTableResizes) {
  const std::vector<std::string> stay = NumberedKeys("stay:", 1000);
  const std::vector<std::string> temp = NumberedKeys("tmp:", 3000);
  for (size_t s = 0; s < conns_.size(); ++s) {
    redisContext* c = conns_[s].get();
    Fill(c, stay);
    Fill(c, temp);
    int added = 0;
    size_t deleted = 0;
    // Between calls, grow the table (new keys) and then shrink it (the
    // temporary keys go), so the scan spans rehashes both ways.
    const auto all = FullScan(c, {"COUNT", "10"}, [&] {
      if (added < 6000) {
        std::vector<std::string> args = {"MSET"};
        for (int i = 0; i < 100; ++i, ++added) {
          args.push_back("new:" + std::to_string(added));
          args.push_back("v");
        }
        Command(c, args);
      } else if (deleted < temp.size()) {
        std::vector<std::string> args = {"DEL"};
        for (int i = 0; i < 200 && deleted < temp.size(); ++i) args.push_back(temp[deleted++]);
        Command(c, args);
      }
    });
    const auto counts = Counts(all);
    for (const std::string& k : stay) {
      EXPECT_TRUE(counts.contains(k)) << Name(s) << " missed " << k;
    }
    for (const auto& [k, n] : counts) {
      EXPECT_TRUE(k.starts_with("stay:") || k.starts_with("tmp:") || k.starts_with("new:"))
          << Name(s) << " returned " << k;
    }
  }
}

TEST_F(Scan, MatchAndTypeFilterAcrossCalls) {
  std::vector<std::string> keys = NumberedKeys("a:", 300);
  const std::vector<std::string> others = NumberedKeys("b:", 3000);
  for (size_t s = 0; s < conns_.size(); ++s) {
    redisContext* c = conns_[s].get();
    Fill(c, keys);
    Fill(c, others);
    // A sparse pattern: many calls return nothing but the scan goes on.
    auto got = FullScan(c, {"MATCH", "a:*", "COUNT", "3"});
    EXPECT_EQ(Sorted(got), Sorted(keys)) << Name(s);
    got = FullScan(c, {"MATCH", "a:1?", "COUNT", "1000"});
    EXPECT_EQ(Sorted(got), Sorted(std::vector<std::string>{"a:10", "a:11", "a:12", "a:13", "a:14",
                                                           "a:15", "a:16", "a:17", "a:18", "a:19"}))
        << Name(s);
    got = FullScan(c, {"TYPE", "string", "COUNT", "500", "MATCH", "a:[0-4]"});
    EXPECT_EQ(Sorted(got), Sorted(std::vector<std::string>{"a:0", "a:1", "a:2", "a:3", "a:4"}))
        << Name(s);
    EXPECT_TRUE(FullScan(c, {"TYPE", "hash"}).empty()) << Name(s);
    EXPECT_EQ(FullScan(c, {"TYPE", "STRING", "COUNT", "1000"}).size(), keys.size() + others.size())
        << Name(s);
  }
}

TEST_F(Scan, ExpiredKeysAreSkippedAndReclaimed) {
  for (size_t s = 0; s < conns_.size(); ++s) {
    redisContext* c = conns_[s].get();
    const std::vector<std::string> live = NumberedKeys("live:", 500);
    Fill(c, live);
    for (int i = 0; i < 500; ++i) {
      Command(c, {"SET", "dead:" + std::to_string(i), "v", "PX", "30"});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(Sorted(FullScan(c, {"COUNT", "37"})), Sorted(live)) << Name(s);
    Reply r = Command(c, {"DBSIZE"});
    EXPECT_EQ(r->integer, 500) << Name(s);
  }
}

TEST_F(Scan, KeysAndScanMatchAgreeWithRedis) {
  // Keys that exercise the glob: specials as literal bytes, binary, empty.
  std::vector<std::string> keys = {
      "",         "a",        "b",       "ab",    "abc",  "abd",    "aXc",    "hello",   "hallo",
      "hxllo",    "hllo",     "heeello", "a*b",   "a?b",  "a[b",    "a]b",    "a\\b",    "a-b",
      "ab\\",     "[x]",      "*",       "?",     "\\",   "^",      "a^b",    "user:1",  "user:12",
      "user:123", "user:abc", "USER:1",  "Hello", "x\ny", "x\r\ny", "sp ace", "tab\tkey"};
  keys.push_back(std::string("\x00", 1));
  keys.push_back(std::string("bin\x00\xff", 5));
  keys.push_back(std::string("\xff\xfe", 2));
  keys.push_back(std::string(300, 'a'));
  keys.push_back(std::string(300, 'a') + "b");
  for (int i = 0; i < 200; ++i) keys.push_back("n:" + std::to_string(i));

  const std::vector<std::string> patterns = {
      "*",
      "**",
      "",
      "?",
      "??",
      "???",
      "a*",
      "*b",
      "a*b",
      "a?b",
      "a??",
      "*a*",
      "h?llo",
      "h*llo",
      "h[ae]llo",
      "h[^e]llo",
      "h[a-x]llo",
      "h[x-a]llo",
      "h[^a-e]llo",
      "[",
      "[a",
      "a[",
      "a[b",
      "[]",
      "[]]",
      "a[]]b",
      "a[\\]]b",
      "\\",
      "\\\\",
      "a\\*b",
      "a\\?b",
      "a\\[b",
      "a\\\\b",
      "ab\\",
      "ab\\\\",
      "a[*]b",
      "a[?]b",
      "a[-]b",
      "a[a-]b",
      "a[--.]b",
      "[\\^]",
      "[^^]",
      "a[^]b",
      "a[^]]b",
      "user:*",
      "user:?",
      "user:??",
      "user:1*",
      "USER:*",
      "user:[0-9]*",
      "user:[!0-9]*",
      "n:1*",
      "n:[1-3]?",
      "n:*9",
      "n:??",
      "*\n*",
      "*\r\n*",
      "sp ace",
      "*\t*",
      "\\x",
      "[a-",
      "[a-b",
      "a*a*a*a*b",
      "*****a*****",
      std::string("\x00", 1),
      std::string("bin\x00*", 5),
      "*\xff",
      "[\xfe-\xff]*",
      std::string(300, 'a'),
      std::string(300, 'a') + "?",
      std::string(299, 'a') + "*",
  };

  for (auto& c : conns_) Fill(c.get(), keys);
  for (const std::string& pattern : patterns) {
    std::vector<std::vector<std::string>> keys_results, scan_results;
    for (auto& c : conns_) {
      Reply r = Command(c.get(), {"KEYS", pattern});
      ASSERT_TRUE(r && r->type == REDIS_REPLY_ARRAY);
      keys_results.push_back(Sorted(Strings(r.get())));
      scan_results.push_back(Sorted(FullScan(c.get(), {"MATCH", pattern, "COUNT", "13"})));
    }
    EXPECT_EQ(keys_results[0], keys_results[1]) << "KEYS " << pattern;
    EXPECT_EQ(scan_results[0], scan_results[1]) << "SCAN MATCH " << pattern;
    EXPECT_EQ(keys_results[0], scan_results[0]) << "KEYS vs SCAN " << pattern;
  }
}

TEST_F(Scan, RandomkeyReturnsEachLiveKey) {
  const std::vector<std::string> keys = {"k1", "k2", "k3", "k4", "k5"};
  for (size_t s = 0; s < conns_.size(); ++s) {
    redisContext* c = conns_[s].get();
    Reply r = Command(c, {"RANDOMKEY"});
    EXPECT_EQ(r->type, REDIS_REPLY_NIL) << Name(s);
    Fill(c, keys);
    std::set<std::string> seen;
    for (int i = 0; i < 500; ++i) {
      r = Command(c, {"RANDOMKEY"});
      ASSERT_EQ(r->type, REDIS_REPLY_STRING) << Name(s);
      seen.insert(Str(r.get()));
    }
    EXPECT_EQ(seen, std::set<std::string>(keys.begin(), keys.end())) << Name(s);
    // Only expired keys: RANDOMKEY reclaims them as it meets them.
    Command(c, {"FLUSHALL"});
    for (int i = 0; i < 50; ++i) Command(c, {"SET", "e" + std::to_string(i), "v", "PX", "20"});
    Command(c, {"SET", "alive", "v"});
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    for (int i = 0; i < 20; ++i) {
      r = Command(c, {"RANDOMKEY"});
      ASSERT_EQ(r->type, REDIS_REPLY_STRING) << Name(s);
      EXPECT_EQ(Str(r.get()), "alive") << Name(s);
    }
    Command(c, {"DEL", "alive"});
    r = Command(c, {"RANDOMKEY"});
    EXPECT_EQ(r->type, REDIS_REPLY_NIL) << Name(s);
    r = Command(c, {"DBSIZE"});
    EXPECT_EQ(r->integer, 0) << Name(s);
  }
}

TEST_F(Scan, KeysListsEveryLiveKeyOnce) {
  const std::vector<std::string> keys = NumberedKeys("k:", 5000);
  for (size_t s = 0; s < conns_.size(); ++s) {
    redisContext* c = conns_[s].get();
    Fill(c, keys);
    Command(c, {"SET", "gone", "v", "PX", "10"});
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    Reply r = Command(c, {"KEYS", "*"});
    EXPECT_EQ(Sorted(Strings(r.get())), Sorted(keys)) << Name(s);
  }
}

// Which lookups count as keyspace hits and misses, and which reclaim
// expired keys, as INFO stats shows them.
TEST_F(Scan, KeyspaceStatsMatchRedis) {
  const std::vector<std::vector<std::string>> script = {
      {"SET", "a", "1"},
      {"TYPE", "a"},
      {"TYPE", "b"},
      {"EXISTS", "a", "b"},
      {"TOUCH", "a", "b"},
      {"TTL", "a"},
      {"PTTL", "b"},
      {"EXPIRETIME", "b"},
      {"PEXPIRETIME", "a"},
      {"OBJECT", "ENCODING", "a"},
      {"OBJECT", "REFCOUNT", "b"},
      {"OBJECT", "FREQ", "a"},
      {"COPY", "a", "c"},
      {"COPY", "x", "y"},
      {"RENAME", "a", "d"},
      {"RENAMENX", "c", "d"},
      {"MOVE", "d", "1"},
      {"EXPIRE", "c", "100"},
      {"EXPIRE", "nokey", "100"},
      {"PERSIST", "c"},
      {"SCAN", "0", "TYPE", "string"},
      {"SCAN", "0", "MATCH", "*"},
      {"KEYS", "*"},
      {"RANDOMKEY"},
      {"SET", "p1", "v", "PX", "20"},
      {"SET", "p2", "v", "PX", "20"},
      {"SET", "p3", "v", "PX", "20"},
      {"SET", "p4", "v", "PX", "20"},
      {"SET", "gone", "v"},
      {"EXPIRE", "gone", "-1"},
  };
  // Each of these misses whether its key was reclaimed by the lookup or by
  // active expiry before it: the counts do not depend on the timing.
  const std::vector<std::vector<std::string>> after_sleep = {{"TTL", "p1"},
                                                             {"EXISTS", "p2"},
                                                             {"OBJECT", "ENCODING", "p3"},
                                                             {"TOUCH", "p4"},
                                                             {"UNLINK", "c"}};
  std::vector<std::string> stats;
  for (auto& conn : conns_) {
    for (const auto& args : script) Command(conn.get(), args);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  for (auto& conn : conns_) {
    for (const auto& args : after_sleep) Command(conn.get(), args);
    Reply r = Command(conn.get(), {"INFO", "stats"});
    ASSERT_EQ(r->type, REDIS_REPLY_STRING);
    const std::string info = Str(r.get());
    std::string picked;
    for (const char* field : {"expired_keys:", "keyspace_hits:", "keyspace_misses:"}) {
      const size_t at = info.find(std::string("\r\n") + field);
      ASSERT_NE(at, std::string::npos) << field;
      picked += info.substr(at + 2, info.find('\r', at + 2) - at - 2) + " ";
    }
    stats.push_back(picked);
  }
  EXPECT_EQ(stats[0], stats[1]);
}

// OBJECT IDLETIME counts whole seconds since the last access; reads and
// writes reset it, but OBJECT, TYPE, EXISTS and the TTL family do not.
TEST_F(Scan, ObjectIdletimeFollowsAccess) {
  auto idle = [](redisContext* c, const std::string& key) {
    Reply r = Command(c, {"OBJECT", "IDLETIME", key});
    EXPECT_EQ(r->type, REDIS_REPLY_INTEGER);
    return r->integer;
  };
  auto each = [&](const std::vector<std::string>& args) {
    for (auto& c : conns_) Command(c.get(), args);
  };
  auto wait = [] { std::this_thread::sleep_for(std::chrono::milliseconds(2200)); };

  each({"SET", "k", "v"});
  each({"SET", "other", "v"});
  for (auto& c : conns_) EXPECT_LE(idle(c.get(), "k"), 1);
  wait();
  each({"TYPE", "k"});
  each({"EXISTS", "k"});
  each({"TTL", "k"});
  each({"PTTL", "k"});
  each({"EXPIRETIME", "k"});
  each({"OBJECT", "ENCODING", "k"});
  each({"SCAN", "0", "TYPE", "string"});
  each({"KEYS", "*"});
  for (size_t s = 0; s < conns_.size(); ++s) {
    const int64_t t = idle(conns_[s].get(), "k");
    EXPECT_GE(t, 2) << Name(s);
    EXPECT_LE(t, 3) << Name(s);
  }
  each({"GET", "k"});
  // COPY reads its source (touching it) and makes a fresh destination.
  each({"COPY", "other", "copied"});
  for (size_t s = 0; s < conns_.size(); ++s) {
    EXPECT_LE(idle(conns_[s].get(), "k"), 1) << Name(s);
    EXPECT_LE(idle(conns_[s].get(), "copied"), 1) << Name(s);
    EXPECT_LE(idle(conns_[s].get(), "other"), 1) << Name(s);
  }
  wait();
  // Write lookups and TOUCH reset it; RENAME keeps the (touched) value.
  EXPECT_GE(idle(conns_[0].get(), "other"), 2);
  each({"TOUCH", "k"});
  each({"EXPIRE", "other", "1000"});
  each({"RENAME", "copied", "renamed"});
  for (size_t s = 0; s < conns_.size(); ++s) {
    EXPECT_LE(idle(conns_[s].get(), "k"), 1) << Name(s);
    EXPECT_LE(idle(conns_[s].get(), "other"), 1) << Name(s);
    EXPECT_LE(idle(conns_[s].get(), "renamed"), 1) << Name(s);
  }
}

}  // namespace
}  // namespace respd::test
