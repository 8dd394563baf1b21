// Start-up integrity of a terminal's database (issue 15): a till whose disk
// flipped a page must not serve wrong balances and take sales on top of
// them. patrond checks its database when it starts after an unclean stop
// (and on demand, `patrond --check`), refuses to serve one that fails, and
// `patrond --recover` rebuilds it: what only this terminal holds (its
// journal, sales, refunds, outbox) is kept, and the replica of members,
// which head office holds too, is pulled again.
#ifndef PATRON_TERMINAL_DATABASE_REPAIR_H_
#define PATRON_TERMINAL_DATABASE_REPAIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "patron/status.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

// What a check found; empty: the database passed.
struct DatabaseProblems {
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Reads the whole database at `db_path` (which must exist; nothing is
// written): SQLite's integrity_check (page structure, records, every index
// against its table), the foreign keys, and the figures the terminal keeps
// twice (the member count; each member's redemption rights against the
// journal). Lists at most `max_problems`. An error only when the file
// cannot be opened or read at all.
Result<DatabaseProblems> CheckTerminalDatabase(const std::string& db_path, int max_problems = 20);

struct RecoveryReport {
  std::string damaged_path;  // where the damaged file was moved
  int64_t entries = 0;       // journal entries kept
  int64_t sales = 0;
  int64_t refunds = 0;
  int64_t records = 0;  // outbox records kept
  int64_t members = 0;  // members the journal names, to be pulled again
};

// Rebuilds the terminal database of `options` (db_path, terminal_id,
// store_id, chain_key): moves the damaged file and its WAL aside to
// `<db_path>.damaged-<now_ms>`, creates a fresh database, and copies into it
// what is this terminal's own: its identity and journal position, its
// journal with head office's acknowledgements and refusals, its sales,
// refunds and outbox, its pending profile changes and the rules. Members are
// kept as bare rows (the journal names them) with their rights recomputed
// from the journal, and the sync cursor is reset, so the next sync pulls
// every member again from head office. The result must pass
// CheckTerminalDatabase. FailedPrecondition naming the table if one of the
// terminal's own tables cannot be read: then the journal itself is damaged
// and entries that never reached head office may be lost (the damaged file
// is left where it was).
Result<RecoveryReport> RecoverTerminalDatabase(const TerminalOptions& options, int64_t now_ms);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_DATABASE_REPAIR_H_
