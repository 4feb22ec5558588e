#include "tests/support/resp_reader.h"

#include <cstdlib>

namespace respd::test {
namespace {

// Parses one element at `pos`; returns the position after it, kIncomplete or
// kMalformed.
size_t Element(std::string_view buf, size_t pos, int depth) {
  if (depth > 64) return kMalformed;
  if (pos >= buf.size()) return kIncomplete;
  const size_t eol = buf.find("\r\n", pos);
  if (eol == std::string_view::npos) return kIncomplete;
  const char type = buf[pos];
  const std::string header(buf.substr(pos + 1, eol - pos - 1));
  const size_t after = eol + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return after;
    case '$':
    case '=':
    case '!': {
      const long long len = std::strtoll(header.c_str(), nullptr, 10);
      if (len < 0) return after;  // $-1
      const size_t end = after + static_cast<size_t>(len) + 2;
      return end <= buf.size() ? end : kIncomplete;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      long long n = std::strtoll(header.c_str(), nullptr, 10);
      if (n < 0) return after;  // *-1
      if (type == '%' || type == '|') n *= 2;
      size_t p = after;
      for (long long i = 0; i < n; ++i) {
        p = Element(buf, p, depth + 1);
        if (p == kIncomplete || p == kMalformed) return p;
      }
      // An attribute precedes the reply it describes.
      if (type == '|') return Element(buf, p, depth + 1);
      return p;
    }
    default:
      return kMalformed;
  }
}

}  // namespace

size_t RespFrameLength(std::string_view buf) { return Element(buf, 0, 0); }

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

}  // namespace respd::test
