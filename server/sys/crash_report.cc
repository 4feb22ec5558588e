#include "server/sys/crash_report.h"

#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <unwind.h>

#include <cstdio>
#include <cstring>

#include "server/net/client.h"
#include "server/sys/version.h"

namespace respd::server {
namespace {

// What the handler may read. Written by the loop thread before each command;
// read only by the crash handler on that same thread.
char g_log_path[4096];
const Client* g_client = nullptr;
const std::string_view* g_argv = nullptr;
size_t g_argc = 0;

// The stack walk is libgcc's unwinder, called directly: glibc's backtrace()
// is the same walk behind a dlopen of libgcc_s on first use, which would
// either allocate inside the handler or, done at startup, cost a shared
// object load (page faults that are most of a fast start).
struct Trace {
  void** frames;
  int capacity;
  int depth;
};

_Unwind_Reason_Code CollectFrame(_Unwind_Context* context, void* arg) {
  auto* trace = static_cast<Trace*>(arg);
  const uintptr_t ip = _Unwind_GetIP(context);
  if (ip == 0 || trace->depth >= trace->capacity) return _URC_END_OF_STACK;
  trace->frames[trace->depth++] = reinterpret_cast<void*>(ip);
  return _URC_NO_REASON;
}

int StackTrace(void** frames, int capacity) {
  Trace trace{frames, capacity, 0};
  _Unwind_Backtrace(CollectFrame, &trace);
  return trace.depth;
}

// Only write(2) and fixed buffers from here on: the heap may be the thing
// that is broken.
void Write(int fd, const char* s, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void Write(int fd, const char* s) { Write(fd, s, std::strlen(s)); }

void WriteArg(int fd, size_t i, std::string_view arg) {
  char line[256];
  // Long arguments are cut, as Redis does in its report.
  const int shown = static_cast<int>(arg.size() < 128 ? arg.size() : 128);
  const int n = std::snprintf(line, sizeof(line), "argv[%zu]: '%.*s'%s\n", i, shown, arg.data(),
                              arg.size() > 128 ? "..." : "");
  if (n > 0) Write(fd, line, static_cast<size_t>(n < 256 ? n : 255));
}

extern "C" void OnFatalSignal(int sig, siginfo_t* info, void*) {
  int fd = STDOUT_FILENO;
  if (g_log_path[0] != '\0') {
    const int f = open(g_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (f != -1) fd = f;
  }
  char line[256];
  Write(fd, "\n\n=== RESPD BUG REPORT START: Cut & paste starting from here ===\n");
  int n =
      std::snprintf(line, sizeof(line),
                    "%d:M # respd %s (Redis %s compatible) crashed by signal: %d, si_code: %d\n",
                    static_cast<int>(getpid()), kRespdVersion, kRedisCompatVersion, sig,
                    info != nullptr ? info->si_code : 0);
  if (n > 0) Write(fd, line, static_cast<size_t>(n));
  if (info != nullptr && (sig == SIGSEGV || sig == SIGBUS)) {
    n = std::snprintf(line, sizeof(line), "Accessing address: %p\n", info->si_addr);
    if (n > 0) Write(fd, line, static_cast<size_t>(n));
  }
  Write(fd, "\n------ STACK TRACE ------\n");
  void* frames[64];
  const int depth = StackTrace(frames, 64);
  backtrace_symbols_fd(frames, depth, fd);
  Write(fd, "\n------ CURRENT CLIENT INFO ------\n");
  if (g_client != nullptr) {
    n = std::snprintf(line, sizeof(line), "id=%llu addr=%s laddr=%s fd=%d name=%s db=%d\n",
                      static_cast<unsigned long long>(g_client->id), g_client->addr.c_str(),
                      g_client->laddr.c_str(), g_client->fd, g_client->name.c_str(),
                      g_client->db_index);
    if (n > 0) Write(fd, line, static_cast<size_t>(n < 256 ? n : 255));
    for (size_t i = 0; i < g_argc && i < 32; ++i) WriteArg(fd, i, g_argv[i]);
  } else {
    Write(fd, "(no command was running)\n");
  }
  Write(fd, "\n=== RESPD BUG REPORT END. Make sure to include from START to END. ===\n\n");
  if (fd != STDOUT_FILENO) close(fd);
  // SA_RESETHAND restored the default action: die by the same signal.
  raise(sig);
}

}  // namespace

void InstallCrashHandlers(const char* log_path) {
  std::snprintf(g_log_path, sizeof(g_log_path), "%s", log_path);
  struct sigaction sa {};
  sa.sa_sigaction = OnFatalSignal;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
}

void SetCrashContext(const Client* client, std::span<const std::string_view> argv) {
  g_client = client;
  g_argv = argv.data();
  g_argc = argv.size();
}

}  // namespace respd::server
