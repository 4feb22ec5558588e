#include "protocol/split_args.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace respd::protocol {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

// The split, or {"<error>"} on unbalanced quotes (easier to read in failures).
Args Split(std::string_view line) {
  std::optional<Args> args = SplitArgs(line);
  return args ? *args : Args{"<error>"};
}

const Args kError{"<error>"};

TEST(SplitArgs, BlanksSeparateArguments) {
  EXPECT_EQ(Split("set key value"), (Args{"set", "key", "value"}));
  EXPECT_EQ(Split("  set\t\tkey \n value\r\nx  "), (Args{"set", "key", "value", "x"}));
  EXPECT_EQ(Split(""), Args{});
  EXPECT_EQ(Split(" \t\r\n "), Args{});
}

TEST(SplitArgs, VerticalTabAndFormFeedAreBlanksOnlyBetweenArguments) {
  // sdssplitargs skips isspace() between arguments, but inside an unquoted
  // argument only space, \t, \r, \n and NUL end it.
  EXPECT_EQ(Split("\v\fa \v\fb"), (Args{"a", "b"}));
  EXPECT_EQ(Split("a\vb\fc"), (Args{"a\vb\fc"}));
}

TEST(SplitArgs, BackslashIsLiteralOutsideQuotes) {
  EXPECT_EQ(Split("a\\nb \\x41"), (Args{"a\\nb", "\\x41"}));
}

TEST(SplitArgs, DoubleQuotesUnderstandEscapes) {
  EXPECT_EQ(Split(R"("a b" "\n\r\t\b\a" "\"" "\\")"), (Args{"a b", "\n\r\t\b\a", "\"", "\\"}));
  EXPECT_EQ(Split(R"("it's")"), (Args{"it's"}));
  // Any other escaped character stands for itself.
  EXPECT_EQ(Split(R"("\q\'\ \0")"), (Args{"q' 0"}));
}

TEST(SplitArgs, DoubleQuotesUnderstandHexEscapes) {
  EXPECT_EQ(Split(R"("\x41\x7a\x7A\xff\x00\x0d\x0a")"), (Args{"Azz\xff\0\r\n"s}));
  // Not two hex digits: the backslash escapes the 'x' alone.
  EXPECT_EQ(Split(R"("\xZZ")"), (Args{"xZZ"}));
  EXPECT_EQ(Split(R"("\x4g")"), (Args{"x4g"}));
  EXPECT_EQ(Split(R"("\x4")"), (Args{"x4"}));
  EXPECT_EQ(Split(R"("\x")"), (Args{"x"}));
  EXPECT_EQ(Split(R"("\x414")"), (Args{"A4"}));
}

TEST(SplitArgs, SingleQuotesOnlyUnderstandEscapedQuote) {
  EXPECT_EQ(Split(R"('a\'b')"), (Args{"a'b"}));
  EXPECT_EQ(Split(R"('a\nb\x41')"), (Args{R"(a\nb\x41)"}));
  EXPECT_EQ(Split(R"('say "hi"')"), (Args{"say \"hi\""}));
  EXPECT_EQ(Split(R"('a\\b')"), (Args{R"(a\\b)"}));
  // `\\'` is a literal backslash and then an escaped quote: still open.
  EXPECT_EQ(Split(R"('a\\')"), kError);
}

TEST(SplitArgs, QuotesMayStartMidArgument) {
  EXPECT_EQ(Split(R"(foo"bar baz")"), (Args{"foobar baz"}));
  EXPECT_EQ(Split(R"(a'b c' d)"), (Args{"ab c", "d"}));
}

TEST(SplitArgs, EmptyQuotesAreAnEmptyArgument) {
  EXPECT_EQ(Split(R"("")"), (Args{""}));
  EXPECT_EQ(Split(R"('')"), (Args{""}));
  EXPECT_EQ(Split(R"(a "" b '' c)"), (Args{"a", "", "b", "", "c"}));
}

TEST(SplitArgs, ClosingQuoteMustBeFollowedByBlankOrEnd) {
  EXPECT_EQ(Split(R"("foo"bar)"), kError);
  EXPECT_EQ(Split(R"('foo'bar)"), kError);
  EXPECT_EQ(Split(R"("foo""bar")"), kError);
  EXPECT_EQ(Split("\"foo\" bar"), (Args{"foo", "bar"}));
  EXPECT_EQ(Split("\"foo\"\tbar"), (Args{"foo", "bar"}));
  EXPECT_EQ(Split("'foo'\nbar"), (Args{"foo", "bar"}));
  EXPECT_EQ(Split("\"foo\"\vbar"), (Args{"foo", "bar"}));  // isspace() here.
}

TEST(SplitArgs, UnterminatedQuotesAreAnError) {
  EXPECT_EQ(Split(R"("foo)"), kError);
  EXPECT_EQ(Split(R"('foo)"), kError);
  EXPECT_EQ(Split(R"(a "b)"), kError);
  EXPECT_EQ(Split(R"("foo\")"), kError);  // The quote is escaped.
  EXPECT_EQ(Split(R"("foo\)"), kError);   // A trailing backslash.
  EXPECT_EQ(Split(R"(")"), kError);
}

TEST(SplitArgs, NulEndsTheLineOutsideQuotes) {
  EXPECT_EQ(Split("a b\0c d"s), (Args{"a", "b"}));
  EXPECT_EQ(Split("a\0"s), (Args{"a"}));
  EXPECT_EQ(Split("\0a"s), Args{});
  EXPECT_EQ(Split("\"a\"\0b"s), (Args{"a"}));
}

TEST(SplitArgs, NulInsideQuotesIsUnterminated) {
  EXPECT_EQ(Split("\"a\0b\""s), kError);
  EXPECT_EQ(Split("'a\0b'"s), kError);
}

TEST(SplitArgs, HighBytesPassThrough) {
  EXPECT_EQ(Split("\xc3\xa9t\xc3\xa9 \xff"), (Args{"\xc3\xa9t\xc3\xa9", "\xff"}));
}

TEST(SplitArgs, SpanFormAppendsToStorageAndArgs) {
  std::string storage = "xyz";
  std::vector<ArgSpan> args = {{0, 3}};
  ASSERT_TRUE(SplitArgs(R"(ab "" "c d")", &storage, &args));
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(storage, "xyzabc d");
  EXPECT_EQ(args[0].offset, 0u);
  EXPECT_EQ(args[1].offset, 3u);
  EXPECT_EQ(args[1].length, 2u);
  EXPECT_EQ(args[2].length, 0u);
  EXPECT_EQ(storage.substr(args[3].offset, args[3].length), "c d");
}

TEST(SplitArgs, SpanFormReportsUnbalancedQuotes) {
  std::string storage;
  std::vector<ArgSpan> args;
  EXPECT_FALSE(SplitArgs(R"(a "b)", &storage, &args));
  EXPECT_FALSE(SplitArgs(R"(a 'b'c)", &storage, &args));
}

TEST(SplitArgs, OptionalFormIsNulloptOnError) {
  EXPECT_FALSE(SplitArgs(std::string_view(R"(a "b)")).has_value());
  const std::optional<Args> ok = SplitArgs(std::string_view("a b"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, (Args{"a", "b"}));
  const std::optional<Args> empty = SplitArgs(std::string_view(""));
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(SplitArgs, ConfigFileLines) {
  EXPECT_EQ(Split("save 900 1 300 10"), (Args{"save", "900", "1", "300", "10"}));
  EXPECT_EQ(Split(R"(requirepass "p@ss word")"), (Args{"requirepass", "p@ss word"}));
  EXPECT_EQ(Split(R"(save "")"), (Args{"save", ""}));
  EXPECT_EQ(Split("logfile ''"), (Args{"logfile", ""}));
}

}  // namespace
}  // namespace respd::protocol
