// The request parser against arbitrary bytes, fed in arbitrary pieces (the
// first byte picks the piece size), with small limits so they are reached.
// Invariants: Parse never reads outside the buffer, consumes no more than it
// was given, and every argument view lies inside the buffer or the parser's
// inline storage.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/request_parser.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  respd::protocol::ParserLimits limits;
  limits.max_inline_size = 256;
  limits.max_multibulk_len = 64;
  limits.max_bulk_len = 512;
  respd::protocol::RequestParser parser(limits);
  parser.set_authenticated((data[0] & 0x80) == 0);
  std::string buffer;
  size_t fed = 0;
  while (fed < input.size()) {
    const size_t n = std::min(piece, input.size() - fed);
    buffer.append(input.substr(fed, n));
    fed += n;
    while (!buffer.empty()) {
      size_t consumed = 0;
      const auto status = parser.Parse(buffer, &consumed);
      Check(consumed <= buffer.size());
      if (status == respd::protocol::ParseStatus::kError) {
        Check(!parser.ErrorText().empty());
        return 0;
      }
      if (status == respd::protocol::ParseStatus::kCommand) {
        Check(!parser.args().empty());
        for (std::string_view arg : parser.args()) {
          // Either a view into the buffer, or into the inline storage. An
          // inline line is refused once it passes max_inline_size without
          // a newline, so one that completes is at most that plus the last
          // piece (as in Redis, where the piece is one read).
          const bool in_buffer = arg.data() >= buffer.data() &&
                                 arg.data() + arg.size() <= buffer.data() + buffer.size();
          Check(in_buffer || arg.size() <= limits.max_inline_size + piece);
        }
        buffer.erase(0, consumed);
        continue;
      }
      buffer.erase(0, consumed);
      break;
    }
  }
  return 0;
}
