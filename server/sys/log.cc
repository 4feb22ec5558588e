#include "server/sys/log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace respd::server {
namespace {

constexpr char kLevelMarks[] = ".-*#";

}  // namespace

void Logger::Log(LogLevel level, const char* fmt, ...) {
  if (!Enabled(level)) return;
  char message[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(message, sizeof(message), fmt, ap);
  va_end(ap);
  Write(level, message);
}

void Logger::Write(LogLevel level, const char* message) const {
  timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char stamp[64];
  const size_t n = std::strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof(stamp) - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));

  char line[1200];
  const int len = std::snprintf(line, sizeof(line), "%d:%c %s %c %s\n", static_cast<int>(getpid()),
                                role_, stamp, kLevelMarks[static_cast<int>(level)], message);
  const size_t size = len < 0 ? 0 : std::min(static_cast<size_t>(len), sizeof(line) - 1);
  Emit({line, size});
}

void Logger::LogRaw(LogLevel level, std::string_view text) {
  if (Enabled(level)) Emit(text);
}

void Logger::Emit(std::string_view bytes) const {
  // One write(2) per line: lines from a crash handler never interleave
  // mid-line with ours, and stdout needs no flushing.
  if (path_.empty()) {
    [[maybe_unused]] ssize_t r = write(STDOUT_FILENO, bytes.data(), bytes.size());
    return;
  }
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd == -1) return;
  [[maybe_unused]] ssize_t r = write(fd, bytes.data(), bytes.size());
  close(fd);
}

}  // namespace respd::server
