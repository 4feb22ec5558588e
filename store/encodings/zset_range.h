// Score and lex ranges of sorted-set commands (ZRANGEBYSCORE, ZCOUNT,
// ZRANGEBYLEX, …), shared by both encodings: what a bound admits, with
// Redis's rules (zslValueGteMin, zslLexValueGteMin, …). Parsing them from
// arguments is the family's; these only compare.
#pragma once

#include <cstdint>
#include <string_view>

namespace respd::store {

struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool AboveMin(double v) const { return min_exclusive ? v > min : v >= min; }
  bool BelowMax(double v) const { return max_exclusive ? v < max : v <= max; }
  bool Contains(double v) const { return AboveMin(v) && BelowMax(v); }
  // Whether no value can be inside (zslIsInRange's early exit).
  bool Empty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

// A lex bound: "-" and "+" are below and above every member; otherwise a
// member, inclusive ("[a") or exclusive ("(a").
struct LexBound {
  enum class Kind : uint8_t { kValue, kMinusInfinity, kPlusInfinity };
  Kind kind = Kind::kValue;
  std::string_view value;
  bool exclusive = false;
};

struct LexRange {
  LexBound min;
  LexBound max;

  // Members compare as bytes (memcmp, then length), as Redis's sdscmp.
  static int Compare(std::string_view a, std::string_view b) { return a.compare(b); }
  bool AboveMin(std::string_view v) const {
    switch (min.kind) {
      case LexBound::Kind::kMinusInfinity:
        return true;
      case LexBound::Kind::kPlusInfinity:
        return false;
      case LexBound::Kind::kValue:
        break;
    }
    const int c = Compare(v, min.value);
    return min.exclusive ? c > 0 : c >= 0;
  }
  bool BelowMax(std::string_view v) const {
    switch (max.kind) {
      case LexBound::Kind::kMinusInfinity:
        return false;
      case LexBound::Kind::kPlusInfinity:
        return true;
      case LexBound::Kind::kValue:
        break;
    }
    const int c = Compare(v, max.value);
    return max.exclusive ? c < 0 : c <= 0;
  }
  bool Contains(std::string_view v) const { return AboveMin(v) && BelowMax(v); }
  // zslIsInLexRange's early exit: a range that admits nothing.
  bool Empty() const {
    if (min.kind == LexBound::Kind::kPlusInfinity || max.kind == LexBound::Kind::kMinusInfinity) {
      return true;
    }
    if (min.kind != LexBound::Kind::kValue || max.kind != LexBound::Kind::kValue) return false;
    const int c = Compare(min.value, max.value);
    return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
  }
};

}  // namespace respd::store
