// The up-channel's storage at head office (DESIGN.md §8): every record a
// till pushed, by kind and id, and the consumption records filed in tables
// of their own (sales with their lines, refunds). A role of the server's
// store (server_store.h): the record service sees only this.
//
// Contract every implementation keeps (tests/sync-server/store/contract/):
//   - (kind, record_id) is unique, and a stored record never changes;
//   - a sale's refunded totals only grow;
//   - everything is part of the surrounding transaction (StoreTxn).
#ifndef PATRON_SYNC_SERVER_RECORD_STORE_H_
#define PATRON_SYNC_SERVER_RECORD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/records/sale.h"
#include "patron/status.h"

namespace patron::sync {

// A pushed record as stored: which it is, who sent it, when it became
// visible, and a digest of its body as pushed (a retry sends the very same
// bytes). The body itself is kept only for a kind this server does not file
// (forward compatibility: a newer till's records wait for the upgrade).
struct StoredRecord {
  int64_t seq = 0;
  std::string kind;
  std::string record_id;
  std::string origin;  // the terminal that pushed it
  std::string digest;  // SHA-256 of the body, hex
  std::optional<std::string> body;
  friend bool operator==(const StoredRecord&, const StoredRecord&) = default;
};

// A sale as head office keeps it: the record, its lines with what of each
// was refunded, and the refunded total across every store.
struct StoredSale {
  int64_t seq = 0;
  SaleRecord sale;
  std::vector<int64_t> refunded_qty;  // per line, in line order
  int64_t refunded_amount_minor = 0;
};

// How head office took a refund.
enum class RefundStatus {
  kApplied,       // the till reversed the points; the sale's totals counted it
  kAwaitingSale,  // the sale has not reached head office yet
  kPending,       // an offline return of another store's sale, not matched yet
  kMatched,       // a pending return head office reversed (its entries listed)
  kExceeds,       // more than what was left of the sale: counted, reported
  kClaimed,       // an online return in another store, counted; its record to come
};
std::string_view RefundStatusName(RefundStatus status);

struct StoredRefund {
  int64_t seq = 0;
  RefundRecord refund;
  RefundStatus status = RefundStatus::kApplied;
};

class RecordTxn {
 public:
  virtual ~RecordTxn() = default;

  virtual Result<std::optional<StoredRecord>> FindRecord(std::string_view kind,
                                                         std::string_view record_id) = 0;
  // Write transactions only; the caller looked for it first.
  virtual Status InsertRecord(const StoredRecord& record) = 0;

  // Write transactions only: files a sale and its lines at `seq`, the seq of
  // its record (InsertRecord of kind "sale" and id sale.sale_id), through
  // which FindSale finds it.
  virtual Status InsertSale(int64_t seq, const SaleRecord& sale) = 0;
  virtual Result<std::optional<StoredSale>> FindSale(std::string_view sale_id) = 0;
  // Write transactions only: the sale's refunded total and line quantities.
  virtual Status SetSaleRefunded(std::string_view sale_id, int64_t refunded_amount_minor,
                                 const std::vector<int64_t>& refunded_qty) = 0;

  // Write transactions only.
  virtual Status InsertRefund(const StoredRefund& refund) = 0;
  // Write transactions only: a refund's outcome once head office took it:
  // its status, member (a pending return's comes from its sale), entries
  // and the points and spend they moved.
  virtual Status SetRefundOutcome(int64_t seq, RefundStatus status, const RefundRecord& refund) = 0;
  virtual Result<std::optional<StoredRefund>> FindRefund(std::string_view refund_id) = 0;
  // Refunds of one sale, in seq order.
  virtual Result<std::vector<StoredRefund>> RefundsOfSale(std::string_view sale_id) = 0;
  // The member's sales and refunds (a pending return's too, once it names
  // the member), from every store, in the order they were filed.
  virtual Result<std::vector<StoredSale>> SalesOfMember(std::string_view member_id) = 0;
  virtual Result<std::vector<StoredRefund>> RefundsOfMember(std::string_view member_id) = 0;
  // Sales and refunds filed at a seq in (after, through], in seq order, at
  // most `limit` (the analytics fold reads them in batches).
  virtual Result<std::vector<StoredSale>> SalesBetween(int64_t after, int64_t through,
                                                       int limit) = 0;
  virtual Result<std::vector<StoredRefund>> RefundsBetween(int64_t after, int64_t through,
                                                           int limit) = 0;

  virtual Result<int64_t> CountRecords(std::string_view kind) = 0;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_RECORD_STORE_H_
