// The server's persistence state, what SAVE/BGSAVE/LASTSAVE and INFO
// persistence read. respd writes no files yet (issue 15 brings RDB and AOF):
// the last save is the start time, as for a Redis that has never saved, and
// a save request is logged, once, as having written nothing.
#pragma once

#include <cstdint>

#include "server/sys/log.h"

namespace respd::server {

class Persistence {
 public:
  explicit Persistence(int64_t start_unix_s) : last_save_unix_s_(start_unix_s) {}

  // Unix seconds of the last successful save (LASTSAVE, rdb_last_save_time).
  int64_t last_save_unix_s() const { return last_save_unix_s_; }

  // A SAVE or BGSAVE ran: says in the log, the first time only, that nothing
  // was written to disk.
  void NoteSaveRequested(Logger& logger) {
    if (told_nothing_written_) return;
    told_nothing_written_ = true;
    logger.Log(LogLevel::kNotice,
               "SAVE/BGSAVE requested: persistence is not implemented in respd yet, nothing "
               "was written to disk");
  }

 private:
  int64_t last_save_unix_s_;
  bool told_nothing_written_ = false;
};

}  // namespace respd::server
