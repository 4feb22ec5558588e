// Connection-level commands whose replies depend on addresses, ids or other
// connections: CLIENT LIST/INFO/KILL/ID, CLIENT REPLY, MONITOR, RESET, INFO,
// CONFIG SET side effects, SHUTDOWN.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace respd::test {
namespace {

using std::chrono::milliseconds;

// The bulk or verbatim payload of a raw reply ("$n\r\n…" or "=n\r\ntxt:…").
std::string Payload(const std::string& raw) {
  const size_t start = raw.find("\r\n") + 2;
  std::string body = raw.substr(start, raw.size() - start - 2);
  if (raw[0] == '=') body = body.substr(4);
  return body;
}

std::string Field(const std::string& line, const std::string& name) {
  std::smatch m;
  const std::regex re("(?:^| )" + name + "=([^ \n]*)");
  return std::regex_search(line, m, re) ? m[1].str() : "<missing>";
}

class Clients : public testing::Test {
 protected:
  void SetUp() override {
    server_ = ServerProcess::StartRespd();
    ASSERT_TRUE(server_);
  }
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(Clients, ListAndInfoDescribeEachConnection) {
  RawClient a(server_->port()), b(server_->port());
  ASSERT_EQ(a.Call({"CLIENT", "SETNAME", "alpha"}), "+OK\r\n");
  ASSERT_EQ(b.Call({"SELECT", "3"}), "+OK\r\n");
  const std::string id_a = a.Call({"CLIENT", "ID"});
  const std::string info = Payload(a.Call({"CLIENT", "INFO"}));
  EXPECT_EQ(":" + Field(info, "id") + "\r\n", id_a);
  EXPECT_EQ(Field(info, "name"), "alpha");
  EXPECT_EQ(Field(info, "cmd"), "client|info");
  EXPECT_EQ(Field(info, "db"), "0");
  EXPECT_EQ(Field(info, "flags"), "N");
  EXPECT_EQ(Field(info, "resp"), "2");
  EXPECT_NE(Field(info, "addr").find("127.0.0.1:"), std::string::npos);
  EXPECT_EQ(Field(info, "laddr"), "127.0.0.1:" + std::to_string(server_->port()));

  const std::string list = Payload(b.Call({"CLIENT", "LIST"}));
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 2);
  EXPECT_NE(list.find("name=alpha"), std::string::npos);
  EXPECT_NE(list.find("db=3"), std::string::npos);
  // Filtered by id.
  const std::string one = Payload(b.Call({"CLIENT", "LIST", "ID", Field(info, "id")}));
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 1);
  EXPECT_NE(one.find("name=alpha"), std::string::npos);
  EXPECT_EQ(b.Call({"CLIENT", "SETINFO", "lib-name", "respd-test"}), "+OK\r\n");
  EXPECT_EQ(b.Call({"CLIENT", "SETINFO", "lib-ver", "1.2.3"}), "+OK\r\n");
  const std::string mine = Payload(b.Call({"CLIENT", "INFO"}));
  EXPECT_EQ(Field(mine, "lib-name"), "respd-test");
  EXPECT_EQ(Field(mine, "lib-ver"), "1.2.3");
}

TEST_F(Clients, KillByAddressAndById) {
  RawClient a(server_->port()), b(server_->port()), c(server_->port());
  const std::string addr_b = Field(Payload(b.Call({"CLIENT", "INFO"})), "addr");
  const std::string id_c = Field(Payload(c.Call({"CLIENT", "INFO"})), "id");
  EXPECT_EQ(a.Call({"CLIENT", "KILL", addr_b}), "+OK\r\n");
  EXPECT_TRUE(b.WaitClosed(milliseconds(2000)));
  EXPECT_EQ(a.Call({"CLIENT", "KILL", "ID", id_c}), ":1\r\n");
  EXPECT_TRUE(c.WaitClosed(milliseconds(2000)));
  EXPECT_EQ(a.Call({"CLIENT", "KILL", addr_b}), "-ERR No such client\r\n");
  // SKIPME defaults to yes; with no, the caller is killed after its reply.
  const std::string id_a = Field(Payload(a.Call({"CLIENT", "INFO"})), "id");
  EXPECT_EQ(a.Call({"CLIENT", "KILL", "ID", id_a}), ":0\r\n");
  EXPECT_EQ(a.Call({"CLIENT", "KILL", "ID", id_a, "SKIPME", "no"}), ":1\r\n");
  EXPECT_TRUE(a.WaitClosed(milliseconds(2000)));
}

TEST_F(Clients, ReplyOffAndSkip) {
  RawClient a(server_->port());
  a.Send("CLIENT REPLY OFF\r\nSET k v\r\nGET k\r\nNOSUCH\r\nCLIENT REPLY ON\r\nGET k\r\n");
  EXPECT_EQ(a.ReadReply(), "+OK\r\n");  // Only ON's reply and what follows.
  EXPECT_EQ(a.ReadReply(), "$1\r\nv\r\n");
  a.Send("CLIENT REPLY SKIP\r\nSET k w\r\nGET k\r\n");
  EXPECT_EQ(a.ReadReply(), "$1\r\nw\r\n");
  EXPECT_FALSE(a.ReadReply(milliseconds(200)).has_value());  // Nothing else came.
}

TEST_F(Clients, MonitorStreamsCommandsLikeRedis) {
  RawClient watcher(server_->port()), worker(server_->port());
  ASSERT_EQ(watcher.Call({"MONITOR"}), "+OK\r\n");
  worker.Call({"SET", "k", "with space\n"});
  worker.Call({"SELECT", "2"});
  worker.Call({"GET", "k"});
  worker.Call({"AUTH", "secret"});
  const std::regex line(R"(\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)\r\n)");
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    auto r = watcher.ReadReply();
    ASSERT_TRUE(r.has_value());
    std::smatch m;
    ASSERT_TRUE(std::regex_match(*r, m, line)) << *r;
    seen.push_back(m[1].str() + " " + m[2].str());
  }
  EXPECT_EQ(seen[0], R"(0 "SET" "k" "with space\n")");
  // As Redis: the line is written after the command, with the database
  // it left the client in.
  EXPECT_EQ(seen[1], R"(2 "SELECT" "2")");
  EXPECT_EQ(seen[2], R"(2 "GET" "k")");
  EXPECT_EQ(seen[3], R"x(2 "AUTH" "(redacted)")x");
}

TEST_F(Clients, InfoReportsWhatClientsRead) {
  RawClient a(server_->port());
  a.Call({"SET", "k", "v"});
  a.Call({"SET", "t", "v", "EX", "1000"});
  a.Call({"GET", "missing"});
  const std::string info = Payload(a.Call({"INFO"}));
  for (const char* needle :
       {"redis_version:7.0.15\r\n", "respd_version:", "redis_mode:standalone\r\n",
        "role:master\r\n", "loading:0\r\n", "maxmemory_policy:noeviction\r\n",
        "connected_clients:1\r\n", "db0:keys=2,expires=1,avg_ttl=", "keyspace_misses:1\r\n",
        "used_memory:"}) {
    EXPECT_NE(info.find(needle), std::string::npos) << needle;
  }
  EXPECT_NE(info.find("tcp_port:" + std::to_string(server_->port()) + "\r\n"), std::string::npos);
  EXPECT_NE(info.find("# Keyspace\r\n"), std::string::npos);
  EXPECT_EQ(info.find("# Commandstats"), std::string::npos);  // Not in the default set.
  const std::string stats = Payload(a.Call({"INFO", "commandstats"}));
  EXPECT_NE(stats.find("cmdstat_set:calls=2,"), std::string::npos) << stats;
  const std::string two = Payload(a.Call({"INFO", "server", "CLIENTS"}));
  EXPECT_NE(two.find("# Server"), std::string::npos);
  EXPECT_NE(two.find("# Clients"), std::string::npos);
  EXPECT_EQ(two.find("# Memory"), std::string::npos);
  // RESP3: a verbatim string.
  a.Call({"HELLO", "3"});
  EXPECT_EQ(a.Call({"INFO", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST_F(Clients, ConfigSetChangesTheRunningServer) {
  RawClient a(server_->port());
  // A new port: the old listener closes, the new one accepts.
  const int new_port = FreePort();
  EXPECT_EQ(a.Call({"CONFIG", "SET", "port", std::to_string(new_port)}), "+OK\r\n");
  RawClient b(new_port);
  ASSERT_TRUE(b.connected());
  EXPECT_EQ(b.Call({"PING"}), "+PONG\r\n");
  RawClient stale(server_->port());
  EXPECT_FALSE(stale.connected());
  // requirepass applies to new connections only.
  EXPECT_EQ(b.Call({"CONFIG", "SET", "requirepass", "pw"}), "+OK\r\n");
  EXPECT_EQ(b.Call({"PING"}), "+PONG\r\n");
  RawClient c(new_port);
  EXPECT_EQ(c.Call({"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(c.Call({"AUTH", "pw"}), "+OK\r\n");
  // A bulk over proto-max-bulk-len is a protocol error at once.
  EXPECT_EQ(c.Call({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}), "+OK\r\n");
  c.Send("*2\r\n$4\r\nECHO\r\n$2000000\r\n");
  std::string rest;
  EXPECT_TRUE(c.WaitClosed(milliseconds(2000), &rest));
  EXPECT_EQ(rest, "-ERR Protocol error: invalid bulk length\r\n");
  // A port that cannot be bound (another server has it) changes nothing.
  auto other = ServerProcess::StartRespd();
  ASSERT_TRUE(other);
  RawClient d(new_port);
  d.Call({"AUTH", "pw"});
  EXPECT_EQ(d.Call({"CONFIG", "SET", "port", std::to_string(other->port())}).substr(0, 64),
            std::string("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable")
                .substr(0, 64));
  EXPECT_EQ(d.Call({"CONFIG", "GET", "port"}), "*2\r\n$4\r\nport\r\n$" +
                                                   std::to_string(std::to_string(new_port).size()) +
                                                   "\r\n" + std::to_string(new_port) + "\r\n");
}

TEST_F(Clients, ConfigRewritePersistsChanges) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/respd.conf";
  {
    std::ofstream out(path);
    out << "# my config\nport 7000\nhz 10\nhz 12\nmaxmemory 0\n";
  }
  auto server = ServerProcess::Start(ServerProcess::Kind::kRespd, {}, path);
  ASSERT_TRUE(server);
  RawClient a(server->port());
  EXPECT_EQ(a.Call({"CONFIG", "SET", "hz", "20", "maxmemory", "1mb", "timeout", "30"}), "+OK\r\n");
  EXPECT_EQ(a.Call({"CONFIG", "REWRITE"}), "+OK\r\n");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  EXPECT_NE(s.find("# my config\n"), std::string::npos) << s;
  EXPECT_NE(s.find("hz 20\n"), std::string::npos) << s;
  EXPECT_EQ(s.find("hz 12"), std::string::npos) << s;  // The repeat is gone.
  EXPECT_NE(s.find("maxmemory 1048576\n"), std::string::npos) << s;
  EXPECT_NE(s.find("timeout 30\n"), std::string::npos) << s;
  // The port line now says the port the server runs on.
  EXPECT_NE(s.find("port " + std::to_string(server->port()) + "\n"), std::string::npos) << s;
  // The rewritten file starts a server with the same settings.
  auto again = ServerProcess::Start(ServerProcess::Kind::kRespd, {}, path);
  ASSERT_TRUE(again);
  RawClient b(again->port());
  EXPECT_EQ(b.Call({"CONFIG", "GET", "hz"}), "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
}

TEST_F(Clients, ShutdownExitsCleanly) {
  RawClient a(server_->port());
  a.Send("SHUTDOWN NOSAVE\r\n");
  EXPECT_TRUE(a.WaitClosed(milliseconds(5000)));
  const auto status = server_->Stop(0, 5000);  // Signal 0: only wait.
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_NE(server_->ReadLog().find("ready to exit"), std::string::npos);
}

}  // namespace
}  // namespace respd::test
