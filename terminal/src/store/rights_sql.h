// Each member's redemption rights for this terminal, recomputed from what
// the database holds, as Journal::Append and RightsStatementStore keep them
// (members.local_rights): the database check compares the two, and the
// rebuild and a rights statement write it.
#ifndef PATRON_TERMINAL_SRC_STORE_RIGHTS_SQL_H_
#define PATRON_TERMINAL_SRC_STORE_RIGHTS_SQL_H_

#include <string_view>

namespace patron::terminal {

// ?1 is this terminal's id. Rights are the member's rights_statement row
// (0 if none) plus ledger.h RightsEffect over the entries head office did
// not refuse (ack_seq 0) that the statement does not cover: own entries
// above rights_journal_seq, grants (head office's transfers to it) visible
// above rights_seq (schema.cc version 7). With no statement both marks are 0
// and every entry counts. Members with no rights may be left out.
inline constexpr std::string_view kRightsFromJournal = R"sql(
SELECT member_id, SUM(rights) AS rights FROM (
  SELECT member_id, points AS rights FROM rights_statement
  UNION ALL
  SELECT l.member_id, CASE
      WHEN l.kind = 'transfer' THEN (CASE WHEN l.origin = ?1 THEN -l.points ELSE 0 END)
                                  + (CASE WHEN l.to_holder = ?1 THEN l.points ELSE 0 END)
      WHEN l.origin = ?1 THEN l.points ELSE 0 END
  FROM ledger l, terminal_state t
  WHERE t.id = 1 AND l.ack_seq IS NOT 0
    AND (CASE WHEN l.origin = ?1 THEN l.seq > t.rights_journal_seq
              ELSE l.ack_seq > t.rights_seq END)
) GROUP BY member_id
)sql";

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_RIGHTS_SQL_H_
