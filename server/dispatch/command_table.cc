#include "server/dispatch/command_table.h"

#include <cstdio>
#include <cstdlib>

#include "base/ascii.h"
#include "server/dispatch/command_docs.h"

namespace respd::server {
namespace {

// FNV-1a over the lower-cased name: lookups hash argv[0] as sent, without
// building a lower-case copy.
uint64_t HashName(std::string_view name) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(base::AsciiLower(c));
    h *= 1099511628211ULL;
  }
  return h;
}

std::unique_ptr<Command> MakeCommand(const CommandSpec& spec, const Command* parent) {
  auto cmd = std::make_unique<Command>();
  cmd->spec = &spec;
  cmd->parent = parent;
  cmd->fullname =
      parent != nullptr ? parent->fullname + "|" + std::string(spec.name) : std::string(spec.name);
  cmd->doc = FindCommandDoc(cmd->fullname);
  if ((cmd->doc == nullptr) == (spec.own_info == nullptr)) {
    std::fprintf(stderr, "command table: '%s' %s\n", cmd->fullname.c_str(),
                 spec.own_info == nullptr ? "is not a Redis 7.0 command and has no own_info"
                                          : "is a Redis 7.0 command: its row must not be typed");
    std::abort();
  }
  const CommandInfo& info = cmd->doc != nullptr ? cmd->doc->info : *spec.own_info;
  cmd->arity = info.arity;
  cmd->flags = info.flags | spec.hidden_flags;
  cmd->first_key = info.first_key;
  cmd->last_key = info.last_key;
  cmd->key_step = info.key_step;
  cmd->acl_categories = info.acl_categories;
  for (const CommandSpec& sub : spec.subcommands) {
    cmd->subcommands.push_back(MakeCommand(sub, cmd.get()));
  }
  return cmd;
}

}  // namespace

const Command* Command::FindSubcommand(std::string_view name) const {
  for (const auto& sub : subcommands) {
    if (base::EqualsIgnoreCase(sub->spec->name, name)) return sub.get();
  }
  return nullptr;
}

CommandTable::CommandTable() { Rehash(512); }

CommandTable::~CommandTable() = default;

void CommandTable::Rehash(size_t capacity) {
  slots_.assign(capacity, nullptr);
  for (const auto& cmd : commands_) {
    size_t i = HashName(cmd->fullname) & (capacity - 1);
    while (slots_[i] != nullptr) i = (i + 1) & (capacity - 1);
    slots_[i] = cmd.get();
  }
}

void CommandTable::Add(const CommandSpec& spec) {
  commands_.push_back(MakeCommand(spec, nullptr));
  // Keep the table at most half full so probes stay short.
  if (commands_.size() * 2 > slots_.size()) {
    Rehash(slots_.size() * 2);
  } else {
    const Command* cmd = commands_.back().get();
    size_t i = HashName(cmd->fullname) & (slots_.size() - 1);
    while (slots_[i] != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = cmd;
  }
}

bool CommandTable::Rename(std::string_view from, std::string_view to) {
  for (size_t k = 0; k < commands_.size(); ++k) {
    if (!base::EqualsIgnoreCase(commands_[k]->fullname, from)) continue;
    if (to.empty()) {
      commands_.erase(commands_.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      if (Find(to) != nullptr) return false;
      commands_[k]->fullname = base::AsciiLowerCopy(to);
    }
    Rehash(slots_.size());
    return true;
  }
  return false;
}

const Command* CommandTable::Find(std::string_view name) const {
  const size_t mask = slots_.size() - 1;
  size_t i = HashName(name) & mask;
  while (const Command* cmd = slots_[i]) {
    if (base::EqualsIgnoreCase(cmd->fullname, name)) return cmd;
    i = (i + 1) & mask;
  }
  return nullptr;
}

const Command* CommandTable::Lookup(std::span<const std::string_view> argv) const {
  const Command* base = Find(argv[0]);
  if (base == nullptr || argv.size() == 1 || !base->IsContainer()) return base;
  return base->FindSubcommand(argv[1]);
}

}  // namespace respd::server
