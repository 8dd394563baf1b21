// The single-row terminal_state (identity, journal sequence, persisted HLC,
// sync cursor) and the rules snapshots.
#ifndef PATRON_TERMINAL_SRC_STORE_STATE_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_STATE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "patron/hlc.h"
#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

struct TerminalStateRow {
  std::string terminal_id;
  std::string store_id;
  std::string chain_key_fingerprint;
  int64_t next_seq = 1;
  HlcTimestamp hlc;
  std::string cursor_epoch;
  int64_t cursor_seq = 0;
  std::optional<int64_t> last_sync_ms;
  // False until head office has told this database its journal mark
  // (schema.cc version 5); no journal entry is written before.
  bool journal_confirmed = true;
  JournalRestart restart;
  JournalIncarnation incarnation;
  // This database replaced another and has not finished a pull round since
  // (schema.cc version 6): grants it pulls and did not ask for are not its.
  bool old_grants = false;
  // Its journal restarted and it has not completed a pull round since: each
  // pull asks head office for its rights (schema.cc version 7).
  bool rights_statement_due = false;
  std::optional<int64_t> rights_statement_ms;  // when it last took one
  // What the statement taken covers (protocol.h RightsStatement): own
  // entries up to rights_journal_seq, grants visible up to rights_seq.
  int64_t rights_journal_seq = 0;
  int64_t rights_seq = 0;
};

struct RulesRow {
  int64_t version = 0;
  std::string body;  // JSON (rules_codec)
};

class StateStore {
 public:
  explicit StateStore(sql::Database& db) : db_(db) {}

  // nullopt for a database that was never initialised.
  Result<std::optional<TerminalStateRow>> Load();
  Status Initialize(const TerminalStateRow& row);

  // Returns the next journal sequence number and advances the counter; call
  // inside the transaction that writes the entry, so a rollback returns it.
  // Unavailable "journal_unconfirmed" before head office's mark is known.
  Result<int64_t> AllocateSeq();
  // Head office holds this terminal's entries up to `high_seq`: the journal
  // goes on above it (a jump is recorded as the restart) and is confirmed.
  // Returns whether it jumped. A jump sets old_grants and
  // rights_statement_due.
  Result<bool> ObserveJournalMark(int64_t high_seq, int64_t now_ms);
  // An unconfirmed journal that must write now goes on from `first_seq`
  // (random, JournalIncarnation) and is confirmed; sets old_grants and
  // rights_statement_due.
  Status StartIncarnation(int64_t first_seq, int64_t now_ms);
  // A pull round completed: grants pulled from now on are this database's,
  // and its rights statement, if it asked for one, came with it.
  Status EndPullRound();
  // Persists the clock so a restart continues above every issued timestamp.
  Status SaveHlc(HlcTimestamp hlc);

  // Where the next pull starts; written with the page it follows.
  Status SetCursor(std::string_view epoch, int64_t seq);
  Status SetLastSync(int64_t ms);

  // Every rule pack stored, ascending by version (EngineContext picks the
  // one in force).
  Result<std::vector<RulesRow>> AllRules();
  Status InsertRules(const RulesRow& rules, int64_t received_ms);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_STATE_STORE_H_
