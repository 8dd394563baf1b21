#include "patron/terminal/database_repair.h"

#include <filesystem>
#include <string_view>

#include "patron/sql/database.h"
#include "store/member_store.h"
#include "store/rights_sql.h"

namespace patron::terminal {
namespace {

// What only this terminal holds, copied by RecoverTerminalDatabase in this
// order (a row's foreign keys come before it). Members come first, as bare
// rows; the down-channel's items and sets are pulled again with them.
constexpr std::string_view kOwnTables[] = {
    "ledger",   "ledger_refused", "sales",          "sale_lines",      "refunds",
    "outbox",   "outbox_refused", "profile_outbox", "rules",           "rights_statement",
    "vouchers", "exchanges",      "reward_stock",   "campaign_budget",
};

std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

Result<std::string> HolderOf(sql::Database& db, std::string_view schema) {
  return db.QueryString("SELECT terminal_id FROM " + std::string(schema) +
                        ".terminal_state WHERE id = 1");
}

// The figures the terminal keeps twice, recomputed: problems appended.
Status CheckKeptFigures(sql::Database& db, int max_problems, std::vector<std::string>& problems) {
  PATRON_ASSIGN_OR_RETURN(const int64_t counted, db.QueryInt64("SELECT count(*) FROM members"));
  PATRON_ASSIGN_OR_RETURN(const int64_t kept, db.QueryInt64("SELECT n FROM member_count"));
  if (counted != kept) {
    problems.push_back("member_count says " + std::to_string(kept) + " members, the table holds " +
                       std::to_string(counted));
  }
  PATRON_ASSIGN_OR_RETURN(const std::string holder, HolderOf(db, "main"));
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db.GetUniqueStatement("SELECT m.member_id, m.local_rights, COALESCE(r.rights, 0) "
                            "FROM members m LEFT JOIN (" +
                            std::string(kRightsFromJournal) +
                            ") r ON r.member_id = m.member_id "
                            "WHERE m.local_rights <> COALESCE(r.rights, 0)"));
  s.BindText(0, holder);
  while (static_cast<int>(problems.size()) < max_problems) {
    PATRON_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    problems.push_back("member " + s.ColumnText(0) + ": this terminal's rights are " +
                       std::to_string(s.ColumnInt64(1)) + " but its journal gives " +
                       std::to_string(s.ColumnInt64(2)));
  }
  return Status::OK();
}

// Reads every row of the damaged database's `table`: an error if a page of
// it cannot be read.
Status ReadWhole(sql::Database& db, std::string_view table, int64_t& rows) {
  PATRON_ASSIGN_OR_RETURN(sql::Statement s,
                          db.GetUniqueStatement("SELECT * FROM old." + std::string(table)));
  rows = 0;
  while (true) {
    Result<bool> row = s.Step();
    if (!row.ok()) {
      return Status::FailedPrecondition(
          "this terminal's own table '" + std::string(table) +
              "' cannot be read from the damaged database (" + row.status().message() +
              "): its journal itself is damaged, and what never reached head office may be "
              "lost; restore the database from a backup",
          "journal_damaged");
    }
    if (!*row) return Status::OK();
    ++rows;
  }
}

void MoveAside(const std::string& from, const std::string& to, std::error_code& ec) {
  if (!std::filesystem::exists(from)) return;
  std::filesystem::rename(from, to, ec);
}

}  // namespace

Result<DatabaseProblems> CheckTerminalDatabase(const std::string& db_path, int max_problems) {
  if (!std::filesystem::exists(db_path)) {
    return Status::NotFound("no terminal database at " + db_path);
  }
  sql::DatabaseOptions read_only;
  read_only.read_only = true;
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                          sql::Database::Open(db_path, read_only));
  DatabaseProblems found;
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db->GetUniqueStatement("PRAGMA integrity_check(" + std::to_string(max_problems) + ")"));
    while (true) {
      Result<bool> row = s.Step();
      if (!row.ok()) {
        found.problems.push_back("integrity_check stopped: " + row.status().message());
        return found;
      }
      if (!*row) break;
      if (s.ColumnText(0) != "ok") found.problems.push_back(s.ColumnText(0));
    }
  }
  // A damaged structure makes the figures below meaningless, or unreadable.
  if (!found.ok()) return found;
  {
    PATRON_ASSIGN_OR_RETURN(sql::Statement s, db->GetUniqueStatement("PRAGMA foreign_key_check"));
    while (static_cast<int>(found.problems.size()) < max_problems) {
      PATRON_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      found.problems.push_back("a row of " + s.ColumnText(0) + " (rowid " + s.ColumnText(1) +
                               ") names a missing row of " + s.ColumnText(2));
    }
  }
  if (Status figures = CheckKeptFigures(*db, max_problems, found.problems); !figures.ok()) {
    found.problems.push_back("the kept figures cannot be read: " + figures.message());
  }
  return found;
}

Result<RecoveryReport> RecoverTerminalDatabase(const TerminalOptions& options, int64_t now_ms) {
  namespace fs = std::filesystem;
  const std::string& path = options.db_path;
  if (!fs::exists(path)) return Status::NotFound("no terminal database at " + path);
  RecoveryReport report;
  report.damaged_path = path + ".damaged-" + std::to_string(now_ms);
  std::error_code ec;
  MoveAside(path, report.damaged_path, ec);
  if (!ec) MoveAside(path + "-wal", report.damaged_path + "-wal", ec);
  if (ec) return Status::IOError("cannot move " + path + " aside: " + ec.message());
  fs::remove(path + "-shm", ec);  // rebuilt from the WAL by whoever opens it next

  // Whatever fails from here on puts the damaged file back, as it was.
  Result<RecoveryReport> rebuilt = [&]() -> Result<RecoveryReport> {
    PATRON_RETURN_IF_ERROR(Terminal::Open(options).status());  // schema and identity
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::Database::Open(path));
    PATRON_RETURN_IF_ERROR(
        db->Execute("ATTACH DATABASE " + Quoted(report.damaged_path) + " AS old"));
    PATRON_ASSIGN_OR_RETURN(const int64_t old_version, db->QueryInt64("PRAGMA old.user_version"));
    PATRON_ASSIGN_OR_RETURN(const int64_t new_version, db->QueryInt64("PRAGMA main.user_version"));
    if (old_version != new_version) {
      return Status::FailedPrecondition("the damaged database is at schema version " +
                                            std::to_string(old_version) + ", this patrond's is " +
                                            std::to_string(new_version) +
                                            ": recover it with the patrond that last ran it",
                                        "schema_version_differs");
    }
    PATRON_ASSIGN_OR_RETURN(const std::string holder, HolderOf(*db, "old"));
    if (holder != options.terminal_id) {
      return Status::FailedPrecondition(
          "the damaged database belongs to terminal " + holder + ", not " + options.terminal_id,
          "wrong_terminal");
    }
    for (std::string_view table : kOwnTables) {
      int64_t rows = 0;
      PATRON_RETURN_IF_ERROR(ReadWhole(*db, table, rows));
      if (table == "ledger") report.entries = rows;
      if (table == "sales") report.sales = rows;
      if (table == "refunds") report.refunds = rows;
      if (table == "outbox") report.records = rows;
    }

    PATRON_RETURN_IF_ERROR(db->Execute("BEGIN IMMEDIATE"));
    MemberStore members(*db);
    PATRON_ASSIGN_OR_RETURN(sql::Statement ids,
                            db->GetUniqueStatement("SELECT member_id FROM old.ledger UNION "
                                                   "SELECT member_id FROM old.sales UNION "
                                                   "SELECT member_id FROM old.profile_outbox UNION "
                                                   "SELECT member_id FROM old.rights_statement"));
    while (true) {
      PATRON_ASSIGN_OR_RETURN(bool row, ids.Step());
      if (!row) break;
      MemberRow bare;
      bare.member_id = ids.ColumnText(0);
      PATRON_RETURN_IF_ERROR(members.Insert(bare));
      ++report.members;
    }
    // The fresh database holds the default rules; the damaged one, those in force.
    PATRON_RETURN_IF_ERROR(db->Execute("DELETE FROM main.rules"));
    for (std::string_view table : kOwnTables) {
      PATRON_RETURN_IF_ERROR(db->Execute("INSERT INTO main." + std::string(table) +
                                         " SELECT * FROM old." + std::string(table)));
    }
    // Where the journal and the outbox stand; the cursor stays at the start,
    // so the next sync pulls every member (and the down-channel) again.
    PATRON_RETURN_IF_ERROR(db->Execute(
        "UPDATE main.terminal_state SET (next_seq, hlc, outbox_acked, last_sync_ms, "
        "rights_journal_seq, rights_seq, rights_statement_ms, rights_statement_due) = "
        "(SELECT next_seq, hlc, outbox_acked, last_sync_ms, rights_journal_seq, rights_seq, "
        "rights_statement_ms, rights_statement_due FROM old.terminal_state WHERE id = 1) "
        "WHERE id = 1"));
    {
      PATRON_ASSIGN_OR_RETURN(
          sql::Statement rights,
          db->GetUniqueStatement("UPDATE main.members SET local_rights = r.rights FROM (" +
                                 std::string(kRightsFromJournal) +
                                 ") r WHERE r.member_id = main.members.member_id"));
      rights.BindText(0, options.terminal_id);
      PATRON_RETURN_IF_ERROR(rights.Run());
    }
    PATRON_RETURN_IF_ERROR(db->Execute("COMMIT"));
    PATRON_RETURN_IF_ERROR(db->Execute("DETACH DATABASE old"));
    db.reset();
    PATRON_ASSIGN_OR_RETURN(DatabaseProblems left, CheckTerminalDatabase(path));
    if (!left.ok()) {
      return Status::Internal("the rebuilt database fails its check: " + left.problems.front());
    }
    return report;
  }();
  if (!rebuilt.ok()) {
    fs::remove(path + "-wal", ec);
    fs::remove(path + "-shm", ec);
    fs::remove(path, ec);
    MoveAside(report.damaged_path, path, ec);
    MoveAside(report.damaged_path + "-wal", path + "-wal", ec);
  }
  return rebuilt;
}

}  // namespace patron::terminal
