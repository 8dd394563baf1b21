// Bare SQLite for the benchmarks' baselines: the C API with only RAII and
// Status around it, so a baseline measures SQLite and nothing of Patron.
#ifndef PATRON_TESTS_BENCH_RAW_SQLITE_H_
#define PATRON_TESTS_BENCH_RAW_SQLITE_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "patron/status.h"

namespace patron::bench {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using RawDb = std::unique_ptr<sqlite3, CloseDb>;
using RawStmt = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

// IOError naming `what` and SQLite's last message on `db`.
Status RawError(sqlite3* db, std::string_view what);
// Opens (creating) `path` read-write, without SQLite's mutex.
Result<RawDb> OpenRaw(const std::string& path);
Status Exec(sqlite3* db, const char* sql);
// A statement prepared to be reused (SQLITE_PREPARE_PERSISTENT).
Result<RawStmt> Prepare(sqlite3* db, const char* sql);
// Steps a statement that returns no rows and resets it for the next use.
Status StepDone(sqlite3* db, sqlite3_stmt* stmt);

}  // namespace patron::bench

#endif  // PATRON_TESTS_BENCH_RAW_SQLITE_H_
