#include "server/sys/supervision.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace respd::server {

Supervisor StartSupervision(std::string_view mode, Logger& logger) {
  if (mode == "auto") {
    if (std::getenv("UPSTART_JOB") != nullptr) {
      logger.Log(LogLevel::kVerbose, "Upstart supervision detected.");
      mode = "upstart";
    } else if (std::getenv("NOTIFY_SOCKET") != nullptr) {
      logger.Log(LogLevel::kVerbose, "Systemd supervision detected.");
      mode = "systemd";
    }
  }
  if (mode == "upstart") {
    if (std::getenv("UPSTART_JOB") == nullptr) {
      logger.Log(LogLevel::kWarning, "upstart supervision requested, but UPSTART_JOB not found!");
      return Supervisor::kNone;
    }
    logger.Log(LogLevel::kNotice, "supervised by upstart, will stop to signal readiness.");
    raise(SIGSTOP);
    unsetenv("UPSTART_JOB");
    return Supervisor::kUpstart;
  }
  if (mode == "systemd") {
    if (!NotifySystemd("STATUS=Redis is loading...\n", logger)) return Supervisor::kNone;
    logger.Log(LogLevel::kNotice,
               "Supervised by systemd. Please make sure you set appropriate values for "
               "TimeoutStartSec and TimeoutStopSec in your service unit.");
    return Supervisor::kSystemd;
  }
  return Supervisor::kNone;
}

bool NotifySystemd(std::string_view state, Logger& logger) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr) {
    logger.Log(LogLevel::kWarning, "systemd supervision error: NOTIFY_SOCKET not found!");
    return false;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t len = std::strlen(path);
  if (len == 0 || len >= sizeof(addr.sun_path)) {
    logger.Log(LogLevel::kWarning, "Can't notify systemd: NOTIFY_SOCKET is too long or empty");
    return false;
  }
  std::memcpy(addr.sun_path, path, len);
  // "@name" is a socket in the abstract namespace: its first byte is NUL.
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd == -1) {
    logger.Log(LogLevel::kWarning, "Can't connect to systemd socket %s", path);
    return false;
  }
  const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                              reinterpret_cast<const sockaddr*>(&addr), addr_len);
  close(fd);
  if (sent != static_cast<ssize_t>(state.size())) {
    logger.Log(LogLevel::kWarning, "Can't send notification to systemd");
    return false;
  }
  return true;
}

void NotifySupervisorReady(Supervisor supervisor, Logger& logger) {
  if (supervisor != Supervisor::kSystemd) return;  // Upstart was told at start.
  NotifySystemd("STATUS=Ready to accept connections\n", logger);
  NotifySystemd("READY=1\n", logger);
}

void NotifySupervisorStopping(Supervisor supervisor, Logger& logger) {
  if (supervisor == Supervisor::kSystemd) NotifySystemd("STOPPING=1\n", logger);
}

}  // namespace respd::server
