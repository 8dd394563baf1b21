// Head office's points exchanges (records/exchange.h), the shares of each
// reward's stock it handed to tills (reward.h), and the shares of each
// campaign's budget (campaign.h CampaignBudget) with the points each till
// gave from its share. A role of the server's store (server_store.h).
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - PutExchange stores an exchange under its id; FindExchange gives back
//     exactly what was put;
//   - ExchangesOfMember lists one member's, by wall_ms then exchange_id;
//   - ExchangedAt sums the quantities of one terminal's exchanges of a
//     reward ("" = every terminal's);
//   - StockShares gives every terminal's share of a reward, as last set by
//     SetStockShare;
//   - BudgetShares gives every terminal's share of a campaign's budget, as
//     last set by SetBudgetGranted, and the sum of its AddBudgetUsed (a
//     terminal with either and not the other has 0 of that);
//   - everything is part of the surrounding transaction (StoreTxn).
#ifndef PATRON_SYNC_SERVER_EXCHANGE_STORE_H_
#define PATRON_SYNC_SERVER_EXCHANGE_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/records/exchange.h"
#include "patron/status.h"

namespace patron::sync {

// A terminal's share of a campaign's budget, in points.
struct BudgetShare {
  int64_t granted = 0;  // handed to it, in all
  int64_t used = 0;     // given by its awards of the campaign
  friend bool operator==(const BudgetShare&, const BudgetShare&) = default;
};

class ExchangeTxn {
 public:
  virtual ~ExchangeTxn() = default;
  virtual Result<std::optional<ExchangeRecord>> FindExchange(std::string_view exchange_id) = 0;
  // Write transactions only.
  virtual Status PutExchange(const ExchangeRecord& exchange) = 0;
  virtual Result<std::vector<ExchangeRecord>> ExchangesOfMember(std::string_view member_id) = 0;
  virtual Result<int64_t> ExchangedAt(std::string_view terminal_id, std::string_view reward_id) = 0;
  // Terminal id -> its share, in all.
  virtual Result<std::map<std::string, int64_t>> StockShares(std::string_view reward_id) = 0;
  // Write transactions only.
  virtual Status SetStockShare(std::string_view reward_id, std::string_view terminal_id,
                               int64_t granted) = 0;
  // Terminal id -> its share of the campaign's budget: of `terminal_id`'s
  // only, or of every terminal for "".
  virtual Result<std::map<std::string, BudgetShare>> BudgetShares(std::string_view campaign_id,
                                                                  std::string_view terminal_id) = 0;
  // Write transactions only.
  virtual Status SetBudgetGranted(std::string_view campaign_id, std::string_view terminal_id,
                                  int64_t granted) = 0;
  virtual Status AddBudgetUsed(std::string_view campaign_id, std::string_view terminal_id,
                               int64_t points) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_EXCHANGE_STORE_H_
