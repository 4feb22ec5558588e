// The in-process command harness: a whole Server (config, keyspace, command
// table, dispatcher) without sockets or an event loop, driven through
// Connections::RunDetachedClient, so a family's cases run in microseconds and
// need no redis-server. Replies are compared as raw RESP bytes; the helpers
// below spell the expected ones. (The compatibility corpus stays the proof
// that those bytes are Redis's.)
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"
#include "server/core/server.h"
#include "server/sys/log.h"

namespace respd::server::testing {

// One command as a RESP multibulk request.
template <typename Args>
std::string RequestOf(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a);
    out += "\r\n";
  }
  return out;
}
inline std::string Request(std::initializer_list<std::string_view> args) { return RequestOf(args); }
inline std::string Request(const std::vector<std::string>& args) { return RequestOf(args); }

// The bulk strings of a reply, in order, nested aggregates flattened (nil
// bulks skipped): for random replies, checked by count and membership.
inline std::vector<std::string> BulkStrings(std::string_view reply) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < reply.size()) {
    const size_t eol = reply.find("\r\n", at);
    if (eol == std::string_view::npos) break;
    if (reply[at] != '$' || reply[at + 1] == '-') {
      at = eol + 2;  // Aggregate headers, integers, nils, simple strings.
      continue;
    }
    const size_t len = std::stoul(std::string(reply.substr(at + 1, eol - at - 1)));
    out.emplace_back(reply.substr(eol + 2, len));
    at = eol + 2 + len + 2;
  }
  return out;
}

// Expected replies.
inline std::string Ok() { return "+OK\r\n"; }
inline std::string Nil() { return "$-1\r\n"; }
inline std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
inline std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string Status(std::string_view s) { return "+" + std::string(s) + "\r\n"; }
inline std::string Err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
inline std::string WrongType() {
  return Err("WRONGTYPE Operation against a key holding the wrong kind of value");
}

// A client of an InProcessServer that keeps its session between runs.
class TestClient {
 public:
  explicit TestClient(Connections& connections)
      : connections_(connections), client_(connections.NewDetachedClient()) {}
  ~TestClient() { connections_.ReleaseDetachedClient(*client_); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  std::string Run(std::initializer_list<std::string_view> args) {
    return connections_.RunOnDetachedClient(*client_, Request(args));
  }
  std::string Run(const std::vector<std::string>& args) {
    return connections_.RunOnDetachedClient(*client_, Request(args));
  }

 private:
  Connections& connections_;
  std::unique_ptr<Client> client_;
};

class InProcessServer : public ::testing::Test {
 protected:
  InProcessServer() : server_(MakeConfig(), &logger_) {}

  // The config every test starts from: Redis's defaults, four databases,
  // DEBUG allowed (the detached client counts as local).
  static Config MakeConfig() {
    Config c;
    c.databases = 4;
    EXPECT_EQ(ApplyDirective({"enable-debug-command", "yes"}, &c), "");
    return c;
  }

  // Runs one command on a fresh client; its reply bytes.
  std::string Run(std::initializer_list<std::string_view> args) {
    return server_.connections().RunDetachedClient(Request(args));
  }
  std::string Run(const std::vector<std::string>& args) {
    return server_.connections().RunDetachedClient(Request(args));
  }
  // Runs commands in order on one client (MULTI, SELECT, WATCH); the
  // concatenated replies.
  std::string Session(std::initializer_list<std::initializer_list<std::string_view>> commands) {
    std::string input;
    for (const auto& args : commands) input += Request(args);
    return server_.connections().RunDetachedClient(input);
  }
  // A client that keeps its session (SELECT, WATCH, MULTI) across runs.
  std::unique_ptr<TestClient> Client() {
    return std::make_unique<TestClient>(server_.connections());
  }

  // A field of INFO (any section), as text; "" if absent.
  std::string InfoField(std::string_view name) {
    const std::string info = Run({"INFO", "everything"});
    const std::string needle = "\r\n" + std::string(name) + ":";
    const size_t at = info.find(needle);
    if (at == std::string::npos) return "";
    const size_t start = at + needle.size();
    return info.substr(start, info.find("\r\n", start) - start);
  }

  Logger logger_;
  Server server_;
};

}  // namespace respd::server::testing
