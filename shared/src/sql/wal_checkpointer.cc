#include "patron/sql/wal_checkpointer.h"

#include <sqlite3.h>

#include <utility>

namespace patron::sql {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(
    Database& writer, const DatabaseOptions& open_options, WalCheckpointerOptions options) {
  if (options.start_pages < 1 || options.busy_pages < options.start_pages ||
      options.inline_pages < options.busy_pages) {
    return Status::InvalidArgument(
        "WalCheckpointer needs 1 <= start_pages <= busy_pages <= inline_pages");
  }
  DatabaseOptions own_options;
  own_options.vfs = open_options.vfs;
  own_options.foreign_keys = open_options.foreign_keys;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Database> own,
                          Database::Open(writer.path(), own_options));
  std::unique_ptr<WalCheckpointer> checkpointer(
      new WalCheckpointer(writer, std::move(own), options));
  writer.SetWalHook([raw = checkpointer.get()](int pages) { raw->OnCommit(pages); });
  checkpointer->thread_ = std::thread([raw = checkpointer.get()] { raw->Run(); });
  return checkpointer;
}

WalCheckpointer::WalCheckpointer(Database& writer, std::unique_ptr<Database> own,
                                 WalCheckpointerOptions options)
    : writer_(writer), own_(std::move(own)), options_(options) {}

WalCheckpointer::~WalCheckpointer() {
  writer_.SetWalHook(nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::Count(const Status& checkpoint, std::atomic<int64_t>& runs) {
  // A failed checkpoint (a disk error) loses nothing: the frames stay in the
  // WAL, and the next commit past the threshold tries again.
  (checkpoint.ok() ? runs : failed_runs_)++;
}

void WalCheckpointer::OnCommit(int wal_pages) {
  if (wal_pages >= options_.inline_pages) {
    // The thread is not keeping up: do what SQLite's auto-checkpoint does.
    Count(writer_.CheckpointPassive(), inline_runs_);
    return;
  }
  bool crossed = false;
  {
    std::lock_guard lock(mu_);
    // Wake the thread only when the WAL crosses a threshold it waits for, not
    // on every commit: a wake-up is a system call and a context switch.
    crossed = (wal_pages_ < options_.start_pages && wal_pages >= options_.start_pages) ||
              (wal_pages_ < options_.busy_pages && wal_pages >= options_.busy_pages);
    wal_pages_ = wal_pages;
    last_commit_ = std::chrono::steady_clock::now();
  }
  if (crossed) wake_.notify_one();
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || wal_pages_ >= options_.start_pages; });
    if (stopping_) return;
    // Let a burst of commits finish first, unless the WAL is getting long.
    while (!stopping_ && wal_pages_ < options_.busy_pages) {
      const auto quiet_until = last_commit_ + options_.quiet;
      if (std::chrono::steady_clock::now() >= quiet_until) break;
      wake_.wait_until(lock, quiet_until);
    }
    if (stopping_) return;
    // The next commit reports the WAL's new length; until then assume the
    // checkpoint did its job (a partial one is retried once the WAL grows).
    wal_pages_ = 0;
    lock.unlock();
    Count(own_->CheckpointPassive(), background_runs_);
    lock.lock();
  }
}

}  // namespace patron::sql
