// The readiness backend: the only code that talks to epoll.
//
// Level-triggered: an fd with unread input or writable space is reported on
// every wait until that changes, so a handler that stops early (bounded work
// per event) loses nothing. EPOLLERR and EPOLLHUP are reported as both
// readable and writable, so whichever handler is registered sees the error on
// its next read or write.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct epoll_event;  // <sys/epoll.h> stays inside epoll_backend.cc.

namespace respd::ae {

struct FiredEvent {
  int fd;
  int mask;
};

class EpollBackend {
 public:
  static std::unique_ptr<EpollBackend> Create(int setsize, std::string* error);
  ~EpollBackend();
  EpollBackend(const EpollBackend&) = delete;
  EpollBackend& operator=(const EpollBackend&) = delete;

  bool Resize(int setsize);
  // Starts watching `add_mask` on fd, on top of `old_mask` (what the loop had
  // registered): EPOLL_CTL_ADD when old_mask is empty, EPOLL_CTL_MOD otherwise.
  bool Add(int fd, int old_mask, int add_mask);
  // Stops watching `del_mask`: EPOLL_CTL_MOD while a mask remains, DEL after.
  void Remove(int fd, int old_mask, int del_mask);
  // Waits up to timeout_ms (-1 = forever, 0 = poll) and fills *fired. An
  // interrupted wait (EINTR) returns 0 events: the loop goes round again,
  // which is the retry, and signal flags are seen by its before-sleep hook.
  int Poll(int timeout_ms, std::vector<FiredEvent>* fired);

 private:
  EpollBackend(int epfd, int setsize);

  int epfd_;
  std::vector<epoll_event> events_;  // Room for one wait's worth of events.
};

}  // namespace respd::ae
