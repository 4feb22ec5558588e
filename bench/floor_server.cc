// The kernel's floor: a server that answers inline PING with +PONG and does
// nothing else, with the same system calls per request as Redis and respd
// (one epoll_wait per loop iteration, one read per readable client, one write
// per client with replies before the loop sleeps). Its CPU per request is
// what loopback TCP and epoll cost on this machine; bench/run.py sets respd's
// and Redis's CPU beside it, so a ratio target can be checked against what
// any server of this shape could reach.
//
//   floor_server --port N [ignored redis-server style arguments ...]
//
// Not a Redis: no keyspace, and a parser that only counts lines. Every
// command, inline or multibulk (a "*N" line and 2N more, bulk data without
// newlines), gets "+PONG\r\n"; redis-benchmark's CONFIG GET at start takes
// that as "could not fetch CONFIG" and goes on.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr size_t kReadSize = 16 * 1024;  // Redis's PROTO_IOBUF_LEN.
constexpr size_t kMaxLine = 64;          // Enough for any header line.
constexpr std::string_view kPong = "+PONG\r\n";

struct Client {
  int fd = -1;
  std::string line;        // The current line so far, up to kMaxLine bytes.
  long pending_lines = 0;  // Lines still to come of a multibulk command.
  std::string out;         // Replies not yet written.
  bool queued = false;
  bool waiting_writable = false;
};

class FloorServer {
 public:
  explicit FloorServer(int port) : port_(port) {}

  int Run() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener_, 511) != 0) {
      std::fprintf(stderr, "floor_server: port %d: %s\n", port_, std::strerror(errno));
      return 1;
    }
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    Watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
    std::vector<epoll_event> events(1024);
    for (;;) {
      FlushQueued();
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0 && errno != EINTR) return 1;
      for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<size_t>(i)].data.fd;
        if (fd == listener_) {
          Accept();
          continue;
        }
        if (static_cast<size_t>(fd) >= clients_.size() || !clients_[static_cast<size_t>(fd)]) {
          continue;  // Closed earlier in this batch.
        }
        Client& c = *clients_[static_cast<size_t>(fd)];
        if (events[static_cast<size_t>(i)].events & EPOLLOUT) Write(c);
        if (clients_[static_cast<size_t>(fd)] &&
            (events[static_cast<size_t>(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
          Read(c);
        }
      }
    }
  }

 private:
  void Watch(int fd, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(epoll_, op, fd, &ev);
  }

  void Accept() {
    for (;;) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // As Redis does.
      if (static_cast<size_t>(fd) >= clients_.size()) clients_.resize(static_cast<size_t>(fd) + 1);
      clients_[static_cast<size_t>(fd)] = std::make_unique<Client>();
      clients_[static_cast<size_t>(fd)]->fd = fd;
      Watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
  }

  void Read(Client& c) {
    const ssize_t n = read(c.fd, buffer_, kReadSize);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      Close(c);
      return;
    }
    size_t pongs = 0;
    for (ssize_t i = 0; i < n; ++i) {
      const char ch = buffer_[i];
      if (ch == '\n') {
        std::string_view line = c.line;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (c.pending_lines > 0) {
          if (--c.pending_lines == 0) ++pongs;
        } else if (!line.empty() && line[0] == '*') {
          const long args = std::strtol(c.line.c_str() + 1, nullptr, 10);
          if (args > 0 && args < (1L << 20)) c.pending_lines = 2 * args;
        } else if (!line.empty()) {
          ++pongs;  // An inline command.
        }
        c.line.clear();
      } else if (c.line.size() < kMaxLine) {
        c.line.push_back(ch);
      }
    }
    for (size_t i = 0; i < pongs; ++i) c.out.append(kPong);
    if (pongs > 0 && !c.queued && !c.waiting_writable) {
      c.queued = true;
      queued_.push_back(c.fd);
    }
  }

  // One write per client with replies, before the loop sleeps.
  void FlushQueued() {
    for (int fd : queued_) {
      if (static_cast<size_t>(fd) >= clients_.size() || !clients_[static_cast<size_t>(fd)]) {
        continue;
      }
      Client& c = *clients_[static_cast<size_t>(fd)];
      c.queued = false;
      Write(c);
    }
    queued_.clear();
  }

  void Write(Client& c) {
    if (!c.out.empty()) {
      const ssize_t n = write(c.fd, c.out.data(), c.out.size());
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        Close(c);
        return;
      }
      if (n > 0) c.out.erase(0, static_cast<size_t>(n));
    }
    // A full socket: wait for it to drain instead of retrying every loop.
    const bool want_writable = !c.out.empty();
    if (want_writable != c.waiting_writable) {
      c.waiting_writable = want_writable;
      Watch(c.fd, want_writable ? EPOLLIN | EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
    }
  }

  void Close(Client& c) {
    const int fd = c.fd;
    close(fd);  // Also leaves the epoll set: the fd has no other reference.
    clients_[static_cast<size_t>(fd)].reset();
  }

  int port_;
  int listener_ = -1;
  int epoll_ = -1;
  std::vector<std::unique_ptr<Client>> clients_;  // By fd.
  std::vector<int> queued_;                       // fds with replies to write.
  char buffer_[kReadSize];
};

}  // namespace

int main(int argc, char** argv) {
  int port = 6379;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--port") port = std::atoi(argv[i + 1]);
  }
  static FloorServer server(port);  // Static: the read buffer stays off the stack.
  return server.Run();
}
