#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/raw_client.h"

namespace respd::test {
namespace {

bool WaitForPing(int port, pid_t pid, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return false;  // It exited.
    RawClient c(port);
    if (c.connected()) {
      c.Send("PING\r\n");
      auto r = c.ReadReply(std::chrono::milliseconds(1000));
      // A server that wants a password still answers (-NOAUTH): it is up.
      if (r && (*r == "+PONG\r\n" || r->starts_with("-NOAUTH"))) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/respd-test-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  return dir != nullptr ? dir : "/tmp";
}

std::unique_ptr<ServerProcess> ServerProcess::Start(Kind kind, std::vector<std::string> args,
                                                    const std::string& config_file) {
  // A port can be taken between FreePort() and bind(): try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::unique_ptr<ServerProcess> p(new ServerProcess());
    p->port_ = FreePort();
    p->dir_ = MakeTempDir();
    p->log_path_ = p->dir_ + "/server.log";
    std::vector<std::string> argv = {kind == Kind::kRespd ? RESPD_BINARY : REDIS_SERVER_BINARY};
    if (!config_file.empty()) argv.push_back(config_file);
    argv.insert(argv.end(), {"--port", std::to_string(p->port_), "--bind", "127.0.0.1",
                             "--daemonize", "no", "--logfile", "", "--dir", p->dir_});
    // Both without persistence, so their configurations match.
    argv.insert(argv.end(), {"--save", "", "--appendonly", "no"});
    argv.insert(argv.end(), args.begin(), args.end());

    p->pid_ = fork();
    if (p->pid_ == 0) {
      const int log = open(p->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      std::vector<char*> cargv;
      for (std::string& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execv(cargv[0], cargv.data());
      _exit(127);
    }
    if (WaitForPing(p->port_, p->pid_, 10000)) return p;
    const std::string log = p->ReadLog();
    p->Stop(SIGKILL, 2000);
    if (log.find("Address already in use") != std::string::npos) continue;
    ADD_FAILURE() << "server did not start: " << argv[0] << "\n" << log;
    return nullptr;
  }
  ADD_FAILURE() << "server did not start: no free port";
  return nullptr;
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  // A clean shutdown must exit 0. Under the sanitizers this is also the leak
  // check: LeakSanitizer makes a server that leaked exit non-zero, so every
  // test that used a server checks it.
  const std::optional<int> status = Stop(SIGTERM, 10000);
  if (!status) {
    ADD_FAILURE() << "server did not exit on SIGTERM\n" << ReadLog();
    Stop(SIGKILL, 5000);
  } else if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    ADD_FAILURE() << "server exited with status " << *status << " on SIGTERM\n" << ReadLog();
  }
}

std::string ServerProcess::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int status;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> ServerProcess::Stop(int sig, int timeout_ms) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

ProgramResult RunProgram(const std::vector<std::string>& argv, const std::string& input,
                         int timeout_ms) {
  ProgramResult result;
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(out_pipe[1], STDERR_FILENO);
    std::vector<std::string> copy = argv;
    std::vector<char*> cargv;
    for (std::string& a : copy) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  size_t written = 0;
  if (input.empty()) {
    close(in_pipe[1]);
    in_pipe[1] = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool out_open = true;
  while (out_open && std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
    const int nfds = in_pipe[1] >= 0 ? 2 : 1;
    if (poll(fds, static_cast<nfds_t>(nfds), 100) < 0) break;
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char buf[65536];
      const ssize_t n = read(out_pipe[0], buf, sizeof(buf));
      if (n <= 0) {
        out_open = false;
      } else {
        result.output.append(buf, static_cast<size_t>(n));
      }
    }
    if (nfds == 2 && (fds[1].revents & (POLLOUT | POLLERR))) {
      const ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) {
        close(in_pipe[1]);
        in_pipe[1] = -1;
      }
    }
  }
  if (in_pipe[1] >= 0) close(in_pipe[1]);
  close(out_pipe[0]);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      result.status = status;
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  result.status = -1;
  return result;
}

RedisConnection Connect(int port) {
  timeval tv{10, 0};
  RedisConnection c(redisConnectWithTimeout("127.0.0.1", port, tv));
  if (c && !c->err) redisSetTimeout(c.get(), tv);
  return c;
}

Reply Command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
}

}  // namespace respd::test
