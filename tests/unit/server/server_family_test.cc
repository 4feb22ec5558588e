// The server family in process: FLUSHDB/FLUSHALL ASYNC through the lazy
// reclaimer (and INFO's counts of it), and CONFIG SET reaching the parts it
// configures: the types' limits and the lazyfree policy.
#include <string>

#include "tests/unit/server/in_process.h"

namespace respd::server::testing {
namespace {

using ServerFamily = InProcessServer;

TEST_F(ServerFamily, FlushAsyncHandsTheKeysToTheReclaimer) {
  std::string load = Request({"SELECT", "1"});
  for (int i = 0; i < 5000; ++i) load += Request({"SET", "key:" + std::to_string(i), "v"});
  server_.connections().RunDetachedClient(load);
  EXPECT_EQ(Session({{"SELECT", "1"}, {"DBSIZE"}}), Ok() + Int(5000));
  EXPECT_EQ(InfoField("lazyfree_pending_objects"), "0");
  EXPECT_EQ(Run({"FLUSHALL", "ASYNC"}), Ok());
  // Empty at once; freed later (no loop runs here, so it all waits).
  EXPECT_EQ(Session({{"SELECT", "1"}, {"DBSIZE"}}), Ok() + Int(0));
  EXPECT_EQ(InfoField("lazyfree_pending_objects"), "5000");
  EXPECT_EQ(InfoField("lazyfreed_objects"), "0");
  while (server_.keyspace().lazy_free().Step(1000)) {
  }
  EXPECT_EQ(InfoField("lazyfree_pending_objects"), "0");
  EXPECT_EQ(InfoField("lazyfreed_objects"), "5000");
}

TEST_F(ServerFamily, FlushModeFollowsLazyfreeLazyUserFlush) {
  EXPECT_EQ(Run({"SET", "a", "1"}), Ok());
  EXPECT_EQ(Run({"FLUSHDB"}), Ok());
  EXPECT_FALSE(server_.keyspace().lazy_free().pending());  // Synchronous by default.
  EXPECT_EQ(Run({"CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"}), Ok());
  EXPECT_EQ(Run({"SET", "a", "1"}), Ok());
  EXPECT_EQ(Run({"FLUSHDB"}), Ok());
  EXPECT_TRUE(server_.keyspace().lazy_free().pending());
  EXPECT_EQ(Run({"SET", "b", "1"}), Ok());
  EXPECT_EQ(Run({"FLUSHDB", "SYNC"}), Ok());  // SYNC wins over the directive.
  EXPECT_EQ(server_.keyspace().lazy_free().pending_objects(), 1u);
  EXPECT_EQ(Run({"FLUSHDB", "LATER"}), Err("ERR syntax error"));
}

TEST_F(ServerFamily, ConfigSetChangesTheTypeLimits) {
  EXPECT_EQ(server_.type_limits().hash_max_listpack_entries, 512);
  EXPECT_EQ(Run({"CONFIG", "SET", "hash-max-listpack-entries", "7"}), Ok());
  EXPECT_EQ(server_.type_limits().hash_max_listpack_entries, 7);
  // The 6.x names are aliases of the same limits.
  EXPECT_EQ(Run({"CONFIG", "SET", "hash-max-ziplist-value", "2kb"}), Ok());
  EXPECT_EQ(server_.type_limits().hash_max_listpack_value, 2048);
  EXPECT_EQ(Run({"CONFIG", "SET", "zset-max-ziplist-entries", "9"}), Ok());
  EXPECT_EQ(server_.type_limits().zset_max_listpack_entries, 9);
  EXPECT_EQ(Run({"CONFIG", "SET", "list-max-listpack-size", "-3"}), Ok());
  EXPECT_EQ(server_.type_limits().list_max_listpack_size, -3);
  EXPECT_EQ(
      Run({"CONFIG", "SET", "set-max-intset-entries", "1000", "stream-node-max-entries", "50"}),
      Ok());
  EXPECT_EQ(server_.type_limits().set_max_intset_entries, 1000);
  EXPECT_EQ(server_.type_limits().stream_node_max_entries, 50);
  // A refused value changes nothing.
  EXPECT_EQ(Run({"CONFIG", "SET", "hash-max-listpack-entries", "-1"}),
            Err("ERR CONFIG SET failed (possibly related to argument "
                "'hash-max-listpack-entries') - argument must be between 0 and "
                "9223372036854775807 inclusive"));
  EXPECT_EQ(server_.type_limits().hash_max_listpack_entries, 7);
}

TEST_F(ServerFamily, ConfigSetChangesTheLazyfreePolicy) {
  EXPECT_FALSE(server_.keyspace().lazyfree_policy().expire);
  EXPECT_EQ(
      Run({"CONFIG", "SET", "lazyfree-lazy-expire", "yes", "lazyfree-lazy-server-del", "yes"}),
      Ok());
  EXPECT_TRUE(server_.keyspace().lazyfree_policy().expire);
  EXPECT_TRUE(server_.keyspace().lazyfree_policy().server_del);
  EXPECT_FALSE(server_.keyspace().lazyfree_policy().user_del);
}

}  // namespace
}  // namespace respd::server::testing
