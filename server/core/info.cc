#include "server/core/info.h"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <set>

#include "base/ascii.h"
#include "server/sys/allocator.h"
#include "server/sys/version.h"

namespace respd::server {
namespace {

// Redis's bytesToHuman: "1.44M", "512B".
std::string BytesToHuman(uint64_t n) {
  static constexpr const char* kUnits[] = {"K", "M", "G", "T", "P", "E"};
  if (n < 1024) return std::to_string(n) + "B";
  double d = static_cast<double>(n) / 1024;
  int unit = 0;
  while (d >= 1024 && unit < 5) {
    d /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f%s", d, kUnits[unit]);
  return buf;
}

uint64_t TotalSystemMemory() {
  return static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
         static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

class Writer {
 public:
  void Section(const char* name) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += name;
    out_ += "\r\n";
  }
  void Field(std::string_view name, std::string_view value) {
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  void Field(std::string_view name, uint64_t value) { Field(name, std::to_string(value)); }
  void Field(std::string_view name, int64_t value) { Field(name, std::to_string(value)); }
  void Field(std::string_view name, int value) { Field(name, std::to_string(value)); }
  void Fixed(std::string_view name, double value, int decimals = 2) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
    Field(name, buf);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

double TimevalSeconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

void ServerSection(Server& s, Writer& w) {
  utsname name{};
  uname(&name);
  const Config& config = s.config();
  w.Section("Server");
  w.Field("redis_version", kRedisCompatVersion);
  w.Field("respd_version", kRespdVersion);
  w.Field("redis_git_sha1", "00000000");
  w.Field("redis_git_dirty", "0");
  w.Field("redis_build_id", "0");
  w.Field("redis_mode", "standalone");
  w.Field("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  w.Field("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.Field("monotonic_clock", "POSIX clock_gettime");
  w.Field("multiplexing_api", "epoll");
  w.Field("atomicvar_api", "c11-builtin");
#if defined(__GNUC__) && !defined(__clang__)
  w.Field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
#else
  w.Field("gcc_version", "0.0.0");
#endif
  w.Field("process_id", static_cast<int64_t>(getpid()));
  w.Field("process_supervised", "no");
  w.Field("run_id", s.run_id());
  w.Field("tcp_port", config.port);
  w.Field("server_time_usec", base::SystemTimeUs());
  w.Field("uptime_in_seconds", s.uptime_seconds());
  w.Field("uptime_in_days", s.uptime_seconds() / 86400);
  w.Field("hz", config.EffectiveHz());
  w.Field("configured_hz", config.hz);
  w.Field("lru_clock", static_cast<uint64_t>(s.database(0).LruClock()));
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  w.Field("executable", n > 0 ? std::string_view(exe, static_cast<size_t>(n)) : "");
  w.Field("config_file", config.config_file);
  w.Field("io_threads_active", "0");
}

void ClientsSection(Server& s, Writer& w) {
  w.Section("Clients");
  w.Field("connected_clients", static_cast<uint64_t>(s.connections().size()));
  w.Field("cluster_connections", "0");
  w.Field("maxclients", s.config().maxclients);
  w.Field("client_recent_max_input_buffer",
          static_cast<uint64_t>(s.stats().recent_max_input_buffer));
  w.Field("client_recent_max_output_buffer",
          static_cast<uint64_t>(s.stats().recent_max_output_buffer));
  w.Field("blocked_clients", static_cast<uint64_t>(s.blocking().blocked_clients()));
  w.Field("tracking_clients", static_cast<uint64_t>(s.tracking().clients()));
  w.Field("clients_in_timeout_table", static_cast<uint64_t>(s.blocking().clients_with_deadline()));
}

void MemorySection(Server& s, Writer& w) {
  const uint64_t used = AllocatedBytes();
  const uint64_t rss = ResidentSetBytes();
  const uint64_t peak = s.NoteMemoryPeak(used);
  const uint64_t total = TotalSystemMemory();
  const std::string& maxmemory = s.config().values.at("maxmemory");
  w.Section("Memory");
  w.Field("used_memory", used);
  w.Field("used_memory_human", BytesToHuman(used));
  w.Field("used_memory_rss", rss);
  w.Field("used_memory_rss_human", BytesToHuman(rss));
  w.Field("used_memory_peak", peak);
  w.Field("used_memory_peak_human", BytesToHuman(peak));
  w.Field("used_memory_peak_perc", [&] {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f%%",
                  peak ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 0.0);
    return std::string(buf);
  }());
  w.Field("total_system_memory", total);
  w.Field("total_system_memory_human", BytesToHuman(total));
  w.Field("maxmemory", maxmemory);
  w.Field("maxmemory_human", BytesToHuman(std::stoull(maxmemory)));
  w.Field("maxmemory_policy", s.config().values.at("maxmemory-policy"));
  w.Fixed("mem_fragmentation_ratio",
          used ? static_cast<double>(rss) / static_cast<double>(used) : 0);
  w.Field("mem_allocator", AllocatorName());
  w.Field("lazyfree_pending_objects",
          static_cast<uint64_t>(s.keyspace().lazy_free().pending_objects()));
  w.Field("lazyfreed_objects", s.keyspace().lazy_free().freed_objects());
}

void PersistenceSection(Server& s, Writer& w) {
  w.Section("Persistence");
  w.Field("loading", "0");
  w.Field("async_loading", "0");
  w.Field("rdb_changes_since_last_save", s.stats().dirty);
  w.Field("rdb_bgsave_in_progress", "0");
  w.Field("rdb_last_save_time", s.persistence().last_save_unix_s());
  w.Field("rdb_last_bgsave_status", "ok");
  w.Field("rdb_last_bgsave_time_sec", "-1");
  w.Field("rdb_current_bgsave_time_sec", "-1");
  w.Field("rdb_saves", "0");
  w.Field("aof_enabled", "0");
  w.Field("aof_rewrite_in_progress", "0");
  w.Field("aof_rewrite_scheduled", "0");
  w.Field("aof_last_rewrite_time_sec", "-1");
  w.Field("aof_current_rewrite_time_sec", "-1");
  w.Field("aof_last_bgrewrite_status", "ok");
  w.Field("aof_rewrites", "0");
  w.Field("aof_last_write_status", "ok");
}

void StatsSection(Server& s, Writer& w) {
  const ServerStats& st = s.stats();
  uint64_t expired = 0, hits = 0, misses = 0;
  for (int i = 0; i < s.num_databases(); ++i) {
    const store::DatabaseStats& d = s.database(i).stats();
    expired += d.expired_keys;
    hits += d.keyspace_hits;
    misses += d.keyspace_misses;
  }
  w.Section("Stats");
  w.Field("total_connections_received", st.total_connections_received);
  w.Field("total_commands_processed", st.total_commands_processed);
  w.Field("instantaneous_ops_per_sec", static_cast<uint64_t>(s.instantaneous_ops()));
  w.Field("total_net_input_bytes", st.net_input_bytes);
  w.Field("total_net_output_bytes", st.net_output_bytes);
  w.Field("total_net_repl_input_bytes", "0");
  w.Field("total_net_repl_output_bytes", "0");
  w.Fixed("instantaneous_input_kbps", s.instantaneous_input_kbps());
  w.Fixed("instantaneous_output_kbps", s.instantaneous_output_kbps());
  w.Field("instantaneous_input_repl_kbps", "0.00");
  w.Field("instantaneous_output_repl_kbps", "0.00");
  w.Field("rejected_connections", st.rejected_connections);
  w.Field("sync_full", "0");
  w.Field("sync_partial_ok", "0");
  w.Field("sync_partial_err", "0");
  w.Field("expired_keys", expired);
  w.Field("evicted_keys", "0");
  w.Field("evicted_clients", "0");
  w.Field("keyspace_hits", hits);
  w.Field("keyspace_misses", misses);
  w.Field("pubsub_channels", static_cast<uint64_t>(s.pubsub().Count(PubSub::Kind::kChannel)));
  w.Field("pubsub_patterns", static_cast<uint64_t>(s.pubsub().Count(PubSub::Kind::kPattern)));
  w.Field("pubsubshard_channels", static_cast<uint64_t>(s.pubsub().Count(PubSub::Kind::kShard)));
  w.Field("latest_fork_usec", "0");
  w.Field("total_forks", "0");
  w.Field("tracking_total_keys", static_cast<uint64_t>(s.tracking().total_keys()));
  w.Field("tracking_total_items", static_cast<uint64_t>(s.tracking().total_items()));
  w.Field("tracking_total_prefixes", static_cast<uint64_t>(s.tracking().total_prefixes()));
  w.Field("unexpected_error_replies", "0");
  w.Field("total_error_replies", st.total_error_replies);
  w.Field("total_reads_processed", st.total_reads_processed);
  w.Field("total_writes_processed", st.total_writes_processed);
}

void ReplicationSection(Server& s, Writer& w) {
  w.Section("Replication");
  w.Field("role", "master");
  w.Field("connected_slaves", "0");
  w.Field("master_failover_state", "no-failover");
  w.Field("master_replid", s.replication_id());
  w.Field("master_replid2", "0000000000000000000000000000000000000000");
  w.Field("master_repl_offset", "0");
  w.Field("second_repl_offset", "-1");
  w.Field("repl_backlog_active", "0");
  w.Field("repl_backlog_size", "1048576");
  w.Field("repl_backlog_first_byte_offset", "0");
  w.Field("repl_backlog_histlen", "0");
}

void CpuSection(Writer& w) {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  w.Section("CPU");
  w.Fixed("used_cpu_sys", TimevalSeconds(self.ru_stime), 6);
  w.Fixed("used_cpu_user", TimevalSeconds(self.ru_utime), 6);
  w.Fixed("used_cpu_sys_children", TimevalSeconds(children.ru_stime), 6);
  w.Fixed("used_cpu_user_children", TimevalSeconds(children.ru_utime), 6);
  // One thread: the main thread's figures are the process's.
  w.Fixed("used_cpu_sys_main_thread", TimevalSeconds(self.ru_stime), 6);
  w.Fixed("used_cpu_user_main_thread", TimevalSeconds(self.ru_utime), 6);
}

void CommandStatsOf(const Command& cmd, Writer& w) {
  if (cmd.calls > 0 || cmd.rejected_calls > 0 || cmd.failed_calls > 0) {
    char buf[256];
    std::snprintf(
        buf, sizeof(buf),
        "calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
        ",failed_calls=%" PRIu64,
        cmd.calls, cmd.microseconds,
        cmd.calls ? static_cast<double>(cmd.microseconds) / static_cast<double>(cmd.calls) : 0.0,
        cmd.rejected_calls, cmd.failed_calls);
    w.Field("cmdstat_" + cmd.fullname, buf);
  }
  for (const auto& sub : cmd.subcommands) CommandStatsOf(*sub, w);
}

void KeyspaceSection(Server& s, Writer& w) {
  w.Section("Keyspace");
  for (int i = 0; i < s.num_databases(); ++i) {
    store::Database& db = s.database(i);
    if (db.size() == 0) continue;
    w.Field("db" + std::to_string(i), "keys=" + std::to_string(db.size()) +
                                          ",expires=" + std::to_string(db.expires_size()) +
                                          ",avg_ttl=" + std::to_string(db.avg_ttl_ms()));
  }
}

}  // namespace

std::string BuildInfo(Server& s, std::span<const std::string_view> requested) {
  // What to include: the named sections, "default" (no argument), "all"
  // (everything but modules) or "everything".
  static constexpr std::string_view kDefault[] = {
      "server", "clients", "memory",     "persistence", "stats",   "replication",
      "cpu",    "modules", "errorstats", "cluster",     "keyspace"};
  std::set<std::string> want;
  bool all = false;
  if (requested.empty()) want.insert(std::begin(kDefault), std::end(kDefault));
  for (std::string_view r : requested) {
    const std::string name = base::AsciiLowerCopy(r);
    if (name == "default") {
      want.insert(std::begin(kDefault), std::end(kDefault));
    } else if (name == "all" || name == "everything") {
      all = true;
    } else {
      want.insert(name);
    }
  }
  auto wanted = [&](const char* section) { return all || want.count(section) > 0; };

  Writer w;
  if (wanted("server")) ServerSection(s, w);
  if (wanted("clients")) ClientsSection(s, w);
  if (wanted("memory")) MemorySection(s, w);
  if (wanted("persistence")) PersistenceSection(s, w);
  if (wanted("stats")) StatsSection(s, w);
  if (wanted("replication")) ReplicationSection(s, w);
  if (wanted("cpu")) CpuSection(w);
  if (wanted("modules")) w.Section("Modules");
  if (wanted("commandstats")) {
    w.Section("Commandstats");
    for (const auto& cmd : s.commands().commands()) CommandStatsOf(*cmd, w);
  }
  if (wanted("errorstats")) {
    w.Section("Errorstats");
    for (const auto& [code, count] : s.dispatcher().error_stats()) {
      w.Field("errorstat_" + code, "count=" + std::to_string(count));
    }
  }
  if (wanted("cluster")) {
    w.Section("Cluster");
    w.Field("cluster_enabled", "0");
  }
  if (wanted("keyspace")) KeyspaceSection(s, w);
  return w.Take();
}

}  // namespace respd::server
