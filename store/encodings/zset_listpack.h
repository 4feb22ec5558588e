// The "listpack" encoding of a sorted set (Redis's zzl* functions): one
// listpack of member, score, member, score… ascending by score, then member
// bytes. A score is stored as Redis's d2string writes it, so an integral one
// is a listpack integer and any other reads back as the same double.
//
// Offsets are a member's offset in the listpack (its score follows); 0 means
// none. A write returns the new listpack and invalidates offsets after the
// written place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/encodings/listpack.h"
#include "store/encodings/zset_range.h"

namespace respd::store::zset_listpack {

inline size_t Length(const uint8_t* lp) { return listpack::Length(lp) / 2; }

// The score of the member at `member_at`.
double ScoreAt(const uint8_t* lp, size_t member_at);
inline std::string_view MemberAt(const uint8_t* lp, size_t member_at,
                                 char (&buf)[listpack::kIntBufferSize]) {
  return listpack::Get(lp, member_at, buf);
}
// The next and previous members (0 past either end).
inline size_t NextMember(const uint8_t* lp, size_t member_at) {
  const size_t score_at = listpack::Next(lp, member_at);
  return listpack::Next(lp, score_at);
}
inline size_t PrevMember(const uint8_t* lp, size_t member_at) {
  const size_t score_at = listpack::Prev(lp, member_at);
  return score_at == 0 ? 0 : listpack::Prev(lp, score_at);
}
inline size_t FirstMember(const uint8_t* lp) { return listpack::First(lp); }
inline size_t LastMember(const uint8_t* lp) {
  const size_t score_at = listpack::Last(lp);
  return score_at == 0 ? 0 : listpack::Prev(lp, score_at);
}
// The member at `rank` (0-based from the lowest), or 0.
inline size_t MemberByRank(const uint8_t* lp, size_t rank) {
  return listpack::Seek(lp, static_cast<int64_t>(2 * rank));
}

// `member`'s offset (and score), or 0.
size_t Find(const uint8_t* lp, std::string_view member, double* score);
// Inserts a member that is not there, at its place.
uint8_t* Insert(uint8_t* lp, std::string_view member, double score);
// Deletes the member at `member_at` and its score.
inline uint8_t* DeleteAt(uint8_t* lp, size_t member_at) {
  return listpack::Delete(lp, member_at, 2);
}

// First and last members in a range, or 0.
size_t FirstInRange(const uint8_t* lp, const ScoreRange& range);
size_t LastInRange(const uint8_t* lp, const ScoreRange& range);
size_t FirstInRange(const uint8_t* lp, const LexRange& range);
size_t LastInRange(const uint8_t* lp, const LexRange& range);

// Deletes what a range holds; *deleted says how many went.
uint8_t* DeleteRange(uint8_t* lp, const ScoreRange& range, size_t* deleted);
uint8_t* DeleteRange(uint8_t* lp, const LexRange& range, size_t* deleted);
// Ranks first..last (0-based, inclusive, in range).
uint8_t* DeleteRankRange(uint8_t* lp, size_t first, size_t last);

}  // namespace respd::store::zset_listpack
