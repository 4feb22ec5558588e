#include "server/commands/families.h"

namespace respd::server {
namespace {

// Every family respd serves, the one list of them.
constexpr std::span<const CommandSpec> (*kFamilies[])() = {
    &StringCommands,        &ListCommands,        &HashCommands,          &SetCommands,
    &ZSetCommands,          &ZSetAlgebraCommands, &SortCommands,          &GeoCommands,
    &GeoSearchCommands,     &BitmapCommands,      &HyperLogLogCommands,   &StreamCommands,
    &StreamReadCommands,    &StreamGroupCommands, &StreamPendingCommands, &StreamInfoCommands,
    &KeyspaceCommands,      &ConnectionCommands,  &ServerCommands,        &TransactionCommands,
    &PubSubCommands,        &ClientCommands,      &ConfigCommands,        &PersistenceCommands,
    &IntrospectionCommands, &MemoryCommands,      &ScriptingCommands,     &DebugCommands,
};

}  // namespace

void RegisterAllCommands(CommandTable& table) {
  for (auto family : kFamilies) table.Add(family());
}

}  // namespace respd::server
