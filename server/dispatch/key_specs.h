// Key specifications, read from a command's generated COMMAND INFO metadata
// (command_docs.h) and applied to an argument vector: which arguments are
// keys, and with which access flags. This is how Redis 7 answers COMMAND
// GETKEYS and GETKEYSANDFLAGS, so respd answers from the same specs.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "server/dispatch/command_table.h"

namespace respd::server {

struct KeyRef {
  size_t index;                         // Position in argv.
  std::vector<std::string_view> flags;  // "RO", "access", … (spec order).
};

// The keys of `argv` (argv[0] is the command name) by `cmd`'s key specs.
// Returns false when the arguments do not fit the specs (e.g. a numkeys
// argument that is not a number), as Redis's getKeysFromCommandWithSpecs.
bool GetKeysFromSpecs(const Command& cmd, std::span<const std::string_view> argv,
                      std::vector<KeyRef>* keys);

// Whether `cmd` has any key spec at all ("The command has no key arguments").
bool CommandHasKeySpecs(const Command& cmd);

}  // namespace respd::server
