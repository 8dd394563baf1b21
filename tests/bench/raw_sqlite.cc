#include "raw_sqlite.h"

namespace patron::bench {

Status RawError(sqlite3* db, std::string_view what) {
  return Status::IOError(std::string(what) + ": " + sqlite3_errmsg(db));
}

Result<RawDb> OpenRaw(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  RawDb db(raw);
  if (rc != SQLITE_OK) return RawError(raw, "open " + path);
  return db;
}

Status Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return RawError(db, sql);
  return Status::OK();
}

Result<RawStmt> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return RawError(db, sql);
  }
  return RawStmt(stmt);
}

Status StepDone(sqlite3* db, sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return RawError(db, sqlite3_sql(stmt));
  return Status::OK();
}

}  // namespace patron::bench
