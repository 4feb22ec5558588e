// Redis 7.0's error replies, word for word: clients and test suites match on
// them. Texts omit the leading '-' (ReplyBuilder::Error adds it).
#pragma once

#include <string>
#include <string_view>

#include "store/op_result.h"

namespace respd::server {

inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrMustBePositive =
    "ERR value is out of range, must be positive";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kErrAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kErrMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kErrNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kErrStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)'s range error: the
// count of HRANDFIELD, SRANDMEMBER (and ZRANDMEMBER) when it is LONG_MIN.
inline constexpr std::string_view kErrRandomCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// Keyspace commands (src/db.c, src/expire.c, src/object.c).
inline constexpr std::string_view kErrSameObject =
    "ERR source and destination objects are the same";
inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kErrInvalidFirstDb = "ERR invalid first DB index";
inline constexpr std::string_view kErrInvalidSecondDb = "ERR invalid second DB index";
// getIntFromObjectOrReply's range error (MOVE, COPY … DB).
inline constexpr std::string_view kErrNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kErrExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kErrExpireGtLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kErrLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";

// "ERR wrong number of arguments for 'get' command" (fullname: "command|info").
std::string WrongArityError(std::string_view fullname);
// "ERR invalid expire time in 'set' command".
std::string InvalidExpireError(std::string_view fullname);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' ".
std::string UnknownCommandError(std::string_view name, const std::string_view* args, size_t n);
// "ERR unknown subcommand 'foo'. Try CONFIG HELP." (the container upper-cased).
std::string UnknownSubcommandError(std::string_view container, std::string_view sub);

// The reply text for a store status (kOk has none).
std::string_view OpStatusError(store::OpStatus status);

}  // namespace respd::server
