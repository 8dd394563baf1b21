#include "patron/sql/migration.h"

#include <string>

#include "patron/sql/database.h"
#include "patron/sql/transaction.h"

namespace patron::sql {

Result<int> SchemaVersion(Database& db) {
  PATRON_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  return static_cast<int>(version);
}

namespace {

Status CheckNumbering(std::span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Status::Internal("migrations must be numbered 1..N in order; entry " +
                              std::to_string(i) + " has version " +
                              std::to_string(migrations[i].version));
    }
  }
  return Status::OK();
}

Status Apply(Database& db, const Migration& migration) {
  Transaction txn(db);
  PATRON_RETURN_IF_ERROR(txn.Begin());
  // Another process may have migrated between our read and this write lock.
  PATRON_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current >= migration.version) return Status::OK();
  if (!migration.sql.empty()) PATRON_RETURN_IF_ERROR(db.Execute(migration.sql));
  if (migration.apply) PATRON_RETURN_IF_ERROR(migration.apply(db));
  PATRON_RETURN_IF_ERROR(
      db.Execute("PRAGMA user_version=" + std::to_string(migration.version)));
  return txn.Commit();
}

}  // namespace

Status Migrate(Database& db, std::span<const Migration> migrations) {
  PATRON_RETURN_IF_ERROR(CheckNumbering(migrations));
  PATRON_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  const int latest = static_cast<int>(migrations.size());
  if (current > latest) {
    return Status::FailedPrecondition(
        db.path() + " has schema version " + std::to_string(current) +
            " but this build knows only up to " + std::to_string(latest) +
            "; it was written by a newer Patron and is left untouched",
        "schema_too_new");
  }
  for (const Migration& migration : migrations.subspan(static_cast<size_t>(current))) {
    PATRON_RETURN_IF_ERROR(Apply(db, migration).WithContext(
        "migration " + std::to_string(migration.version) + " (" +
        std::string(migration.description) + ")"));
  }
  return Status::OK();
}

}  // namespace patron::sql
