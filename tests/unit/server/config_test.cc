// Configuration loading: redis.conf syntax, the command line, the directive
// table's validation with Redis's exact error texts, and the typed fields of
// the directives respd implements. Debian's /etc/redis/redis.conf must load
// unchanged.
#include "server/config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server/config/config_directives.h"

namespace respd::server {
namespace {

namespace fs = std::filesystem;

constexpr char kDebianConf[] = "/etc/redis/redis.conf";

// Applies `text` to a fresh Config and expects success.
Config Load(std::string_view text) {
  Config c;
  auto err = ApplyConfigText(text, "test.conf", &c);
  EXPECT_FALSE(err.has_value()) << "line " << err->line_number << " '" << err->line
                                << "': " << err->reason;
  return c;
}

// Applies `text` and returns the error it must produce.
ConfigError LoadError(std::string_view text) {
  Config c;
  auto err = ApplyConfigText(text, "test.conf", &c);
  EXPECT_TRUE(err.has_value()) << "expected an error for: " << text;
  return err.value_or(ConfigError{});
}

// The reason a one-line config fails with ("" if it loads).
std::string Reason(std::string_view line) {
  Config c;
  auto err = ApplyConfigText(line, "test.conf", &c);
  return err ? err->reason : "";
}

CommandLine Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  return ParseCommandLine(static_cast<int>(args.size()), argv.data());
}

// A temporary directory, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/respd-config-test-XXXXXX";
    const char* d = mkdtemp(tmpl);
    path_ = d != nullptr ? d : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, std::string_view content) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

// Runs with the working directory set to `dir`, restoring it afterwards.
class ScopedChdir {
 public:
  explicit ScopedChdir(const std::string& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedChdir() { fs::current_path(old_); }

 private:
  fs::path old_;
};

// ---------------------------------------------------------------------------
// Syntax.

TEST(ConfigSyntax, CommentsAndBlankLinesAreSkipped) {
  Config c = Load(
      "# a comment\n"
      "\n"
      "   \t \n"
      "   # an indented comment\n"
      "port 7001   \r\n"
      "\ttimeout 5\n");
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.timeout, 5);
}

TEST(ConfigSyntax, NoTrailingNewlineNeeded) {
  Config c = Load("port 7002");
  EXPECT_EQ(c.port, 7002);
}

TEST(ConfigSyntax, DoubleQuotesUnderstandEscapes) {
  Config c = Load("requirepass \"a b\\x41\\n\\t\\\"q\\\\\"\n");
  EXPECT_EQ(c.requirepass, "a bA\n\t\"q\\");
  EXPECT_EQ(c.values["requirepass"], "a bA\n\t\"q\\");
}

TEST(ConfigSyntax, SingleQuotesAreLiteralExceptQuote) {
  Config c = Load("requirepass 'x \\n y \\' z'\n");
  EXPECT_EQ(c.requirepass, "x \\n y ' z");
}

TEST(ConfigSyntax, EmptyQuotedStringIsAnArgument) {
  Config c = Load("logfile /tmp/x.log\nlogfile \"\"\n");
  EXPECT_EQ(c.logfile, "");
  EXPECT_EQ(c.values["logfile"], "");
}

TEST(ConfigSyntax, UnbalancedQuotesAreAnError) {
  ConfigError e = LoadError("port 1\nrequirepass \"abc\n");
  EXPECT_EQ(e.line_number, 2);
  EXPECT_EQ(e.reason, "Unbalanced quotes in configuration line");
  EXPECT_EQ(Reason("requirepass \"abc\"def"), "Unbalanced quotes in configuration line");
}

TEST(ConfigSyntax, DirectiveNamesAreCaseInsensitive) {
  Config c = Load("PORT 7003\nMaxClients 50\nDaemonize yes\n");
  EXPECT_EQ(c.port, 7003);
  EXPECT_EQ(c.maxclients, 50);
  EXPECT_TRUE(c.daemonize);
}

TEST(ConfigSyntax, BoolAndEnumValuesAreCaseInsensitive) {
  Config c = Load("daemonize YES\nactiverehashing No\nloglevel WARNING\nappendonly YeS\n");
  EXPECT_TRUE(c.daemonize);
  EXPECT_FALSE(c.activerehashing);
  EXPECT_EQ(c.loglevel, LogLevel::kWarning);
  EXPECT_EQ(c.values["daemonize"], "yes");
  EXPECT_EQ(c.values["activerehashing"], "no");
  EXPECT_EQ(c.values["loglevel"], "warning");
  EXPECT_EQ(c.values["appendonly"], "yes");
}

TEST(ConfigSyntax, LaterLinesWin) {
  Config c = Load("port 7004\nport 7005\nloglevel debug\nloglevel verbose\n");
  EXPECT_EQ(c.port, 7005);
  EXPECT_EQ(c.values["port"], "7005");
  EXPECT_EQ(c.loglevel, LogLevel::kVerbose);
}

TEST(ConfigSyntax, AliasesSetTheCanonicalName) {
  Config c = Load("slave-read-only no\n");
  EXPECT_EQ(c.values["replica-read-only"], "no");
  EXPECT_EQ(c.values.count("slave-read-only"), 0u);
}

// ---------------------------------------------------------------------------
// Errors: source, line number, line text and Redis's reasons.

TEST(ConfigErrors, CarrySourceLineNumberAndText) {
  Config c;
  auto err =
      ApplyConfigText("# header\n\nport 7000\n  daemonize   maybe  \nport 1\n", "my.conf", &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->source, "my.conf");
  EXPECT_EQ(err->line_number, 4);
  EXPECT_EQ(err->line, "daemonize   maybe");  // Trimmed, as Redis prints it.
  EXPECT_EQ(err->reason, "argument must be 'yes' or 'no'");
  // Lines before the error were applied, the ones after were not.
  EXPECT_EQ(c.port, 7000);
}

TEST(ConfigErrors, RedisReasons) {
  EXPECT_EQ(Reason("foo bar"), "Bad directive or wrong number of arguments");
  EXPECT_EQ(Reason("rename-command get"), "Bad directive or wrong number of arguments");
  EXPECT_EQ(Reason("port"), "wrong number of arguments");
  EXPECT_EQ(Reason("port 1 2"), "wrong number of arguments");
  EXPECT_EQ(Reason("requirepass a b"), "wrong number of arguments");
  EXPECT_EQ(Reason("port abc"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Reason("port 12x"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Reason("port 70000"), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(Reason("port -1"), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(Reason("daemonize maybe"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(Reason("daemonize 1"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(Reason("maxmemory 1x"), "argument must be a memory value");
  EXPECT_EQ(Reason("maxmemory -1"), "argument must be a memory value");
  EXPECT_EQ(Reason("maxmemory 1.5gb"), "argument must be a memory value");
  EXPECT_EQ(Reason("loglevel loud"),
            "argument(s) must be one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(Reason("databases 0"), "argument must be between 1 and 2147483647 inclusive");
  EXPECT_EQ(Reason("proto-max-bulk-len 1000"),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(Reason("save 1"), "Invalid save parameters");
  EXPECT_EQ(Reason("save 100 x"), "Invalid save parameters");
  EXPECT_EQ(Reason("save 0 1"), "Invalid save parameters");  // Seconds must be >= 1.
  EXPECT_EQ(Reason("save 10 -1"), "Invalid save parameters");
  EXPECT_EQ(Reason("replicaof localhost abc"), "Invalid master port");
  EXPECT_EQ(Reason("replicaof localhost 70000"), "Invalid master port");
  EXPECT_EQ(Reason("client-output-buffer-limit foo 1 2 3"),
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(Reason("client-output-buffer-limit normal 1 2"),
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(Reason("client-output-buffer-limit normal 1x 2 3"),
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(Reason("dir /nonexistent-respd-dir"), "No such file or directory");
}

TEST(ConfigErrors, ApplyDirectiveReturnsTheReason) {
  Config c;
  EXPECT_EQ(ApplyDirective({"port", "6380"}, &c), "");
  EXPECT_EQ(c.port, 6380);
  EXPECT_EQ(ApplyDirective({"port", "x"}, &c), "argument couldn't be parsed into an integer");
  EXPECT_EQ(c.port, 6380);
  EXPECT_EQ(ApplyDirective({"nosuchthing", "1"}, &c), "Bad directive or wrong number of arguments");
  EXPECT_EQ(ApplyDirective({}, &c), "");
}

TEST(ConfigErrors, MissingFile) {
  Config c;
  auto err = ApplyConfigFile("/nonexistent-respd-dir/x.conf", &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason,
            "Fatal error, can't open config file '/nonexistent-respd-dir/x.conf': No such file or "
            "directory");
}

// ---------------------------------------------------------------------------
// Memory values.

TEST(ConfigMemory, Units) {
  EXPECT_EQ(ParseMemory("0"), 0u);
  EXPECT_EQ(ParseMemory("123"), 123u);
  EXPECT_EQ(ParseMemory("1b"), 1u);
  EXPECT_EQ(ParseMemory("1k"), 1000u);
  EXPECT_EQ(ParseMemory("1kb"), 1024u);
  EXPECT_EQ(ParseMemory("1K"), 1000u);
  EXPECT_EQ(ParseMemory("1kB"), 1024u);
  EXPECT_EQ(ParseMemory("1m"), 1000u * 1000);
  EXPECT_EQ(ParseMemory("1mb"), 1024u * 1024);
  EXPECT_EQ(ParseMemory("1g"), 1000ull * 1000 * 1000);
  EXPECT_EQ(ParseMemory("1gb"), 1024ull * 1024 * 1024);
  EXPECT_EQ(ParseMemory("3GB"), 3ull * 1024 * 1024 * 1024);
  EXPECT_EQ(ParseMemory("18446744073709551615"), 18446744073709551615ull);
}

TEST(ConfigMemory, Rejects) {
  EXPECT_FALSE(ParseMemory("-1"));
  EXPECT_FALSE(ParseMemory("-0"));
  EXPECT_FALSE(ParseMemory("+1"));
  EXPECT_FALSE(ParseMemory(" 1"));
  EXPECT_FALSE(ParseMemory("1 "));
  EXPECT_FALSE(ParseMemory("1x"));
  EXPECT_FALSE(ParseMemory("1kbb"));
  EXPECT_FALSE(ParseMemory("1t"));
  EXPECT_FALSE(ParseMemory("1.5k"));
  EXPECT_FALSE(ParseMemory("0x10"));
  EXPECT_FALSE(ParseMemory("99999999999999999999"));  // Overflows.
  EXPECT_FALSE(ParseMemory("99999999999gb"));         // Overflows once multiplied.
}

TEST(ConfigMemory, ValuesHoldPlainBytes) {
  Config c = Load("maxmemory 1gb\nproto-max-bulk-len 2mb\nclient-query-buffer-limit 10m\n");
  EXPECT_EQ(c.values["maxmemory"], "1073741824");
  EXPECT_EQ(c.values["proto-max-bulk-len"], "2097152");
  EXPECT_EQ(c.proto_max_bulk_len, 2097152);
  EXPECT_EQ(c.values["client-query-buffer-limit"], "10000000");
  EXPECT_EQ(c.client_query_buffer_limit, 10000000);
}

TEST(ConfigMemory, PercentValues) {
  Config c = Load("maxmemory-clients 5%\n");
  EXPECT_EQ(c.values["maxmemory-clients"], "5%");
  EXPECT_EQ(Reason("maxmemory-clients 5x%"), "argument must be a memory or percent value");
}

// ---------------------------------------------------------------------------
// Typed fields of the implemented directives.

TEST(ConfigFields, Defaults) {
  Config c;
  EXPECT_EQ(c.port, 6379);
  EXPECT_EQ(c.bind, (std::vector<std::string>{"*", "-::*"}));
  EXPECT_EQ(c.tcp_backlog, 511);
  EXPECT_EQ(c.timeout, 0);
  EXPECT_EQ(c.tcp_keepalive, 300);
  EXPECT_FALSE(c.daemonize);
  EXPECT_EQ(c.pidfile, "");
  EXPECT_EQ(c.loglevel, LogLevel::kNotice);
  EXPECT_EQ(c.logfile, "");
  EXPECT_EQ(c.databases, 16);
  EXPECT_EQ(c.maxclients, 10000);
  EXPECT_EQ(c.requirepass, "");
  EXPECT_EQ(c.hz, 10);
  EXPECT_EQ(c.proto_max_bulk_len, 512LL * 1024 * 1024);
  EXPECT_EQ(c.client_query_buffer_limit, 1024LL * 1024 * 1024);
  EXPECT_TRUE(c.ineffective.empty());
  EXPECT_TRUE(c.renamed_commands.empty());
  EXPECT_EQ(c.values["save"], "3600 1 300 100 60 10000");
  EXPECT_EQ(c.values["port"], "6379");
  EXPECT_EQ(c.values["bind"], "* -::*");
  EXPECT_EQ(c.values["client-output-buffer-limit"],
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  // File-only directives have no CONFIG GET value.
  EXPECT_EQ(c.values.count("include"), 0u);
  EXPECT_EQ(c.values.count("rename-command"), 0u);
}

TEST(ConfigFields, ImplementedDirectives) {
  TempDir tmp;
  Config c = Load(
      "port 7010\n"
      "tcp-backlog 128\n"
      "timeout 30\n"
      "tcp-keepalive 60\n"
      "daemonize yes\n"
      "pidfile /tmp/respd-test.pid\n"
      "loglevel debug\n"
      "logfile /tmp/respd-test.log\n"
      "databases 4\n"
      "maxclients 2\n"
      "requirepass s3cret\n"
      "dir " +
      tmp.path() +
      "\n"
      "hz 100\n"
      "proto-max-bulk-len 1mb\n"
      "client-query-buffer-limit 2mb\n"
      "activerehashing no\n");
  EXPECT_EQ(c.port, 7010);
  EXPECT_EQ(c.tcp_backlog, 128);
  EXPECT_EQ(c.timeout, 30);
  EXPECT_EQ(c.tcp_keepalive, 60);
  EXPECT_TRUE(c.daemonize);
  EXPECT_EQ(c.pidfile, "/tmp/respd-test.pid");
  EXPECT_EQ(c.loglevel, LogLevel::kDebug);
  EXPECT_EQ(c.logfile, "/tmp/respd-test.log");
  EXPECT_EQ(c.databases, 4);
  EXPECT_EQ(c.maxclients, 2);
  EXPECT_EQ(c.requirepass, "s3cret");
  EXPECT_EQ(c.dir, tmp.path());
  EXPECT_EQ(c.hz, 100);
  EXPECT_EQ(c.proto_max_bulk_len, 1024 * 1024);
  EXPECT_EQ(c.client_query_buffer_limit, 2 * 1024 * 1024);
  EXPECT_FALSE(c.activerehashing);
  // Implemented directives are never "ineffective".
  EXPECT_TRUE(c.ineffective.empty()) << *c.ineffective.begin();
  EXPECT_EQ(c.values["maxclients"], "2");
  EXPECT_EQ(c.values["dir"], tmp.path());
}

TEST(ConfigFields, LogLevels) {
  EXPECT_EQ(Load("loglevel debug").loglevel, LogLevel::kDebug);
  EXPECT_EQ(Load("loglevel verbose").loglevel, LogLevel::kVerbose);
  EXPECT_EQ(Load("loglevel notice").loglevel, LogLevel::kNotice);
  EXPECT_EQ(Load("loglevel warning").loglevel, LogLevel::kWarning);
}

TEST(ConfigFields, HzIsClampedWhenUsed) {
  EXPECT_EQ(Load("hz 0").EffectiveHz(), 1);
  EXPECT_EQ(Load("hz 1000").EffectiveHz(), 500);
  EXPECT_EQ(Load("hz 50").EffectiveHz(), 50);
  EXPECT_EQ(Load("hz 1000").values["hz"], "1000");
}

TEST(ConfigFields, Bind) {
  EXPECT_EQ(Load("bind 127.0.0.1").bind, (std::vector<std::string>{"127.0.0.1"}));
  Config c = Load("bind 127.0.0.1 -::1 10.0.0.1\n");
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "-::1", "10.0.0.1"}));
  EXPECT_EQ(c.values["bind"], "127.0.0.1 -::1 10.0.0.1");
  // One quoted argument holding spaces is several addresses.
  EXPECT_EQ(Load("bind \"-::1 127.0.0.1\"").bind, (std::vector<std::string>{"-::1", "127.0.0.1"}));
  // bind "" (and bare bind) listens nowhere.
  EXPECT_TRUE(Load("bind \"\"").bind.empty());
  EXPECT_TRUE(Load("bind").bind.empty());
  EXPECT_EQ(Reason("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"), "wrong number of arguments");
}

TEST(ConfigFields, DirMustExist) {
  TempDir tmp;
  const std::string file = tmp.Write("plain-file", "x");
  EXPECT_EQ(Reason("dir " + tmp.path() + "/missing"), "No such file or directory");
  EXPECT_EQ(Reason("dir " + file), "Not a directory");
  EXPECT_EQ(Load("dir " + tmp.path()).dir, tmp.path());
}

TEST(ConfigFields, RenameCommandIsRecorded) {
  Config c = Load("rename-command FLUSHALL \"\"\nrename-command config my-config\n");
  ASSERT_EQ(c.renamed_commands.size(), 2u);
  EXPECT_EQ(c.renamed_commands[0], (std::pair<std::string, std::string>{"FLUSHALL", ""}));
  EXPECT_EQ(c.renamed_commands[1], (std::pair<std::string, std::string>{"config", "my-config"}));
  EXPECT_TRUE(c.ineffective.empty());
}

// ---------------------------------------------------------------------------
// save and client-output-buffer-limit.

TEST(ConfigSave, FirstLineReplacesDefaultsLaterLinesAdd) {
  Config c = Load("save 900 1\nsave 300 10\n");
  EXPECT_EQ(c.values["save"], "900 1 300 10");
  c = Load("save 900 1 300 10\nsave 60 10000\n");
  EXPECT_EQ(c.values["save"], "900 1 300 10 60 10000");
  // One argument holding the pairs, as `--save "900 1 300 10"` gives.
  c = Load("save \"900 1 300 10\"\n");
  EXPECT_EQ(c.values["save"], "900 1 300 10");
}

TEST(ConfigSave, EmptyClears) {
  EXPECT_EQ(Load("save \"\"").values["save"], "");
  EXPECT_EQ(Load("save 900 1\nsave \"\"\n").values["save"], "");
  EXPECT_EQ(Load("save \"\"\nsave 10 1\n").values["save"], "10 1");
  EXPECT_EQ(Load("save 900 1\nsave ''\nsave 10 1\n").values["save"], "10 1");
}

TEST(ConfigSave, IsIneffectiveOnlyWhenChanged) {
  EXPECT_TRUE(Load("save 3600 1 300 100 60 10000").ineffective.empty());
  EXPECT_TRUE(Load("save 900 1").ineffective.contains("save"));
  // No save points: no persistence, which is what respd does.
  EXPECT_FALSE(Load("save \"\"").ineffective.contains("save"));
}

TEST(ConfigOutputBufferLimit, PerClassReplacement) {
  Config c = Load("client-output-buffer-limit pubsub 64mb 16mb 120\n");
  EXPECT_EQ(c.values["client-output-buffer-limit"],
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 120");
  c = Load(
      "client-output-buffer-limit replica 1mb 1kb 5\n"
      "client-output-buffer-limit NORMAL 1 2 3\n");
  EXPECT_EQ(c.values["client-output-buffer-limit"],
            "normal 1 2 3 slave 1048576 1024 5 pubsub 33554432 8388608 60");
  // Several classes in one line.
  c = Load("client-output-buffer-limit normal 10 20 30 slave 1 2 3\n");
  EXPECT_EQ(c.values["client-output-buffer-limit"],
            "normal 10 20 30 slave 1 2 3 pubsub 33554432 8388608 60");
  // Implemented: the limits apply (typed copies for the server).
  EXPECT_FALSE(c.ineffective.contains("client-output-buffer-limit"));
  EXPECT_EQ(c.normal_output_limit.hard, 10u);
  EXPECT_EQ(c.normal_output_limit.soft, 20u);
  EXPECT_EQ(c.normal_output_limit.soft_seconds, 30);
  EXPECT_EQ(c.replica_output_limit.hard, 1u);
  EXPECT_EQ(c.pubsub_output_limit.hard, 33554432u);
}

TEST(ConfigOutputBufferLimit, DefaultsAreNotIneffective) {
  Config c = Load(
      "client-output-buffer-limit normal 0 0 0\n"
      "client-output-buffer-limit replica 256mb 64mb 60\n"
      "client-output-buffer-limit pubsub 32mb 8mb 60\n");
  EXPECT_EQ(c.values["client-output-buffer-limit"],
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_TRUE(c.ineffective.empty());
}

// ---------------------------------------------------------------------------
// Ineffective directives.

TEST(ConfigIneffective, ListsChangedUnimplementedDirectives) {
  Config c = Load(
      "appendonly yes\n"
      "maxmemory 100mb\n"
      "port 7000\n"
      "protected-mode no\n"
      "lazyfree-lazy-eviction yes\n");
  // port and protected-mode are implemented, so they are not listed.
  EXPECT_EQ(c.ineffective, (std::set<std::string, std::less<>>{
                               "appendonly", "lazyfree-lazy-eviction", "maxmemory"}));
  EXPECT_FALSE(c.protected_mode);
}

TEST(ConfigIneffective, IgnoresDefaults) {
  Config c = Load(
      "appendonly no\n"
      "maxmemory 0\n"
      "protected-mode yes\n"
      "hash-max-listpack-entries 512\n"
      "maxmemory-policy NOEVICTION\n");
  EXPECT_TRUE(c.ineffective.empty()) << *c.ineffective.begin();
}

TEST(ConfigIneffective, SettingBackToDefaultClears) {
  Config c = Load("appendonly yes\nappendonly no\n");
  EXPECT_FALSE(c.ineffective.contains("appendonly"));
}

TEST(ConfigIneffective, ReplicaofNoOneIsTheDefault) {
  Config c = Load("replicaof no one\n");
  EXPECT_EQ(c.values["replicaof"], "");
  EXPECT_TRUE(c.ineffective.empty());
  c = Load("slaveof 127.0.0.1 6380\n");
  EXPECT_EQ(c.values["replicaof"], "127.0.0.1 6380");
  EXPECT_TRUE(c.ineffective.contains("replicaof"));
  c = Load("replicaof 127.0.0.1 6380\nreplicaof NO ONE\n");
  EXPECT_TRUE(c.ineffective.empty());
}

TEST(ConfigIneffective, FileOnlyDirectivesOtherThanIncludeAndRename) {
  Config c = Load("user default on nopass ~* +@all\n");
  EXPECT_TRUE(c.ineffective.contains("user"));
}

// ---------------------------------------------------------------------------
// include.

TEST(ConfigInclude, RelativeToTheWorkingDirectory) {
  TempDir tmp;
  std::filesystem::create_directory(tmp.path() + "/sub");
  tmp.Write("sub/inner.conf", "port 7021\nmaxclients 77\n");
  tmp.Write("outer.conf", "port 7020\ninclude sub/inner.conf\ndatabases 3\n");
  ScopedChdir cd(tmp.path());
  Config c;
  auto err = ApplyConfigFile("outer.conf", &c);
  ASSERT_FALSE(err) << err->reason;
  EXPECT_EQ(c.port, 7021);  // The include comes after port 7020.
  EXPECT_EQ(c.maxclients, 77);
  EXPECT_EQ(c.databases, 3);
}

TEST(ConfigInclude, LaterLinesOverrideIncluded) {
  TempDir tmp;
  const std::string inner = tmp.Write("inner.conf", "port 7031\n");
  Config c = Load("include " + inner + "\nport 7032\n");
  EXPECT_EQ(c.port, 7032);
}

TEST(ConfigInclude, Nested) {
  TempDir tmp;
  const std::string c3 = tmp.Write("c.conf", "timeout 9\n");
  const std::string c2 = tmp.Write("b.conf", "include " + c3 + "\ntcp-keepalive 8\n");
  const std::string c1 = tmp.Write("a.conf", "include " + c2 + "\nhz 7\n");
  Config c;
  ASSERT_FALSE(ApplyConfigFile(c1, &c));
  EXPECT_EQ(c.timeout, 9);
  EXPECT_EQ(c.tcp_keepalive, 8);
  EXPECT_EQ(c.hz, 7);
}

TEST(ConfigInclude, LoopIsAnErrorNotACrash) {
  TempDir tmp;
  const std::string a = tmp.path() + "/a.conf";
  const std::string b = tmp.path() + "/b.conf";
  tmp.Write("a.conf", "port 1\ninclude " + b + "\n");
  tmp.Write("b.conf", "include " + a + "\n");
  Config c;
  auto err = ApplyConfigFile(a, &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, "Too many nested includes");
  EXPECT_GT(err->line_number, 0);

  const std::string self = tmp.Write("self.conf", "include " + tmp.path() + "/self.conf\n");
  Config c2;
  EXPECT_TRUE(ApplyConfigFile(self, &c2));
}

TEST(ConfigInclude, ErrorsNameTheIncludedFile) {
  TempDir tmp;
  const std::string inner = tmp.Write("inner.conf", "\n\nport nope\n");
  const std::string outer = tmp.Write("outer.conf", "include " + inner + "\n");
  Config c;
  auto err = ApplyConfigFile(outer, &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->source, inner);
  EXPECT_EQ(err->line_number, 3);
  EXPECT_EQ(err->line, "port nope");
  EXPECT_EQ(err->reason, "argument couldn't be parsed into an integer");
}

TEST(ConfigInclude, GlobPatterns) {
  TempDir tmp;
  std::filesystem::create_directory(tmp.path() + "/conf.d");
  std::filesystem::create_directory(tmp.path() + "/empty.d");
  tmp.Write("conf.d/10-port.conf", "port 7041\ntimeout 1\n");
  tmp.Write("conf.d/20-port.conf", "port 7042\n");
  tmp.Write("conf.d/ignored.txt", "port 1\n");
  // Matches are read in sorted order; no match at all is not an error.
  Config c =
      Load("include " + tmp.path() + "/conf.d/*.conf\ninclude " + tmp.path() + "/empty.d/*.conf\n");
  EXPECT_EQ(c.port, 7042);
  EXPECT_EQ(c.timeout, 1);
  // An error names the matched file.
  tmp.Write("conf.d/30-bad.conf", "port x\n");
  ConfigError e = LoadError("include " + tmp.path() + "/conf.d/?0-*.conf\n");
  EXPECT_EQ(e.source, tmp.path() + "/conf.d/30-bad.conf");
  EXPECT_EQ(e.line_number, 1);
}

TEST(ConfigInclude, MissingFileIsAnError) {
  ConfigError e = LoadError("include /nonexistent-respd-dir/x.conf\n");
  EXPECT_NE(e.reason.find("can't open config file '/nonexistent-respd-dir/x.conf'"),
            std::string::npos)
      << e.reason;
  EXPECT_EQ(Reason("include a b"), "Bad directive or wrong number of arguments");
}

// ---------------------------------------------------------------------------
// The command line.

TEST(ConfigCommandLine, VersionAndHelp) {
  EXPECT_TRUE(Parse({"respd", "--version"}).show_version);
  EXPECT_TRUE(Parse({"respd", "-v"}).show_version);
  EXPECT_TRUE(Parse({"respd", "--help"}).show_help);
  EXPECT_TRUE(Parse({"respd", "-h"}).show_help);
  CommandLine none = Parse({"respd"});
  EXPECT_FALSE(none.show_version || none.show_help || none.error);
  EXPECT_EQ(none.config_file, "");
  EXPECT_EQ(none.options, "");
}

TEST(ConfigCommandLine, FileThenOptions) {
  CommandLine cl = Parse({"respd", "file.conf", "--port", "7000", "--bind", "127.0.0.1", "::1"});
  EXPECT_FALSE(cl.error);
  EXPECT_EQ(cl.config_file, "file.conf");
  Config c;
  ASSERT_FALSE(ApplyConfigText(cl.options, "command line", &c));
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
}

TEST(ConfigCommandLine, OptionsWithoutFile) {
  CommandLine cl = Parse({"respd", "--port", "7000"});
  EXPECT_EQ(cl.config_file, "");
  Config c;
  ASSERT_FALSE(ApplyConfigText(cl.options, "command line", &c));
  EXPECT_EQ(c.port, 7000);
}

TEST(ConfigCommandLine, OptionsAfterTheFileWin) {
  TempDir tmp;
  const std::string file = tmp.Write("f.conf", "port 6000\ntimeout 5\nloglevel debug\n");
  CommandLine cl = Parse({"respd", file, "--port", "7000", "--loglevel", "warning"});
  Config c;
  ASSERT_FALSE(LoadConfig(cl, &c));
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.timeout, 5);
  EXPECT_EQ(c.loglevel, LogLevel::kWarning);
}

TEST(ConfigCommandLine, SaveAloneMeansEmpty) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"respd", "--save"},
           {"respd", "--save", "--port", "7000"},
           {"respd", "--SAVE", "--port", "7000"},
           {"respd", "--save", ""},
       }) {
    CommandLine cl = Parse(args);
    ASSERT_FALSE(cl.error);
    Config c;
    ASSERT_FALSE(LoadConfig(cl, &c)) << cl.options;
    EXPECT_EQ(c.values["save"], "") << cl.options;
    if (args.size() > 2 && args[2] == "--port") {
      EXPECT_EQ(c.port, 7000);
    }
  }
  Config c;
  ASSERT_FALSE(LoadConfig(Parse({"respd", "--save", "60", "1", "--save", "10", "2"}), &c));
  EXPECT_EQ(c.values["save"], "60 1 10 2");
}

TEST(ConfigCommandLine, ValuesKeepSpacesAndQuotes) {
  const std::string nasty = "a b \"c\" 'd' \\e\t\n\x01";
  CommandLine cl = Parse({"respd", "--requirepass", nasty, "--port", "7000"});
  Config c;
  ASSERT_FALSE(LoadConfig(cl, &c)) << cl.options;
  EXPECT_EQ(c.requirepass, nasty);
  EXPECT_EQ(c.port, 7000);
}

TEST(ConfigCommandLine, OptionAndValueInOneArgument) {
  CommandLine cl = Parse({"respd", "--port 7001", "--maxclients", "9"});
  Config c;
  ASSERT_FALSE(LoadConfig(cl, &c)) << cl.options;
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.maxclients, 9);
}

TEST(ConfigCommandLine, NegativeValuesAreValues) {
  Config c;
  ASSERT_FALSE(
      LoadConfig(Parse({"respd", "--list-max-listpack-size", "-2", "--bind", "-::1"}), &c));
  EXPECT_EQ(c.values["list-max-listpack-size"], "-2");
  EXPECT_EQ(c.bind, (std::vector<std::string>{"-::1"}));
}

TEST(ConfigCommandLine, UnknownOptionFailsOnLoad) {
  CommandLine cl = Parse({"respd", "--foo", "bar"});
  ASSERT_FALSE(cl.error);
  Config c;
  auto err = LoadConfig(cl, &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->source, "command line");
  EXPECT_EQ(err->line_number, 1);
  EXPECT_EQ(err->reason, "Bad directive or wrong number of arguments");
  EXPECT_NE(err->line.find("foo"), std::string::npos);
}

TEST(ConfigCommandLine, ErrorLineNumbersCountOptions) {
  Config c;
  auto err = LoadConfig(Parse({"respd", "--port", "1", "--timeout", "x"}), &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->line_number, 2);
  EXPECT_EQ(err->reason, "argument couldn't be parsed into an integer");
}

TEST(ConfigCommandLine, ExtraValueIsWrongNumberOfArguments) {
  Config c;
  auto err = LoadConfig(Parse({"respd", "--port", "1", "2"}), &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, "wrong number of arguments");
}

TEST(ConfigCommandLine, StrayValueIsAnError) {
  // A second non-option argument (no directive before it) cannot be used.
  CommandLine cl = Parse({"respd", "file.conf", "stray"});
  EXPECT_TRUE(cl.error);
}

// Makes file descriptor 0 a pipe holding `text` for the scope.
class ScopedStdin {
 public:
  explicit ScopedStdin(const std::string& text) : saved_(dup(STDIN_FILENO)) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    EXPECT_EQ(write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fds[1]);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
  }
  ~ScopedStdin() {
    dup2(saved_, STDIN_FILENO);
    close(saved_);
  }

 private:
  int saved_;
};

TEST(ConfigCommandLine, DashReadsStandardInput) {
  {
    CommandLine cl = Parse({"respd", "-"});
    EXPECT_EQ(cl.config_file, "-");
    ScopedStdin in("port 7051\n");
    Config c;
    ASSERT_FALSE(LoadConfig(cl, &c));
    EXPECT_EQ(c.port, 7051);
  }
  {
    // After the file, before the options, as redis-server.
    TempDir tmp;
    const std::string file = tmp.Write("f.conf", "port 7052\ntimeout 3\nhz 20\n");
    CommandLine cl = Parse({"respd", file, "--loglevel", "verbose", "-"});
    ASSERT_FALSE(cl.error);
    ScopedStdin in("timeout 4\nloglevel debug\nhz 30\n");
    Config c;
    auto err = LoadConfig(cl, &c);
    ASSERT_FALSE(err) << err->line << ": " << err->reason;
    EXPECT_EQ(c.port, 7052);
    EXPECT_EQ(c.timeout, 4);
    EXPECT_EQ(c.hz, 30);
    EXPECT_EQ(c.loglevel, LogLevel::kVerbose);
  }
  {
    CommandLine cl = Parse({"respd", "--port", "7053", "-"});
    ScopedStdin in("databases 5\n");
    Config c;
    ASSERT_FALSE(LoadConfig(cl, &c));
    EXPECT_EQ(c.port, 7053);
    EXPECT_EQ(c.databases, 5);
  }
  {
    ScopedStdin in("\nport nope\n");
    Config c;
    auto err = LoadConfig(Parse({"respd", "--hz", "5", "-"}), &c);
    ASSERT_TRUE(err);
    EXPECT_EQ(err->source, "-");
    EXPECT_EQ(err->line_number, 2);
    EXPECT_EQ(err->reason, "argument couldn't be parsed into an integer");
  }
  // Elsewhere, "-" is a value.
  Config c;
  ASSERT_FALSE(LoadConfig(Parse({"respd", "--requirepass", "-", "--port", "7054"}), &c));
  EXPECT_EQ(c.requirepass, "-");
}

TEST(ConfigCommandLine, MissingConfigFile) {
  Config c;
  auto err = LoadConfig(Parse({"respd", "/nonexistent-respd-dir/x.conf", "--port", "1"}), &c);
  ASSERT_TRUE(err);
  EXPECT_NE(err->reason.find("can't open config file"), std::string::npos);
}

TEST(ConfigCommandLine, DirectoryReadsAsAnEmptyFile) {
  // redis-server fopen()s a directory and reads no lines from it.
  TempDir tmp;
  Config c;
  auto err = LoadConfig(Parse({"respd", tmp.path(), "--port", "7054"}), &c);
  ASSERT_FALSE(err) << err->reason;
  EXPECT_EQ(c.port, 7054);
  EXPECT_EQ(c.databases, 16);
}

// ---------------------------------------------------------------------------
// Whole files: Debian's redis.conf, and every directive of the table.

TEST(ConfigDebian, EveryLineLoads) {
  std::ifstream in(kDebianConf);
  if (!in) GTEST_SKIP() << kDebianConf << " is not readable here";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // Line by line first, so a failure names the line; dir must exist, so it
  // is checked only if Debian's exists here.
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.starts_with("dir ") && !fs::is_directory(line.substr(4))) continue;
    Config c;
    auto err = ApplyConfigText(line, kDebianConf, &c);
    EXPECT_FALSE(err) << "line " << n << ": '" << line << "': " << err->reason;
  }
  EXPECT_GT(n, 1000);

  if (!fs::is_directory("/var/lib/redis")) return;
  Config c;
  auto err = ApplyConfigFile(kDebianConf, &c);
  ASSERT_FALSE(err) << "line " << err->line_number << ": " << err->reason;
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1", "-::1"}));
  EXPECT_EQ(c.port, 6379);
  EXPECT_TRUE(c.daemonize);
  EXPECT_EQ(c.pidfile, "/run/redis/redis-server.pid");
  EXPECT_EQ(c.logfile, "/var/log/redis/redis-server.log");
  EXPECT_EQ(c.dir, "/var/lib/redis");
  EXPECT_EQ(c.values["client-output-buffer-limit"],
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  // The Debian file only restates defaults for what respd does not do,
  // except for a few it changes.
  std::string listed;
  for (const std::string& name : c.ineffective) listed += name + " ";
  RecordProperty("ineffective", listed);
  EXPECT_FALSE(c.ineffective.contains("appendonly"));
  EXPECT_FALSE(c.ineffective.contains("client-output-buffer-limit"));
}

TEST(ConfigDebian, LoadsThroughTheCommandLineWithOverrides) {
  if (!std::ifstream(kDebianConf) || !fs::is_directory("/var/lib/redis")) {
    GTEST_SKIP() << kDebianConf << " or /var/lib/redis is missing";
  }
  TempDir tmp;
  CommandLine cl =
      Parse({"respd", kDebianConf, "--daemonize", "no", "--port", "7777", "--bind", "127.0.0.1",
             "--logfile", "", "--dir", tmp.path(), "--pidfile", tmp.path() + "/x.pid"});
  ASSERT_FALSE(cl.error);
  Config c;
  auto err = LoadConfig(cl, &c);
  ASSERT_FALSE(err) << err->source << ":" << err->line_number << ": " << err->reason;
  EXPECT_FALSE(c.daemonize);
  EXPECT_EQ(c.port, 7777);
  EXPECT_EQ(c.bind, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(c.logfile, "");
  EXPECT_EQ(c.dir, tmp.path());
  EXPECT_EQ(c.pidfile, tmp.path() + "/x.pid");
}

// The line that sets a directive to its default value, as a config file
// would write it.
std::string DefaultLine(const DirectiveSpec& d) {
  std::string line(d.name);
  if (d.name == "dir") return line + " .";  // Redis's default is the working directory.
  if (d.default_value.empty()) return line + " \"\"";
  return line + " \"" + std::string(d.default_value) + "\"";
}

TEST(ConfigTable, EveryDirectiveAcceptsItsDefault) {
  size_t checked = 0;
  for (const DirectiveSpec& d : AllDirectives()) {
    if (d.flags & kFileOnly) continue;
    // replicaof has no value meaning "none" but `no one`.
    const std::string line =
        d.name == "replicaof" ? std::string("replicaof no one") : DefaultLine(d);
    Config c;
    auto err = ApplyConfigText(line, "table", &c);
    EXPECT_FALSE(err) << "'" << line << "': " << err->reason;
    if (err) continue;
    ++checked;
    if (d.name != "dir") {
      EXPECT_EQ(c.values[std::string(d.name)], d.default_value) << line;
      EXPECT_FALSE(c.ineffective.contains(d.name)) << line;
    }
    // The name is case-insensitive, and the alias works too.
    std::string upper = line;
    for (size_t i = 0; i < d.name.size(); ++i) upper[i] = static_cast<char>(toupper(upper[i]));
    Config c2;
    EXPECT_FALSE(ApplyConfigText(upper, "table", &c2)) << upper;
    if (!d.alias.empty()) {
      Config c3;
      const std::string alias_line = std::string(d.alias) + line.substr(d.name.size());
      EXPECT_FALSE(ApplyConfigText(alias_line, "table", &c3)) << alias_line;
    }
  }
  EXPECT_GT(checked, 150u);
}

TEST(ConfigTable, SortedAndFindable) {
  auto all = AllDirectives();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
  for (const DirectiveSpec& d : all) {
    EXPECT_EQ(FindDirective(d.name), &d) << d.name;
    if (!d.alias.empty()) {
      EXPECT_EQ(FindDirective(d.alias), &d) << d.alias;
    }
  }
  EXPECT_EQ(FindDirective("PoRt"), FindDirective("port"));
  EXPECT_EQ(FindDirective("nonexistent"), nullptr);
}

}  // namespace
}  // namespace respd::server
