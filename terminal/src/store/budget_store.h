// This terminal's share of each campaign's budget (campaign.h
// CampaignBudget; schema.cc version 13): the points head office handed it,
// the points its awards of the campaign gave, and the largest award that
// found too little left since head office last answered (so the next claim
// asks for at least that). The till gives a budgeted campaign only while
// granted - used covers the whole award, and counts the award in the
// checkout's own transaction.
#ifndef PATRON_TERMINAL_SRC_STORE_BUDGET_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_BUDGET_STORE_H_

#include <cstdint>
#include <string_view>

#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

struct BudgetHere {
  int64_t granted = 0;
  int64_t used = 0;
  int64_t short_of = 0;
  int64_t Left() const { return granted > used ? granted - used : 0; }
};

class BudgetStore {
 public:
  explicit BudgetStore(sql::Database& db) : db_(db) {}

  // {0, 0} before any share or award.
  Result<BudgetHere> Of(std::string_view campaign_id);
  // Takes head office's answer to a claim: the share becomes `granted` and
  // the points given at least `used` (what head office counted of this
  // terminal's awards, which a replaced database may have forgotten); a
  // lower figure (an older answer) is ignored. Forgets short_of.
  Status Raise(std::string_view campaign_id, int64_t granted, int64_t used);
  // Counts an award of the campaign. Inside the caller's transaction.
  Status AddUsed(std::string_view campaign_id, int64_t points);
  // Notes an award of `points` the share did not cover.
  Status AddShort(std::string_view campaign_id, int64_t points);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_BUDGET_STORE_H_
