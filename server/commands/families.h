// The command families, one file each. A family registers its table lines;
// adding a command is one handler and one line in its family's table.
#pragma once

#include "server/dispatch/command_table.h"

namespace respd::server {

void RegisterStringFamily(CommandTable& table);
void RegisterKeyspaceFamily(CommandTable& table);
void RegisterConnectionFamily(CommandTable& table);
void RegisterServerFamily(CommandTable& table);
void RegisterTransactionFamily(CommandTable& table);
void RegisterIntrospectionFamily(CommandTable& table);
void RegisterClientFamily(CommandTable& table);
void RegisterConfigFamily(CommandTable& table);

inline void RegisterAllCommands(CommandTable& table) {
  RegisterStringFamily(table);
  RegisterKeyspaceFamily(table);
  RegisterConnectionFamily(table);
  RegisterServerFamily(table);
  RegisterTransactionFamily(table);
  RegisterClientFamily(table);
  RegisterConfigFamily(table);
  RegisterIntrospectionFamily(table);
}

}  // namespace respd::server
