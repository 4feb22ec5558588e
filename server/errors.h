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
inline constexpr std::string_view kErrMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kErrStringTooLong = "ERR string exceeds maximum allowed size";

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
