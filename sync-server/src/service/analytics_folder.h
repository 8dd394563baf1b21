// Head office's analytics kept as the fold files changes (DESIGN.md §10,
// analytics_store.h).
//
// MemberFolder::Fold hands an AnalyticsBatch the entries and enrolments it
// folds and the sequence range, inside its own transaction, so the
// analytics always include exactly the changes up to the fold's watermark
// (AnalyticsTxn::AnalyticsSeq equals FoldedSeq). RebuildAnalytics makes
// them again from the ledger, the records and the members' rows, for
// repair and for a store upgraded from before analytics; it gives the same
// figures as folding did, in whatever batches, because every figure is a
// sum or a distinct count, and the one ordered fact (a member's first
// purchase) is the least (day, store), whichever arrived first.
//
// Days are local to the active pack's utc_offset_minutes; when another
// offset comes in force, the next fold makes the analytics again in it, so
// every day of them is in one offset.
//
// A refund is counted on its own store and day; it is taken off its
// member's spend on the day of the sale it refunds, once both are filed
// (when the later of the two is).
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_ANALYTICS_FOLDER_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_ANALYTICS_FOLDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "patron/ledger.h"
#include "patron/status.h"
#include "patron/sync_server/server_store.h"

namespace patron::sync {

// Where and when a member enrolled ("" store: not yet).
using Enrolment = std::pair<std::string, int64_t>;

class AnalyticsBatch {
 public:
  // Days are local to `utc_offset_minutes` (the active pack's).
  explicit AnalyticsBatch(int64_t utc_offset_minutes) : offset_minutes_(utc_offset_minutes) {}

  void AddEntry(const LedgerEntry& entry);
  // A member's enrolment as the fold found it and as it left it.
  void MoveEnrolment(const Enrolment& before, const Enrolment& after);
  // Reads and adds the sales and refunds filed in (after, through].
  Status AddRecords(StoreTxn& txn, int64_t after, int64_t through);
  // Writes what was added, and empties the batch.
  Status Write(AnalyticsTxn& txn);

  // The store-local day of an instant.
  std::string DayOf(int64_t wall_ms) const;

 private:
  void AddSale(const StoredSale& stored, const std::vector<StoredRefund>& earlier_refunds);
  StoreDay& StoreDayOf(const std::string& store_id, const std::string& day);

  int64_t offset_minutes_;
  std::map<std::pair<std::string, std::string>, StoreDay> store_days_;
  std::map<std::tuple<std::string, std::string, std::string>, CategoryDay> category_days_;
  std::map<std::tuple<std::string, std::string, std::string>, CampaignDay> campaign_days_;
  std::map<std::pair<std::string, std::string>, TierDay> tier_days_;
  std::map<std::tuple<std::string, std::string, std::string>, MemberDay> member_days_;
  std::map<std::pair<std::string, std::string>, MemberCategory> member_categories_;
  std::map<std::pair<std::string, std::string>, CampaignMember> campaign_members_;
};

// Clears the analytics and makes them again from every change up to
// `through` (the fold's watermark: the members' rows are as of it).
Status RebuildAnalyticsIn(StoreTxn& txn, int64_t through, int64_t utc_offset_minutes);
// RebuildAnalyticsIn in a write transaction of its own, up to the fold's
// watermark, in the pack active at `now_ms`.
Status RebuildAnalytics(ServerStore& store, int64_t now_ms);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_ANALYTICS_FOLDER_H_
