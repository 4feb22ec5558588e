// Redis 7.0.15's data about every command and subcommand, generated
// (tools/gen_command_docs.py) from its COMMAND INFO and COMMAND DOCS replies,
// never typed by hand:
//
//   - the table row the dispatcher obeys (CommandInfo: arity, flags, legacy
//     key positions, ACL categories), which command_table.cc attaches to each
//     command a family serves, by full name;
//   - descriptive metadata dispatch never reads: COMMAND INFO's tips and key
//     specifications, and COMMAND DOCS's summary, since, group, complexity,
//     history and argument tree, as a flat array of nodes forming small
//     trees. A tree is written out with ReplyBuilder, so maps come out as
//     RESP3 maps or RESP2 flat arrays exactly as Redis sends them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace respd::server {

// What COMMAND INFO says of a command besides its tips and key specs, and
// what dispatch obeys. `flags` and `acl_categories` are CommandFlag and
// AclCategory bits (command_table.h).
struct CommandInfo {
  int32_t arity;  // Including the name; negative means "at least -arity".
  uint32_t flags;
  int32_t first_key;  // Legacy key positions, as COMMAND INFO reports them.
  int32_t last_key;
  int32_t key_step;
  uint32_t acl_categories;
};

struct DocNode {
  enum Kind : uint8_t {
    kMap,  // children are key, value, key, value…
    kArray,
    kSet,      // an array Redis sends as a RESP3 set (`~`): flags, tips, key specs
    kBulk,     // a bulk string (`text`)
    kStatus,   // a simple string (`text`), as key-spec flags are sent
    kInteger,  // `number`
  };
  Kind kind;
  int32_t number;  // kInteger (key-spec indexes and steps: small).
  // kBulk and kStatus: where text() lies in the generated text pool. The
  // tables hold offsets, not pointers, so they need no relocation when the
  // binary loads and their pages are only read in when a command asks.
  uint32_t text_offset;
  uint32_t text_size;
  uint32_t first_child;  // Containers: index into the node array.
  uint32_t child_count;

  std::string_view text() const;
};

struct CommandDoc {
  uint32_t name_offset;  // fullname() in the text pool.
  uint32_t name_size;
  // Node indexes of: the tips array, the key-specs array (COMMAND INFO), and
  // the docs map without its "subcommands" field (COMMAND DOCS), which the
  // server adds from the table so only implemented subcommands appear.
  uint32_t tips;
  uint32_t key_specs;
  uint32_t docs;
  CommandInfo info;

  std::string_view fullname() const;  // "get", "client|list".
};

// All generated metadata: the node array and one CommandDoc per command,
// sorted by fullname.
std::span<const DocNode> DocNodes();
std::span<const CommandDoc> CommandDocs();
// The metadata of `fullname` (lower case), or nullptr.
const CommandDoc* FindCommandDoc(std::string_view fullname);

}  // namespace respd::server
