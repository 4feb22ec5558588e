// The event loop: an ae-style reactor with file events, timer events and a
// before-sleep hook, on a pluggable readiness backend (epoll on Linux).
//
// Contracts, as in Redis's ae.c:
//  - File events are registered per fd with a READABLE and/or WRITABLE mask.
//    Adding a mask merges with what is registered; deleting one mask keeps the
//    other; the fd leaves the backend when no mask is left.
//  - A handler is called only while its mask is still registered: if an earlier
//    handler in the same iteration removed it (or closed the client), it is
//    skipped.
//  - Timers fire in the order they come due. A timer handler returns the
//    milliseconds until it should run again, or kNoMore to be deleted. Timers
//    may be created or deleted from any handler, including their own.
//  - The before-sleep hook runs once per iteration, before the loop waits.
//
// Callbacks are plain function pointers with a void* cookie, marked noexcept:
// no allocation per registration, and no exception can unwind through the loop
// (a bad_alloc inside a handler terminates loudly instead).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace respd::ae {

inline constexpr int kNone = 0;
inline constexpr int kReadable = 1;
inline constexpr int kWritable = 2;

// Flags for ProcessEvents.
inline constexpr int kFileEvents = 1;
inline constexpr int kTimeEvents = 2;
inline constexpr int kAllEvents = kFileEvents | kTimeEvents;
inline constexpr int kDontWait = 4;
inline constexpr int kCallBeforeSleep = 8;

// Returned by a TimeProc to delete its timer.
inline constexpr int64_t kNoMore = -1;

class EventLoop;
class EpollBackend;
struct FiredEvent;

using FileProc = void (*)(EventLoop& loop, int fd, void* data, int mask) noexcept;
using TimeProc = int64_t (*)(EventLoop& loop, int64_t id, void* data) noexcept;
using BeforeSleepProc = void (*)(EventLoop& loop, void* data) noexcept;

class EventLoop {
 public:
  // Creates a loop able to watch fds in [0, setsize). On failure returns
  // nullptr and sets *error.
  static std::unique_ptr<EventLoop> Create(int setsize, std::string* error);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers `proc` for each event in `mask` on `fd`. Returns false with errno
  // set if fd is out of range (ERANGE) or the backend refuses it. An fd has
  // one `data` cookie for both masks (as in ae.c): the latest registration's
  // `data` is what both handlers receive.
  bool CreateFileEvent(int fd, int mask, FileProc proc, void* data);
  // Unregisters the events in `mask`; the others stay. Unknown fds are ignored.
  void DeleteFileEvent(int fd, int mask);
  // The mask currently registered for fd (kNone if none or out of range).
  int GetFileEvents(int fd) const;

  // Adds a timer firing in `milliseconds`; returns its id (never negative).
  int64_t CreateTimeEvent(int64_t milliseconds, TimeProc proc, void* data);
  // Deletes a timer. Safe from inside any handler, including the timer's own.
  // Returns false if no live timer has that id.
  bool DeleteTimeEvent(int64_t id);

  void SetBeforeSleep(BeforeSleepProc proc, void* data);

  // One iteration: (before-sleep), wait for file events up to the next timer,
  // dispatch them, then run due timers. Returns the number of events handled.
  int ProcessEvents(int flags);
  // Runs iterations until Stop() is called.
  void Run();
  void Stop() { stop_ = true; }

  // Changes the fd capacity. Fails (false) if an fd >= setsize is registered.
  bool Resize(int setsize);
  int setsize() const { return setsize_; }

  // Monotonic milliseconds, the clock timers run on.
  static int64_t MonotonicMs();

 private:
  struct FileEvent {
    int mask = kNone;
    FileProc rproc = nullptr;
    FileProc wproc = nullptr;
    void* data = nullptr;
  };
  struct TimeEvent {
    int64_t id;
    int64_t when_ms;
    TimeProc proc;
    void* data;
  };

  EventLoop(std::unique_ptr<EpollBackend> backend, int setsize);
  int ProcessTimeEvents();
  // Milliseconds until the nearest timer is due (0 if overdue), or -1 if no timer.
  int64_t MsUntilNearestTimer() const;

  std::unique_ptr<EpollBackend> backend_;
  // Indexed by fd; grown on demand up to setsize_ (a server sized for 10k
  // clients does not zero 10k slots, and fault their pages in, at startup).
  std::vector<FileEvent> events_;
  int setsize_;
  int maxfd_ = -1;
  std::vector<FiredEvent> fired_;  // Reused by every iteration.
  std::vector<TimeEvent> timers_;  // Unordered; deleted ones have id == -1.
  std::vector<size_t> due_;        // Indexes into timers_; reused by ProcessTimeEvents.
  int64_t next_timer_id_ = 0;
  BeforeSleepProc before_sleep_ = nullptr;
  void* before_sleep_data_ = nullptr;
  bool stop_ = false;
};

}  // namespace respd::ae
