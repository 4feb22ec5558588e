#include "server/dispatch/key_specs.h"

#include "base/ascii.h"
#include "base/numbers.h"
#include "server/dispatch/command_docs.h"

namespace respd::server {
namespace {

// Looks a field up in a map node.
const DocNode* MapField(const DocNode& map, std::string_view name) {
  if (map.kind != DocNode::kMap) return nullptr;
  const auto nodes = DocNodes();
  for (uint32_t i = 0; i + 1 < map.child_count; i += 2) {
    const DocNode& key = nodes[map.first_child + i];
    if (key.text() == name) return &nodes[map.first_child + i + 1];
  }
  return nullptr;
}

int64_t IntField(const DocNode* map, std::string_view name, int64_t fallback = 0) {
  if (map == nullptr) return fallback;
  const DocNode* v = MapField(*map, name);
  return v != nullptr && v->kind == DocNode::kInteger ? v->number : fallback;
}

std::string_view TextField(const DocNode* map, std::string_view name) {
  if (map == nullptr) return {};
  const DocNode* v = MapField(*map, name);
  return v != nullptr ? v->text() : std::string_view();
}

std::vector<std::string_view> Flags(const DocNode& spec) {
  std::vector<std::string_view> out;
  const DocNode* flags = MapField(spec, "flags");
  if (flags == nullptr) return out;
  for (uint32_t i = 0; i < flags->child_count; ++i) {
    out.push_back(DocNodes()[flags->first_child + i].text());
  }
  return out;
}

// Key specs marked "variable_flags" only give the widest flags; the command
// knows the real ones from its arguments (Redis's getkeys procs).
void ApplyVariableFlags(const Command& cmd, std::span<const std::string_view> argv,
                        std::vector<KeyRef>* keys) {
  if (cmd.fullname == "set" && !keys->empty()) {
    bool get = false;
    for (size_t i = 3; i < argv.size(); ++i) get = get || base::EqualsIgnoreCase(argv[i], "get");
    (*keys)[0].flags = get ? std::vector<std::string_view>{"RW", "access", "update"}
                           : std::vector<std::string_view>{"OW", "update"};
  }
}

}  // namespace

bool CommandHasKeySpecs(const Command& cmd) {
  return cmd.doc != nullptr && DocNodes()[cmd.doc->key_specs].child_count > 0;
}

bool GetKeysFromSpecs(const Command& cmd, std::span<const std::string_view> argv,
                      std::vector<KeyRef>* keys) {
  if (cmd.doc == nullptr) return false;
  const auto nodes = DocNodes();
  const DocNode& specs = nodes[cmd.doc->key_specs];
  const int64_t argc = static_cast<int64_t>(argv.size());
  for (uint32_t s = 0; s < specs.child_count; ++s) {
    const DocNode& spec = nodes[specs.first_child + s];
    const DocNode* begin = MapField(spec, "begin_search");
    const DocNode* find = MapField(spec, "find_keys");
    const std::string_view begin_type = TextField(begin, "type");
    const DocNode* begin_spec = begin != nullptr ? MapField(*begin, "spec") : nullptr;
    int64_t first = 0;
    if (begin_type == "index") {
      first = IntField(begin_spec, "index");
    } else if (begin_type == "keyword") {
      const std::string_view keyword = TextField(begin_spec, "keyword");
      const int64_t from = IntField(begin_spec, "startfrom");
      const int64_t start = from > 0 ? from : argc + from;
      const int64_t end = from > 0 ? argc - 1 : 1;
      for (int64_t i = start; i >= 1 && i < argc; i += start <= end ? 1 : -1) {
        if (base::EqualsIgnoreCase(argv[static_cast<size_t>(i)], keyword)) {
          first = i + 1;
          break;
        }
        if (i == end) break;
      }
      if (first == 0) continue;
    } else {
      return false;  // "unknown": only the command itself knows.
    }
    const std::string_view find_type = TextField(find, "type");
    const DocNode* find_spec = find != nullptr ? MapField(*find, "spec") : nullptr;
    int64_t last, step;
    if (find_type == "range") {
      const int64_t lastkey = IntField(find_spec, "lastkey");
      const int64_t limit = IntField(find_spec, "limit");
      step = IntField(find_spec, "keystep", 1);
      if (lastkey >= 0) {
        last = first + lastkey;
      } else if (limit == 0) {
        last = argc + lastkey;
      } else {
        last = first + ((argc - first) / limit + lastkey);
      }
    } else if (find_type == "keynum") {
      const int64_t numidx = IntField(find_spec, "keynumidx");
      if (numidx >= argc - first) return false;
      int64_t numkeys;
      if (!base::ParseInt64(argv[static_cast<size_t>(first + numidx)], &numkeys) || numkeys < 0) {
        return false;
      }
      first += IntField(find_spec, "firstkey");
      last = first + numkeys - 1;
      step = IntField(find_spec, "keystep", 1);
    } else {
      return false;
    }
    if (step <= 0) step = 1;
    const std::vector<std::string_view> flags = Flags(spec);
    for (int64_t i = first; i <= last; i += step) {
      // Too few arguments for the spec: the command itself will refuse it.
      if (i >= argc || i < first) break;
      keys->push_back({static_cast<size_t>(i), flags});
    }
  }
  ApplyVariableFlags(cmd, argv, keys);
  return true;
}

}  // namespace respd::server
