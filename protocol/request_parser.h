// The incremental request parser: RESP multibulk (`*N\r\n$len\r\n<bytes>\r\n…`)
// and inline commands (`SET k v\r\n`), with Redis 7.0's limits and error texts.
//
// Incremental and resumable: the caller passes the unconsumed query buffer;
// the parser remembers how far it got, so bytes arriving one at a time cost
// O(1) each (it never rescans what it has seen, even inside a long header).
//
// Zero-copy: a multibulk argument is recorded as an (offset, length) pair
// into the buffer, and the views are built only once the command is complete,
// so the caller may grow (reallocate) the buffer between calls freely. The
// views stay valid until the caller next modifies the buffer or calls Parse.
// Inline arguments are unescaped into the parser's own storage.
//
// Binary-safe: bulk payloads are taken by their declared length. Like Redis,
// the two bytes after a payload are skipped, not checked: a client that sends
// something other than CRLF there gets what Redis would give it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/split_args.h"

namespace respd::protocol {

struct ParserLimits {
  // Longest inline line or `*`/`$` header Redis waits for (PROTO_INLINE_MAX_SIZE).
  size_t max_inline_size = 64 * 1024;
  // Largest `*N` Redis 7.0 accepts (INT_MAX; older Redis used 1024*1024).
  int64_t max_multibulk_len = 2147483647;
  // proto-max-bulk-len.
  int64_t max_bulk_len = 512LL * 1024 * 1024;
  // Before AUTH, Redis limits a request to 10 arguments of at most 16 KiB.
  int64_t unauthenticated_max_multibulk_len = 10;
  int64_t unauthenticated_max_bulk_len = 16384;
};

enum class ParseStatus : uint8_t {
  kNeedMore,  // Everything given is part of an incomplete command.
  kCommand,   // args() holds a complete command.
  kError,     // error() says what; the connection must be closed after replying.
};

enum class ProtocolError : uint8_t {
  kNone,
  kTooBigInline,              // "too big inline request"
  kUnbalancedQuotes,          // "unbalanced quotes in request"
  kTooBigMbulkCount,          // "too big mbulk count string"
  kInvalidMultibulkLength,    // "invalid multibulk length"
  kUnauthenticatedMultibulk,  // "unauthenticated multibulk length"
  kTooBigBulkCount,           // "too big bulk count string"
  kExpectedDollar,            // "expected '$', got '%c'"
  kInvalidBulkLength,         // "invalid bulk length"
  kUnauthenticatedBulk,       // "unauthenticated bulk length"
};

class RequestParser {
 public:
  // Keeps a pointer to `limits`, which must outlive the parser (the server
  // owns one ParserLimits for all clients, so CONFIG SET reaches them all).
  explicit RequestParser(const ParserLimits& limits) : limits_(&limits) {}
  explicit RequestParser(ParserLimits&&) = delete;

  // Parses the next command from `buf`, the caller's unconsumed bytes. `buf`
  // must start where the previous call's *consumed ended, and hold the same
  // bytes as before plus possibly more at its end.
  //
  // *consumed is how many leading bytes of `buf` the caller may drop: on
  // kCommand the command itself plus any empty lines or `*0` before it; on
  // kNeedMore only such skipped no-ops (the partial command's bytes must stay).
  ParseStatus Parse(std::string_view buf, size_t* consumed);

  // The arguments of the last kCommand (argv[0] is the command name).
  std::span<const std::string_view> args() const { return argv_; }
  // Whether the last command was inline: its arguments then live in the
  // parser's own storage and are overwritten by the next Parse call (a
  // multibulk command's arguments live in the caller's buffer).
  bool args_inline() const { return last_inline_; }
  ProtocolError error() const { return error_; }
  // The full reply text for error() ("Protocol error: invalid bulk length").
  std::string ErrorText() const;

  // Selects the stricter pre-AUTH limits (see ParserLimits).
  void set_authenticated(bool authenticated) { authenticated_ = authenticated; }

  // While inside a bulk payload: how many more bytes complete it (including
  // its CRLF). Lets the reader size one read for a large value. 0 otherwise.
  size_t BulkBytesPending(size_t buffered) const;

  // Heap bytes held for the command in progress (argument table, inline
  // storage): counted against the client's query buffer limit.
  size_t MemoryUsage() const;

  // Drops any partial command (for example after RESET or a protocol error).
  void Reset();

 private:
  enum class State : uint8_t { kIdle, kInline, kArrayLen, kBulkLen, kBulkData };

  ParseStatus ParseInline(std::string_view buf, size_t* consumed);
  ParseStatus ParseMultibulk(std::string_view buf, size_t* consumed);
  // Finds `c` in buf at or after scan_from_, remembering how far it looked.
  size_t FindFrom(std::string_view buf, char c);
  ParseStatus Fail(ProtocolError e);
  void FinishCommand(std::string_view buf);

  const ParserLimits* limits_;
  bool authenticated_ = true;
  State state_ = State::kIdle;
  size_t pos_ = 0;        // Next unparsed byte, relative to the command start.
  size_t scan_from_ = 0;  // Where the current header/line search resumes.
  int64_t multibulk_remaining_ = 0;
  int64_t bulk_len_ = 0;
  char unexpected_ = 0;       // The byte found instead of '$'.
  bool last_inline_ = false;  // The last command was inline (args_inline).
  ProtocolError error_ = ProtocolError::kNone;
  std::vector<ArgSpan> spans_;          // Argument positions in the buffer.
  std::string inline_storage_;          // Unescaped inline arguments.
  std::vector<std::string_view> argv_;  // Built when a command completes.
};

}  // namespace respd::protocol
