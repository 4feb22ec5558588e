// respd: a Redis-compatible key-value server.
//
//   respd [config-file] [--directive value ...]
//
// Loads the configuration as redis-server does, daemonizes if asked, then
// runs the Server until SIGTERM, SIGINT or SHUTDOWN. Exit codes: 0 after a
// clean shutdown, 1 for a configuration or startup error.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "server/config/config.h"
#include "server/core/server.h"
#include "server/sys/crash_report.h"
#include "server/sys/log.h"
#include "server/sys/process.h"
#include "server/sys/version.h"

namespace {

using respd::server::Config;
using respd::server::ConfigError;
using respd::server::LogLevel;

void PrintVersion() {
  // The shape of `redis-server --version`, so tools that parse it accept
  // respd; the build field says what it really is.
  std::printf("Redis server v=%s sha=00000000:0 malloc=libc bits=%d build=respd-%s\n",
              respd::kRedisCompatVersion, static_cast<int>(sizeof(long) * 8), respd::kRespdVersion);
}

void PrintUsage() {
  std::fprintf(stderr,
               "Usage: ./respd [/path/to/redis.conf] [options] [-]\n"
               "       ./respd - (read config from stdin)\n"
               "       ./respd -v or --version\n"
               "       ./respd -h or --help\n"
               "\n"
               "Examples:\n"
               "       ./respd (run the server with default conf)\n"
               "       ./respd /etc/redis/6379.conf\n"
               "       ./respd --port 7777\n"
               "       ./respd /etc/myredis.conf --loglevel verbose -\n"
               "       ./respd /etc/myredis.conf --loglevel verbose\n");
}

void PrintConfigError(const ConfigError& err) {
  std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (respd %s) ***\n", respd::kRespdVersion);
  if (err.line_number > 0) {
    std::fprintf(stderr, "Reading the configuration file %s, at line %d\n", err.source.c_str(),
                 err.line_number);
    std::fprintf(stderr, ">>> '%s'\n", err.line.c_str());
  }
  std::fprintf(stderr, "%s\n", err.reason.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const respd::server::CommandLine cl = respd::server::ParseCommandLine(argc, argv);
  if (cl.show_version) {
    PrintVersion();
    return 0;
  }
  if (cl.show_help) {
    PrintUsage();
    return 0;
  }
  if (cl.error) {
    PrintConfigError({"command line", 0, "", *cl.error});
    return 1;
  }
  Config config;
  if (auto err = respd::server::LoadConfig(cl, &config)) {
    PrintConfigError(*err);
    return 1;
  }
  if (!cl.config_file.empty() && cl.config_file != "-") {
    // Absolute, before any chdir: INFO reports it and CONFIG REWRITE writes it.
    char resolved[PATH_MAX];
    if (realpath(cl.config_file.c_str(), resolved) != nullptr) config.config_file = resolved;
  }
  if (config.daemonize) respd::server::Daemonize();
  if (!config.dir.empty() && chdir(config.dir.c_str()) != 0) {
    std::fprintf(stderr, "Can't chdir to '%s': %s\n", config.dir.c_str(), std::strerror(errno));
    return 1;
  }

  respd::server::Logger logger;
  logger.Configure(config.loglevel, config.logfile);
  logger.Log(LogLevel::kWarning, "oO0OoO0OoO0Oo respd is starting oO0OoO0OoO0Oo");
  logger.Log(LogLevel::kWarning,
             "respd version=%s (Redis %s compatible), bits=%d, pid=%d, just started",
             respd::kRespdVersion, respd::kRedisCompatVersion, static_cast<int>(sizeof(long) * 8),
             static_cast<int>(getpid()));
  if (cl.config_file.empty()) {
    logger.Log(LogLevel::kWarning,
               "Warning: no config file specified, using the default config. In order to specify "
               "a config file use %s /path/to/redis.conf",
               argv[0]);
  } else {
    logger.Log(LogLevel::kWarning, "Configuration loaded");
  }

  respd::server::InstallSignalHandlers();
  respd::server::InstallCrashHandlers(config.logfile.c_str());
  if (!respd::server::AdjustOpenFilesLimit(&config.maxclients, logger)) return 1;

  respd::server::Server server(std::move(config), &logger);
  if (!server.Start()) return 1;
  server.Run();
  return 0;
}
