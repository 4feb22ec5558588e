// What a command handler gets: the command's arguments, the client that sent
// it, its selected database, and where to write the reply. Handlers return
// nothing: every outcome, errors included, is a reply.
#pragma once

#include <span>
#include <string_view>

#include "protocol/reply_builder.h"
#include "server/dispatch/errors.h"
#include "store/database.h"

namespace respd::server {

class Server;
struct Client;
struct Command;

struct CommandContext {
  Server& server;
  Client& client;
  const Command& command;
  // argv[0] is the command name as sent. Views into the client's query
  // buffer: valid only during the call; the store copies what it keeps.
  std::span<const std::string_view> argv;
  store::Database& db;
  protocol::ReplyBuilder& reply;
  // The command's time snapshot (unix ms): one "now" for the whole command.
  int64_t now_ms;

  void Error(std::string_view text) { reply.Error(text); }
  // "ERR wrong number of arguments for '<fullname>' command".
  void WrongArity();
  // Redis's addReplyHelp: "<COMMAND> <subcommand> [<arg> [value] [opt] ...].
  // Subcommands are:", the `body` lines, then HELP's own two lines, as status
  // replies; the command is argv[0] upper-cased, as sent.
  void ReplyHelp(std::span<const std::string_view> body);
  // Redis's addReplySubcommandSyntaxError, for commands that parse their own
  // subcommands (DEBUG) or their own argument counts (SLOWLOG GET): "ERR
  // unknown subcommand or wrong number of arguments for 'x'. Try SLOWLOG
  // HELP." (argv[1] as sent, clipped to 128 bytes).
  void SubcommandSyntaxError();
  // The reply of a read that found nothing or failed: nil for a missing key,
  // else the status's error (WRONGTYPE, ...).
  void ReplyNilOrError(store::OpStatus status);
  // The entry a type API lookup found (FindHash, FindSet, …), or nullptr
  // after replying: missing() for an absent key, the status's error
  // (WRONGTYPE) otherwise.
  template <typename OnMissing>
  store::KeyEntry* EntryOrReply(const store::OpResult<store::KeyEntry*>& found,
                                OnMissing&& missing) {
    if (found) return *found;
    if (found.status() == store::OpStatus::kKeyNotFound) {
      missing();
    } else {
      Error(OpStatusError(found.status()));
    }
    return nullptr;
  }
  // A count a write returned (HDEL, SREM): the integer, 0 for a missing
  // key, the status's error otherwise.
  void ReplyCount(const store::OpResult<size_t>& count);
  // Whether the reply so far took the client past its output buffer limit
  // (the client is then closed after the command, as Redis closes it). For
  // replies whose size the client chooses (HRANDFIELD h -1000000000): they
  // stop being built once nobody will receive them.
  bool OutputLimitReached();
  // Calls emit(k) for chunks of at most 1024 of `n` items, stopping early
  // once OutputLimitReached().
  template <typename Emit>
  void EmitBounded(size_t n, Emit&& emit) {
    for (size_t done = 0; done < n;) {
      const size_t k = n - done < 1024 ? n - done : 1024;
      emit(k);
      done += k;
      if (done < n && OutputLimitReached()) return;
    }
  }
};

}  // namespace respd::server
