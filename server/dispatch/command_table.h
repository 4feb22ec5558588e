// The command table: every command respd serves is one CommandSpec line —
// its name and handler — joined to Redis 7.0.15's generated row for it
// (arity, flags, key positions, ACL categories), and nothing else decides how
// a command is dispatched. COMMAND, COMMAND COUNT, INFO, DOCS and LIST are
// answered from the same table, so what clients are told can never drift from
// what is served.
//
// Container commands (COMMAND, CONFIG, CLIENT, …) carry their subcommands as
// a nested table; a subcommand's full name is "parent|sub", which is how Redis
// 7.0 names it in errors ("wrong number of arguments for 'command|count'").
//
// Descriptive metadata that dispatch never reads (key specifications, tips,
// and the COMMAND DOCS text and argument trees) lives in command_docs.h,
// matched to the table by full name.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/dispatch/command_docs.h"

namespace respd::server {

struct CommandContext;
using CommandHandler = void (*)(CommandContext& ctx);

// Command flags, in the order COMMAND INFO lists them (Redis's order).
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadOnly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdModule = 1u << 3,
  kCmdAdmin = 1u << 4,
  kCmdPubSub = 1u << 5,
  kCmdNoScript = 1u << 6,
  kCmdBlocking = 1u << 7,
  kCmdLoading = 1u << 8,
  kCmdStale = 1u << 9,
  kCmdSkipMonitor = 1u << 10,
  kCmdSkipSlowlog = 1u << 11,
  kCmdAsking = 1u << 12,
  kCmdFast = 1u << 13,
  kCmdNoAuth = 1u << 14,
  kCmdNoMandatoryKeys = 1u << 15,
  kCmdNoAsyncLoading = 1u << 16,
  kCmdNoMulti = 1u << 17,
  kCmdMovableKeys = 1u << 18,
  kCmdAllowBusy = 1u << 19,
  // Not shown by COMMAND INFO (Redis hides these too).
  kCmdMayReplicate = 1u << 24,
  kCmdProtected = 1u << 25,
  // respd's own: runs at once inside MULTI instead of being queued (MULTI,
  // EXEC, DISCARD, WATCH, QUIT, RESET).
  kCmdTransactionControl = 1u << 30,
};

// The flag names, index i naming bit i (for COMMAND INFO).
std::span<const std::string_view> CommandFlagNames();

// ACL categories, in the order COMMAND INFO lists them (Redis's order).
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclSet = 1u << 3,
  kAclSortedSet = 1u << 4,
  kAclList = 1u << 5,
  kAclHash = 1u << 6,
  kAclString = 1u << 7,
  kAclBitmap = 1u << 8,
  kAclHyperLogLog = 1u << 9,
  kAclGeo = 1u << 10,
  kAclStream = 1u << 11,
  kAclPubSub = 1u << 12,
  kAclAdmin = 1u << 13,
  kAclFast = 1u << 14,
  kAclSlow = 1u << 15,
  kAclBlocking = 1u << 16,
  kAclDangerous = 1u << 17,
  kAclConnection = 1u << 18,
  kAclTransaction = 1u << 19,
  kAclScripting = 1u << 20,
};

// "keyspace", "read", … index i naming bit i.
std::span<const std::string_view> AclCategoryNames();

// What a family writes for a command: its name and handler. Arity, flags,
// key positions and ACL categories are not typed here: the table takes them
// from Redis 7.0.15's generated row for the command's full name
// (command_docs.h), so a row can never drift from Redis's.
struct CommandSpec {
  std::string_view name;   // Lower case.
  CommandHandler handler;  // Null only for containers called without a subcommand.
  // respd's flags that COMMAND INFO never shows (kCmdProtected,
  // kCmdMayReplicate, kCmdTransactionControl), added to Redis's.
  uint32_t hidden_flags = 0;
  std::span<const CommandSpec> subcommands = {};
  // Only for a command Redis 7.0 does not have, so there is no generated
  // row: its own (CLIENT SETINFO and NO-TOUCH, which 7.2 clients send).
  const CommandInfo* own_info = nullptr;
};

// The flags COMMAND INFO shows: everything below bit 24.
inline constexpr uint32_t kVisibleCommandFlags = (1u << 24) - 1;

// A command as the table serves it: its spec, Redis's row for it, and what
// the server counts at run time.
struct Command {
  const CommandSpec* spec;
  std::string fullname;   // "get", "command|count".
  const Command* parent;  // Null for top-level commands.
  const CommandDoc* doc;  // Null for a command with own_info.
  // Redis's row (or the spec's own_info), with hidden_flags added to flags.
  int arity;  // Including the name; negative means "at least -arity".
  uint32_t flags;
  int first_key;
  int last_key;
  int key_step;
  uint32_t acl_categories;
  std::vector<std::unique_ptr<Command>> subcommands;
  // INFO commandstats.
  mutable uint64_t calls = 0;
  mutable uint64_t microseconds = 0;
  mutable uint64_t rejected_calls = 0;
  mutable uint64_t failed_calls = 0;

  bool IsContainer() const { return !subcommands.empty(); }
  const Command* FindSubcommand(std::string_view name) const;
  bool ArityOk(size_t argc) const {
    return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
  }
};

class CommandTable {
 public:
  CommandTable();
  ~CommandTable();
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  // Serves `spec` (and its subcommands). A spec without own_info must name a
  // command Redis 7.0 has, and one with own_info one it lacks: anything else
  // is a broken invariant and aborts at startup.
  void Add(const CommandSpec& spec);
  void Add(std::span<const CommandSpec> specs) {
    for (const CommandSpec& s : specs) Add(s);
  }

  // rename-command: serves `from` as `to` from now on, or removes it when
  // `to` is empty. False if `from` is unknown or `to` is taken.
  bool Rename(std::string_view from, std::string_view to);

  // Case-insensitive lookup of a top-level command; no allocation.
  const Command* Find(std::string_view name) const;
  // What the dispatcher runs for argv, as Redis's lookupCommand: the base
  // command, or for a container called with arguments, its subcommand (null
  // if the container has no such subcommand).
  const Command* Lookup(std::span<const std::string_view> argv) const;

  size_t size() const { return commands_.size(); }
  // Top-level commands in registration order.
  const std::vector<std::unique_ptr<Command>>& commands() const { return commands_; }

 private:
  void Rehash(size_t capacity);

  std::vector<std::unique_ptr<Command>> commands_;
  // Open addressing over commands_, keyed by a case-folding hash of the name.
  std::vector<const Command*> slots_;
};

}  // namespace respd::server
