// patron::sql::Transaction: scoped transaction that rolls back unless
// committed, in the manner of chromium's sql::Transaction.
//
//   sql::Transaction txn(db);
//   PATRON_RETURN_IF_ERROR(txn.Begin());
//   ... writes ...
//   PATRON_RETURN_IF_ERROR(txn.Commit());
//
// Writers use kImmediate (the default): BEGIN IMMEDIATE takes the write lock
// up front, so a transaction never fails half-way through with SQLITE_BUSY on
// its first write after having read stale data.
#ifndef PATRON_SQL_TRANSACTION_H_
#define PATRON_SQL_TRANSACTION_H_

#include "patron/status.h"

namespace patron::sql {

class Database;

class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate };

  explicit Transaction(Database& db, Mode mode = Mode::kImmediate);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Rolls back if begun and not committed.
  ~Transaction();

  Status Begin();
  // After a failed Commit the transaction is rolled back (here or by the
  // destructor); nothing it wrote survives.
  Status Commit();
  Status Rollback();

  bool is_open() const { return open_; }

 private:
  Database& db_;
  Mode mode_;
  bool open_ = false;
};

}  // namespace patron::sql

#endif  // PATRON_SQL_TRANSACTION_H_
