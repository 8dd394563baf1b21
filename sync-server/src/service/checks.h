// Request checks and store helpers shared by head office's services.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_

#include <optional>
#include <string_view>
#include <vector>

#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/channel_store.h"
#include "patron/sync_server/journal_store.h"
#include "patron/sync_server/terminal_registry.h"

namespace patron::sync {

// 1..64 printable ASCII without blanks or '/', and not "server".
Status ValidateHolderId(std::string_view id, std::string_view what);
// The request speaks for the caller it was authenticated as.
Status CheckSpeaksFor(const Caller& caller, std::string_view terminal_id);

// Stored entries as a pull page or snapshot delivers them to a terminal.
std::vector<DeliveredEntry> Delivered(std::vector<StoredEntry> entries);

// The rule pack in force at `now_ms` as the transaction sees them
// (ActivePack over every published version; DefaultRules before any).
Result<Rules> ActiveRulesIn(ChannelTxn& txn, int64_t now_ms);
// Every published version, decoded, ascending.
Result<std::vector<Rules>> PublishedRulesIn(ChannelTxn& txn);
// Rules `version` as head office published it (DefaultRules for the version
// every till starts with); nullopt if it never was.
Result<std::optional<Rules>> RulesVersionIn(ChannelTxn& txn, int64_t version);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_
