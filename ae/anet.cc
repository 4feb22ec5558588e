#include "ae/anet.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace respd::ae {
namespace {

bool AddressToString(const sockaddr_storage& sa, std::string* ip, int* port) {
  char buf[INET6_ADDRSTRLEN];
  if (sa.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&sa);
    if (ip) ip->assign(inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf)) ? buf : "?");
    if (port) *port = ntohs(s->sin_port);
    return true;
  }
  if (sa.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&sa);
    if (ip) ip->assign(inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf)) ? buf : "?");
    if (port) *port = ntohs(s->sin6_port);
    return true;
  }
  if (ip) ip->assign("?");
  if (port) *port = 0;
  return false;
}

}  // namespace

bool IsLoopbackAddress(const std::string& ip) {
  return ip.starts_with("127.") || ip == "::1" || ip.starts_with("::ffff:127.");
}

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags != -1 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) != -1;
}

bool SetNoDelay(int fd) {
  int yes = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes)) == 0;
}

bool SetKeepAlive(int fd, int interval) {
  int yes = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes)) != 0) return false;
  if (interval <= 0) return true;
  int idle = interval;
  int intvl = interval / 3 > 0 ? interval / 3 : 1;
  int count = 3;
  return setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) == 0 &&
         setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) == 0 &&
         setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count)) == 0;
}

int TcpListen(const std::string& addr, int port, int backlog, std::string* error) {
  addrinfo hints{};
  hints.ai_family = addr.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* info = nullptr;
  const std::string port_str = std::to_string(port);
  const char* host = (addr == "*" || addr.empty()) ? nullptr : addr.c_str();
  if (addr == "::*") host = "::";
  int rc = getaddrinfo(host, port_str.c_str(), &hints, &info);
  if (rc != 0) {
    *error = gai_strerror(rc);
    errno = EINVAL;
    return -1;
  }
  int fd = -1;
  int saved_errno = 0;
  for (addrinfo* p = info; p != nullptr; p = p->ai_next) {
    fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, p->ai_protocol);
    if (fd == -1) {
      saved_errno = errno;
      continue;
    }
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (p->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
    if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
    saved_errno = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(info);
  if (fd == -1) {
    *error = std::strerror(saved_errno ? saved_errno : EADDRNOTAVAIL);
    errno = saved_errno ? saved_errno : EADDRNOTAVAIL;
  }
  return fd;
}

int TcpAccept(int listen_fd, std::string* ip, int* port) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  int fd;
  do {
    fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd == -1 && errno == EINTR);
  if (fd == -1) return -1;
  AddressToString(sa, ip, port);
  return fd;
}

std::string FormatAddress(const std::string& ip, int port) {
  const bool v6 = ip.find(':') != std::string::npos;
  std::string out;
  out.reserve(ip.size() + 8);
  if (v6) out.push_back('[');
  out.append(ip);
  if (v6) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

bool PeerAddress(int fd, std::string* ip, int* port) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return false;
  return AddressToString(sa, ip, port);
}

bool LocalAddress(int fd, std::string* ip, int* port) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return false;
  return AddressToString(sa, ip, port);
}

int BoundPort(int fd) {
  int port = 0;
  return LocalAddress(fd, nullptr, &port) ? port : -1;
}

}  // namespace respd::ae
