#include "server/sys/allocator.h"

#include <malloc.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>

#ifdef RESPD_USE_JEMALLOC
#include <jemalloc/jemalloc.h>

// jemalloc reads its options from this symbol at startup. Redis's choices:
// no background purge threads beyond jemalloc's own default. Transparent
// huge pages stay off ("thp:never" default in madvise mode): respd's data is
// many small entries, and huge pages would only add RSS.
extern "C" {
const char* malloc_conf = "";
}
#endif

namespace respd::server {

#ifdef RESPD_USE_JEMALLOC

namespace {

// jemalloc caches its statistics: bump the epoch to refresh them.
void RefreshStats() {
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
}

}  // namespace

uint64_t AllocatedBytes() {
  RefreshStats();
  size_t allocated = 0;
  size_t len = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) != 0) return 0;
  return allocated;
}

std::string AllocatorName() {
  const char* version = nullptr;
  size_t len = sizeof(version);
  if (mallctl("version", &version, &len, nullptr, 0) != 0 || version == nullptr) return "jemalloc";
  std::string v = version;
  // "5.3.0-0-g54eaed1d8b56…": Redis shows just the release.
  const size_t dash = v.find('-');
  return "jemalloc-" + v.substr(0, dash);
}

std::string AllocatorStatsText() {
  std::string out;
  malloc_stats_print(
      [](void* opaque, const char* text) { static_cast<std::string*>(opaque)->append(text); }, &out,
      nullptr);
  return out;
}

void PurgeFreeMemory() {
  // MALLCTL_ARENAS_ALL: every arena.
  char name[64];
  std::snprintf(name, sizeof(name), "arena.%u.purge", 4096u);
  mallctl(name, nullptr, nullptr, nullptr, 0);
}

#else  // glibc

uint64_t AllocatedBytes() {
  // Heap arenas plus mmapped chunks (Redis's zmalloc_used_memory for libc).
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

std::string AllocatorName() { return "libc"; }

std::string AllocatorStatsText() { return ""; }

void PurgeFreeMemory() { malloc_trim(0); }

#endif

uint64_t ResidentSetBytes() {
  uint64_t pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%" SCNu64 " %" SCNu64, &pages_total, &pages_resident) != 2) {
      pages_resident = 0;
    }
    std::fclose(f);
  }
  return pages_resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace respd::server
