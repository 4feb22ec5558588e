// The crash report: on a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
// SIGABRT) respd writes a Redis-style bug report to its log — the signal,
// a stack trace, and the client whose command was running with its
// arguments — then dies by the same signal (exit status and core dump as
// without the handler).
#pragma once

#include <span>
#include <string_view>

namespace respd::server {

struct Client;

// `log_path` is the log file ("" = standard output). Call once at startup.
void InstallCrashHandlers(const char* log_path);

// The command being run, for the report; cleared with nullptr. Cheap: a
// couple of pointer stores per command.
void SetCrashContext(const Client* client, std::span<const std::string_view> argv);

}  // namespace respd::server
