#include "base/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace respd::base {
namespace {

TEST(GlobMatch, StarAndQuestionMark) {
  // As Redis's stringmatchlen: an empty string matches only an empty
  // pattern (KEYS and SCAN special-case a lone "*" themselves).
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("user:*:name", "user:42:name"));
  EXPECT_FALSE(GlobMatch("user:*:name", "user:42:names"));
  EXPECT_TRUE(GlobMatch("a**b", "axxb"));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_TRUE(GlobMatch("abc*", "abc"));
}

TEST(GlobMatch, Classes) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hallo"));  // Reversed ranges work.
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("[abc", "a"));  // An unterminated class ends the pattern.
  EXPECT_FALSE(GlobMatch("[abc", "ab"));
}

TEST(GlobMatch, EscapesAndCase) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("a\\?", "a?"));
  EXPECT_FALSE(GlobMatch("HELLO", "hello"));
  EXPECT_TRUE(GlobMatch("HELLO", "hello", /*nocase=*/true));
  EXPECT_TRUE(GlobMatch("H[A-Z]LLO", "hello", true));
}

TEST(GlobMatch, BinarySafe) {
  EXPECT_TRUE(GlobMatch(std::string("a\0*", 3), std::string("a\0bc", 4)));
  EXPECT_FALSE(GlobMatch(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(GlobMatch, PathologicalPatternsFinishQuickly) {
  // Without the early give-up this takes exponential time.
  const std::string pattern = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
  const std::string subject(5000, 'a');
  EXPECT_FALSE(GlobMatch(pattern, subject));
  // Deep nesting is refused rather than exhausting the stack.
  EXPECT_FALSE(GlobMatch(std::string(100000, '*') + "b" + std::string(3000, '*') + "c",
                         std::string(3000, 'x')));
}

}  // namespace
}  // namespace respd::base
