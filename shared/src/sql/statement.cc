#include "patron/sql/statement.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "sql/sqlite_error.h"

namespace patron::sql {

Statement::Statement(sqlite3_stmt* stmt, bool owned, bool* in_use)
    : stmt_(stmt), owned_(owned), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(other.owned_),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    owned_ = other.owned_;
    in_use_ = std::exchange(other.in_use_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    // Back to the cache, ready for the next user: no open read cursor (which
    // would hold a WAL snapshot) and no stale bindings.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (in_use_ != nullptr) *in_use_ = false;
  }
  stmt_ = nullptr;
  in_use_ = nullptr;
}

void Statement::RecordBindError(int rc, int index) {
  if (rc == SQLITE_OK || !bind_status_.ok()) return;
  bind_status_ = StatusFromSqlite(rc, nullptr, "bind parameter " + std::to_string(index));
}

void Statement::BindNull(int index) { RecordBindError(sqlite3_bind_null(stmt_, index + 1), index); }

void Statement::BindInt64(int index, int64_t value) {
  RecordBindError(sqlite3_bind_int64(stmt_, index + 1, value), index);
}

void Statement::BindText(int index, std::string_view value) {
  RecordBindError(sqlite3_bind_text64(stmt_, index + 1, value.data(), value.size(),
                                      SQLITE_TRANSIENT, SQLITE_UTF8),
                  index);
}

void Statement::BindTextInPlace(int index, std::string_view value) {
  RecordBindError(sqlite3_bind_text64(stmt_, index + 1, value.data(), value.size(), SQLITE_STATIC,
                                      SQLITE_UTF8),
                  index);
}

void Statement::BindBlob(int index, std::string_view bytes) {
  RecordBindError(
      sqlite3_bind_blob64(stmt_, index + 1, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
      index);
}

void Statement::BindOptionalText(int index, const std::optional<std::string>& value) {
  if (value) {
    BindText(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalInt64(int index, std::optional<int64_t> value) {
  if (value) {
    BindInt64(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Statement::Step() {
  if (stmt_ == nullptr) return Status::Internal("step on a moved-from statement");
  PATRON_RETURN_IF_ERROR(bind_status_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  Status status = StatusFromSqlite(rc, sqlite3_db_handle(stmt_),
                                   "step \"" + std::string(sql ? sql : "").substr(0, 80) + "\"");
  sqlite3_reset(stmt_);
  return status;
}

Status Statement::Run() {
  PATRON_ASSIGN_OR_RETURN(bool has_row, Step());
  if (has_row) return Status::Internal("Run() on a statement that returns rows");
  return Status::OK();
}

void Statement::Reset(bool clear_bindings) {
  sqlite3_reset(stmt_);
  if (clear_bindings) {
    sqlite3_clear_bindings(stmt_);
    bind_status_ = Status::OK();
  }
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::ColumnText(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string Statement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (blob == nullptr) return {};
  return std::string(static_cast<const char*>(blob),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> Statement::ColumnOptionalText(int index) const {
  if (ColumnIsNull(index)) return std::nullopt;
  return ColumnText(index);
}

std::optional<int64_t> Statement::ColumnOptionalInt64(int index) const {
  if (ColumnIsNull(index)) return std::nullopt;
  return ColumnInt64(index);
}

}  // namespace patron::sql
