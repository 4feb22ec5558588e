// The command families: each file serves one group of commands as one table
// of CommandSpec lines (a name and a handler each; Redis's row for the
// command comes from the generated data). Adding a command is one handler and
// one line in its family's table; adding a family is one line in kFamilies
// (families.cc).
#pragma once

#include <span>

#include "server/dispatch/command_table.h"

namespace respd::server {

// Each family's table (defined in its own file).
std::span<const CommandSpec> StringCommands();
std::span<const CommandSpec> ListCommands();
std::span<const CommandSpec> HashCommands();
std::span<const CommandSpec> ZSetCommands();
std::span<const CommandSpec> ZSetAlgebraCommands();
std::span<const CommandSpec> SortCommands();
std::span<const CommandSpec> GeoCommands();
std::span<const CommandSpec> GeoSearchCommands();
std::span<const CommandSpec> SetCommands();
std::span<const CommandSpec> BitmapCommands();
std::span<const CommandSpec> HyperLogLogCommands();
std::span<const CommandSpec> StreamCommands();
std::span<const CommandSpec> StreamReadCommands();
std::span<const CommandSpec> StreamGroupCommands();
std::span<const CommandSpec> StreamPendingCommands();
std::span<const CommandSpec> StreamInfoCommands();
std::span<const CommandSpec> KeyspaceCommands();
std::span<const CommandSpec> ConnectionCommands();
std::span<const CommandSpec> ClientCommands();
std::span<const CommandSpec> ServerCommands();
std::span<const CommandSpec> ConfigCommands();
std::span<const CommandSpec> IntrospectionCommands();
std::span<const CommandSpec> MemoryCommands();
std::span<const CommandSpec> DebugCommands();
std::span<const CommandSpec> TransactionCommands();
std::span<const CommandSpec> PubSubCommands();
std::span<const CommandSpec> PersistenceCommands();
std::span<const CommandSpec> ScriptingCommands();

// Adds every family's commands to `table`, in kFamilies order (which is the
// order COMMAND lists them in).
void RegisterAllCommands(CommandTable& table);

}  // namespace respd::server
