#include "patron/sql/transaction.h"

#include "patron/sql/database.h"

namespace patron::sql {

Transaction::Transaction(Database& db, Mode mode) : db_(db), mode_(mode) {}

Transaction::~Transaction() {
  if (open_) (void)Rollback();  // nothing to report to from a destructor
}

Status Transaction::Begin() {
  if (open_) return Status::Internal("transaction already begun");
  PATRON_RETURN_IF_ERROR(
      db_.Execute(mode_ == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  open_ = true;
  return Status::OK();
}

Status Transaction::Commit() {
  if (!open_) return Status::Internal("commit without an open transaction");
  Status status = db_.Execute("COMMIT");
  if (status.ok()) {
    open_ = false;
    return status;
  }
  // A failed COMMIT (busy, disk full, I/O) may leave the transaction open;
  // roll it back now so no later statement can commit its writes by accident.
  (void)Rollback();
  return status;
}

Status Transaction::Rollback() {
  if (!open_) return Status::OK();
  open_ = false;
  // SQLite rolls back on its own after some errors (SQLITE_FULL, SQLITE_IOERR);
  // a second ROLLBACK would fail with "no transaction is active".
  if (!db_.InTransaction()) return Status::OK();
  return db_.Execute("ROLLBACK");
}

}  // namespace patron::sql
