// Configuration: redis.conf syntax, `--directive value` arguments, and the
// values of every directive for CONFIG GET.
//
// Loading follows redis-server: the config file first (with `include`s
// expanded where they appear), then the command-line directives, later lines
// winning. Every line is split like Redis splits it (quotes, escapes),
// directive names are case-insensitive, and each value is checked against the
// directive table (server/config_directives.h). The directives respd
// implements are also stored typed in Config's fields; the rest are accepted,
// kept for CONFIG GET, and listed in `ineffective` so the server can say once
// that they have no effect.
//
// Loading never logs, exits or changes the process (no chdir): errors come
// back as a ConfigError for main() to print the way Redis does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/lazy_free_policy.h"
#include "store/type_limits.h"

namespace respd::server {

enum class LogLevel : uint8_t { kDebug, kVerbose, kNotice, kWarning };

// One class's client-output-buffer-limit: a client whose pending replies
// reach `hard` bytes, or stay at or above `soft` bytes for `soft_seconds`,
// is closed. Zero disables a limit.
struct OutputBufferLimit {
  uint64_t hard = 0;
  uint64_t soft = 0;
  int64_t soft_seconds = 0;
};

struct Config {
  // Implemented directives, typed. Defaults are Redis 7.0's.
  int port = 6379;
  std::vector<std::string> bind = {"*", "-::*"};
  int tcp_backlog = 511;
  int timeout = 0;  // Seconds a client may idle; 0 = forever.
  int tcp_keepalive = 300;
  bool daemonize = false;
  std::string pidfile;
  LogLevel loglevel = LogLevel::kNotice;
  std::string logfile;  // "" = standard output.
  int databases = 16;
  // notify-keyspace-events, as KeyspaceEventFlag bits (0: off).
  int notify_keyspace_events = 0;
  int64_t tracking_table_max_keys = 1000000;  // 0: no limit.
  int maxclients = 10000;
  std::string requirepass;
  std::string dir;  // "" = stay where started.
  int hz = 10;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  bool activerehashing = true;
  bool protected_mode = true;
  // client-output-buffer-limit, by class (Redis's defaults).
  OutputBufferLimit normal_output_limit{};
  OutputBufferLimit replica_output_limit{256ULL << 20, 64ULL << 20, 60};
  OutputBufferLimit pubsub_output_limit{32ULL << 20, 8ULL << 20, 60};
  int64_t slowlog_log_slower_than = 10000;  // Microseconds; negative = off.
  int64_t slowlog_max_len = 128;
  // lazyfree-lazy-user-del, -server-del, -expire, -user-flush, -eviction.
  store::LazyFreePolicy lazyfree;
  // The types' encoding thresholds (hash-max-listpack-entries, …, with their
  // -ziplist- aliases). Kept typed so the types read them and CONFIG SET
  // changes them; reported as having no effect until a type uses them.
  store::TypeLimits type_limits;
  // rename-command lines in order: (old, new); new "" disables the command.
  std::vector<std::pair<std::string, std::string>> renamed_commands;

  // The config file's absolute path ("" if started without one), for INFO
  // and CONFIG REWRITE.
  std::string config_file;

  // The CONFIG GET value of every directive, by canonical name.
  std::map<std::string, std::string, std::less<>> values;
  // Directives set to something other than their default that respd does
  // not act on (so the server can say so once).
  std::set<std::string, std::less<>> ineffective;
  // Loading state: a `save` line was read, so later ones add to it rather
  // than replace the defaults.
  bool save_points_set = false;

  Config();
  // The effective hz: Redis clamps it to [1, 500].
  int EffectiveHz() const { return hz < 1 ? 1 : (hz > 500 ? 500 : hz); }
};

struct ConfigError {
  std::string source;   // The file name, or "command line".
  int line_number = 0;  // 1-based within `source`; 0 if not about a line.
  std::string line;     // The offending line as read.
  std::string reason;   // Redis's text: "argument must be 'yes' or 'no'"…
};

// Applies one directive (args[0] is its name) to *config. Returns the error
// text, or "" on success. `source_dir` is unused for now; include paths are
// taken relative to the working directory, as Redis does.
std::string ApplyDirective(const std::vector<std::string>& args, Config* config);

// Applies a whole text in redis.conf syntax. `source` names it in errors.
// `depth` guards against include loops.
std::optional<ConfigError> ApplyConfigText(std::string_view text, const std::string& source,
                                           Config* config, int depth = 0);

// Reads and applies a config file ("-" = standard input).
std::optional<ConfigError> ApplyConfigFile(const std::string& path, Config* config, int depth = 0);

// What the command line asks for, as redis-server reads it:
// `respd [config-file] [--directive value ...]`.
struct CommandLine {
  bool show_version = false;
  bool show_help = false;
  std::string config_file;           // "" if none.
  std::string options;               // The --directives as redis.conf lines.
  std::optional<std::string> error;  // Unusable arguments.
};
CommandLine ParseCommandLine(int argc, const char* const* argv);

// Loads everything for startup: the file (if any), then the options.
std::optional<ConfigError> LoadConfig(const CommandLine& cl, Config* config);

// Redis's memory units: "1k" = 1000, "1kb" = 1024, m/mb, g/gb, case-insensitive.
// Returns nullopt on anything else (including a sign).
std::optional<uint64_t> ParseMemory(std::string_view s);

}  // namespace respd::server
