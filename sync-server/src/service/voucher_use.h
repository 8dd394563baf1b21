// Whether a till may use a voucher (records/voucher.h), as head office
// judges the bonus entries and sales that name it: the one rule shared by
// the entry guard and the record filer.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_VOUCHER_USE_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_VOUCHER_USE_H_

#include <optional>
#include <string>
#include <string_view>

#include "patron/records/voucher.h"

namespace patron::sync {

// Why `terminal_id` may not use `voucher` in `member_id`'s sale `sale_id`:
// another member's, used by another sale, or not held by that till. nullopt
// if it may (it holds it, and it is unused or used by that very sale).
inline std::optional<std::string> VoucherUseRefusal(const Voucher& voucher,
                                                    std::string_view terminal_id,
                                                    std::string_view member_id,
                                                    std::string_view sale_id) {
  if (voucher.member_id != member_id) return "it is another member's";
  if (voucher.status == kVoucherUsed) {
    if (voucher.used_sale_id == sale_id) return std::nullopt;
    return "sale " + voucher.used_sale_id + " used it";
  }
  if (voucher.holder != terminal_id) {
    return voucher.holder.empty() ? std::string("head office holds it")
                                  : "till " + voucher.holder + " holds it";
  }
  return std::nullopt;
}

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_VOUCHER_USE_H_
