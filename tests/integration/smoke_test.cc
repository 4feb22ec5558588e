// The first minute of a redis-cli or hiredis user: the basic commands work
// against the real binary.
#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace respd::test {
namespace {

TEST(Smoke, GetSetDelOverHiredis) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  auto c = Connect(server->port());
  ASSERT_TRUE(c && !c->err);
  Reply r = Command(c.get(), {"SET", "greeting", "hello"});
  ASSERT_EQ(r->type, REDIS_REPLY_STATUS);
  EXPECT_STREQ(r->str, "OK");
  r = Command(c.get(), {"GET", "greeting"});
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(r->str, r->len), "hello");
  r = Command(c.get(), {"DEL", "greeting", "missing"});
  ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
  EXPECT_EQ(r->integer, 1);
  r = Command(c.get(), {"GET", "greeting"});
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
}

}  // namespace
}  // namespace respd::test
