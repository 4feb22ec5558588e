// The slow log: commands that took longer than slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len of them (SLOWLOG GET).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace respd::server {

struct SlowlogEntry {
  int64_t id;
  int64_t unix_time;  // Seconds, when the command ran.
  int64_t duration_us;
  // The arguments as Redis keeps them: at most 32 (the last one then says
  // "... (N more arguments)"), each at most 128 bytes (then
  // "... (N more bytes)").
  std::vector<std::string> argv;
  std::string client_addr;
  std::string client_name;
};

class Slowlog {
 public:
  // Records the command if it ran at least `threshold_us` (negative
  // threshold: never; 0: always), trimming to `max_len` entries.
  void MaybeRecord(int64_t duration_us, int64_t threshold_us, size_t max_len,
                   std::span<const std::string_view> argv, std::string_view client_addr,
                   std::string_view client_name, int64_t unix_time);
  const std::deque<SlowlogEntry>& entries() const { return entries_; }
  void Reset() { entries_.clear(); }
  // Drops entries beyond max_len (after CONFIG SET slowlog-max-len).
  void Trim(size_t max_len);

 private:
  std::deque<SlowlogEntry> entries_;  // Newest first.
  int64_t next_id_ = 0;
};

}  // namespace respd::server
