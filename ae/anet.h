// Socket helpers for the loop's users: listening, accepting and tuning TCP
// sockets. Every socket they return is non-blocking and close-on-exec.
#pragma once

#include <string>

namespace respd::ae {

// Listens on addr:port ("0.0.0.0", "::", "127.0.0.1", "::1", a host name…).
// IPv6 sockets are IPV6_V6ONLY so "*" and "::*" can both be bound. Returns the
// fd, or -1 with *error set ("Cannot assign requested address"…) and errno kept.
int TcpListen(const std::string& addr, int port, int backlog, std::string* error);

// Accepts one connection. Returns the fd, or -1 with errno set (EAGAIN when no
// connection is pending). Fills *ip and *port with the peer when not null.
int TcpAccept(int listen_fd, std::string* ip, int* port);

// Whether `ip` (as TcpAccept reports it) is a loopback address: 127.0.0.0/8,
// ::1, or an IPv4-mapped loopback (::ffff:127.x.y.z).
bool IsLoopbackAddress(const std::string& ip);

bool SetNonBlocking(int fd);
bool SetNoDelay(int fd);
// Enables SO_KEEPALIVE with probes every `interval` seconds (Linux: idle time
// = interval, probe interval = interval/3, 3 probes), as Redis does.
bool SetKeepAlive(int fd, int interval);

// "ip:port", or "[ip]:port" for IPv6, as CLIENT LIST prints addresses.
std::string FormatAddress(const std::string& ip, int port);
bool PeerAddress(int fd, std::string* ip, int* port);
bool LocalAddress(int fd, std::string* ip, int* port);
// The port a listening socket is bound to (useful after binding port 0).
int BoundPort(int fd);

}  // namespace respd::ae
