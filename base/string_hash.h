// A transparent hash for std::string keys, so unordered containers of
// strings can be searched with a std::string_view (C++20 heterogeneous
// lookup) without building a std::string per lookup.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace respd::base {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace respd::base
