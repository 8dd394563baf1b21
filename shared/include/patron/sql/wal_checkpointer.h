// patron::sql::WalCheckpointer: runs a writer's WAL checkpoints on a thread of
// its own, so that no commit waits for one.
//
// SQLite checkpoints inside the commit that takes the WAL past
// wal_autocheckpoint pages: that commit then also copies the WAL into the
// main file and flushes it, several milliseconds on a slow disk, which is what
// a till's slowest checkouts and a push's latency were made of
// (docs/BENCHMARKS.md). With a WalCheckpointer:
//   - the writer's automatic checkpoints are off; after each commit its WAL
//     hook records how many frames the WAL holds;
//   - past `start_pages`, the thread waits until the writer has been quiet
//     for `quiet` (or the WAL passes `busy_pages`) and runs a PASSIVE
//     checkpoint through its own connection: the writer and readers carry on
//     meanwhile, and the writer starts the WAL over at its next commit;
//   - if the WAL still reaches `inline_pages` (the thread cannot keep up),
//     the commit that got it there checkpoints inline, as SQLite would: the
//     WAL never grows without bound.
//
//   auto checkpointer = WalCheckpointer::Start(*db, db_options);
//   ... commits on *db ...
//   checkpointer->reset();  // before *db is closed
//
// Durability is unchanged: a checkpoint only copies committed frames.
#ifndef PATRON_SQL_WAL_CHECKPOINTER_H_
#define PATRON_SQL_WAL_CHECKPOINTER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::sql {

struct WalCheckpointerOptions {
  int start_pages = 1000;  // SQLite's own wal_autocheckpoint default
  std::chrono::milliseconds quiet{30};
  int busy_pages = 4000;
  int inline_pages = 20000;
};

class WalCheckpointer {
 public:
  // Opens a second connection to `writer`'s file (with `open_options`' VFS)
  // and starts the thread. `writer` must outlive the checkpointer and must
  // not be committing while Start() or the destructor runs.
  static Result<std::unique_ptr<WalCheckpointer>> Start(Database& writer,
                                                        const DatabaseOptions& open_options,
                                                        WalCheckpointerOptions options = {});
  // Stops the thread and gives the writer back SQLite's automatic
  // checkpoints.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run by the thread and inline so far (tests, metrics).
  int64_t background_checkpoints() const { return background_runs_.load(); }
  int64_t inline_checkpoints() const { return inline_runs_.load(); }
  int64_t failed_checkpoints() const { return failed_runs_.load(); }

 private:
  WalCheckpointer(Database& writer, std::unique_ptr<Database> own, WalCheckpointerOptions options);
  // The writer's WAL hook: runs on the writer's thread after each commit.
  void OnCommit(int wal_pages);
  void Run();
  void Count(const Status& checkpoint, std::atomic<int64_t>& runs);

  Database& writer_;
  const std::unique_ptr<Database> own_;  // used by the thread only
  const WalCheckpointerOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  int wal_pages_ = 0;                                // guarded by mu_
  std::chrono::steady_clock::time_point last_commit_;  // guarded by mu_
  bool stopping_ = false;                            // guarded by mu_
  std::atomic<int64_t> background_runs_{0};
  std::atomic<int64_t> inline_runs_{0};
  std::atomic<int64_t> failed_runs_{0};
  std::thread thread_;
};

}  // namespace patron::sql

#endif  // PATRON_SQL_WAL_CHECKPOINTER_H_
