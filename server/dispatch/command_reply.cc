#include "server/dispatch/command_reply.h"

#include <bit>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "server/dispatch/command_docs.h"

namespace respd::server {
namespace {

// Bits 20..23 are unused; 24 and 25 (may_replicate, protected) are hidden, as
// Redis hides them.
constexpr std::string_view kFlagNames[] = {
    "write",              // kCmdWrite
    "readonly",           // kCmdReadOnly
    "denyoom",            // kCmdDenyOom
    "module",             // kCmdModule
    "admin",              // kCmdAdmin
    "pubsub",             // kCmdPubSub
    "noscript",           // kCmdNoScript
    "blocking",           // kCmdBlocking
    "loading",            // kCmdLoading
    "stale",              // kCmdStale
    "skip_monitor",       // kCmdSkipMonitor
    "skip_slowlog",       // kCmdSkipSlowlog
    "asking",             // kCmdAsking
    "fast",               // kCmdFast
    "no_auth",            // kCmdNoAuth
    "no_mandatory_keys",  // kCmdNoMandatoryKeys
    "no_async_loading",   // kCmdNoAsyncLoading
    "no_multi",           // kCmdNoMulti
    "movablekeys",        // kCmdMovableKeys
    "allow_busy",         // kCmdAllowBusy
    "",
    "",
    "",
    "",
    "",  // kCmdMayReplicate
    "",  // kCmdProtected
};
static_assert(std::size(kFlagNames) == std::bit_width(static_cast<uint32_t>(kCmdProtected)));

constexpr std::string_view kAclCategoryNames[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};
static_assert(std::size(kAclCategoryNames) == std::bit_width(static_cast<uint32_t>(kAclScripting)));

// A set of simple strings: the names of the bits of `bits` that have one,
// each after `prefix`.
void ReplyNameSet(uint32_t bits, std::span<const std::string_view> names, std::string_view prefix,
                  protocol::ReplyBuilder& reply) {
  size_t count = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (((bits >> i) & 1u) != 0 && !names[i].empty()) ++count;
  }
  reply.SetHeader(count);
  std::string name;
  for (size_t i = 0; i < names.size(); ++i) {
    if (((bits >> i) & 1u) == 0 || names[i].empty()) continue;
    name.assign(prefix);
    name.append(names[i]);
    reply.SimpleString(name);
  }
}

}  // namespace

std::span<const std::string_view> CommandFlagNames() { return kFlagNames; }

std::span<const std::string_view> AclCategoryNames() { return kAclCategoryNames; }

void ReplyDocNode(uint32_t index, protocol::ReplyBuilder& reply) {
  const DocNode& node = DocNodes()[index];
  switch (node.kind) {
    case DocNode::kMap:
      reply.MapHeader(node.child_count / 2);
      break;
    case DocNode::kArray:
      reply.ArrayHeader(node.child_count);
      break;
    case DocNode::kSet:
      reply.SetHeader(node.child_count);
      break;
    case DocNode::kBulk:
      reply.Bulk(node.text());
      return;
    case DocNode::kStatus:
      reply.SimpleString(node.text());
      return;
    case DocNode::kInteger:
      reply.Integer(node.number);
      return;
  }
  for (uint32_t i = 0; i < node.child_count; ++i) ReplyDocNode(node.first_child + i, reply);
}

void ReplyCommandInfo(const Command& cmd, protocol::ReplyBuilder& reply) {
  reply.ArrayHeader(10);
  reply.Bulk(cmd.fullname);
  reply.Integer(cmd.arity);
  ReplyNameSet(cmd.flags & kVisibleCommandFlags, CommandFlagNames(), "", reply);
  reply.Integer(cmd.first_key);
  reply.Integer(cmd.last_key);
  reply.Integer(cmd.key_step);
  ReplyNameSet(cmd.acl_categories, AclCategoryNames(), "@", reply);
  if (cmd.doc != nullptr) {
    ReplyDocNode(cmd.doc->tips, reply);
    ReplyDocNode(cmd.doc->key_specs, reply);
  } else {
    reply.SetHeader(0);
    reply.SetHeader(0);
  }
  // Redis sends an empty set for a command without subcommands but an array
  // of them otherwise.
  if (cmd.subcommands.empty()) {
    reply.SetHeader(0);
    return;
  }
  reply.ArrayHeader(cmd.subcommands.size());
  for (const auto& sub : cmd.subcommands) ReplyCommandInfo(*sub, reply);
}

void ReplyCommandDocs(const Command& cmd, protocol::ReplyBuilder& reply) {
  const bool has_subcommands = !cmd.subcommands.empty();
  size_t fields = has_subcommands ? 1 : 0;
  const DocNode* docs = nullptr;
  if (cmd.doc != nullptr) {
    docs = &DocNodes()[cmd.doc->docs];
    fields += docs->child_count / 2;
  }
  reply.MapHeader(fields);
  if (docs != nullptr) {
    for (uint32_t i = 0; i < docs->child_count; ++i) ReplyDocNode(docs->first_child + i, reply);
  }
  if (!has_subcommands) return;
  reply.Bulk("subcommands");
  reply.MapHeader(cmd.subcommands.size());
  for (const auto& sub : cmd.subcommands) {
    reply.Bulk(sub->fullname);
    ReplyCommandDocs(*sub, reply);
  }
}

}  // namespace respd::server
