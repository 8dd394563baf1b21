// Head office's reports over the journal and the members. A role of the
// server's store (server_store.h).
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - figures are computed from the entries, members and terminals the
//     transaction sees; every store with a terminal, an enrolled member or
//     an entry is listed, in store_id order, and no other.
#ifndef PATRON_SYNC_SERVER_REPORT_STORE_H_
#define PATRON_SYNC_SERVER_REPORT_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "patron/status.h"

namespace patron::sync {

// Per-store figures for head office (GET /v1/reports/stores).
struct StoreFigures {
  std::string store_id;
  int64_t members_enrolled = 0;
  int64_t sales = 0;               // distinct (terminal, sale_ref) with an earn or redeem
  int64_t points_earned = 0;       // earn + bonus
  int64_t points_redeemed = 0;     // redeem, as a positive number
  int64_t points_outstanding = 0;  // the sum of every balance effect booked to the store
};

class ReportTxn {
 public:
  virtual ~ReportTxn() = default;
  // Per store, in store_id order.
  virtual Result<std::vector<StoreFigures>> StoreReport() = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_REPORT_STORE_H_
