#include "ae/epoll_backend.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ae/event_loop.h"

namespace respd::ae {
namespace {

uint32_t ToEpoll(int mask) {
  uint32_t events = 0;
  if (mask & kReadable) events |= EPOLLIN;
  if (mask & kWritable) events |= EPOLLOUT;
  return events;
}

}  // namespace

std::unique_ptr<EpollBackend> EpollBackend::Create(int setsize, std::string* error) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd == -1) {
    *error = std::string("epoll_create1: ") + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<EpollBackend>(new EpollBackend(epfd, setsize));
}

EpollBackend::EpollBackend(int epfd, int setsize) : epfd_(epfd) { Resize(setsize); }

EpollBackend::~EpollBackend() { close(epfd_); }

bool EpollBackend::Resize(int setsize) {
  // One wait reports at most this many events; the rest come next time
  // (level-triggered). Room for all of setsize would only cost memory.
  constexpr int kMaxEventsPerWait = 1024;
  events_.resize(static_cast<size_t>(std::clamp(setsize, 1, kMaxEventsPerWait)));
  return true;
}

bool EpollBackend::Add(int fd, int old_mask, int add_mask) {
  epoll_event ee{};
  ee.events = ToEpoll(old_mask | add_mask);
  ee.data.fd = fd;
  int op = old_mask == kNone ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  return epoll_ctl(epfd_, op, fd, &ee) == 0;
}

void EpollBackend::Remove(int fd, int old_mask, int del_mask) {
  int mask = old_mask & ~del_mask;
  epoll_event ee{};
  ee.events = ToEpoll(mask);
  ee.data.fd = fd;
  // Failure here means the fd is already closed or was never added; either way
  // the kernel no longer reports it, which is what the caller wants.
  epoll_ctl(epfd_, mask != kNone ? EPOLL_CTL_MOD : EPOLL_CTL_DEL, fd, &ee);
}

int EpollBackend::Poll(int timeout_ms, std::vector<FiredEvent>* fired) {
  fired->clear();
  int n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  if (n < 0) {
    // EINTR: a signal arrived; the caller's loop goes round and retries. Any
    // other error means the epoll fd itself is broken: an invariant, not I/O.
    if (errno == EINTR) return 0;
    std::fprintf(stderr, "epoll_wait: %s\n", std::strerror(errno));
    std::abort();
  }
  for (int i = 0; i < n; ++i) {
    const epoll_event& e = events_[static_cast<size_t>(i)];
    int mask = kNone;
    if (e.events & EPOLLIN) mask |= kReadable;
    if (e.events & EPOLLOUT) mask |= kWritable;
    if (e.events & (EPOLLERR | EPOLLHUP)) mask |= kReadable | kWritable;
    fired->push_back({e.data.fd, mask});
  }
  return n;
}

}  // namespace respd::ae
