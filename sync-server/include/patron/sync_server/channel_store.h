// The down-channel's storage at head office (sync/down_items.h): the items
// addressed to tills, each at the change sequence at which it became
// visible. A role of the server's store (server_store.h).
//
// Contract every implementation keeps:
//   - an item replaces (deletes) the stored item of the same kind,
//     audience, address and key, so what is stored is what is current;
//   - DownItemsFor returns, in seq order, exactly the items a terminal of
//     a store is addressed by: every till's, its store's, its own, and
//     members' (every till holds every member).
#ifndef PATRON_SYNC_SERVER_CHANNEL_STORE_H_
#define PATRON_SYNC_SERVER_CHANNEL_STORE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "patron/status.h"
#include "patron/sync/down_items.h"

namespace patron::sync {

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
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_CHANNEL_STORE_H_
