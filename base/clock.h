// The time the store sees. Expiry asks a Clock rather than the system, so
// tests move time by hand instead of sleeping, and the server can take one
// snapshot per command (a command sees one consistent "now", as in Redis).
#pragma once

#include <cstdint>

namespace respd::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in milliseconds.
  virtual int64_t NowMs() const = 0;
};

// Reads the system's real-time clock.
int64_t SystemTimeMs();
int64_t SystemTimeUs();
// A monotonic clock in microseconds, for measuring time slices.
int64_t MonotonicUs();

// A clock that only moves when told to: for tests, and for the server's
// per-command snapshot of the system clock.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

}  // namespace respd::base
