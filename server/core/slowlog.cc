#include "server/core/slowlog.h"

namespace respd::server {
namespace {

// Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgBytes = 128;

}  // namespace

void Slowlog::MaybeRecord(int64_t duration_us, int64_t threshold_us, size_t max_len,
                          std::span<const std::string_view> argv, std::string_view client_addr,
                          std::string_view client_name, int64_t unix_time) {
  if (threshold_us < 0 || duration_us < threshold_us) return;
  SlowlogEntry e{
      next_id_++, unix_time, duration_us, {}, std::string(client_addr), std::string(client_name)};
  const size_t n = std::min(argv.size(), kMaxArgs);
  for (size_t i = 0; i < n; ++i) {
    if (n < argv.size() && i == n - 1) {
      e.argv.push_back("... (" + std::to_string(argv.size() - kMaxArgs + 1) + " more arguments)");
      break;
    }
    const std::string_view a = argv[i];
    if (a.size() > kMaxArgBytes) {
      e.argv.push_back(std::string(a.substr(0, kMaxArgBytes)) + "... (" +
                       std::to_string(a.size() - kMaxArgBytes) + " more bytes)");
    } else {
      e.argv.emplace_back(a);
    }
  }
  entries_.push_front(std::move(e));
  Trim(max_len);
}

void Slowlog::Trim(size_t max_len) {
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace respd::server
