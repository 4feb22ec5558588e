// notify-keyspace-events: the class letters Redis 7.0 accepts and the form
// CONFIG GET prints them in (notify.c's keyspaceEventsStringToFlags and
// keyspaceEventsFlagsToString).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace respd::server {

enum KeyspaceEventFlag : int {
  kNotifyKeyspace = 1 << 0,  // K: __keyspace@<db>__:<key> channels.
  kNotifyKeyevent = 1 << 1,  // E: __keyevent@<db>__:<event> channels.
  kNotifyGeneric = 1 << 2,   // g
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZSet = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m (not part of A)
  kNotifyLoaded = 1 << 12,   // Modules only; no letter.
  kNotifyModule = 1 << 13,   // d
  kNotifyNew = 1 << 14,      // n (not part of A)
  // A: every class but m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZSet | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// The flags of a letter string; nullopt for any other character.
std::optional<int> ParseKeyspaceEventFlags(std::string_view letters);
// The canonical letters: "A" for all classes (then n is not shown, as in
// Redis), else the classes in Redis's order, then K, E, m.
std::string FormatKeyspaceEventFlags(int flags);
// The flag of a key event's class letter (store::KeyEventClass); 0 for none.
int KeyspaceEventClassFlag(char letter);

inline constexpr std::string_view kErrKeyspaceEventClass =
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

}  // namespace respd::server
