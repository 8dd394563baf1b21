// The accounts' side of SqliteStoreTxn (account_store.h): head office's
// accounts, their sessions and the audit log (server_schema.cc, version 18).
#include <string>

#include "patron/record/record_sql.h"
#include "store/sqlite_store_txn.h"

namespace patron::sync {
namespace {

const std::string& FindAccountSql() {
  static const std::string sql =
      "SELECT " + record::ColumnList<Account>() + " FROM accounts WHERE username = ?";
  return sql;
}

const std::string& PutAccountSql() {
  static const std::string sql = "INSERT OR REPLACE INTO accounts(" +
                                 record::ColumnList<Account>() + ") VALUES (" +
                                 record::Placeholders<Account>() + ")";
  return sql;
}

const std::string& ListAccountsSql() {
  static const std::string sql =
      "SELECT " + record::ColumnList<Account>() + " FROM accounts ORDER BY username";
  return sql;
}

const std::string& FindSessionSql() {
  static const std::string sql = "SELECT " + record::ColumnList<AccountSession>() +
                                 " FROM account_sessions WHERE token_sha256 = ?";
  return sql;
}

const std::string& PutSessionSql() {
  static const std::string sql = "INSERT OR REPLACE INTO account_sessions(" +
                                 record::ColumnList<AccountSession>() + ") VALUES (" +
                                 record::Placeholders<AccountSession>() + ")";
  return sql;
}

const std::string& AppendAuditSql() {
  static const std::string sql = "INSERT INTO audit_log(" + record::ColumnList<AuditEvent>() +
                                 ") VALUES (" + record::Placeholders<AuditEvent>() + ")";
  return sql;
}

// ?1 = 0 reads from the newest; audit_id is the rowid, so this walks the
// table's own b-tree backwards.
const std::string& AuditEventsSql() {
  static const std::string sql = "SELECT " + record::ColumnList<AuditEvent>() +
                                 " FROM audit_log WHERE (?1 = 0 OR audit_id < ?1)"
                                 " ORDER BY audit_id DESC LIMIT ?2";
  return sql;
}

}  // namespace

Result<std::optional<Account>> SqliteStoreTxn::FindAccount(std::string_view username) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(FindAccountSql()));
  s.BindText(0, username);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return std::optional<Account>();
  Account account;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, account));
  return std::optional<Account>(std::move(account));
}

Status SqliteStoreTxn::PutAccount(const Account& account) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(PutAccountSql()));
  record::BindRecord(s, 0, account);
  return s.Run().WithContext("put account");
}

Result<std::vector<Account>> SqliteStoreTxn::ListAccounts() {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(ListAccountsSql()));
  std::vector<Account> accounts;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, accounts.emplace_back()));
  }
  return accounts;
}

Result<std::optional<AccountSession>> SqliteStoreTxn::FindSession(std::string_view token_sha256) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(FindSessionSql()));
  s.BindText(0, token_sha256);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return std::optional<AccountSession>();
  AccountSession session;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, session));
  return std::optional<AccountSession>(std::move(session));
}

Status SqliteStoreTxn::PutSession(const AccountSession& session) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(PutSessionSql()));
  record::BindRecord(s, 0, session);
  return s.Run().WithContext("put session");
}

Status SqliteStoreTxn::DeleteSession(std::string_view token_sha256) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement("DELETE FROM account_sessions WHERE token_sha256 = ?"));
  s.BindText(0, token_sha256);
  return s.Run().WithContext("delete session");
}

Status SqliteStoreTxn::DeleteSessionsOf(std::string_view username) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s, db_.GetCachedStatement("DELETE FROM account_sessions WHERE username = ?"));
  s.BindText(0, username);
  return s.Run().WithContext("delete sessions of account");
}

Status SqliteStoreTxn::DeleteSessionsEndedBy(int64_t now_ms, int64_t idle_before_ms) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  // A full scan: sessions are few (people, not tills) and this runs at login.
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db_.GetCachedStatement(
          "DELETE FROM account_sessions WHERE expires_ms <= ? OR last_seen_ms <= ?"));
  s.BindInt64(0, now_ms);
  s.BindInt64(1, idle_before_ms);
  return s.Run().WithContext("delete ended sessions");
}

Result<int64_t> SqliteStoreTxn::AppendAudit(const AuditEvent& event) {
  PATRON_RETURN_IF_ERROR(CheckWritable());
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(AppendAuditSql()));
  record::BindRecord(s, 0, event);
  s.BindNull(0);  // audit_id is the table's rowid: the store assigns it
  PATRON_RETURN_IF_ERROR(s.Run().WithContext("append audit event"));
  return db_.LastInsertRowId();
}

Result<std::vector<AuditEvent>> SqliteStoreTxn::AuditEvents(int64_t before, int limit) {
  PATRON_RETURN_IF_ERROR(CheckOpen());
  std::vector<AuditEvent> events;
  if (limit <= 0) return events;
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(AuditEventsSql()));
  s.BindInt64(0, before);
  s.BindInt64(1, limit);
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) break;
    PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, events.emplace_back()));
  }
  return events;
}

}  // namespace patron::sync
