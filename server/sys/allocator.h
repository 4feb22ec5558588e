// The memory allocator as the server reports it (INFO memory, MEMORY
// STATS/MALLOC-STATS/PURGE): jemalloc when respd is built with it (the
// default; it packs small key entries into exact size classes), else glibc.
#pragma once

#include <cstdint>
#include <string>

namespace respd::server {

// Bytes handed out by the allocator and not freed (INFO used_memory).
uint64_t AllocatedBytes();
// The process's resident set size, from /proc/self/statm.
uint64_t ResidentSetBytes();
// "jemalloc-5.3.0" or "libc" (INFO mem_allocator).
std::string AllocatorName();
// The allocator's own statistics report, or "" when it has none.
std::string AllocatorStatsText();
// Gives free memory back to the system (MEMORY PURGE).
void PurgeFreeMemory();

}  // namespace respd::server
