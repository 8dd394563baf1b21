// What the down-channel brought this terminal (sync/down_items.h), the
// parts of replace-all sets, and what it met and did not understand.
#ifndef PATRON_TERMINAL_SRC_STORE_DOWN_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_DOWN_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/record_json.h"
#include "patron/sql/database.h"
#include "patron/status.h"
#include "patron/sync/down_items.h"

namespace patron::terminal {

// Something the sync stream carried that this build does not understand.
struct UpgradeNote {
  std::string what;       // "item kind 'coupon'", "member.wechat_id", ...
  int64_t first_seq = 0;  // the server sequence from which it came
  int64_t noted_ms = 0;
  std::string build;      // the build that noted it
};

class DownStore {
 public:
  explicit DownStore(sql::Database& db) : db_(db) {}

  // Keeps `item` as the current one of its kind, audience, address and key.
  Status Put(const sync::DownItem& item, bool known);
  Result<int64_t> CountUnknown();

  // A part of a replace-all set; the version it belongs to comes in force
  // once all its parts are here (and it is newer than the one in force):
  // then the parts of older versions are dropped. Returns whether it did.
  Result<bool> PutSetPart(const sync::SetPart& part);
  // The version in force of set `name` (nullopt: none yet) and its rows.
  Result<std::optional<int64_t>> SetVersion(std::string_view name);
  Result<std::vector<record::RawJson>> SetRows(std::string_view name);

  // Notes `what` once, from `first_seq` (an earlier note keeps its seq).
  Status NoteUnknown(std::string_view what, int64_t first_seq, int64_t now_ms,
                     std::string_view build);
  Result<std::vector<UpgradeNote>> UpgradeNotes();
  Status ClearUpgradeNotes();

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_DOWN_STORE_H_
