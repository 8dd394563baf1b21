// Points exchanges this terminal knows (records/exchange.h; schema.cc
// version 11): its own, with the request each answered, and every other
// till's that head office sent down, for the members' limits. And the share
// of each reward's stock head office handed this terminal (reward.h).
#ifndef PATRON_TERMINAL_SRC_STORE_EXCHANGE_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_EXCHANGE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/records/exchange.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

struct ExchangeRow : ExchangeRecord {
  std::string request_hash;   // of the request it answered; "" for another till's
  int64_t balance_after = 0;  // the member's balance after it, as this terminal saw it
};

class ExchangeStore {
 public:
  explicit ExchangeStore(sql::Database& db) : db_(db) {}

  // This terminal's exchange of `exchange_ref`.
  Result<std::optional<ExchangeRow>> GetOwn(std::string_view terminal_id,
                                            std::string_view exchange_ref);
  // Stores an exchange; one already stored under its id stays as it is.
  // Inside the caller's transaction.
  Status Add(const ExchangeRow& row);
  // The member's exchanges known here, oldest first.
  Result<std::vector<ExchangeRow>> OfMember(std::string_view member_id);
  // How many of the reward this terminal gave out.
  Result<int64_t> GivenHere(std::string_view terminal_id, std::string_view reward_id);
  // The share of the reward's stock head office handed this terminal, in
  // all (0 before any).
  Result<int64_t> StockGranted(std::string_view reward_id);
  // Raises the share to `granted`; a lower figure (an older answer) is ignored.
  Status RaiseStockGranted(std::string_view reward_id, int64_t granted);
  // Drops other tills' exchanges, for a full pull to bring them again.
  Status ForgetOthers(std::string_view terminal_id);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

namespace patron::record {

template <>
struct Schema<terminal::ExchangeRow> {
  static constexpr std::string_view kName = "exchange_row";
  static constexpr auto kFields = record::Concat(
      Schema<ExchangeRecord>::kFields,
      record::FieldList{Field<&terminal::ExchangeRow::request_hash>{"request_hash"},
                        Field<&terminal::ExchangeRow::balance_after>{"balance_after"}});
};

}  // namespace patron::record

#endif  // PATRON_TERMINAL_SRC_STORE_EXCHANGE_STORE_H_
