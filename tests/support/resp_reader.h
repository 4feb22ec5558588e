// RESP framing for tests: where does one reply end? Knows RESP2 and RESP3
// (maps, sets, pushes, attributes, nulls, doubles, booleans, big numbers,
// verbatim strings, blob errors), so raw replies can be compared byte for
// byte against redis-server's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace respd::test {

inline constexpr size_t kIncomplete = 0;
inline constexpr size_t kMalformed = static_cast<size_t>(-1);

// The length of the first complete reply in `buf`, kIncomplete if more bytes
// are needed, or kMalformed.
size_t RespFrameLength(std::string_view buf);

// A command as a RESP multibulk request.
std::string EncodeCommand(const std::vector<std::string>& args);

}  // namespace respd::test
