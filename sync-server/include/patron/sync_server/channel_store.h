// The down-channel's storage at head office (sync/down_items.h): the items
// addressed to tills, each at the change sequence at which it became
// visible, and the rules in force (every version kept). A role of the
// server's store (server_store.h).
//
// Contract every implementation keeps:
//   - an item replaces (deletes) the stored item of the same kind,
//     audience, address and key, so what is stored is what is current;
//   - DownItemsFor returns, in seq order, exactly the items a terminal of
//     a store is addressed by: every till's, its store's, its own, and
//     members' (every till holds every member);
//   - a rules version's body never changes: putting the same body again is
//     OK, a different one is Conflict; ActiveRules is the highest version;
//     AllRules lists every version.
#ifndef PATRON_SYNC_SERVER_CHANNEL_STORE_H_
#define PATRON_SYNC_SERVER_CHANNEL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/status.h"
#include "patron/sync/down_items.h"

namespace patron::sync {

struct StoredRules {
  int64_t version = 0;
  std::string body;  // JSON, rules_codec
  int64_t stored_ms = 0;
};

class ChannelTxn {
 public:
  virtual ~ChannelTxn() = default;
  // Write transactions only: stores `item` at item.seq (a sequence number
  // of this transaction), replacing its predecessor.
  virtual Status PutDownItem(const DownItem& item) = 0;
  // The items for `terminal_id` of `store_id` with seq in (after, through],
  // at most `limit`.
  virtual Result<std::vector<DownItem>> DownItemsFor(std::string_view terminal_id,
                                                     std::string_view store_id, int64_t after,
                                                     int64_t through, int limit) = 0;

  // The active rules (JSON, rules_codec) and their version; nullopt if none.
  virtual Result<std::optional<std::pair<int64_t, std::string>>> ActiveRules() = 0;
  // The body of rules `version`; nullopt if head office never published it.
  virtual Result<std::optional<std::string>> RulesVersion(int64_t version) = 0;
  // Every version (rule packs: DESIGN.md §9), ascending, with when it was
  // stored (ms since the epoch).
  virtual Result<std::vector<StoredRules>> AllRules() = 0;
  // Write transactions only; `stored_ms`: when it was published, by the
  // server's clock (a retry keeps the first).
  virtual Status PutRules(int64_t version, std::string_view rules_json, int64_t stored_ms) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_CHANNEL_STORE_H_
