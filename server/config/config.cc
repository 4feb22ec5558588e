#include "server/config/config.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "base/ascii.h"
#include "base/numbers.h"
#include "protocol/split_args.h"
#include "server/config/config_directives.h"
#include "server/config/keyspace_event_flags.h"

namespace respd::server {
namespace {

// Includes nest at most this deep: a file that includes itself is an error,
// not a stack overflow.
constexpr int kMaxIncludeDepth = 16;

std::string JoinWords(const std::vector<std::string>& words, size_t from) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) {
    if (i > from) out.push_back(' ');
    out += words[i];
  }
  return out;
}

std::vector<std::string_view> EnumWords(std::string_view values) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= values.size()) {
    size_t bar = values.find('|', start);
    if (bar == std::string_view::npos) bar = values.size();
    words.push_back(values.substr(start, bar - start));
    start = bar + 1;
  }
  return words;
}

std::string EnumError(std::string_view values) {
  std::string out = "argument(s) must be one of the following: ";
  bool first = true;
  for (std::string_view w : EnumWords(values)) {
    if (!first) out += ", ";
    out += w;
    first = false;
  }
  return out;
}

std::string RangeError(int64_t min, int64_t max) {
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
         " inclusive";
}

// Checks a single value against its directive's type; on success stores the
// CONFIG GET form in *canonical and returns "".
std::string ValidateValue(const DirectiveSpec& spec, const std::string& value,
                          std::string* canonical) {
  switch (spec.type) {
    case DirectiveType::kBool:
      if (base::EqualsIgnoreCase(value, "yes")) {
        *canonical = "yes";
      } else if (base::EqualsIgnoreCase(value, "no")) {
        *canonical = "no";
      } else {
        return "argument must be 'yes' or 'no'";
      }
      return "";
    case DirectiveType::kInt: {
      int64_t v;
      if (!base::ParseInt64(value, &v)) return "argument couldn't be parsed into an integer";
      if (v < spec.min || v > spec.max) return RangeError(spec.min, spec.max);
      *canonical = std::to_string(v);
      return "";
    }
    case DirectiveType::kPercentOrMemory:
      if (value.size() > 1 && value.back() == '%') {
        int64_t pct;
        if (base::ParseInt64(std::string_view(value).substr(0, value.size() - 1), &pct) &&
            pct >= 0) {
          if (-pct < spec.min) return RangeError(spec.min, spec.max);
          *canonical = value;
          return "";
        }
      }
      [[fallthrough]];
    case DirectiveType::kMemory: {
      std::optional<uint64_t> v = ParseMemory(value);
      if (!v) {
        return spec.type == DirectiveType::kPercentOrMemory
                   ? "argument must be a memory or percent value"
                   : "argument must be a memory value";
      }
      if (*v > static_cast<uint64_t>(spec.max) || static_cast<int64_t>(*v) < spec.min) {
        return RangeError(spec.min, spec.max);
      }
      *canonical = std::to_string(*v);
      return "";
    }
    case DirectiveType::kEnum:
      for (std::string_view w : EnumWords(spec.enum_values)) {
        if (base::EqualsIgnoreCase(value, w)) {
          *canonical = std::string(w);
          return "";
        }
      }
      return EnumError(spec.enum_values);
    case DirectiveType::kOctal: {
      int64_t v = 0;
      const char* end = value.data() + value.size();
      auto [ptr, ec] = std::from_chars(value.data(), end, v, 8);
      if (value.empty() || ec != std::errc() || ptr != end) {
        return "argument couldn't be parsed into an integer";
      }
      if (v < spec.min || v > spec.max) return RangeError(spec.min, spec.max);
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof(buf), v, 8);
      canonical->assign(buf, res.ptr);
      return "";
    }
    case DirectiveType::kString:
      *canonical = value;
      return "";
    case DirectiveType::kEnumFlags:
    case DirectiveType::kSpecial:
      break;  // Handled by the caller: they take several arguments.
  }
  return "";
}

std::string ValidateEnumFlags(const DirectiveSpec& spec, const std::vector<std::string>& args,
                              std::string* canonical) {
  std::string out;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string word;
    std::string err = ValidateValue(
        DirectiveSpec{spec.name, {}, DirectiveType::kEnum, {}, 0, 0, spec.enum_values}, args[i],
        &word);
    if (!err.empty()) return err;
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  *canonical = out;
  return "";
}

// client-output-buffer-limit <class> <hard> <soft> <seconds> [...]: each group
// replaces that class's limits in the CONFIG GET value.
std::string ApplyOutputBufferLimit(const std::vector<std::string>& args, Config* config) {
  if ((args.size() - 1) % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  struct Limit {
    std::string hard, soft, seconds;
  };
  std::map<std::string, Limit> limits;
  // Start from the current value: "normal h s sec slave h s sec pubsub h s sec".
  if (auto v = protocol::SplitArgs(config->values["client-output-buffer-limit"]); v) {
    for (size_t i = 0; i + 3 < v->size(); i += 4) {
      limits[(*v)[i]] = {(*v)[i + 1], (*v)[i + 2], (*v)[i + 3]};
    }
  }
  for (size_t i = 1; i < args.size(); i += 4) {
    std::string cls = base::AsciiLowerCopy(args[i]);
    if (cls == "replica") cls = "slave";
    if (cls != "normal" && cls != "slave" && cls != "pubsub") {
      return "Invalid client class specified in buffer limit configuration.";
    }
    std::optional<uint64_t> hard = ParseMemory(args[i + 1]);
    std::optional<uint64_t> soft = ParseMemory(args[i + 2]);
    int64_t seconds;
    if (!hard || !soft || !base::ParseInt64(args[i + 3], &seconds) || seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[cls] = {std::to_string(*hard), std::to_string(*soft), std::to_string(seconds)};
  }
  std::string out;
  for (const char* cls : {"normal", "slave", "pubsub"}) {
    const Limit& l = limits[cls];
    if (!out.empty()) out.push_back(' ');
    out += std::string(cls) + " " + l.hard + " " + l.soft + " " + l.seconds;
  }
  config->values["client-output-buffer-limit"] = out;
  return "";
}

// save <seconds> <changes> [...]: the first save line replaces the defaults,
// later ones add to it; `save ""` removes every save point.
std::string ApplySave(const std::vector<std::string>& args, Config* config) {
  std::string& value = config->values["save"];
  if (!config->save_points_set) value.clear();
  config->save_points_set = true;
  if (args.size() == 2 && args[1].empty()) {
    value.clear();
    return "";
  }
  if ((args.size() - 1) % 2 != 0) return "Invalid save parameters";
  for (size_t i = 1; i < args.size(); ++i) {
    int64_t n;
    // As Redis: seconds (odd positions) must be >= 1, changes >= 0; Redis
    // rejects "save 0 1", which was accepted here before.
    const int64_t min = (i % 2 == 1) ? 1 : 0;
    if (!base::ParseInt64(args[i], &n) || n < min) return "Invalid save parameters";
  }
  const std::string added = JoinWords(args, 1);
  value = value.empty() ? added : value + " " + added;
  return "";
}

int ToInt(const std::string& s) { return static_cast<int>(std::stoll(s)); }

// Stores an implemented directive's value in its typed field. Returns false
// for directives respd does not act on.
bool ApplyImplemented(std::string_view name, const std::vector<std::string>& args,
                      const std::string& canonical, Config* c) {
  if (name == "port") {
    c->port = ToInt(canonical);
  } else if (name == "bind") {
    c->bind.assign(args.begin() + 1, args.end());
    if (c->bind.size() == 1 && c->bind[0].empty()) c->bind.clear();
  } else if (name == "tcp-backlog") {
    c->tcp_backlog = ToInt(canonical);
  } else if (name == "timeout") {
    c->timeout = ToInt(canonical);
  } else if (name == "tcp-keepalive") {
    c->tcp_keepalive = ToInt(canonical);
  } else if (name == "daemonize") {
    c->daemonize = canonical == "yes";
  } else if (name == "pidfile") {
    c->pidfile = canonical;
  } else if (name == "loglevel") {
    c->loglevel = canonical == "debug"     ? LogLevel::kDebug
                  : canonical == "verbose" ? LogLevel::kVerbose
                  : canonical == "notice"  ? LogLevel::kNotice
                                           : LogLevel::kWarning;
  } else if (name == "logfile") {
    c->logfile = canonical;
  } else if (name == "databases") {
    c->databases = ToInt(canonical);
  } else if (name == "maxclients") {
    c->maxclients = ToInt(canonical);
  } else if (name == "requirepass") {
    c->requirepass = canonical;
  } else if (name == "dir") {
    c->dir = canonical;
  } else if (name == "hz") {
    c->hz = ToInt(canonical);
  } else if (name == "proto-max-bulk-len") {
    c->proto_max_bulk_len = std::stoll(canonical);
  } else if (name == "client-query-buffer-limit") {
    c->client_query_buffer_limit = std::stoll(canonical);
  } else if (name == "activerehashing") {
    c->activerehashing = canonical == "yes";
  } else if (name == "protected-mode") {
    c->protected_mode = canonical == "yes";
  } else if (name == "client-output-buffer-limit") {
    // The canonical form: "normal h s sec slave h s sec pubsub h s sec".
    const auto words = protocol::SplitArgs(canonical).value_or(std::vector<std::string>{});
    for (size_t i = 0; i + 3 < words.size(); i += 4) {
      const OutputBufferLimit limit{std::stoull(words[i + 1]), std::stoull(words[i + 2]),
                                    std::stoll(words[i + 3])};
      if (words[i] == "normal") c->normal_output_limit = limit;
      if (words[i] == "slave") c->replica_output_limit = limit;
      if (words[i] == "pubsub") c->pubsub_output_limit = limit;
    }
  } else if (name == "slowlog-log-slower-than") {
    c->slowlog_log_slower_than = std::stoll(canonical);
  } else if (name == "slowlog-max-len") {
    c->slowlog_max_len = std::stoll(canonical);
  } else if (name == "notify-keyspace-events") {
    // Parsed with its validation (ApplyDirective).
  } else if (name == "tracking-table-max-keys") {
    c->tracking_table_max_keys = std::stoll(canonical);
  } else if (name == "always-show-logo" || name == "supervised") {
    // Read once at startup from `values` (both are immutable).
  } else if (name == "lazyfree-lazy-user-del") {
    c->lazyfree.user_del = canonical == "yes";
  } else if (name == "lazyfree-lazy-server-del") {
    c->lazyfree.server_del = canonical == "yes";
  } else if (name == "lazyfree-lazy-expire") {
    c->lazyfree.expire = canonical == "yes";
  } else if (name == "lazyfree-lazy-user-flush") {
    c->lazyfree.user_flush = canonical == "yes";
  } else if (name == "lazyfree-lazy-eviction") {
    // Recorded for eviction (issue 17); respd evicts nothing yet.
    c->lazyfree.eviction = canonical == "yes";
    return false;
  } else {
    return false;
  }
  return true;
}

// The types' encoding thresholds, typed for store::TypeLimits. Returns
// whether `name` is one that takes effect: a limit is recorded from the
// start, but only effective once the type that reads it exists.
bool ApplyTypeLimit(std::string_view name, const std::string& canonical, Config* c) {
  static constexpr struct {
    std::string_view name;
    int64_t store::TypeLimits::*field;
    bool effective;
  } kLimits[] = {
      {"hash-max-listpack-entries", &store::TypeLimits::hash_max_listpack_entries, true},
      {"hash-max-listpack-value", &store::TypeLimits::hash_max_listpack_value, true},
      {"set-max-intset-entries", &store::TypeLimits::set_max_intset_entries, true},
      {"zset-max-listpack-entries", &store::TypeLimits::zset_max_listpack_entries, true},
      {"zset-max-listpack-value", &store::TypeLimits::zset_max_listpack_value, true},
      {"list-max-listpack-size", &store::TypeLimits::list_max_listpack_size, true},
      {"list-compress-depth", &store::TypeLimits::list_compress_depth, true},
      {"stream-node-max-bytes", &store::TypeLimits::stream_node_max_bytes, false},
      {"stream-node-max-entries", &store::TypeLimits::stream_node_max_entries, false},
      {"hll-sparse-max-bytes", &store::TypeLimits::hll_sparse_max_bytes, true},
  };
  for (const auto& limit : kLimits) {
    if (limit.name != name) continue;
    c->type_limits.*limit.field = std::stoll(canonical);
    return limit.effective;
  }
  return false;
}

// Directives that would change how respd runs but that it does not (yet)
// implement, and whose default is therefore the only behaviour: setting them
// to that default is not worth a warning. Everything else is reported.
bool IsDefault(const DirectiveSpec& spec, const std::string& canonical) {
  // No save points asks for no persistence: respd's behaviour already.
  if (spec.name == "save" && canonical.empty()) return true;
  return spec.default_value == canonical;
}

}  // namespace

Config::Config() {
  for (const DirectiveSpec& d : AllDirectives()) {
    if (d.flags & kFileOnly) continue;
    values.emplace(std::string(d.name), std::string(d.default_value));
  }
}

std::optional<uint64_t> ParseMemory(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  const std::string_view unit = s.substr(digits);
  uint64_t mul;
  if (unit.empty() || base::EqualsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (base::EqualsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (base::EqualsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (base::EqualsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (base::EqualsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (base::EqualsIgnoreCase(unit, "g")) {
    mul = 1000ULL * 1000 * 1000;
  } else if (base::EqualsIgnoreCase(unit, "gb")) {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + digits, v);
  if (ec != std::errc() || ptr != s.data() + digits) return std::nullopt;
  if (v != 0 && mul > UINT64_MAX / v) return std::nullopt;
  return v * mul;
}

std::string ApplyDirective(const std::vector<std::string>& raw_args, Config* config) {
  if (raw_args.empty()) return "";
  const DirectiveSpec* spec = FindDirective(raw_args[0]);
  if (spec == nullptr) return "Bad directive or wrong number of arguments";
  const std::string name(spec->name);

  if (spec->flags & kFileOnly) {
    if (static_cast<int64_t>(raw_args.size()) - 1 < spec->min ||
        static_cast<int64_t>(raw_args.size()) - 1 > spec->max) {
      return "Bad directive or wrong number of arguments";
    }
    if (name == "rename-command") {
      config->renamed_commands.emplace_back(raw_args[1], raw_args[2]);
    } else if (name != "include") {  // include is expanded by ApplyConfigText.
      config->ineffective.insert(name);
    }
    return "";
  }

  // A multi-argument directive given one argument holding spaces
  // ("save '3600 1 300 100'") means those words, as in Redis.
  std::vector<std::string> args = raw_args;
  if ((spec->flags & kMultiArg) && args.size() == 2 && args[1].find(' ') != std::string::npos) {
    std::vector<std::string> split{args[0]};
    std::string_view rest = args[1];
    while (!rest.empty()) {
      const size_t sp = rest.find(' ');
      const std::string_view word = rest.substr(0, sp);
      if (!word.empty()) split.emplace_back(word);
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
    args = std::move(split);
  }

  std::string canonical;
  std::string err;
  const int64_t argc = static_cast<int64_t>(args.size()) - 1;
  if (spec->type == DirectiveType::kSpecial) {
    if (argc < spec->min || argc > spec->max) return "wrong number of arguments";
    if (name == "save") {
      err = ApplySave(args, config);
      canonical = config->values[name];
    } else if (name == "client-output-buffer-limit") {
      err = ApplyOutputBufferLimit(args, config);
      canonical = config->values[name];
    } else if (name == "notify-keyspace-events") {
      const std::optional<int> flags = ParseKeyspaceEventFlags(args[1]);
      if (!flags) return std::string(kErrKeyspaceEventClass);
      config->notify_keyspace_events = *flags;
      canonical = FormatKeyspaceEventFlags(*flags);
    } else if (name == "replicaof") {
      // As Redis: "replicaof no one" is the default (CONFIG GET shows ""),
      // not a master named "no"; any other port must be 0..65535.
      if (base::EqualsIgnoreCase(args[1], "no") && base::EqualsIgnoreCase(args[2], "one")) {
        canonical = "";
      } else {
        int64_t master_port;
        if (!base::ParseInt64(args[2], &master_port) || master_port < 0 || master_port > 65535) {
          return "Invalid master port";
        }
        canonical = JoinWords(args, 1);
      }
    } else {
      if (name == "dir") {
        // Redis chdir()s here; respd checks here and chdir()s once loaded.
        struct stat st;
        if (stat(args[1].c_str(), &st) != 0) return std::strerror(errno);
        if (!S_ISDIR(st.st_mode)) return std::strerror(ENOTDIR);
      }
      canonical = JoinWords(args, 1);
    }
  } else if (spec->type == DirectiveType::kEnumFlags) {
    if (argc < 1) return "wrong number of arguments";
    err = ValidateEnumFlags(*spec, args, &canonical);
  } else {
    if (argc != 1) return "wrong number of arguments";
    err = ValidateValue(*spec, args[1], &canonical);
  }
  if (!err.empty()) return err;

  config->values[name] = canonical;
  const bool limit_effective = ApplyTypeLimit(name, canonical, config);
  if (!limit_effective && !ApplyImplemented(name, args, canonical, config)) {
    if (IsDefault(*spec, canonical)) {
      config->ineffective.erase(name);
    } else {
      config->ineffective.insert(name);
    }
  }
  return "";
}

std::optional<ConfigError> ApplyConfigText(std::string_view text, const std::string& source,
                                           Config* config, int depth) {
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_number;
    // Trim as Redis does (sdstrim with " \t\r\n").
    auto is_trim = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!line.empty() && is_trim(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_trim(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;

    auto fail = [&](std::string reason) {
      return ConfigError{source, line_number, std::string(line), std::move(reason)};
    };
    std::optional<std::vector<std::string>> args = protocol::SplitArgs(line);
    if (!args) return fail("Unbalanced quotes in configuration line");
    if (args->empty()) continue;
    (*args)[0] = base::AsciiLowerCopy((*args)[0]);

    if ((*args)[0] == "include" && args->size() == 2) {
      if (depth >= kMaxIncludeDepth) return fail("Too many nested includes");
      if (auto err = ApplyConfigFile((*args)[1], config, depth + 1)) return err;
      continue;
    }
    std::string reason = ApplyDirective(*args, config);
    if (!reason.empty()) return fail(std::move(reason));
  }
  return std::nullopt;
}

namespace {

// The whole of `path` ("-": standard input), or nullopt with errno set.
// Plain read(2): std::cin would bring iostream's static initialisation
// (locales, eight stream objects) into every start, ~5% of its page faults.
std::optional<std::string> ReadConfigFile(const std::string& path) {
  const int fd = path == "-" ? STDIN_FILENO : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buf[16384];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      // A directory opens and reads as nothing, as with redis-server's
      // fopen/fgets: an empty config, not an error.
      if (errno == EISDIR) break;
      const int saved = errno;
      if (fd != STDIN_FILENO) close(fd);
      errno = saved;
      return std::nullopt;
    }
    content.append(buf, static_cast<size_t>(n));
  }
  if (fd != STDIN_FILENO) close(fd);
  return content;
}

std::optional<ConfigError> ApplyOneConfigFile(const std::string& path, Config* config, int depth) {
  const std::optional<std::string> content = ReadConfigFile(path);
  if (!content) {
    return ConfigError{
        path, 0, "", "Fatal error, can't open config file '" + path + "': " + std::strerror(errno)};
  }
  return ApplyConfigText(*content, path, config, depth);
}

}  // namespace

std::optional<ConfigError> ApplyConfigFile(const std::string& path, Config* config, int depth) {
  // As Redis 7.0: a name with a wildcard is a glob pattern, its matches are
  // read in order, and no match is not an error (so an empty conf.d
  // directory can be included). Without this, "include /etc/redis/conf.d/*.conf"
  // failed with "can't open config file".
  if (path == "-" || path.find_first_of("*?[") == std::string::npos) {
    return ApplyOneConfigFile(path, config, depth);
  }
  glob_t matches;
  if (glob(path.c_str(), 0, nullptr, &matches) != 0) return std::nullopt;
  std::optional<ConfigError> err;
  for (size_t i = 0; i < matches.gl_pathc && !err; ++i) {
    err = ApplyOneConfigFile(matches.gl_pathv[i], config, depth);
  }
  globfree(&matches);
  return err;
}

CommandLine ParseCommandLine(int argc, const char* const* argv) {
  CommandLine cl;
  int j = 1;
  if (argc >= 2) {
    const std::string_view first = argv[1];
    if (first == "-v" || first == "--version") {
      cl.show_version = true;
      return cl;
    }
    if (first == "-h" || first == "--help") {
      cl.show_help = true;
      return cl;
    }
    // The first argument is the config file unless it is an option.
    if (first.empty() || first[0] != '-' || first == "-") {
      cl.config_file = argv[1];
      j = 2;
    }
  }
  // As redis-server: "--name" starts a directive, the following arguments
  // are its values (quoted so spaces survive), "--name value" in one
  // argument is a whole line. A bare "--save" means save "".
  bool last_was_complete = true;
  bool config_from_stdin = false;
  for (; j < argc; ++j) {
    const std::string_view arg = argv[j];
    // As redis-server: "-" as the last argument reads configuration from
    // standard input, after the file and before the options (the usage text
    // shows `respd /etc/myredis.conf --loglevel verbose -`); it used to be
    // taken as a value. Expanded below as an `include -` line.
    if (arg == "-" && j == argc - 1) {
      config_from_stdin = true;
      continue;
    }
    if (last_was_complete && arg.size() >= 2 && arg[0] == '-' && arg[1] == '-') {
      if (!cl.options.empty()) cl.options += "\n";
      cl.options += arg.substr(2);
      cl.options += " ";
      auto words = protocol::SplitArgs(arg);
      if (words && words->size() == 1) {
        last_was_complete = false;
        const bool next_is_option = j + 1 < argc && std::string_view(argv[j + 1]).starts_with("--");
        if (base::EqualsIgnoreCase(arg, "--save") && (j + 1 == argc || next_is_option)) {
          cl.options += "\"\"";
          last_was_complete = true;
        }
      } else {
        last_was_complete = true;
      }
    } else {
      // A value: quote it the way sdscatrepr would, so SplitArgs gets it back.
      std::string quoted = "\"";
      for (unsigned char c : arg) {
        if (c == '\\' || c == '"') {
          quoted.push_back('\\');
          quoted.push_back(static_cast<char>(c));
        } else if (c == '\n') {
          quoted += "\\n";
        } else if (c == '\r') {
          quoted += "\\r";
        } else if (c == '\t') {
          quoted += "\\t";
        } else if (c < 32 || c >= 127) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          quoted += hex;
        } else {
          quoted.push_back(static_cast<char>(c));
        }
      }
      quoted += "\" ";
      if (cl.options.empty()) {
        cl.error = "Invalid argument '" + std::string(arg) + "'";
        return cl;
      }
      cl.options += quoted;
      last_was_complete = true;
    }
  }
  if (config_from_stdin) cl.options = "include -" + (cl.options.empty() ? "" : "\n" + cl.options);
  return cl;
}

std::optional<ConfigError> LoadConfig(const CommandLine& cl, Config* config) {
  if (!cl.config_file.empty()) {
    if (auto err = ApplyConfigFile(cl.config_file, config)) return err;
  }
  if (!cl.options.empty()) {
    if (auto err = ApplyConfigText(cl.options, "command line", config)) return err;
  }
  return std::nullopt;
}

}  // namespace respd::server
