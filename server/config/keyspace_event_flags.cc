#include "server/config/keyspace_event_flags.h"

namespace respd::server {
namespace {

// Each class with its letter, in the order FormatKeyspaceEventFlags prints.
struct ClassLetter {
  char letter;
  int flag;
};
constexpr ClassLetter kClasses[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZSet},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew},
};

}  // namespace

int KeyspaceEventClassFlag(char letter) {
  for (const ClassLetter& c : kClasses) {
    if (c.letter == letter) return c.flag;
  }
  return letter == 'm' ? kNotifyKeyMiss : 0;
}

std::optional<int> ParseKeyspaceEventFlags(std::string_view letters) {
  int flags = 0;
  for (char ch : letters) {
    if (ch == 'A') {
      flags |= kNotifyAll;
    } else if (ch == 'K') {
      flags |= kNotifyKeyspace;
    } else if (ch == 'E') {
      flags |= kNotifyKeyevent;
    } else if (const int f = KeyspaceEventClassFlag(ch); f != 0) {
      flags |= f;
    } else {
      return std::nullopt;
    }
  }
  return flags;
}

std::string FormatKeyspaceEventFlags(int flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
  } else {
    for (const ClassLetter& c : kClasses) {
      if (flags & c.flag) out += c.letter;
    }
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kNotifyKeyMiss) out += 'm';
  return out;
}

}  // namespace respd::server
