// The terminals head office knows: who they are, their store, the hash of
// their bearer token. A role of the server's store (server_store.h):
// registration and authentication see only this.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - a terminal is keyed by terminal_id; PutTerminal replaces the row;
//   - a token hash finds at most one terminal (the one it was last put with);
//   - ListTerminals returns every terminal in terminal_id order.
#ifndef PATRON_SYNC_SERVER_TERMINAL_STORE_H_
#define PATRON_SYNC_SERVER_TERMINAL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/status.h"

namespace patron::sync {

struct TerminalRecord {
  std::string terminal_id;
  std::string store_id;
  std::string token_hash;  // SHA-256 hex of the bearer token; the token is never stored
  int64_t registered_ms = 0;
  std::optional<int64_t> last_sync_ms;
  // The highest journal sequence head office has been pushed by this
  // terminal (entries refused included): a terminal whose database was lost
  // or rolled back goes on above it instead of reusing ids (DESIGN.md §4).
  int64_t journal_high_seq = 0;
};

class TerminalTxn {
 public:
  virtual ~TerminalTxn() = default;

  virtual Result<std::optional<TerminalRecord>> FindTerminal(std::string_view terminal_id) = 0;
  virtual Result<std::optional<TerminalRecord>> FindTerminalByTokenHash(
      std::string_view token_hash) = 0;
  // Write transactions only: inserts or replaces (keyed by terminal_id).
  virtual Status PutTerminal(const TerminalRecord& terminal) = 0;
  virtual Result<std::vector<TerminalRecord>> ListTerminals() = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_TERMINAL_STORE_H_
