#include "ae/event_loop.h"

#include <time.h>

#include <algorithm>
#include <cerrno>

#include "ae/epoll_backend.h"

namespace respd::ae {

int64_t EventLoop::MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::unique_ptr<EventLoop> EventLoop::Create(int setsize, std::string* error) {
  auto backend = EpollBackend::Create(setsize, error);
  if (!backend) return nullptr;
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(backend), setsize));
}

EventLoop::EventLoop(std::unique_ptr<EpollBackend> backend, int setsize)
    : backend_(std::move(backend)), setsize_(setsize) {}

EventLoop::~EventLoop() = default;

bool EventLoop::Resize(int setsize) {
  if (setsize == this->setsize()) return true;
  if (maxfd_ >= setsize) return false;
  if (!backend_->Resize(setsize)) return false;
  setsize_ = setsize;
  if (events_.size() > static_cast<size_t>(setsize)) events_.resize(static_cast<size_t>(setsize));
  return true;
}

bool EventLoop::CreateFileEvent(int fd, int mask, FileProc proc, void* data) {
  if (fd < 0 || fd >= setsize()) {
    errno = ERANGE;
    return false;
  }
  if (static_cast<size_t>(fd) >= events_.size()) {
    events_.resize(std::min(std::max(events_.size() * 2, static_cast<size_t>(fd) + 1),
                            static_cast<size_t>(setsize_)));
  }
  FileEvent& fe = events_[static_cast<size_t>(fd)];
  if (!backend_->Add(fd, fe.mask, mask)) return false;
  fe.mask |= mask;
  if (mask & kReadable) fe.rproc = proc;
  if (mask & kWritable) fe.wproc = proc;
  fe.data = data;
  maxfd_ = std::max(maxfd_, fd);
  return true;
}

void EventLoop::DeleteFileEvent(int fd, int mask) {
  if (fd < 0 || static_cast<size_t>(fd) >= events_.size()) return;
  FileEvent& fe = events_[static_cast<size_t>(fd)];
  if ((fe.mask & mask) == kNone) return;
  backend_->Remove(fd, fe.mask, mask);
  fe.mask &= ~mask;
  if (mask & kReadable) fe.rproc = nullptr;
  if (mask & kWritable) fe.wproc = nullptr;
  if (fd == maxfd_ && fe.mask == kNone) {
    while (maxfd_ >= 0 && events_[static_cast<size_t>(maxfd_)].mask == kNone) --maxfd_;
  }
}

int EventLoop::GetFileEvents(int fd) const {
  if (fd < 0 || static_cast<size_t>(fd) >= events_.size()) return kNone;
  return events_[static_cast<size_t>(fd)].mask;
}

int64_t EventLoop::CreateTimeEvent(int64_t milliseconds, TimeProc proc, void* data) {
  int64_t id = next_timer_id_++;
  timers_.push_back({id, MonotonicMs() + milliseconds, proc, data});
  return id;
}

bool EventLoop::DeleteTimeEvent(int64_t id) {
  for (TimeEvent& te : timers_) {
    if (te.id == id) {
      te.id = -1;  // Reaped after the current timer pass; see ProcessTimeEvents.
      return true;
    }
  }
  return false;
}

void EventLoop::SetBeforeSleep(BeforeSleepProc proc, void* data) {
  before_sleep_ = proc;
  before_sleep_data_ = data;
}

int64_t EventLoop::MsUntilNearestTimer() const {
  int64_t nearest = -1;
  for (const TimeEvent& te : timers_) {
    if (te.id == -1) continue;
    if (nearest == -1 || te.when_ms < nearest) nearest = te.when_ms;
  }
  if (nearest == -1) return -1;
  return std::max<int64_t>(0, nearest - MonotonicMs());
}

int EventLoop::ProcessTimeEvents() {
  int processed = 0;
  const int64_t now = MonotonicMs();
  // The timers due now, picked before any runs: timers created by a handler
  // during this pass wait for the next one, so a handler that re-arms itself
  // with 0 ms cannot spin this loop forever. They run in the order they came
  // due (ties by creation), not in timers_' order: when the loop is late
  // several are due at once, and the earliest deadline must still go first.
  due_.clear();
  for (size_t i = 0; i < timers_.size(); ++i) {
    if (timers_[i].id != -1 && timers_[i].when_ms <= now) due_.push_back(i);
  }
  std::sort(due_.begin(), due_.end(), [this](size_t a, size_t b) {
    const TimeEvent& x = timers_[a];
    const TimeEvent& y = timers_[b];
    return x.when_ms != y.when_ms ? x.when_ms < y.when_ms : x.id < y.id;
  });
  // Indexes, not references: handlers may append to timers_, which can
  // reallocate it; existing timers keep their index until the erase below.
  for (size_t i : due_) {
    if (timers_[i].id == -1) continue;  // Deleted by an earlier handler.
    const int64_t id = timers_[i].id;
    int64_t again = timers_[i].proc(*this, id, timers_[i].data);
    ++processed;
    if (timers_[i].id != id) continue;  // Deleted itself.
    if (again == kNoMore) {
      timers_[i].id = -1;
    } else {
      timers_[i].when_ms = MonotonicMs() + again;
    }
  }
  std::erase_if(timers_, [](const TimeEvent& te) { return te.id == -1; });
  return processed;
}

int EventLoop::ProcessEvents(int flags) {
  if (!(flags & (kFileEvents | kTimeEvents))) return 0;
  int processed = 0;

  if (flags & kCallBeforeSleep && before_sleep_) before_sleep_(*this, before_sleep_data_);

  // Even with no fd registered we wait, so a loop with only timers sleeps
  // until the nearest one instead of spinning.
  int timeout_ms = -1;
  if (flags & kDontWait) {
    timeout_ms = 0;
  } else if (flags & kTimeEvents) {
    int64_t until = MsUntilNearestTimer();
    if (until >= 0) timeout_ms = static_cast<int>(std::min<int64_t>(until, 1 << 30));
  }
  if (stop_) timeout_ms = 0;  // Stopped by the before-sleep hook: do not block.

  backend_->Poll(timeout_ms, &fired_);
  if (flags & kFileEvents) {
    for (const FiredEvent& f : fired_) {
      const auto fd = static_cast<size_t>(f.fd);
      if (fd >= events_.size()) continue;  // Shrunk by a handler this iteration.
      // Re-read the registration before each call rather than holding a
      // reference: an earlier handler in this iteration may have removed this
      // event, and a handler may even resize the table (CONFIG SET maxclients).
      bool read_fired = false;
      if (events_[fd].mask & f.mask & kReadable) {
        read_fired = true;
        events_[fd].rproc(*this, f.fd, events_[fd].data, f.mask);
      }
      if (fd >= events_.size()) continue;  // The read handler shrank the table.
      if (events_[fd].mask & f.mask & kWritable) {
        // One handler registered for both masks is called once, like ae.c.
        if (!read_fired || events_[fd].wproc != events_[fd].rproc) {
          events_[fd].wproc(*this, f.fd, events_[fd].data, f.mask);
        }
      }
      ++processed;
    }
  }
  if (flags & kTimeEvents) processed += ProcessTimeEvents();
  return processed;
}

void EventLoop::Run() {
  stop_ = false;
  while (!stop_) ProcessEvents(kAllEvents | kCallBeforeSleep);
}

}  // namespace respd::ae
