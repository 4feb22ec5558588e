#include "base/glob.h"

#include <utility>

namespace respd::base {
namespace {

char Fold(char c, bool nocase) {
  return nocase && c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Bounds the recursion that each '*' adds, as Redis does since 7.0.
constexpr int kMaxNesting = 1000;

// p and s are views that shrink as they are matched. `give_up` is set when a
// star's remainder matched nowhere: earlier stars need not try further.
bool Match(std::string_view p, std::string_view s, bool nocase, bool* give_up, int nesting) {
  if (nesting > kMaxNesting) return false;
  // At(v, i): the byte at i, or NUL past the end (Redis reads a C string).
  auto at = [](std::string_view v, size_t i) { return i < v.size() ? v[i] : '\0'; };
  while (!p.empty() && !s.empty()) {
    switch (p[0]) {
      case '*': {
        while (p.size() > 1 && p[1] == '*') p.remove_prefix(1);
        if (p.size() == 1) return true;
        while (!s.empty()) {
          if (Match(p.substr(1), s, nocase, give_up, nesting + 1)) return true;
          if (*give_up) return false;
          s.remove_prefix(1);
        }
        *give_up = true;
        return false;
      }
      case '?':
        s.remove_prefix(1);
        break;
      case '[': {
        p.remove_prefix(1);
        const bool negate = at(p, 0) == '^';
        if (negate) p.remove_prefix(1);
        bool match = false;
        while (true) {
          if (at(p, 0) == '\\' && p.size() >= 2) {
            p.remove_prefix(1);
            if (p[0] == s[0]) match = true;
          } else if (at(p, 0) == ']') {
            break;
          } else if (p.empty()) {
            // An unterminated class: it ends with the pattern.
            break;
          } else if (p.size() >= 3 && p[1] == '-') {
            // Order first, then fold, as Redis does ("[Z-a]" differs).
            char start = p[0], end = p[2];
            if (start > end) std::swap(start, end);
            start = Fold(start, nocase);
            end = Fold(end, nocase);
            const char c = Fold(s[0], nocase);
            p.remove_prefix(2);
            if (c >= start && c <= end) match = true;
          } else if (Fold(p[0], nocase) == Fold(s[0], nocase)) {
            match = true;
          }
          p.remove_prefix(1);
        }
        if (negate) match = !match;
        if (!match) return false;
        s.remove_prefix(1);
        // p now starts at ']' (or is empty); the common step below skips it.
        if (p.empty()) {
          return s.empty();
        }
        break;
      }
      case '\\':
        if (p.size() >= 2) p.remove_prefix(1);
        [[fallthrough]];
      default:
        if (Fold(p[0], nocase) != Fold(s[0], nocase)) return false;
        s.remove_prefix(1);
        break;
    }
    p.remove_prefix(1);
    if (s.empty()) {
      while (!p.empty() && p[0] == '*') p.remove_prefix(1);
      break;
    }
  }
  return p.empty() && s.empty();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view string, bool nocase) {
  bool give_up = false;
  return Match(pattern, string, nocase, &give_up, 0);
}

}  // namespace respd::base
