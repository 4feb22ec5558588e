#include "server/sys/process.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace respd::server {

void Daemonize() {
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid > 0) std::exit(0);  // The parent returns control to the shell.
  setsid();
  int fd = open("/dev/null", O_RDWR);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

bool WritePidFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  std::fprintf(f, "%d\n", static_cast<int>(getpid()));
  std::fclose(f);
  return true;
}

bool AdjustOpenFilesLimit(int* maxclients, Logger& log) {
  const rlim_t wanted = static_cast<rlim_t>(*maxclients) + kReservedFds;
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) {
    log.Log(LogLevel::kWarning,
            "Unable to obtain the current NOFILE limit (%s), assuming 1024 and setting the max "
            "clients configuration accordingly.",
            std::strerror(errno));
    *maxclients = 1024 - kReservedFds;
    return true;
  }
  const rlim_t old = limit.rlim_cur;
  if (old >= wanted) return true;
  // Try the wanted limit, then step down until something is accepted.
  rlim_t best = wanted;
  int set_errno = 0;
  while (best > old) {
    limit.rlim_cur = best;
    limit.rlim_max = std::max(best, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &limit) != -1) break;
    set_errno = errno;
    // Raising rlim_max needs privileges; try again within the hard limit.
    getrlimit(RLIMIT_NOFILE, &limit);
    best = best > 16 ? best - 16 : 0;
  }
  if (best < old) best = old;
  if (best >= wanted) return true;
  const int old_maxclients = *maxclients;
  if (best <= kReservedFds) {
    log.Log(LogLevel::kWarning,
            "Your current 'ulimit -n' of %llu is not enough for the server to start. Please "
            "increase your open file limit to at least %llu. Exiting.",
            static_cast<unsigned long long>(old), static_cast<unsigned long long>(wanted));
    return false;
  }
  *maxclients = static_cast<int>(best) - kReservedFds;
  log.Log(LogLevel::kWarning,
          "You requested maxclients of %d requiring at least %llu max file descriptors.",
          old_maxclients, static_cast<unsigned long long>(wanted));
  log.Log(LogLevel::kWarning,
          "Server can't set maximum open files to %llu because of OS error: %s.",
          static_cast<unsigned long long>(wanted), std::strerror(set_errno));
  log.Log(LogLevel::kWarning,
          "Current maximum open files is %llu. maxclients has been reduced to %d to compensate "
          "for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
          static_cast<unsigned long long>(best), *maxclients);
  return true;
}

}  // namespace respd::server
