// Private to the store layer: turns SQLite result codes into Status values in
// one place, so the SQLite message always reaches the caller's log.
#ifndef PATRON_SHARED_SRC_SQL_SQLITE_ERROR_H_
#define PATRON_SHARED_SRC_SQL_SQLITE_ERROR_H_

#include <sqlite3.h>

#include <string_view>

#include "patron/status.h"

namespace patron::sql {

// Maps `rc` (an extended result code) to a Status whose message reads
// "<context>: <sqlite message> (<code name>)". `db` may be null.
//   constraint violations      -> Conflict ("constraint")
//   busy / locked              -> Unavailable ("database_busy")
//   corrupt / not a database   -> Corruption
//   full / I/O / cannot open   -> IOError
//   anything else              -> Internal
Status StatusFromSqlite(int rc, sqlite3* db, std::string_view context);

}  // namespace patron::sql

#endif  // PATRON_SHARED_SRC_SQL_SQLITE_ERROR_H_
