// Schema migrations keyed by SQLite's `PRAGMA user_version`.
//
// Migrations are numbered 1..N without gaps and applied in order, each in its
// own IMMEDIATE transaction together with the user_version bump, so a
// migration that fails half-way leaves the previous schema intact. A database
// whose version is above N was written by newer code: it is refused rather
// than misread.
#ifndef PATRON_SQL_MIGRATION_H_
#define PATRON_SQL_MIGRATION_H_

#include <functional>
#include <span>
#include <string_view>

#include "patron/status.h"

namespace patron::sql {

class Database;

struct Migration {
  int version;
  std::string_view description;
  // SQL run first (may be empty), then `apply` if set (data migrations).
  std::string_view sql;
  std::function<Status(Database&)> apply;
};

// Brings `db` up to the highest version in `migrations`.
Status Migrate(Database& db, std::span<const Migration> migrations);

// The schema version recorded in the database (0 for a new database).
Result<int> SchemaVersion(Database& db);

}  // namespace patron::sql

#endif  // PATRON_SQL_MIGRATION_H_
