#include "store/rights_statement_store.h"

#include "store/rights_sql.h"

namespace patron::terminal {

Status RightsStatementStore::Take(const sync::RightsStatement& statement, int64_t now_ms) {
  PATRON_RETURN_IF_ERROR(db_.Execute("DELETE FROM rights_statement"));
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("INSERT INTO rights_statement(member_id, points) VALUES (?, ?) "
                               "ON CONFLICT(member_id) DO UPDATE SET points = excluded.points"));
    for (const sync::HeldRights& held : statement.rights) {
      s.BindText(0, held.member_id);
      s.BindInt64(1, held.points);
      PATRON_RETURN_IF_ERROR(s.Run());
      s.Reset(/*clear_bindings=*/false);
    }
  }
  {
    PATRON_ASSIGN_OR_RETURN(
        sql::Statement s,
        db_.GetCachedStatement("UPDATE terminal_state SET rights_journal_seq = ?, rights_seq = ?, "
                               "rights_statement_ms = ?, rights_statement_due = 0, old_grants = 0 "
                               "WHERE id = 1"));
    s.BindInt64(0, statement.journal_seq);
    s.BindInt64(1, statement.seq);
    s.BindInt64(2, now_ms);
    PATRON_RETURN_IF_ERROR(s.Run());
  }
  PATRON_RETURN_IF_ERROR(
      db_.Execute("UPDATE members SET local_rights = 0 WHERE local_rights <> 0"));
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement recount,
      db_.GetUniqueStatement("UPDATE members SET local_rights = r.rights FROM (" +
                             std::string(kRightsFromJournal) +
                             ") r WHERE r.member_id = members.member_id"));
  recount.BindText(0, holder_);
  return recount.Run();
}

}  // namespace patron::terminal
