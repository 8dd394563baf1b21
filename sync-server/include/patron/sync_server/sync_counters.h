// What head office's role services have done since the process started,
// for GET /metrics: each service counts its own, into one SyncCounters the
// SyncService facade owns.
#ifndef PATRON_SYNC_SERVER_SYNC_COUNTERS_H_
#define PATRON_SYNC_SERVER_SYNC_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "patron/sync_server/entry_policy.h"

namespace patron::sync {

struct SyncCounters {
  std::atomic<int64_t> pushes{0};
  std::atomic<int64_t> pulls{0};
  std::atomic<int64_t> grants{0};
  std::atomic<int64_t> snapshots{0};  // bootstraps from a member snapshot
  // Rights statements sent to tills whose journal restarted (protocol.h).
  std::atomic<int64_t> rights_statements{0};
  std::atomic<int64_t> entries_ingested{0};
  std::atomic<int64_t> entries_duplicate{0};
  std::atomic<int64_t> entries_conflict{0};
  // Entries a till may not write, refused, by EntryRefusal.
  std::array<std::atomic<int64_t>, kEntryRefusalCount> entries_rejected{};
  std::atomic<int64_t> profile_changes{0};
  // The up-channel (record_store.h): new records filed by kind, held whole
  // (kinds this server does not know), retried, conflicting, rejected; and
  // refunds that went past what was left of their sale.
  std::atomic<int64_t> records_filed{0};
  std::atomic<int64_t> records_held{0};
  std::atomic<int64_t> records_duplicate{0};
  std::atomic<int64_t> records_conflict{0};
  std::atomic<int64_t> records_rejected{0};
  std::atomic<int64_t> refunds_exceeding{0};
  std::atomic<int64_t> returns_claimed{0};  // online returns in another store
  std::atomic<int64_t> returns_matched{0};  // offline returns head office reversed
  // Refunds in several stores at once that took back more than their sale
  // gave, whose excess head office undid.
  std::atomic<int64_t> refunds_corrected{0};
  // Campaign awards beyond their per-member limit (tills that could not see
  // each other's), reversed by head office.
  std::atomic<int64_t> campaign_awards_limited{0};
  // Vouchers (records/voucher.h): issued, handed to a till on its claim,
  // used by a sale, and sales that named a voucher their till did not hold
  // (logged as security events, reason "voucher_not_held").
  std::atomic<int64_t> vouchers_issued{0};
  // Points expiry (lots.h, SyncService::RunExpiry): entries written, points
  // expired, and points expired too much (late entries) given back.
  std::atomic<int64_t> expiry_entries{0};
  std::atomic<int64_t> points_expired{0};
  std::atomic<int64_t> points_expiry_given_back{0};
  std::atomic<int64_t> vouchers_claimed{0};
  std::atomic<int64_t> vouchers_used{0};
  std::atomic<int64_t> vouchers_misused{0};
  // Points exchanges (reward.h): filed, shares of stock handed to tills,
  // and exchanges beyond a till's share or a member's limit (logged as
  // security events "reward_stock_exceeded", "reward_limit_exceeded").
  std::atomic<int64_t> exchanges_filed{0};
  std::atomic<int64_t> stock_granted{0};
  std::atomic<int64_t> exchanges_excess{0};
  // Points of campaigns' budgets handed to tills as their shares.
  std::atomic<int64_t> budget_granted{0};
  std::atomic<int64_t> folds{0};
  std::atomic<int64_t> entries_folded{0};
  std::atomic<int64_t> entries_saturated{0};
  std::atomic<int64_t> fold_skipped{0};
  std::atomic<int64_t> fold_us{0};  // time spent in folds that moved the watermark
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SYNC_COUNTERS_H_
