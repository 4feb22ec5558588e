// Splits a line into arguments the way Redis splits inline commands and
// redis.conf lines (sdssplitargs): blanks separate arguments; "double quotes"
// understand \xHH, \n, \r, \t, \b, \a and backslash-anything; 'single quotes'
// understand only \'; a closing quote must be followed by a blank or the end.
// Like Redis, a NUL byte outside quotes ends the line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace respd::protocol {

struct ArgSpan {
  size_t offset;
  size_t length;
};

// Appends the arguments' bytes to *storage and their positions in it to
// *args. Returns false on unbalanced quotes (a closing quote followed by a
// non-blank counts as unbalanced, as in Redis); *storage and *args may then
// hold a partial result.
bool SplitArgs(std::string_view line, std::string* storage, std::vector<ArgSpan>* args);

// Convenience form for cold paths (config files): nullopt on unbalanced quotes.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

}  // namespace respd::protocol
