#include "server/dispatch/errors.h"

#include "base/ascii.h"

namespace respd::server {
namespace {

// Redis prints user-supplied names with "%.128s".
std::string_view Clip(std::string_view s, size_t max = 128) { return s.substr(0, max); }

}  // namespace

std::string WrongArityError(std::string_view fullname) {
  std::string out = "ERR wrong number of arguments for '";
  out += fullname;
  out += "' command";
  return out;
}

std::string InvalidExpireError(std::string_view fullname) {
  std::string out = "ERR invalid expire time in '";
  out += fullname;
  out += "' command";
  return out;
}

std::string UnknownCommandError(std::string_view name, const std::string_view* args, size_t n) {
  // As processCommand: quote arguments until the list reaches 128 bytes,
  // each clipped to what is left of those 128.
  std::string list;
  for (size_t i = 0; i < n && list.size() < 128; ++i) {
    const size_t room = 128 - list.size();
    list += '\'';
    list += Clip(args[i], room);
    list += "' ";
  }
  std::string out = "ERR unknown command '";
  out += Clip(name);
  out += "', with args beginning with: ";
  out += list;
  return out;
}

std::string UnknownSubcommandError(std::string_view container, std::string_view sub) {
  std::string out = "ERR unknown subcommand '";
  out += Clip(sub);
  out += "'. Try ";
  out += base::AsciiUpperCopy(container);
  out += " HELP.";
  return out;
}

std::string_view OpStatusError(store::OpStatus status) {
  switch (status) {
    case store::OpStatus::kOk:
      return "";
    case store::OpStatus::kKeyNotFound:
      return kErrNoSuchKey;
    case store::OpStatus::kWrongType:
      return kErrWrongType;
    case store::OpStatus::kNotAnInteger:
      return kErrNotInteger;
    case store::OpStatus::kNotAFloat:
      return kErrNotFloat;
    case store::OpStatus::kOverflow:
      return kErrOverflow;
    case store::OpStatus::kTooLarge:
      return kErrStringTooLong;
    case store::OpStatus::kNotFinite:
      return kErrNanOrInfinity;
    case store::OpStatus::kOutOfRange:
      return kErrIndexOutOfRange;
  }
  return "ERR";
}

}  // namespace respd::server
