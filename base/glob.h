// Redis's glob-style matching (stringmatchlen), used by KEYS, SCAN MATCH,
// CONFIG GET and COMMAND LIST FILTERBY PATTERN:
//
//   *        any run of bytes (also empty)
//   ?        any one byte
//   [abc]    one of the bytes; [^abc] none of them; [a-z] a range (either
//            order); \x inside brackets is a literal x
//   \x       a literal x
//
// As in Redis, an empty string matches only the empty pattern (not even
// "*"): KEYS and SCAN treat a lone "*" as "everything" before matching.
// Binary-safe. Patterns like "a*a*a*a*b" cannot take exponential time: once
// the rest of a pattern fails to match anywhere, earlier stars stop trying
// longer matches (Redis 7.0.9's fix), and nesting is bounded.
#pragma once

#include <string_view>

namespace respd::base {

bool GlobMatch(std::string_view pattern, std::string_view string, bool nocase = false);

}  // namespace respd::base
