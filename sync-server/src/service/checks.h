// Request checks and store helpers shared by head office's services.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_

#include <optional>
#include <string_view>
#include <vector>

#include "patron/records/sale.h"
#include "patron/records/voucher.h"
#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/channel_store.h"
#include "patron/sync_server/journal_store.h"
#include "patron/sync_server/server_store.h"
#include "patron/sync_server/terminal_registry.h"

namespace patron::sync {

// 1..64 printable ASCII without blanks or '/', and not "server".
Status ValidateHolderId(std::string_view id, std::string_view what);
// The request speaks for the caller it was authenticated as.
Status CheckSpeaksFor(const Caller& caller, std::string_view terminal_id);

// A till's share of something head office hands out in shares (a reward's
// stock, a campaign's budget) on a claim to hold `want` in all: it rises
// from `held` as far as what is not handed out yet allows, never falls.
struct ShareClaim {
  int64_t granted = 0;     // the till's share after the claim
  int64_t unassigned = 0;  // of `limit`, handed to no till after it
  int64_t raised = 0;      // granted less held
};
ShareClaim ClaimShare(int64_t limit, int64_t handed_out, int64_t held, int64_t want);

// Refuses (invalid_rules, naming the field) a pack that adds a budget to a
// campaign id published without one or takes one away (tills and head
// office judge an award by the pack it names, so every pack must agree on
// whether the campaign is budgeted), or sets a budget below the points
// already handed to tills (budgets.cc).
Status CheckBudgetsKept(StoreTxn& txn, const Rules& pack);
// What is left of a campaign's budget in all: the budget less what the
// tills' awards gave (a dry run's view; a till gives from its own share).
Result<int64_t> BudgetLeftInAll(ExchangeTxn& txn, const Campaign& campaign);

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

// The vouchers the campaigns of `sale` issued (records/campaign_voucher.h),
// made again from the pack version the sale names; InvalidArgument
// ("invalid_record") when an award names a voucher its campaign does not
// issue (campaign_vouchers.cc).
Result<std::vector<Voucher>> CampaignVouchersOf(ChannelTxn& txn, const SaleRecord& sale);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_
