#include "server/dispatch/command_context.h"

#include <string>

#include "base/ascii.h"
#include "server/core/server.h"
#include "server/dispatch/command_table.h"
#include "server/net/connections.h"

namespace respd::server {

void CommandContext::WrongArity() { reply.Error(WrongArityError(command.fullname)); }

void CommandContext::ReplyHelp(std::span<const std::string_view> body) {
  reply.ArrayHeader(body.size() + 3);
  reply.SimpleString(base::AsciiUpperCopy(argv[0]) +
                     " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : body) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

void CommandContext::SubcommandSyntaxError() {
  std::string out = "ERR unknown subcommand or wrong number of arguments for '";
  out += argv[1].substr(0, 128);
  out += "'. Try ";
  out += base::AsciiUpperCopy(argv[0]);
  out += " HELP.";
  reply.Error(out);
}

void CommandContext::ReplyNilOrError(store::OpStatus status) {
  if (status == store::OpStatus::kKeyNotFound) {
    reply.Null();
  } else {
    reply.Error(OpStatusError(status));
  }
}

void CommandContext::ReplyCount(const store::OpResult<size_t>& count) {
  if (count) {
    reply.Integer(static_cast<int64_t>(*count));
  } else if (count.status() == store::OpStatus::kKeyNotFound) {
    reply.Integer(0);
  } else {
    Error(OpStatusError(count.status()));
  }
}

bool CommandContext::OutputLimitReached() {
  server.connections().CloseIfOutputLimitReached(client);
  return client.close_asap;
}

}  // namespace respd::server
