// Keyspace notifications against redis-server: with notify-keyspace-events
// set, a subscriber on each server (PSUBSCRIBE *) records what every
// command of a script publishes, and the frames must be the same, in the
// same order: the channels (__keyspace@<db>__:<key>, __keyevent@<db>__:
// <event>), the event names, and which commands publish nothing. A PING on
// the subscriber after each command fences its frames (in subscribed RESP2
// PING answers ["pong", ""]).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "protocol/split_args.h"
#include "tests/support/differential.h"

namespace respd::test {
namespace {

class KeyspaceEvents : public RedisRespdPair {
 protected:
  void Subscribe(const std::string& flags) {
    Same({"CONFIG", "SET", "notify-keyspace-events", flags});
    sub_a_ = std::make_unique<RawClient>(redis_->port());
    sub_b_ = std::make_unique<RawClient>(respd_->port());
    for (RawClient* s : {sub_a_.get(), sub_b_.get()}) {
      ASSERT_TRUE(s->SendCommand({"PSUBSCRIBE", "*"}) && s->ReadReply());
    }
  }

  // The frames `s` received up to the fence.
  static std::vector<std::string> Frames(RawClient& s) {
    std::vector<std::string> frames;
    EXPECT_TRUE(s.SendCommand({"PING"}));
    for (;;) {
      const auto r = s.ReadReply();
      EXPECT_TRUE(r.has_value());
      if (!r || *r == "*2\r\n$4\r\npong\r\n$0\r\n\r\n") break;
      frames.push_back(*r);
    }
    return frames;
  }

  // Runs each line on both servers; the subscribers' frames must match.
  // Returns how many frames the script published in all.
  size_t Run(const std::vector<std::string>& script) {
    size_t published = 0;
    for (const std::string& line : script) {
      const auto args = protocol::SplitArgs(line);
      EXPECT_TRUE(args && !args->empty()) << line;
      if (!args) continue;
      Same(*args);
      const auto fa = Frames(*sub_a_), fb = Frames(*sub_b_);
      EXPECT_EQ(fa, fb) << line;
      published += fa.size();
      if (HasFailure()) break;
    }
    return published;
  }

  std::unique_ptr<RawClient> sub_a_, sub_b_;
};

TEST_F(KeyspaceEvents, EveryFamilyPublishesAsRedis) {
  Subscribe("KEA");
  const size_t published = Run({
      // Strings and generic.
      "SET s v",
      "SET s v2 KEEPTTL",
      "SET s v NX",
      "SETNX s2 x",
      "SETEX s3 100 x",
      "PSETEX s4 100 y",
      "GETSET s z",
      "GETDEL s4",
      "GETEX s3 PERSIST",
      "GETEX s3 EX 50",
      "MSET m1 a m2 b",
      "MSETNX m1 a m3 c",
      "APPEND s tail",
      "SETRANGE s 1 XY",
      "INCR n",
      "INCRBY n 5",
      "DECR n",
      "DECRBY n 2",
      "INCRBYFLOAT f 1.5",
      "SETBIT b 7 1",
      "BITOP OR b2 b b",
      "BITFIELD bf SET u8 0 1",
      "PFADD h1 a b",
      "PFMERGE h2 h1",
      "EXPIRE s 100",
      "PEXPIRE s 100000",
      "EXPIREAT s 9999999999",
      "PERSIST s",
      "EXPIRE s 0",
      "RENAME m1 r1",
      "RENAMENX r1 m2",
      "RENAMENX r1 r2",
      "COPY r1 c1",
      "COPY r1 c1 REPLACE",
      "MOVE c1 1",
      "DEL r1 r2 nothere",
      "UNLINK m2 m3",
      "TOUCH n",

      // Lists.
      "LPUSH l a b c",
      "RPUSH l d",
      "LPUSHX l e",
      "RPUSHX nol e",
      "LPOP l",
      "RPOP l 2",
      "LSET l 0 X",
      "LINSERT l BEFORE X Y",
      "LREM l 1 Y",
      "LTRIM l 0 0",
      "RPUSH l2 1 2 3",
      "LMOVE l2 l3 LEFT RIGHT",
      "RPOPLPUSH l2 l3",
      "LMPOP 2 l2 l3 LEFT COUNT 5",
      "BLPOP l 0.01",
      "BRPOPLPUSH l3 l4 0.01",
      "RPUSH srt 3 1 2",
      "SORT srt STORE srt2",
      "SORT srt LIMIT 0 0 STORE srt2",
      // Hashes.
      "HSET h f v g w",
      "HSETNX h f x",
      "HSETNX h n y",
      "HMSET h a 1",
      "HINCRBY h a 2",
      "HINCRBYFLOAT h a 0.5",
      "HDEL h f g",
      "HDEL h a n",
      // Sets.
      "SADD st a b c",
      "SREM st a",
      "SADD one z",
      "SPOP one",
      "SMOVE st st2 b",
      "SMOVE st st2 c",
      "SADD x1 1 2",
      "SADD x2 2 3",
      "SINTERSTORE x3 x1 x2",
      "SUNIONSTORE x3 x1 x2",
      "SDIFFSTORE x3 x1 x1",
      "SPOP x2 5",
      // Sorted sets.
      "ZADD z 1 a 2 b 3 c 4 d",
      "ZADD z XX 5 a",
      "ZINCRBY z 1 b",
      "ZREM z a",
      "ZADD z 9 e 8 f 7 g",
      "ZREMRANGEBYSCORE z 9 9",
      "ZREMRANGEBYRANK z 0 0",
      "ZREMRANGEBYLEX z [a [b",
      "ZPOPMIN z",
      "ZPOPMAX z 2",
      "ZADD za 1 x 2 y",
      "ZUNIONSTORE zu 2 za z",
      "ZINTERSTORE zi 2 za za",
      "ZDIFFSTORE zd 1 za",
      "ZRANGESTORE zr za 0 -1",
      "ZMPOP 1 za MIN",
      "BZPOPMIN za 0.01",
      "BZMPOP 0.01 1 za MAX",
      // Geo.
      "GEOADD g 13.36 38.11 p 15.08 37.5 c",
      "GEOSEARCHSTORE gs g FROMMEMBER p BYRADIUS 500 km",
      "GEORADIUS g 15 37 500 km STORE gr",
      "GEORADIUS g 15 37 1 km STORE gr",
      // Other databases, the key-miss class being off, flushes.
      "SELECT 3",
      "SET indb3 x",
      "DEL indb3",
      "SELECT 0",
      "GET nothere",
      "FLUSHDB",
      "FLUSHALL",
  });
  EXPECT_GT(published, 150u);
}

TEST_F(KeyspaceEvents, ClassesAndChannelKindsFilter) {
  for (const std::string flags : {"K$", "El", "Kg", "Ex", "KEn", "Ez", "K", "A", "KEA"}) {
    SCOPED_TRACE(flags);
    Subscribe(flags);
    Run({"SET a 1", "LPUSH l x", "DEL a l", "SET e v EX 100", "ZADD z 1 m", "HSET h f v",
         "EXPIRE z 100", "RENAME z z2", "RPUSH q 2 1", "SORT q STORE q2", "FLUSHALL"});
    if (HasFailure()) return;
  }
}

TEST_F(KeyspaceEvents, ExpiredFiresWhenTheKeyGoes) {
  Subscribe("KEx");
  Same({"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
  Run({"SET e1 v PX 5", "SET e2 v PX 5"});
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  // Lazy expiry: the read removes it and fires "expired".
  Run({"GET e1", "EXISTS e2", "GET e1"});
}

TEST_F(KeyspaceEvents, KeyMissesPublishUnderM) {
  Subscribe("KEm");
  const size_t published = Run({"GET nothere",
                                "SET k v",
                                "GET k",
                                "MGET a k b",
                                "HGET h f",
                                "LRANGE l 0 -1",
                                "EXISTS nothere",
                                "TYPE nothere",
                                "SET k v2 GET",
                                "GETDEL gone",
                                "DEL k",
                                "SMEMBERS s",
                                "ZSCORE z m",
                                "STRLEN nothere",
                                "TTL nothere",
                                "SORT nothere",
                                "LPOP l",
                                "INCR counter",
                                "OBJECT ENCODING nothere",
                                "GETRANGE nothere 0 1",
                                "SINTER a b",
                                "SUNION a b",
                                "ZUNION 2 a b",
                                "LINDEX l 0",
                                "HGETALL h",
                                "EXISTS a b",
                                "GEOPOS g m",
                                "BITCOUNT b",
                                "PFCOUNT p",
                                "SRANDMEMBER s",
                                "LPOS l x",
                                "COPY nothere dst",
                                "TOUCH nothere",
                                "HEXISTS h f",
                                "ZRANGE z 0 -1",
                                "SCARD s",
                                "LLEN l",
                                "GETBIT b 1",
                                "RPUSH list 1 2",
                                "SORT list BY w_* GET o_*",
                                "RENAME nothere x",
                                "SMOVE a b m",
                                "LMOVE a b LEFT LEFT",
                                "ZRANK z m",
                                "HRANDFIELD h",
                                "SISMEMBER s m",
                                "ZCARD z",
                                "PFMERGE p1 p2"});
  EXPECT_GT(published, 10u);
  // WATCH is not dirtied by a miss.
  Same({"WATCH", "w"});
  Same({"GET", "w"});
  Same({"MULTI"});
  Same({"SET", "w", "1"});
  Same({"EXEC"});
}

}  // namespace
}  // namespace respd::test
