// Starting the real binary: the command line, config errors, real config
// files (the repo's and Debian's), daemonizing with a pid file, signals, and
// the startup directives that shape what clients see (requirepass,
// databases, maxclients, timeout, proto-max-bulk-len, bind).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace respd::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char kDebianConf[] = "/etc/redis/redis.conf";

std::string WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ExitedWith(int status, int code) {
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

std::string Ping(int port) {
  RawClient c(port);
  if (!c.connected()) return "";
  return c.Call({"PING"});
}

// A process that is not our child: alive unless gone or a zombie.
bool ProcessAlive(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

// ---------------------------------------------------------------------------
// The command line.

TEST(Startup, VersionPrintsRedisShapedLine) {
  for (const char* flag : {"--version", "-v"}) {
    ProgramResult r = RunProgram({RESPD_BINARY, flag}, "", 10000);
    EXPECT_TRUE(ExitedWith(r.status, 0)) << flag << " status " << r.status;
    EXPECT_TRUE(r.output.starts_with("Redis server v=7.0.15 sha=")) << r.output;
    EXPECT_NE(r.output.find(" build=respd-"), std::string::npos) << r.output;
    EXPECT_TRUE(r.output.ends_with("\n")) << r.output;
  }
}

TEST(Startup, HelpExitsZero) {
  for (const char* flag : {"--help", "-h"}) {
    ProgramResult r = RunProgram({RESPD_BINARY, flag}, "", 10000);
    EXPECT_TRUE(ExitedWith(r.status, 0)) << flag << " status " << r.status;
    EXPECT_NE(r.output.find("Usage:"), std::string::npos) << r.output;
  }
}

TEST(Startup, BadConfigLineIsFatal) {
  const std::string dir = MakeTempDir();
  const std::string file =
      WriteFile(dir + "/bad.conf", "# a config\nport 6379\n\nmaxmemory lots\ntimeout 0\n");
  ProgramResult r =
      RunProgram({RESPD_BINARY, file, "--port", std::to_string(FreePort())}, "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("*** FATAL CONFIG FILE ERROR"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("at line 4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(">>> 'maxmemory lots'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("argument must be a memory value"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(Startup, UnknownOptionIsFatal) {
  ProgramResult r = RunProgram({RESPD_BINARY, "--foo", "bar"}, "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("*** FATAL CONFIG FILE ERROR"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Bad directive or wrong number of arguments"), std::string::npos)
      << r.output;
}

TEST(Startup, BadOptionValueIsFatal) {
  ProgramResult r = RunProgram({RESPD_BINARY, "--port", "99999"}, "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("argument must be between 0 and 65535 inclusive"), std::string::npos)
      << r.output;
}

TEST(Startup, MissingConfigFileIsFatal) {
  ProgramResult r = RunProgram({RESPD_BINARY, "/nonexistent-respd-dir/respd.conf"}, "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("can't open config file '/nonexistent-respd-dir/respd.conf'"),
            std::string::npos)
      << r.output;
}

TEST(Startup, ConfigFromStandardInput) {
  ProgramResult r = RunProgram({RESPD_BINARY, "-"}, "port 6379\ndaemonize perhaps\n", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("at line 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("argument must be 'yes' or 'no'"), std::string::npos) << r.output;
}

TEST(Startup, ConfigFromStandardInputAfterFile) {
  const std::string dir = MakeTempDir();
  const std::string file = WriteFile(dir + "/ok.conf", "port 6379\n");
  ProgramResult r =
      RunProgram({RESPD_BINARY, file, "--loglevel", "verbose", "-"}, "timeout 0\nhz nope\n", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("at line 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(">>> 'hz nope'"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(Startup, NonexistentDirIsFatal) {
  ProgramResult r = RunProgram({RESPD_BINARY, "--dir", "/nonexistent-respd-dir"}, "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("No such file or directory"), std::string::npos) << r.output;
}

TEST(Startup, PortInUseIsFatal) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  ProgramResult r = RunProgram({RESPD_BINARY, "--port", std::to_string(server->port()), "--bind",
                                "127.0.0.1", "--logfile", ""},
                               "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("Address already in use"), std::string::npos) << r.output;
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
}

// ---------------------------------------------------------------------------
// Real config files.

TEST(Startup, RepoRedisConf) {
  const std::string conf = RESPD_SOURCE_DIR "/redis.conf";
  if (!fs::exists(conf)) GTEST_SKIP() << conf << " does not exist yet";
  auto server = ServerProcess::Start(ServerProcess::Kind::kRespd, {}, conf);
  ASSERT_TRUE(server);
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("Configuration loaded"), std::string::npos) << log;
}

TEST(Startup, DebianRedisConf) {
  if (!std::ifstream(kDebianConf)) GTEST_SKIP() << kDebianConf << " is not readable";
  const std::string tmp = MakeTempDir();
  const std::string pidfile = tmp + "/x.pid";
  // ServerProcess adds --daemonize no --port P --bind 127.0.0.1 --logfile ""
  // --dir <its own tmp>.
  auto server =
      ServerProcess::Start(ServerProcess::Kind::kRespd, {"--pidfile", pidfile}, kDebianConf);
  ASSERT_TRUE(server);
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
  EXPECT_EQ(ReadFile(pidfile), std::to_string(server->pid()) + "\n");
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("Configuration loaded"), std::string::npos) << log;
  EXPECT_EQ(log.find("FATAL"), std::string::npos) << log;
  // Debian's file sets every directive respd does not implement to its
  // default, so none is reported as having no effect.
  EXPECT_EQ(log.find("no effect"), std::string::npos) << log;
  std::optional<int> status = server->Stop(SIGTERM);
  ASSERT_TRUE(status);
  EXPECT_TRUE(ExitedWith(*status, 0)) << *status;
  EXPECT_FALSE(fs::exists(pidfile));
  fs::remove_all(tmp);
}

TEST(Startup, DebianRedisConfWithUnimplementedDirective) {
  if (!std::ifstream(kDebianConf)) GTEST_SKIP() << kDebianConf << " is not readable";
  auto server = ServerProcess::Start(ServerProcess::Kind::kRespd,
                                     {"--pidfile", "", "--appendonly", "yes"}, kDebianConf);
  ASSERT_TRUE(server);
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("have no effect in respd: appendonly"), std::string::npos) << log;
}

TEST(Startup, IneffectiveDirectivesAreLoggedOnce) {
  // `save ""` (no persistence) is what respd does anyway: not listed.
  auto server = ServerProcess::StartRespd({"--maxmemory", "100mb", "--appendonly", "yes", "--save",
                                           "", "--hash-max-listpack-entries", "512"});
  ASSERT_TRUE(server);
  const std::string log = server->ReadLog();
  const std::string line = "have no effect in respd: appendonly, maxmemory\n";
  const size_t at = log.find(line);
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_EQ(log.find("no effect", at + line.size()), std::string::npos) << log;
}

// ---------------------------------------------------------------------------
// What launchers wait for: the logo's PID line, systemd's READY=1.

TEST(Startup, AlwaysShowLogoPrintsThePidLine) {
  auto server = ServerProcess::StartRespd({"--always-show-logo", "yes"});
  ASSERT_TRUE(server);
  const std::string log = server->ReadLog();
  // Redis's test suite waits for " PID: <pid>" on the server's stdout.
  EXPECT_NE(log.find(" PID: " + std::to_string(server->pid()) + "\n"), std::string::npos) << log;
  EXPECT_NE(log.find("Port: " + std::to_string(server->port())), std::string::npos) << log;
  EXPECT_NE(log.find("Running in standalone mode"), std::string::npos) << log;
  // The logo takes the place of the one-line notice, as in Redis.
  EXPECT_EQ(log.find("Running mode="), std::string::npos) << log;
  EXPECT_LT(log.find(" PID: "), log.find("Ready to accept connections"));
  EXPECT_EQ(server->Stop(), 0);
}

TEST(Startup, WithoutTheLogoTheNoticeLineIsLogged) {
  // Not a terminal (the test captures stdout) and no always-show-logo.
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("Running mode=standalone, port=" + std::to_string(server->port()) + "."),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(" PID: "), std::string::npos) << log;
  EXPECT_EQ(server->Stop(), 0);
}

// A unix datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  // The next datagram, or "" after the timeout.
  std::string Receive() {
    char buf[512];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

// Starts respd with `args` and NOTIFY_SOCKET set in its environment only.
std::unique_ptr<ServerProcess> StartWithNotifySocket(const std::string& socket_path,
                                                     std::vector<std::string> args) {
  setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
  auto server = ServerProcess::StartRespd(std::move(args));
  unsetenv("NOTIFY_SOCKET");
  return server;
}

TEST(Startup, SupervisedSystemdSendsReadyAndStopping) {
  for (const char* mode : {"systemd", "auto"}) {
    SCOPED_TRACE(mode);
    const std::string path = MakeTempDir() + "/notify.sock";
    NotifySocket notify(path);
    ASSERT_TRUE(notify.bound());
    auto server = StartWithNotifySocket(path, {"--supervised", mode});
    ASSERT_TRUE(server);
    EXPECT_EQ(notify.Receive(), "STATUS=Redis is loading...\n");
    EXPECT_EQ(notify.Receive(), "STATUS=Ready to accept connections\n");
    EXPECT_EQ(notify.Receive(), "READY=1\n");
    const std::string log = server->ReadLog();
    EXPECT_NE(log.find("Supervised by systemd"), std::string::npos) << log;
    EXPECT_EQ(server->Stop(), 0);
    EXPECT_EQ(notify.Receive(), "STOPPING=1\n");
  }
}

TEST(Startup, SupervisedSystemdWithoutASocketWarnsAndServes) {
  unsetenv("NOTIFY_SOCKET");
  auto server = ServerProcess::StartRespd({"--supervised", "systemd"});
  ASSERT_TRUE(server);
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("systemd supervision error: NOTIFY_SOCKET not found!"), std::string::npos)
      << log;
  EXPECT_EQ(server->Stop(), 0);
}

TEST(Startup, SupervisedNoOrAutoWithoutASupervisorIsSilent) {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("UPSTART_JOB");
  for (const char* mode : {"no", "auto"}) {
    auto server = ServerProcess::StartRespd({"--supervised", mode});
    ASSERT_TRUE(server);
    const std::string log = server->ReadLog();
    EXPECT_EQ(log.find("supervis"), std::string::npos) << log;
    EXPECT_EQ(server->Stop(), 0);
  }
}

// ---------------------------------------------------------------------------
// Daemonizing, the pid file and signals.

TEST(Startup, DaemonizeWritesAndRemovesPidFile) {
  const std::string tmp = MakeTempDir();
  const std::string pidfile = tmp + "/x.pid";
  const std::string logfile = tmp + "/respd.log";
  const int port = FreePort();
  const auto start = Clock::now();
  ProgramResult r =
      RunProgram({RESPD_BINARY, "--daemonize", "yes", "--port", std::to_string(port), "--bind",
                  "127.0.0.1", "--pidfile", pidfile, "--logfile", logfile, "--dir", tmp},
                 "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 0)) << "status " << r.status << "\n" << r.output;
  EXPECT_LT(Clock::now() - start, 5s);

  // The daemon writes its pid once it listens.
  pid_t pid = 0;
  for (auto deadline = Clock::now() + 10s; Clock::now() < deadline && pid <= 0;) {
    const std::string content = ReadFile(pidfile);
    if (!content.empty() && content.back() == '\n') pid = std::atoi(content.c_str());
    if (pid <= 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_GT(pid, 0) << ReadFile(logfile);
  // Whatever happens below, do not leave the daemon behind.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (ProcessAlive(pid)) kill(pid, SIGKILL);
    }
  } reaper{pid};
  EXPECT_TRUE(ProcessAlive(pid));
  EXPECT_NE(pid, getpid());
  EXPECT_EQ(Ping(port), "+PONG\r\n");

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  bool exited = false;
  for (auto deadline = Clock::now() + 10s; Clock::now() < deadline && !exited;) {
    exited = !ProcessAlive(pid);
    if (!exited) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(exited);
  EXPECT_FALSE(fs::exists(pidfile));
  const std::string log = ReadFile(logfile);
  EXPECT_NE(log.find("Ready to accept connections tcp"), std::string::npos) << log;
  EXPECT_NE(log.find("ready to exit"), std::string::npos) << log;
  fs::remove_all(tmp);
}

TEST(Startup, SigtermExitsCleanly) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  std::optional<int> status = server->Stop(SIGTERM);
  ASSERT_TRUE(status);
  EXPECT_TRUE(ExitedWith(*status, 0)) << *status;
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("Ready to accept connections tcp"), std::string::npos) << log;
  EXPECT_NE(log.find("Received SIGTERM scheduling shutdown..."), std::string::npos) << log;
  EXPECT_NE(log.find("ready to exit"), std::string::npos) << log;
}

TEST(Startup, SigintExitsCleanly) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  std::optional<int> status = server->Stop(SIGINT);
  ASSERT_TRUE(status);
  EXPECT_TRUE(ExitedWith(*status, 0)) << *status;
  const std::string log = server->ReadLog();
  EXPECT_NE(log.find("Received SIGINT scheduling shutdown..."), std::string::npos) << log;
  EXPECT_NE(log.find("ready to exit"), std::string::npos) << log;
}

TEST(Startup, LogLinesHaveRedisFormat) {
  auto server = ServerProcess::StartRespd();
  ASSERT_TRUE(server);
  const std::string log = server->ReadLog();
  // "<pid>:M <dd Mon yyyy hh:mm:ss.mmm> * Ready to accept connections tcp"
  const std::string prefix = std::to_string(server->pid()) + ":M ";
  const size_t ready = log.find("* Ready to accept connections tcp");
  ASSERT_NE(ready, std::string::npos) << log;
  const size_t line_start =
      log.rfind('\n', ready) == std::string::npos ? 0 : log.rfind('\n', ready) + 1;
  EXPECT_EQ(log.substr(line_start, prefix.size()), prefix) << log;
}

TEST(Startup, LogFileAndLogLevel) {
  const std::string tmp = MakeTempDir();
  const std::string logfile = tmp + "/respd.log";
  auto server = ServerProcess::StartRespd({"--logfile", logfile, "--loglevel", "warning"});
  ASSERT_TRUE(server);
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
  std::optional<int> status = server->Stop(SIGTERM);
  ASSERT_TRUE(status);
  EXPECT_TRUE(ExitedWith(*status, 0));
  const std::string log = ReadFile(logfile);
  // Warnings are written, notices ("Ready to accept…") are not.
  EXPECT_NE(log.find("ready to exit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Ready to accept connections"), std::string::npos) << log;
  EXPECT_EQ(server->ReadLog().find("ready to exit"), std::string::npos);
  fs::remove_all(tmp);
}

// The open-files limit: maxclients shrinks to fit, as in Redis; too low a
// limit is fatal. `port 0` makes the server exit right after, having logged.
TEST(Startup, MaxclientsShrinksToTheOpenFilesLimit) {
  // With CAP_SYS_RESOURCE the server raises the hard limit instead.
  if (ExitedWith(RunProgram({"/bin/sh", "-c", "ulimit -n 100 && ulimit -n 200"}, "", 10000).status,
                 0)) {
    GTEST_SKIP() << "the hard open-files limit can be raised here";
  }
  ProgramResult r = RunProgram({"/bin/sh", "-c",
                                std::string("ulimit -n 100 && exec ") + RESPD_BINARY +
                                    " --maxclients 1000 --port 0 --logfile ''"},
                               "", 10000);
  EXPECT_NE(r.output.find("maxclients has been reduced to 68"), std::string::npos) << r.output;
  r = RunProgram(
      {"/bin/sh", "-c", std::string("ulimit -n 20 && exec ") + RESPD_BINARY + " --logfile ''"}, "",
      10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("is not enough for the server to start"), std::string::npos) << r.output;
}

// ---------------------------------------------------------------------------
// Directives clients see.

TEST(Startup, RequirepassFromConfigFile) {
  const std::string tmp = MakeTempDir();
  const std::string conf = WriteFile(tmp + "/auth.conf", "requirepass \"s3 cret\"\n");
  auto server = ServerProcess::Start(ServerProcess::Kind::kRespd, {}, conf);
  ASSERT_TRUE(server);
  RawClient c(server->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.Call({"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(c.Call({"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(c.Call({"AUTH", "s3 cret"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
  fs::remove_all(tmp);
}

TEST(Startup, Databases) {
  auto server = ServerProcess::StartRespd({"--databases", "4"});
  ASSERT_TRUE(server);
  RawClient c(server->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.Call({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"SELECT", "4"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(c.Call({"SELECT", "-1"}), "-ERR DB index is out of range\r\n");
}

// Connects and PINGs, retrying while the server still counts a connection
// that was just closed (closes are processed asynchronously).
std::unique_ptr<RawClient> ConnectAccepted(int port) {
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline;) {
    auto c = std::make_unique<RawClient>(port);
    if (c->connected() && c->Call({"PING"}) == "+PONG\r\n") return c;
    std::this_thread::sleep_for(10ms);
  }
  return nullptr;
}

TEST(Startup, Maxclients) {
  auto server = ServerProcess::StartRespd({"--maxclients", "2"});
  ASSERT_TRUE(server);
  auto c1 = ConnectAccepted(server->port());
  ASSERT_TRUE(c1);
  auto c2 = ConnectAccepted(server->port());
  ASSERT_TRUE(c2);

  RawClient c3(server->port());
  ASSERT_TRUE(c3.connected());
  std::string got;
  EXPECT_TRUE(c3.WaitClosed(5s, &got));
  EXPECT_EQ(got, "-ERR max number of clients reached\r\n");

  EXPECT_EQ(c1->Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(c2->Call({"PING"}), "+PONG\r\n");
  // A slot frees up when a client leaves.
  c1.reset();
  EXPECT_TRUE(ConnectAccepted(server->port()));
}

TEST(Startup, IdleTimeout) {
  auto server = ServerProcess::StartRespd({"--timeout", "1"});
  ASSERT_TRUE(server);
  RawClient idle(server->port());
  RawClient active(server->port());
  ASSERT_TRUE(idle.connected() && active.connected());
  EXPECT_EQ(idle.Call({"PING"}), "+PONG\r\n");
  const auto start = Clock::now();
  bool closed = false;
  while (!closed && Clock::now() - start < 5s) {
    EXPECT_EQ(active.Call({"PING"}), "+PONG\r\n");
    closed = idle.WaitClosed(200ms);
  }
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LE(elapsed, 3500ms);
  EXPECT_EQ(active.Call({"PING"}), "+PONG\r\n");
}

TEST(Startup, NoTimeoutByDefault) {
  auto server = ServerProcess::StartRespd({"--hz", "100"});
  ASSERT_TRUE(server);
  RawClient idle(server->port());
  ASSERT_TRUE(idle.connected());
  EXPECT_FALSE(idle.WaitClosed(1500ms));
  EXPECT_EQ(idle.Call({"PING"}), "+PONG\r\n");
}

TEST(Startup, ProtoMaxBulkLen) {
  auto server = ServerProcess::StartRespd({"--proto-max-bulk-len", "1mb"});
  ASSERT_TRUE(server);
  const size_t limit = 1024 * 1024;
  {
    // Exactly the limit is fine.
    RawClient c(server->port());
    ASSERT_TRUE(c.connected());
    const std::string payload(limit, 'x');
    ASSERT_TRUE(c.SendCommand({"ECHO", payload}));
    auto reply = c.ReadReply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->size(), limit + std::string("$1048576\r\n\r\n").size());
    EXPECT_TRUE(reply->starts_with("$1048576\r\n"));
  }
  RawClient c(server->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("*2\r\n$4\r\nECHO\r\n$1048577\r\n"));
  std::string got;
  EXPECT_TRUE(c.WaitClosed(5s, &got));
  EXPECT_EQ(got, "-ERR Protocol error: invalid bulk length\r\n");
}

TEST(Startup, ProtoMaxBulkLenBelowMinimumIsFatal) {
  ProgramResult r = RunProgram({RESPD_BINARY, "--proto-max-bulk-len", "1000"}, "", 10000);
  EXPECT_TRUE(ExitedWith(r.status, 1)) << "status " << r.status << "\n" << r.output;
  EXPECT_NE(r.output.find("argument must be between 1048576 and 9223372036854775807 inclusive"),
            std::string::npos)
      << r.output;
}

// PING over IPv6 loopback; nullopt if ::1 is not usable here.
std::optional<std::string> PingV6(int port) {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(static_cast<uint16_t>(port));
  addr.sin6_addr = in6addr_loopback;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return std::nullopt;
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  const char req[] = "PING\r\n";
  std::string out;
  if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) == sizeof(req) - 1) {
    char buf[64];
    while (out.find("\r\n") == std::string::npos) {
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

bool V6LoopbackAvailable() {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

TEST(Startup, BindOptionalIpv6AndIpv4) {
  auto server = ServerProcess::StartRespd({"--bind", "-::1", "127.0.0.1"});
  ASSERT_TRUE(server);
  EXPECT_EQ(Ping(server->port()), "+PONG\r\n");
  if (V6LoopbackAvailable()) {
    EXPECT_EQ(PingV6(server->port()), "+PONG\r\n");
  }
}

TEST(Startup, BindOnlyIpv4DoesNotListenOnIpv6) {
  if (!V6LoopbackAvailable()) GTEST_SKIP() << "no ::1 here";
  auto server = ServerProcess::StartRespd();  // --bind 127.0.0.1
  ASSERT_TRUE(server);
  EXPECT_EQ(PingV6(server->port()), std::nullopt);
}

}  // namespace
}  // namespace respd::test
