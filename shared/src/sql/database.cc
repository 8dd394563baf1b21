#include "patron/sql/database.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "sql/sqlite_error.h"

namespace patron::sql {

Status StatusFromSqlite(int rc, sqlite3* db, std::string_view context) {
  std::string message(context);
  message += ": ";
  // sqlite3_errmsg describes the connection's most recent failure; for codes
  // that did not come from `db` (or without one) use the generic text.
  const bool db_has_this_error = db != nullptr && sqlite3_extended_errcode(db) == rc;
  message += db_has_this_error ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += " (";
  message += sqlite3_errstr(rc);
  message += ")";
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::Conflict(std::move(message), "constraint");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(message), "database_busy");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IOError(std::move(message), "io_error");
    default:
      return Status::Internal(std::move(message), "sqlite_error");
  }
}

// A prepared statement owned by the cache; `in_use` guards against handing
// the same sqlite3_stmt to two live Statements.
struct Database::CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
  ~CachedStatement() { sqlite3_finalize(stmt); }
};

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Database::~Database() {
  cache_.clear();  // finalise every cached statement before closing
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  // Before SQLite initialises (the first open does that): no allocation
  // statistics, which Patron never reads and which serialise every malloc
  // SQLite makes on one global mutex. Fails harmlessly (SQLITE_MISUSE) if
  // something in the process initialised SQLite first.
  static const int kMemStatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kMemStatusOff;
  sqlite3* raw = nullptr;
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags,
                                 options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    Status status = StatusFromSqlite(rc, raw, "open " + path);
    sqlite3_close_v2(raw);  // sqlite3_open_v2 may allocate a handle even on error
    return status;
  }
  sqlite3_extended_result_codes(raw, 1);
  std::unique_ptr<Database> db(new Database(raw, path));
  PATRON_RETURN_IF_ERROR(db->ApplyOptions(options));
  return db;
}

Status Database::ApplyOptions(const DatabaseOptions& options) {
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  PATRON_RETURN_IF_ERROR(Execute(options.foreign_keys ? "PRAGMA foreign_keys=ON"
                                                      : "PRAGMA foreign_keys=OFF"));
  if (options.cache_size_kib > 0) PATRON_RETURN_IF_ERROR(SetCacheSizeKib(options.cache_size_kib));
  if (options.read_only) return Status::OK();
  if (options.wal) {
    PATRON_ASSIGN_OR_RETURN(std::string mode, QueryString("PRAGMA journal_mode=WAL"));
    // In-memory databases cannot use WAL and report "memory"; anything else
    // means the durability contract cannot be met.
    if (mode != "wal" && mode != "memory") {
      return Status::IOError("cannot enable WAL on " + path_ + " (journal_mode=" + mode + ")");
    }
  }
  return Execute(options.synchronous_full ? "PRAGMA synchronous=FULL"
                                          : "PRAGMA synchronous=NORMAL");
}

Status Database::Execute(std::string_view sql) {
  // sqlite3_exec needs a NUL-terminated string.
  const std::string text(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text is available through sqlite3_errmsg
  if (rc != SQLITE_OK) return StatusFromSqlite(rc, db_, "execute");
  return Status::OK();
}

Result<sqlite3_stmt*> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return StatusFromSqlite(rc, db_, "prepare \"" + std::string(sql.substr(0, 80)) + "\"");
  }
  if (stmt == nullptr) return Status::InvalidArgument("prepare: SQL contains no statement");
  return stmt;
}

Result<Statement> Database::GetCachedStatement(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    PATRON_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    auto cached = std::make_unique<CachedStatement>();
    cached->stmt = stmt;
    it = cache_.emplace(std::string(sql), std::move(cached)).first;
  }
  CachedStatement& cached = *it->second;
  if (cached.in_use) return GetUniqueStatement(sql);
  cached.in_use = true;
  return Statement(cached.stmt, /*owned=*/false, &cached.in_use);
}

Result<Statement> Database::GetUniqueStatement(std::string_view sql) {
  PATRON_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  return Statement(stmt, /*owned=*/true, nullptr);
}

Result<int64_t> Database::QueryInt64(std::string_view sql) {
  PATRON_ASSIGN_OR_RETURN(Statement statement, GetUniqueStatement(sql));
  PATRON_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return Status::NotFound("query returned no row");
  return statement.ColumnInt64(0);
}

Result<std::string> Database::QueryString(std::string_view sql) {
  PATRON_ASSIGN_OR_RETURN(Statement statement, GetUniqueStatement(sql));
  PATRON_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return Status::NotFound("query returned no row");
  return statement.ColumnText(0);
}

Status Database::CheckIntegrity() {
  PATRON_ASSIGN_OR_RETURN(std::string result, QueryString("PRAGMA integrity_check"));
  if (result != "ok") return Status::Corruption("integrity_check: " + result);
  return Status::OK();
}

Status Database::SetCacheSizeKib(int kib) {
  constexpr int kSqliteDefaultCacheKib = 2000;  // SQLITE_DEFAULT_CACHE_SIZE = -2000
  return Execute("PRAGMA cache_size=-" + std::to_string(kib > 0 ? kib : kSqliteDefaultCacheKib));
}

// SQLite's default wal_autocheckpoint (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT).
constexpr int kSqliteDefaultAutoCheckpointPages = 1000;

void Database::SetWalHook(std::function<void(int wal_pages)> hook) {
  wal_hook_ = std::move(hook);
  if (wal_hook_) {
    sqlite3_wal_hook(db_, &Database::OnWalCommit, this);
  } else {
    sqlite3_wal_autocheckpoint(db_, kSqliteDefaultAutoCheckpointPages);
  }
}

int Database::OnWalCommit(void* self, sqlite3*, const char*, int pages) {
  static_cast<Database*>(self)->wal_hook_(pages);
  return SQLITE_OK;
}

Status Database::CheckpointPassive() {
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK) return StatusFromSqlite(rc, db_, "checkpoint");
  return Status::OK();
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int64_t Database::Changes() const { return sqlite3_changes64(db_); }
bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Database::LastError(std::string_view context) const {
  return StatusFromSqlite(sqlite3_extended_errcode(db_), db_, context);
}

}  // namespace patron::sql
