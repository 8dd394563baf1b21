// SqliteServerStore: the sync server's embedded storage, one SQLite database
// file in WAL mode with synchronous=FULL (DESIGN.md §7).
//
//   auto store = SqliteServerStore::Open("/var/lib/patron/sync.db");
//   if (!store.ok()) return store.status();
//   PATRON_ASSIGN_OR_RETURN(auto txn, (*store)->BeginWrite());
//   ... txn->NextSeq(), txn->InsertEntryIfNew(...) ...
//   PATRON_RETURN_IF_ERROR(txn->Commit());
//
// Concurrency:
//   - Writes go through one connection. A write transaction has it to itself
//     from BeginWrite until it commits (whatever the outcome) or is destroyed;
//     BeginWrite blocks until then. A thread that holds an open write
//     transaction and calls BeginWrite again deadlocks.
//   - Each read transaction gets its own connection (from a small pool of
//     idle ones, or a fresh one), so BeginRead may be called from any number
//     of threads at once, and reads never wait for the writer: a read
//     transaction sees the snapshot that was committed when it began.
//   - All methods of the store are thread-safe. A transaction is used by one
//     thread at a time, but may be handed to another thread and destroyed
//     there.
//   - Transactions may outlive the store object; the database closes when the
//     store and its last transaction are gone.
#ifndef PATRON_SYNC_SERVER_SQLITE_SERVER_STORE_H_
#define PATRON_SYNC_SERVER_SQLITE_SERVER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

class SqliteServerStore final : public ServerStore {
 public:
  // Opens (creating and migrating if needed) the database at `db_path`. A
  // new database gets its epoch here, once: 128 bits from `fill_random`
  // (OpenSSL RAND_bytes when empty) as 32 lowercase hex digits; a reopened
  // one keeps the stored epoch. ":memory:" is refused (InvalidArgument):
  // readers use their own connections and would not see the writer's data.
  // FailedPrecondition ("schema_too_new") for a database of a newer Patron.
  // `vfs` names a registered SQLite VFS for every connection (the
  // simulation's fault injection); empty = SQLite's default.
  static Result<std::unique_ptr<SqliteServerStore>> Open(
      const std::string& db_path, std::function<void(std::span<uint8_t>)> fill_random = {},
      std::string vfs = {});

  SqliteServerStore(const SqliteServerStore&) = delete;
  SqliteServerStore& operator=(const SqliteServerStore&) = delete;
  ~SqliteServerStore() override;

  // BEGIN IMMEDIATE on the writer connection, after waiting for the previous
  // write transaction to commit or be destroyed.
  Result<std::unique_ptr<StoreTxn>> BeginWrite() override;
  // BEGIN DEFERRED on a reader connection; the snapshot is fixed here.
  // Write methods of the transaction return FailedPrecondition.
  Result<std::unique_ptr<StoreTxn>> BeginRead() override;

  // The database's epoch, as every transaction's Epoch() reports it.
  const std::string& epoch() const;

  // From now on the writer's WAL is checkpointed by a thread of the store's
  // own (sql::WalCheckpointer) rather than inside the commit of the push that
  // fills it. patron-sync turns this on; the simulation leaves it off to keep
  // one thread and its replays exact. Waits for a write in progress.
  Status StartBackgroundCheckpoints();

 private:
  struct Shared;
  class WriterLease;
  class ReaderLease;

  explicit SqliteServerStore(std::shared_ptr<Shared> shared);

  // Held by the store and by every live transaction.
  std::shared_ptr<Shared> shared_;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SQLITE_SERVER_STORE_H_
