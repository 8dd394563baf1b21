#include "patron/sync_server/sqlite_server_store.h"

#include <openssl/rand.h>

#include <array>
#include <mutex>
#include <semaphore>
#include <utility>
#include <vector>

#include "patron/sql/database.h"
#include "patron/sql/migration.h"
#include "patron/sql/transaction.h"
#include "patron/sql/wal_checkpointer.h"
#include "store/server_schema.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

// The writer's page cache holds the hot parts of the entry and member
// indexes during a large push; readers page through members and entries.
constexpr int kWriterCacheKib = 64 * 1024;
constexpr int kReaderCacheKib = 8 * 1024;
// The writer copies the WAL back into the database (a checkpoint, run inside
// Commit) once it holds this many pages, ~40 MB, instead of SQLite's 1000:
// a page that several pushes dirty is copied once, not once per push.
// Measured: small pushes (1000 entries over 20000 members) commit about 1.5x
// faster. The price is an occasional slower commit that does the copying.
constexpr std::string_view kWriterCheckpointPages = "PRAGMA wal_autocheckpoint = 10000";
// A WAL that grew past this during a burst of pushes is cut back to it when
// it starts over, instead of keeping its largest size on disk.
constexpr std::string_view kWriterWalSizeLimit = "PRAGMA journal_size_limit = 67108864";
// With background checkpoints: start at the same ~40 MB, after 30 ms
// without a push, or at once past ~120 MB of WAL; a commit checkpoints
// inline only past ~400 MB (the thread cannot keep up).
constexpr sql::WalCheckpointerOptions kBackgroundCheckpoints{
    .start_pages = 10000, .quiet = std::chrono::milliseconds(30), .busy_pages = 30000,
    .inline_pages = 100000};
// Readers map the database file instead of copying each page through
// read(2): twice the MembersAfter throughput of a bootstrap pull. Address
// space only; pages still in the WAL are read as usual.
constexpr std::string_view kReaderMmap = "PRAGMA mmap_size = 1073741824";
// Idle reader connections kept for the next BeginRead; more concurrent
// readers than this open and close their own.
constexpr size_t kMaxIdleReaders = 8;

constexpr std::string_view kSelectEpoch = "SELECT epoch FROM server_state WHERE id = 1";
constexpr std::string_view kInsertState =
    "INSERT INTO server_state(id, epoch, last_seq, next_server_entry_seq) VALUES (1, ?, 0, 1)";

Result<std::string> MakeEpoch(const std::function<void(std::span<uint8_t>)>& fill_random) {
  std::array<uint8_t, 16> bytes{};
  if (fill_random) {
    fill_random(bytes);
  } else if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Unavailable("RAND_bytes failed: no randomness for the store's epoch");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string epoch;
  epoch.reserve(2 * bytes.size());
  for (uint8_t byte : bytes) {
    epoch += kHex[byte >> 4];
    epoch += kHex[byte & 0xF];
  }
  return epoch;
}

// Reads the stored epoch, or makes and stores one for a new database.
Result<std::string> LoadOrCreateEpoch(sql::Database& db,
                                      const std::function<void(std::span<uint8_t>)>& fill_random) {
  sql::Transaction txn(db);
  PATRON_RETURN_IF_ERROR(txn.Begin());
  std::string epoch;
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db.GetUniqueStatement(kSelectEpoch));
    PATRON_ASSIGN_OR_RETURN(bool found, s.Step());
    if (found) epoch = s.ColumnText(0);
  }
  if (epoch.empty()) {
    PATRON_ASSIGN_OR_RETURN(epoch, MakeEpoch(fill_random));
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db.GetUniqueStatement(kInsertState));
    s.BindText(0, epoch);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_RETURN_IF_ERROR(txn.Commit());
  return epoch;
}

}  // namespace

// What the store and its live transactions share.
struct SqliteServerStore::Shared {
  std::string path;
  std::string vfs;  // SQLite VFS of every connection; empty = default
  std::string epoch;
  std::unique_ptr<sql::Database> writer;
  // Declared after the writer: stopped before it closes.
  std::unique_ptr<sql::WalCheckpointer> checkpointer;
  // The writer's turn. A semaphore rather than a mutex: the write
  // transaction that holds it may be destroyed on another thread.
  std::binary_semaphore writer_free{1};
  std::mutex readers_mutex;
  std::vector<std::unique_ptr<sql::Database>> idle_readers;  // guarded by readers_mutex
};

class SqliteServerStore::WriterLease final : public ConnectionLease {
 public:
  // Blocks until the previous write transaction has ended.
  explicit WriterLease(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {
    shared_->writer_free.acquire();
  }
  ~WriterLease() override { shared_->writer_free.release(); }
  sql::Database& db() override { return *shared_->writer; }

 private:
  std::shared_ptr<Shared> shared_;
};

class SqliteServerStore::ReaderLease final : public ConnectionLease {
 public:
  ReaderLease(std::shared_ptr<Shared> shared, std::unique_ptr<sql::Database> db)
      : shared_(std::move(shared)), db_(std::move(db)) {}
  ~ReaderLease() override {
    // A connection still inside a transaction (a failed ROLLBACK) is closed
    // rather than lent to the next reader.
    if (db_->InTransaction()) return;
    std::lock_guard lock(shared_->readers_mutex);
    if (shared_->idle_readers.size() < kMaxIdleReaders) {
      shared_->idle_readers.push_back(std::move(db_));
    }
  }
  sql::Database& db() override { return *db_; }

 private:
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<sql::Database> db_;
};

SqliteServerStore::SqliteServerStore(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

SqliteServerStore::~SqliteServerStore() = default;

Result<std::unique_ptr<SqliteServerStore>> SqliteServerStore::Open(
    const std::string& db_path, std::function<void(std::span<uint8_t>)> fill_random,
    std::string vfs) {
  if (db_path.empty() || db_path == ":memory:") {
    return Status::InvalidArgument("the sync server store needs a database file, not '" + db_path +
                                   "'");
  }
  auto shared = std::make_shared<Shared>();
  shared->path = db_path;
  shared->vfs = std::move(vfs);
  sql::DatabaseOptions options;  // WAL, synchronous=FULL, foreign keys
  options.vfs = shared->vfs;
  options.cache_size_kib = kWriterCacheKib;
  PATRON_ASSIGN_OR_RETURN(shared->writer, sql::Database::Open(db_path, options));
  PATRON_RETURN_IF_ERROR(shared->writer->Execute(kWriterCheckpointPages));
  PATRON_RETURN_IF_ERROR(shared->writer->Execute(kWriterWalSizeLimit));
  PATRON_RETURN_IF_ERROR(sql::Migrate(*shared->writer, ServerMigrations()));
  PATRON_ASSIGN_OR_RETURN(shared->epoch, LoadOrCreateEpoch(*shared->writer, fill_random));
  return std::unique_ptr<SqliteServerStore>(new SqliteServerStore(std::move(shared)));
}

const std::string& SqliteServerStore::epoch() const { return shared_->epoch; }

Status SqliteServerStore::StartBackgroundCheckpoints() {
  WriterLease lease(shared_);  // no commit may run while the WAL hook changes
  if (shared_->checkpointer) return Status::OK();
  sql::DatabaseOptions options;
  options.vfs = shared_->vfs;
  PATRON_ASSIGN_OR_RETURN(shared_->checkpointer,
                          sql::WalCheckpointer::Start(*shared_->writer, options,
                                                      kBackgroundCheckpoints));
  return Status::OK();
}

Result<std::unique_ptr<StoreTxn>> SqliteServerStore::BeginWrite() {
  PATRON_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteStoreTxn> txn,
      SqliteStoreTxn::Begin(std::make_unique<WriterLease>(shared_), SqliteStoreTxn::Mode::kWrite));
  return std::unique_ptr<StoreTxn>(std::move(txn));
}

Result<std::unique_ptr<StoreTxn>> SqliteServerStore::BeginRead() {
  std::unique_ptr<sql::Database> db;
  {
    std::lock_guard lock(shared_->readers_mutex);
    if (!shared_->idle_readers.empty()) {
      db = std::move(shared_->idle_readers.back());
      shared_->idle_readers.pop_back();
    }
  }
  if (db == nullptr) {
    sql::DatabaseOptions options;
    options.read_only = true;
    options.cache_size_kib = kReaderCacheKib;
    options.vfs = shared_->vfs;
    PATRON_ASSIGN_OR_RETURN(db, sql::Database::Open(shared_->path, options));
    PATRON_RETURN_IF_ERROR(db->Execute(kReaderMmap));
  }
  PATRON_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteStoreTxn> txn,
      SqliteStoreTxn::Begin(std::make_unique<ReaderLease>(shared_, std::move(db)),
                            SqliteStoreTxn::Mode::kRead));
  return std::unique_ptr<StoreTxn>(std::move(txn));
}

}  // namespace patron::sync
