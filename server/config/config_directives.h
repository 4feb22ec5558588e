// The directive table: one row for every configuration directive Redis 7.0
// accepts, in a redis.conf file, on the command line, and in CONFIG GET/SET.
//
// The table is data only. It states each directive's type, bounds and default
// exactly as Redis 7.0 does (src/config.c, `static_configs[]`), so a stock or
// Debian redis.conf loads unchanged and CONFIG GET answers what Redis would.
// Whether respd acts on a directive is decided in config.cc, which binds the
// implemented ones to fields of `Config`; every other row is accepted,
// validated by type, kept for CONFIG GET and logged once as having no effect.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace respd::server {

enum class DirectiveType : uint8_t {
  kBool,             // "yes" / "no" (case-insensitive); CONFIG GET shows "yes"/"no".
  kInt,              // A signed integer in [min, max].
  kMemory,           // An integer with an optional unit (k, kb, m, mb, g, gb; case-
                     // insensitive) in [min, max] bytes; CONFIG GET shows plain bytes.
  kPercentOrMemory,  // kMemory, or "N%" (stored as -N); CONFIG GET shows "N%"
                     // for a percentage (maxmemory-clients).
  kEnum,             // One word of `enum_values` (case-insensitive).
  kEnumFlags,        // One or more words of `enum_values`, space separated
                     // (CONFIG GET shows them space separated).
  kString,           // Any single argument, kept verbatim.
  kOctal,            // An octal integer in [min, max] (unixsocketperm).
  kSpecial,          // Free-form arguments, their count in [min_args, max_args];
                     // validated by a dedicated parser in config.cc when
                     // respd implements it (bind, save, client-output-buffer-limit…).
};

enum DirectiveFlags : uint32_t {
  kDirectiveNone = 0,
  kImmutable = 1u << 0,    // CONFIG SET refuses it ("can't set immutable config").
  kSensitive = 1u << 1,    // The value is a secret (requirepass, masterauth…):
                           // never logged.
  kHidden = 1u << 2,       // Not matched by CONFIG GET globs, only by exact name
                           // (Redis's HIDDEN_CONFIG, e.g. key-load-delay).
  kProtected = 1u << 3,    // PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs.
  kDenyLoading = 1u << 4,  // DENY_LOADING_CONFIG.
  kFileOnly = 1u << 5,     // Only valid in a config file or argv, never in CONFIG GET/SET
                           // (include, rename-command, user, loadmodule, sentinel).
  kMultiArg = 1u << 6,     // MULTI_ARG_CONFIG: takes several arguments (save,
                           // bind, client-output-buffer-limit, …); one quoted
                           // argument holding spaces is split into several.
};

struct DirectiveSpec {
  std::string_view name;
  std::string_view alias;  // The deprecated name ("slaveof"), or "".
  DirectiveType type;
  std::string_view default_value;     // As CONFIG GET shows it on a server started
                                      // with no config file.
  int64_t min = 0;                    // kInt/kMemory/kOctal/kPercentOrMemory bounds;
  int64_t max = 0;                    // kSpecial: the argument count bounds.
  std::string_view enum_values = {};  // kEnum/kEnumFlags: "word|word|word".
  uint32_t flags = kDirectiveNone;
};

// Every directive, sorted by name. Stable for the life of the process.
std::span<const DirectiveSpec> AllDirectives();

// Finds a directive by its name or alias, case-insensitively; nullptr if none.
const DirectiveSpec* FindDirective(std::string_view name);

}  // namespace respd::server
