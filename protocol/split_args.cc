#include "protocol/split_args.h"

namespace respd::protocol {
namespace {

bool IsBlank(char c) {
  // C isspace() in the "C" locale, which is what sdssplitargs uses.
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The line as sdssplitargs sees it: a C string, so the first NUL is its end.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  char At(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  void Advance(size_t n = 1) { pos_ += n; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

bool SplitArgs(std::string_view line, std::string* storage, std::vector<ArgSpan>* args) {
  Cursor p(line);
  while (true) {
    while (p.At() != '\0' && IsBlank(p.At())) p.Advance();
    if (p.At() == '\0') return true;

    const size_t start = storage->size();
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = p.At();
      if (in_double) {
        if (c == '\\' && p.At(1) == 'x' && HexValue(p.At(2)) >= 0 && HexValue(p.At(3)) >= 0) {
          storage->push_back(static_cast<char>(HexValue(p.At(2)) * 16 + HexValue(p.At(3))));
          p.Advance(3);
        } else if (c == '\\' && p.At(1) != '\0') {
          p.Advance();
          switch (p.At()) {
            case 'n':
              storage->push_back('\n');
              break;
            case 'r':
              storage->push_back('\r');
              break;
            case 't':
              storage->push_back('\t');
              break;
            case 'b':
              storage->push_back('\b');
              break;
            case 'a':
              storage->push_back('\a');
              break;
            default:
              storage->push_back(p.At());
              break;
          }
        } else if (c == '"') {
          if (p.At(1) != '\0' && !IsBlank(p.At(1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // Unterminated quotes.
        } else {
          storage->push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && p.At(1) == '\'') {
          p.Advance();
          storage->push_back('\'');
        } else if (c == '\'') {
          if (p.At(1) != '\0' && !IsBlank(p.At(1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage->push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            storage->push_back(c);
            break;
        }
      }
      if (p.At() != '\0') p.Advance();
    }
    args->push_back({start, storage->size() - start});
  }
}

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  std::string storage;
  std::vector<ArgSpan> spans;
  if (!SplitArgs(line, &storage, &spans)) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(spans.size());
  for (const ArgSpan& a : spans) out.emplace_back(storage, a.offset, a.length);
  return out;
}

}  // namespace respd::protocol
