// The vouchers this terminal knows (records/voucher.h; schema.cc version
// 10): every member's, as head office last said, with what this terminal
// did with each since. A row is head office's voucher plus released_gen.
#ifndef PATRON_TERMINAL_SRC_STORE_VOUCHER_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_VOUCHER_STORE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/records/voucher.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

struct VoucherRow : Voucher {
  // The holding (holder_gen) this terminal gave back on a recall; it may
  // not redeem the voucher under that holding any more.
  int64_t released_gen = 0;
};

class VoucherStore {
 public:
  explicit VoucherStore(sql::Database& db) : db_(db) {}

  Result<std::optional<VoucherRow>> Get(std::string_view voucher_id);
  // Stores the row, or replaces the one of its id. Inside the caller's
  // transaction.
  Status Put(const VoucherRow& row);
  // The member's vouchers, oldest issued first.
  Result<std::vector<VoucherRow>> OfMember(std::string_view member_id);
  // Drops every voucher but those used by a sale whose id starts with
  // `own_sale_prefix` ("<terminal_id>/") and those exchanges made here
  // bought: what head office said, for a full pull to say again.
  Status ForgetHeadOffice(std::string_view own_sale_prefix);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

namespace patron::record {

template <>
struct Schema<terminal::VoucherRow> {
  static constexpr std::string_view kName = "voucher_row";
  static constexpr auto kFields =
      record::Concat(Schema<Voucher>::kFields,
                     record::FieldList{Field<&terminal::VoucherRow::released_gen>{"released_gen"}});
};

}  // namespace patron::record

#endif  // PATRON_TERMINAL_SRC_STORE_VOUCHER_STORE_H_
