// The served command table against Redis 7.0.15's own rows (the generated
// command docs, which CI regenerates from redis-server and diffs): every
// command and subcommand respd serves must carry exactly Redis's arity,
// flags, key positions and ACL categories, so a row can never drift.
#include "server/dispatch/command_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/commands/families.h"
#include "server/dispatch/command_docs.h"

namespace respd::server {
namespace {

// Walks every served command and subcommand.
template <typename Fn>
void ForEachServed(const CommandTable& table, Fn&& fn) {
  for (const auto& cmd : table.commands()) {
    fn(*cmd);
    for (const auto& sub : cmd->subcommands) fn(*sub);
  }
}

TEST(CommandTable, EveryServedRowIsRedisRow) {
  CommandTable table;
  RegisterAllCommands(table);
  size_t served = 0, compared = 0;
  ForEachServed(table, [&](const Command& cmd) {
    SCOPED_TRACE(cmd.fullname);
    ++served;
    if (cmd.spec->own_info != nullptr) return;
    const CommandDoc* doc = FindCommandDoc(cmd.fullname);
    ASSERT_NE(doc, nullptr);
    EXPECT_EQ(cmd.doc, doc);
    EXPECT_EQ(cmd.arity, doc->info.arity);
    EXPECT_EQ(cmd.flags & kVisibleCommandFlags, doc->info.flags);
    EXPECT_EQ(cmd.first_key, doc->info.first_key);
    EXPECT_EQ(cmd.last_key, doc->info.last_key);
    EXPECT_EQ(cmd.key_step, doc->info.key_step);
    EXPECT_EQ(cmd.acl_categories, doc->info.acl_categories);
    ++compared;
  });
  // Every row but the two 7.2 subcommands was compared, and there are many.
  EXPECT_EQ(compared + 2, served);
  EXPECT_GT(served, 100u);
}

TEST(CommandTable, HiddenFlagsAreOnlyRespdBits) {
  CommandTable table;
  RegisterAllCommands(table);
  ForEachServed(table, [](const Command& cmd) {
    SCOPED_TRACE(cmd.fullname);
    EXPECT_EQ(cmd.spec->hidden_flags & kVisibleCommandFlags, 0u);
    EXPECT_EQ(cmd.flags & ~kVisibleCommandFlags, cmd.spec->hidden_flags);
  });
}

TEST(CommandTable, OwnRowsOnlyForCommandsRedis70Lacks) {
  CommandTable table;
  RegisterAllCommands(table);
  std::set<std::string> own;
  ForEachServed(table, [&](const Command& cmd) {
    if (cmd.spec->own_info == nullptr) return;
    own.insert(cmd.fullname);
    EXPECT_EQ(FindCommandDoc(cmd.fullname), nullptr) << cmd.fullname;
    EXPECT_EQ(cmd.arity, cmd.spec->own_info->arity);
  });
  EXPECT_EQ(own, (std::set<std::string>{"client|no-touch", "client|setinfo"}));
}

TEST(CommandTable, GeneratedRowsUseOnlyFlagsCommandInfoShows) {
  for (const CommandDoc& doc : CommandDocs()) {
    EXPECT_EQ(doc.info.flags & ~kVisibleCommandFlags, 0u) << doc.fullname();
    EXPECT_NE(doc.info.arity, 0) << doc.fullname();
  }
  // Redis 7.0.15 has 366 commands and subcommands, all generated.
  EXPECT_EQ(CommandDocs().size(), 366u);
}

TEST(CommandTable, RowComesFromRedisNotFromTheFamily) {
  // A one-line spec gets Redis's whole row.
  static constexpr CommandSpec kGet[] = {{.name = "get", .handler = nullptr}};
  CommandTable table;
  table.Add(kGet);
  const Command* get = table.Find("GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->arity, 2);
  EXPECT_EQ(get->flags, kCmdReadOnly | kCmdFast);
  EXPECT_EQ(get->first_key, 1);
  EXPECT_EQ(get->last_key, 1);
  EXPECT_EQ(get->key_step, 1);
  EXPECT_EQ(get->acl_categories, kAclRead | kAclString | kAclFast);
}

TEST(CommandTableDeathTest, UnknownCommandWithoutOwnRowAborts) {
  static constexpr CommandSpec kBogus[] = {{.name = "no-such-command", .handler = nullptr}};
  EXPECT_DEATH(
      {
        CommandTable table;
        table.Add(kBogus);
      },
      "not a Redis 7.0 command");
}

TEST(CommandTableDeathTest, TypedRowForRedisCommandAborts) {
  static constexpr CommandInfo kTyped = {2, kCmdReadOnly, 1, 1, 1, kAclRead};
  static constexpr CommandSpec kGet[] = {{.name = "get", .handler = nullptr, .own_info = &kTyped}};
  EXPECT_DEATH(
      {
        CommandTable table;
        table.Add(kGet);
      },
      "must not be typed");
}

}  // namespace
}  // namespace respd::server
