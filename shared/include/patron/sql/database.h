// patron::sql::Database: one SQLite connection, in the manner of chromium's
// sql::Database. Owns the sqlite3 handle and a cache of prepared statements,
// closes both in its destructor.
//
// Thread safety: a Database is used by one thread at a time; callers that share
// it across threads serialise access themselves (the connection is opened in
// SQLite's multi-thread mode, without its internal mutex).
#ifndef PATRON_SQL_DATABASE_H_
#define PATRON_SQL_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "patron/sql/statement.h"
#include "patron/status.h"

struct sqlite3;

namespace patron::sql {

struct DatabaseOptions {
  // Writers use WAL with synchronous=FULL: a commit that returned is on disk
  // even across a power cut (a printed receipt must never be rolled back).
  bool wal = true;
  bool synchronous_full = true;
  bool foreign_keys = true;
  bool read_only = false;
  // How long a statement waits for another connection's lock before failing
  // with Unavailable.
  int busy_timeout_ms = 5000;
  // SQLite page cache size in KiB (PRAGMA cache_size = -N); 0 keeps SQLite's.
  int cache_size_kib = 0;
  // Name of a registered SQLite VFS (fault injection in tests); empty = default.
  std::string vfs;
};

class Database {
 public:
  // Opens (creating if needed) the database at `path` and applies `options`.
  // ":memory:" opens a private in-memory database.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more SQL statements that return no rows (schema, pragmas).
  Status Execute(std::string_view sql);

  // A statement prepared once per connection and reused. `sql` is the cache
  // key; it should be a constant. The Statement is reset when it goes out of
  // scope. If the cached statement is already in use (nested use), a fresh
  // uncached statement is returned instead, so callers need not care.
  Result<Statement> GetCachedStatement(std::string_view sql);
  // A statement prepared for one use and finalised with the Statement.
  Result<Statement> GetUniqueStatement(std::string_view sql);

  // Convenience for single-value queries (pragmas, counts). NotFound if the
  // query returns no row.
  Result<int64_t> QueryInt64(std::string_view sql);
  Result<std::string> QueryString(std::string_view sql);

  // Runs PRAGMA integrity_check; OK only if SQLite answers "ok".
  Status CheckIntegrity();

  // PRAGMA cache_size in KiB; 0 = SQLite's default (2,000 KiB). Shrinking
  // frees the pages beyond the new size.
  Status SetCacheSizeKib(int kib);

  // Calls `hook` with the WAL's length in pages after each commit, on the
  // committing thread, instead of SQLite's automatic checkpoint (see
  // WalCheckpointer). An empty hook restores the automatic checkpoint.
  void SetWalHook(std::function<void(int wal_pages)> hook);
  // Copies as much of the WAL into the main file as no reader still needs,
  // without waiting for any lock (SQLITE_CHECKPOINT_PASSIVE).
  Status CheckpointPassive();

  int64_t LastInsertRowId() const;
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  // True while a transaction is open on this connection.
  bool InTransaction() const;

  const std::string& path() const { return path_; }

  // Builds a Status from the connection's last error, prefixed by `context`.
  Status LastError(std::string_view context) const;

 private:
  friend class Statement;
  struct CachedStatement;
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Database(sqlite3* db, std::string path);
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  Status ApplyOptions(const DatabaseOptions& options);
  Result<sqlite3_stmt*> Prepare(std::string_view sql);

  sqlite3* db_;
  std::string path_;
  std::function<void(int)> wal_hook_;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>, StringHash, std::equal_to<>>
      cache_;
};

}  // namespace patron::sql

#endif  // PATRON_SQL_DATABASE_H_
