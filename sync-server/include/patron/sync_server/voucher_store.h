// Head office's vouchers (records/voucher.h): each as it stands now, who
// holds it, and whether it was used. A role of the server's store
// (server_store.h).
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - PutVoucher stores a new voucher or replaces the one of its id, whole;
//   - FindVoucher gives back exactly what was put last;
//   - VouchersOfMember lists one member's, by issued_ms then voucher_id;
//   - everything is part of the surrounding transaction (StoreTxn).
#ifndef PATRON_SYNC_SERVER_VOUCHER_STORE_H_
#define PATRON_SYNC_SERVER_VOUCHER_STORE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "patron/records/voucher.h"
#include "patron/status.h"

namespace patron::sync {

class VoucherTxn {
 public:
  virtual ~VoucherTxn() = default;
  virtual Result<std::optional<Voucher>> FindVoucher(std::string_view voucher_id) = 0;
  // Write transactions only.
  virtual Status PutVoucher(const Voucher& voucher) = 0;
  virtual Result<std::vector<Voucher>> VouchersOfMember(std::string_view member_id) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_VOUCHER_STORE_H_
