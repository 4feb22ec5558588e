#include "store/encodings/zset_listpack.h"

#include <cstdlib>
#include <cstring>
#include <functional>

#include "base/numbers.h"

namespace respd::store::zset_listpack {
namespace {

using Buf = char[listpack::kIntBufferSize];

// The run of members from `at` on that `in_range` admits: how many.
size_t CountRun(const uint8_t* lp, size_t at, const std::function<bool(size_t)>& in_range) {
  size_t n = 0;
  for (; at != 0 && in_range(at); at = NextMember(lp, at)) ++n;
  return n;
}

}  // namespace

double ScoreAt(const uint8_t* lp, size_t member_at) {
  const size_t score_at = listpack::Next(lp, member_at);
  int64_t v;
  if (listpack::GetInt(lp, score_at, &v)) return static_cast<double>(v);
  Buf buf;
  const std::string_view s = listpack::Get(lp, score_at, buf);
  // What FormatDouble wrote: "inf", "-inf" or a %.17g number, all short.
  char text[64];
  const size_t n = s.size() < sizeof(text) - 1 ? s.size() : sizeof(text) - 1;
  std::memcpy(text, s.data(), n);
  text[n] = '\0';
  return std::strtod(text, nullptr);
}

size_t Find(const uint8_t* lp, std::string_view member, double* score) {
  const size_t at = listpack::Find(lp, listpack::First(lp), listpack::Needle(member), 1);
  if (at != 0 && score != nullptr) *score = ScoreAt(lp, at);
  return at;
}

uint8_t* Insert(uint8_t* lp, std::string_view member, double score) {
  char digits[base::kMaxDoubleChars];
  // -0 is stored as the integer 0, as Redis's listpack ends up with it.
  const std::string_view pair[] = {member,
                                   {digits, base::FormatDouble(score == 0 ? 0.0 : score, digits)}};
  Buf buf;
  for (size_t at = FirstMember(lp); at != 0; at = NextMember(lp, at)) {
    const double s = ScoreAt(lp, at);
    if (s > score || (s == score && MemberAt(lp, at, buf) > member)) {
      return listpack::Insert(lp, at, pair);
    }
  }
  return listpack::Append(lp, pair);
}

size_t FirstInRange(const uint8_t* lp, const ScoreRange& range) {
  if (range.Empty()) return 0;
  for (size_t at = FirstMember(lp); at != 0; at = NextMember(lp, at)) {
    const double s = ScoreAt(lp, at);
    if (range.AboveMin(s)) return range.BelowMax(s) ? at : 0;
  }
  return 0;
}

size_t LastInRange(const uint8_t* lp, const ScoreRange& range) {
  if (range.Empty()) return 0;
  for (size_t at = LastMember(lp); at != 0; at = PrevMember(lp, at)) {
    const double s = ScoreAt(lp, at);
    if (range.BelowMax(s)) return range.AboveMin(s) ? at : 0;
  }
  return 0;
}

size_t FirstInRange(const uint8_t* lp, const LexRange& range) {
  if (range.Empty()) return 0;
  Buf buf;
  for (size_t at = FirstMember(lp); at != 0; at = NextMember(lp, at)) {
    const std::string_view m = MemberAt(lp, at, buf);
    if (range.AboveMin(m)) return range.BelowMax(m) ? at : 0;
  }
  return 0;
}

size_t LastInRange(const uint8_t* lp, const LexRange& range) {
  if (range.Empty()) return 0;
  Buf buf;
  for (size_t at = LastMember(lp); at != 0; at = PrevMember(lp, at)) {
    const std::string_view m = MemberAt(lp, at, buf);
    if (range.BelowMax(m)) return range.AboveMin(m) ? at : 0;
  }
  return 0;
}

uint8_t* DeleteRange(uint8_t* lp, const ScoreRange& range, size_t* deleted) {
  const size_t at = FirstInRange(lp, range);
  *deleted =
      at == 0 ? 0 : CountRun(lp, at, [&](size_t m) { return range.BelowMax(ScoreAt(lp, m)); });
  return *deleted == 0 ? lp : listpack::Delete(lp, at, 2 * *deleted);
}

uint8_t* DeleteRange(uint8_t* lp, const LexRange& range, size_t* deleted) {
  const size_t at = FirstInRange(lp, range);
  Buf buf;
  *deleted = at == 0
                 ? 0
                 : CountRun(lp, at, [&](size_t m) { return range.BelowMax(MemberAt(lp, m, buf)); });
  return *deleted == 0 ? lp : listpack::Delete(lp, at, 2 * *deleted);
}

uint8_t* DeleteRankRange(uint8_t* lp, size_t first, size_t last) {
  const size_t at = MemberByRank(lp, first);
  if (at == 0 || last < first) return lp;
  return listpack::Delete(lp, at, 2 * (last - first + 1));
}

}  // namespace respd::store::zset_listpack
