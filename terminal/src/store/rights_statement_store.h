// Head office's statement of this terminal's redemption rights (protocol.h
// RightsStatement, schema.cc version 7), and the rights it gives.
#ifndef PATRON_TERMINAL_SRC_STORE_RIGHTS_STATEMENT_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_RIGHTS_STATEMENT_STORE_H_

#include <cstdint>
#include <string>

#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::terminal {

class RightsStatementStore {
 public:
  RightsStatementStore(sql::Database& db, std::string holder)
      : db_(db), holder_(std::move(holder)) {}

  // Takes the statement in place of everything it covers: it replaces the
  // one held, its marks become the database's, none is asked for any more,
  // and every member's local rights are recomputed (rights_sql.h). Grants
  // after it are this database's (it ends old_grants, schema.cc version 6,
  // which stays for a head office that sends none). Every member it names
  // must have a row. Inside the caller's write transaction.
  Status Take(const sync::RightsStatement& statement, int64_t now_ms);

 private:
  sql::Database& db_;
  std::string holder_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_RIGHTS_STATEMENT_STORE_H_
