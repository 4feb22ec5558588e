// Compatibility: the corpus in tests/compat/corpus/ is run against a real
// redis-server (Debian's 7.0 package) and against respd, and every reply must
// be byte-identical.
//
// A corpus file is a script, one line per step:
//
//   SET foo "bar baz"        a command, split like redis-cli splits it
//                            (quotes, \xHH escapes), sent as multibulk
//   # comment                ignored, as are blank lines
//   @resp3 / @resp2          HELLO 3 / HELLO 2 on the current connection
//                            (its reply is compared too)
//   @reconnect               a fresh connection to each server
//   @sleep <ms>              wait (for expiry)
//   @raw <escaped bytes>     send bytes as they are (protocol errors); every
//                            byte each server sends back until it closes the
//                            connection or goes quiet is compared; then
//                            reconnects
//   @differs <reason>        the next command runs on both but its replies
//                            are not compared: a known, written-down
//                            difference (the reason is printed)
//   @unordered [pairs]       the next command's reply is compared with every
//                            aggregate's elements sorted (recursively; a
//                            map's as key-value pairs, and with `pairs` a
//                            top-level array's as consecutive pairs too): for
//                            replies in hash-table order (HGETALL, SMEMBERS
//                            of a hashtable encoding), which differs between
//                            servers by nature
//   @client <name>           switch to the named connection pair (created on
//                            first use; the first is "main"): for pub/sub
//                            and other several-client scripts
//   @replies <n>             the next command sends n replies (SUBSCRIBE a b
//                            c): all are read and compared
//   @read [n]                read n more replies (default 1) without
//                            sending (a message a subscriber was pushed)
//   @args <arguments>        extra server arguments for both servers
//                            (e.g. `@args --requirepass secret`); read
//                            before the servers start, wherever it stands
//
// Each file gets fresh servers, started with the same arguments.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "protocol/split_args.h"
#include "tests/support/process.h"
#include "tests/support/raw_client.h"
#include "tests/support/resp_reader.h"

namespace respd::test {
namespace {

std::string CorpusDir() { return std::string(RESPD_SOURCE_DIR) + "/tests/compat/corpus"; }

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  if (DIR* d = opendir(CorpusDir().c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.ends_with(".txt")) files.push_back(name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Shows bytes with CR/LF and non-printables escaped, for readable diffs.
std::string Printable(std::string_view s, size_t max = 2000) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 32 || c >= 127) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

// The bytes of an @raw line: \r \n \t \\ and \xHH are escapes, every
// other character (quotes included) stands for itself.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char e = s[++i];
    if (e == 'r') {
      out.push_back('\r');
    } else if (e == 'n') {
      out.push_back('\n');
    } else if (e == 't') {
      out.push_back('\t');
    } else if (e == 'x' && i + 2 < s.size() + 0 &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(e);
    }
  }
  return out;
}

// HELLO's reply carries the connection's id, which differs between servers
// by nature: mask it.
std::string MaskClientId(std::string reply) {
  static constexpr std::string_view kField = "$2\r\nid\r\n:";
  const size_t at = reply.find(kField);
  if (at == std::string::npos) return reply;
  const size_t start = at + kField.size();
  const size_t end = reply.find("\r\n", start);
  if (end != std::string::npos) reply.replace(start, end - start, "<id>");
  return reply;
}

// `reply` with the elements of every aggregate sorted (see @unordered).
// Elements are split with RespFrameLength; anything unexpected is left as
// it is (and then compared as it is).
std::string SortedReply(std::string_view reply, bool top_level_pairs) {
  if (reply.empty() || std::string_view("*~%>").find(reply[0]) == std::string_view::npos) {
    return std::string(reply);
  }
  const size_t eol = reply.find("\r\n");
  if (eol == std::string_view::npos) return std::string(reply);
  const long n = std::strtol(std::string(reply.substr(1, eol - 1)).c_str(), nullptr, 10);
  if (n <= 0) return std::string(reply);
  const size_t group = reply[0] == '%' || top_level_pairs ? 2 : 1;
  std::vector<std::string> units;
  size_t at = eol + 2;
  const long frames = reply[0] == '%' ? 2 * n : n;
  for (long i = 0; i + static_cast<long>(group) <= frames; i += static_cast<long>(group)) {
    std::string unit;
    for (size_t k = 0; k < group; ++k) {
      const size_t len = RespFrameLength(reply.substr(at));
      if (len == kIncomplete || len == kMalformed) return std::string(reply);
      unit += SortedReply(reply.substr(at, len), false);
      at += len;
    }
    units.push_back(std::move(unit));
  }
  std::sort(units.begin(), units.end());
  std::string out(reply.substr(0, eol + 2));
  for (const std::string& u : units) out += u;
  out += reply.substr(at);
  return out;
}

// Everything a connection sends until it closes or is quiet for a moment.
std::string Drain(RawClient& c) {
  std::string all;
  c.WaitClosed(std::chrono::milliseconds(500), &all);
  return all;
}

class Compat : public testing::TestWithParam<std::string> {};

TEST_P(Compat, RepliesMatchRedis) {
  std::ifstream file(CorpusDir() + "/" + GetParam());
  ASSERT_TRUE(file) << GetParam();
  std::stringstream content;
  content << file.rdbuf();
  std::vector<std::string> server_args;
  {
    std::istringstream scan(content.str());
    std::string l;
    while (std::getline(scan, l)) {
      if (!l.starts_with("@args ")) continue;
      auto words = protocol::SplitArgs(l.substr(6));
      ASSERT_TRUE(words) << l;
      server_args.insert(server_args.end(), words->begin(), words->end());
    }
  }
  std::istringstream in(content.str());
  auto redis = ServerProcess::StartRedis(server_args);
  auto respd = ServerProcess::StartRespd(server_args);
  ASSERT_TRUE(redis && respd);
  // Connection pairs by @client name; a and b are the current pair's.
  std::map<std::string, std::pair<std::unique_ptr<RawClient>, std::unique_ptr<RawClient>>> pairs;
  auto& main_pair = pairs["main"];
  main_pair.first = std::make_unique<RawClient>(redis->port());
  main_pair.second = std::make_unique<RawClient>(respd->port());
  std::unique_ptr<RawClient>* a = &main_pair.first;
  std::unique_ptr<RawClient>* b = &main_pair.second;
  ASSERT_TRUE((*a)->connected() && (*b)->connected());
  size_t replies = 1;

  std::string line;
  int line_number = 0;
  int compared = 0;
  std::string differs_reason;
  bool unordered = false;
  bool unordered_pairs = false;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    line = line.substr(first);
    const std::string where = GetParam() + ":" + std::to_string(line_number) + ": " + line;

    std::vector<std::string> args;
    if (line[0] == '@') {
      const std::string directive = line.substr(0, line.find(' '));
      const std::string rest =
          line.size() > directive.size() ? line.substr(directive.size() + 1) : "";
      if (directive == "@args") continue;
      if (directive == "@reconnect") {
        *a = std::make_unique<RawClient>(redis->port());
        *b = std::make_unique<RawClient>(respd->port());
        continue;
      }
      if (directive == "@client") {
        auto& pair = pairs[rest];
        if (!pair.first) {
          pair.first = std::make_unique<RawClient>(redis->port());
          pair.second = std::make_unique<RawClient>(respd->port());
        }
        a = &pair.first;
        b = &pair.second;
        continue;
      }
      if (directive == "@replies") {
        replies = std::stoul(rest);
        continue;
      }
      if (directive == "@read") {
        const size_t n = rest.empty() ? 1 : std::stoul(rest);
        for (size_t i = 0; i < n; ++i) {
          const auto ra = (*a)->ReadReply();
          const auto rb = (*b)->ReadReply();
          ASSERT_TRUE(ra.has_value()) << "redis-server sent nothing at " << where;
          ASSERT_TRUE(rb.has_value()) << "respd sent nothing at " << where;
          EXPECT_EQ(Printable(*ra), Printable(*rb)) << where;
          ++compared;
        }
        continue;
      }
      if (directive == "@sleep") {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(rest)));
        continue;
      }
      if (directive == "@unordered") {
        unordered = true;
        unordered_pairs = rest == "pairs";
        continue;
      }
      if (directive == "@differs") {
        differs_reason = rest;
        continue;
      }
      if (directive == "@raw") {
        const std::string bytes = Unescape(rest);
        (*a)->Send(bytes);
        (*b)->Send(bytes);
        const std::string ra = Drain(**a), rb = Drain(**b);
        EXPECT_EQ(Printable(ra), Printable(rb)) << where;
        ++compared;
        *a = std::make_unique<RawClient>(redis->port());
        *b = std::make_unique<RawClient>(respd->port());
        continue;
      }
      if (directive == "@resp3" || directive == "@resp2") {
        args = {"HELLO", directive == "@resp3" ? "3" : "2"};
      } else {
        FAIL() << "unknown directive at " << where;
      }
    } else {
      auto split = protocol::SplitArgs(line);
      ASSERT_TRUE(split && !split->empty()) << "unparsable line " << where;
      args = std::move(*split);
    }

    ASSERT_TRUE((*a)->SendCommand(args) && (*b)->SendCommand(args)) << where;
    std::optional<std::string> ra = std::string(), rb = std::string();
    for (size_t i = 0; i < replies && ra && rb; ++i) {
      const auto next_a = (*a)->ReadReply();
      const auto next_b = (*b)->ReadReply();
      ra = next_a ? std::optional(*ra + *next_a) : std::nullopt;
      rb = next_b ? std::optional(*rb + *next_b) : std::nullopt;
    }
    replies = 1;
    ASSERT_TRUE(ra.has_value()) << "redis-server gave no reply at " << where;
    ASSERT_TRUE(rb.has_value()) << "respd gave no reply at " << where;
    if (!differs_reason.empty()) {
      std::cout << "[ known difference ] " << where << " (" << differs_reason << ")\n"
                << "    redis: " << Printable(*ra, 200) << "\n    respd: " << Printable(*rb, 200)
                << "\n";
      differs_reason.clear();
      continue;
    }
    if (unordered) {
      EXPECT_EQ(Printable(SortedReply(*ra, unordered_pairs)),
                Printable(SortedReply(*rb, unordered_pairs)))
          << where << " (compared sorted)";
      unordered = false;
    } else {
      EXPECT_EQ(Printable(MaskClientId(*ra)), Printable(MaskClientId(*rb))) << where;
    }
    ++compared;
  }
  EXPECT_GT(compared, 0) << "empty corpus file " << GetParam();
  RecordProperty("compared", compared);
}

INSTANTIATE_TEST_SUITE_P(Corpus, Compat, testing::ValuesIn(CorpusFiles()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace respd::test
