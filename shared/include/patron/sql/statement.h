// patron::sql::Statement: a prepared statement, bound, stepped and read, in the
// manner of chromium's sql::Statement.
//
// Indices are 0-based for both parameters and columns. Bind errors are kept
// and reported by the next Step()/Run(), so call sites bind without checking
// each call. A Statement from Database::GetCachedStatement is reset (not
// finalised) when destroyed; one from GetUniqueStatement is finalised.
// A Statement must not outlive its Database.
#ifndef PATRON_SQL_STATEMENT_H_
#define PATRON_SQL_STATEMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

struct sqlite3_stmt;

namespace patron::sql {

class Database;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void BindNull(int index);
  void BindInt64(int index, int64_t value);
  void BindBool(int index, bool value) { BindInt64(index, value ? 1 : 0); }
  // The text is copied by SQLite; the caller's buffer may die after the call.
  void BindText(int index, std::string_view value);
  // Not copied: SQLite reads the caller's buffer, which must stay alive and
  // unchanged until the statement has stepped with this binding for the last
  // time (it is rebound or reset). For hot inserts of large batches.
  void BindTextInPlace(int index, std::string_view value);
  void BindBlob(int index, std::string_view bytes);
  // Binds NULL for nullopt.
  void BindOptionalText(int index, const std::optional<std::string>& value);
  void BindOptionalInt64(int index, std::optional<int64_t> value);

  // Advances to the next row: true if a row is available, false when done.
  Result<bool> Step();
  // Executes a statement that returns no rows to completion.
  Status Run();
  // Makes the statement runnable again; bindings are kept unless cleared.
  void Reset(bool clear_bindings);

  // Column accessors are valid only after Step() returned true.
  int ColumnCount() const;
  bool ColumnIsNull(int index) const;
  int64_t ColumnInt64(int index) const;
  bool ColumnBool(int index) const { return ColumnInt64(index) != 0; }
  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  std::optional<std::string> ColumnOptionalText(int index) const;
  std::optional<int64_t> ColumnOptionalInt64(int index) const;

 private:
  friend class Database;
  // `in_use` (cached statements only) is cleared when this Statement dies.
  Statement(sqlite3_stmt* stmt, bool owned, bool* in_use);
  void RecordBindError(int rc, int index);
  void Release();

  sqlite3_stmt* stmt_;
  bool owned_;
  bool* in_use_;
  Status bind_status_;
};

}  // namespace patron::sql

#endif  // PATRON_SQL_STATEMENT_H_
