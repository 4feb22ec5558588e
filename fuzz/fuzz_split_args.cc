// The inline/config splitter against arbitrary lines. Invariant: on
// success, argument spans lie inside the produced storage, and splitting
// is deterministic.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/split_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string storage;
  std::vector<respd::protocol::ArgSpan> spans;
  if (!respd::protocol::SplitArgs(line, &storage, &spans)) return 0;
  for (const auto& s : spans) {
    if (s.offset + s.length > storage.size()) std::abort();
  }
  auto again = respd::protocol::SplitArgs(line);
  if (!again || again->size() != spans.size()) std::abort();
  return 0;
}
