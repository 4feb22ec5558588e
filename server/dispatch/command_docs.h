// Descriptive command metadata that dispatch never reads: COMMAND INFO's tips
// and key specifications, and COMMAND DOCS's summary, since, group,
// complexity, history and argument tree.
//
// The data is generated (tools/gen_command_docs.py) from Redis 7.0's own
// documentation of each command respd implements, as a flat array of nodes
// forming small trees; command_table.cc attaches each tree to its command by
// full name. A tree is written out with ReplyBuilder, so maps come out as
// RESP3 maps or RESP2 flat arrays exactly as Redis sends them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace respd::server {

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

  std::string_view fullname() const;  // "get", "client|list".
};

// All generated metadata: the node array and one CommandDoc per command,
// sorted by fullname.
std::span<const DocNode> DocNodes();
std::span<const CommandDoc> CommandDocs();
// The metadata of `fullname` (lower case), or nullptr.
const CommandDoc* FindCommandDoc(std::string_view fullname);

}  // namespace respd::server
