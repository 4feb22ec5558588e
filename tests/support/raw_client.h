// A plain TCP client for tests that need to control bytes: split frames,
// malformed input, slow reading, abrupt resets. Blocking socket, every wait
// bounded by a timeout so a broken server fails the test instead of hanging.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace respd::test {

class RawClient {
 public:
  // Connects to 127.0.0.1:port; check connected().
  explicit RawClient(int port, int rcvbuf = 0);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool Send(std::string_view bytes);
  bool SendCommand(const std::vector<std::string>& args);
  // One complete reply (raw bytes), or nullopt on timeout/close/malformed.
  std::optional<std::string> ReadReply(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a command and returns its raw reply ("" on failure).
  std::string Call(const std::vector<std::string>& args);
  // Reads exactly n bytes (or fewer on close/timeout).
  std::string ReadBytes(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True if the server closes the connection within the timeout (any bytes
  // still arriving first are appended to *rest when given).
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                  std::string* rest = nullptr);
  // Closes with SO_LINGER 0: the server sees a reset.
  void Reset();

 private:
  // Receives what is available into buffer_; false on close or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace respd::test
