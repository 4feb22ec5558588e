// The config loader against arbitrary redis.conf text. It must either load
// or return an error with a line number; never crash. Includes are dropped:
// they would read arbitrary files.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/ascii.h"
#include "server/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (respd::base::AsciiLowerCopy(text).find("include") != std::string::npos) return 0;
  respd::server::Config config;
  auto err = respd::server::ApplyConfigText(text, "fuzz", &config);
  if (err && err->reason.empty()) __builtin_trap();
  return 0;
}
