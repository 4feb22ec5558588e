// The replies of the COMMAND family for one command, as Redis 7.0 sends them:
// a COMMAND INFO entry and a COMMAND DOCS map, built from the command table
// (command_table.h) and the generated metadata (command_docs.h).
#pragma once

#include <cstdint>

#include "protocol/reply_builder.h"
#include "server/dispatch/command_table.h"

namespace respd::server {

// Writes the generated node `index` and its subtree (command_docs.h).
void ReplyDocNode(uint32_t index, protocol::ReplyBuilder& reply);

// The 10-element COMMAND INFO entry of `cmd`: name, arity, flags, first key,
// last key, step, ACL categories, tips, key specs, subcommands (recursively).
void ReplyCommandInfo(const Command& cmd, protocol::ReplyBuilder& reply);

// The COMMAND DOCS map of `cmd` (the value under its name): the generated
// fields, then "subcommands" mapping each subcommand's full name to its docs
// if `cmd` has any. A command without generated docs gets only that field.
void ReplyCommandDocs(const Command& cmd, protocol::ReplyBuilder& reply);

}  // namespace respd::server
