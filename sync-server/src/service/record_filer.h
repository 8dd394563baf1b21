// Head office's side of the up-channel (DESIGN.md §8): each record a till
// pushes is stored once by (kind, id) and answered like an entry: "ok" when
// new, "exists" when the same bytes were stored before (a retry), "conflict"
// for other bytes under the same id (never overwritten), "rejected" when a
// record of a known kind is malformed or not the caller's to send.
//
// Kinds this server knows are filed in tables of their own: a sale with its
// lines (and the vouchers it used marked used); a refund, counted against
// its sale across every store (or held until its sale arrives); a voucher's
// give-back (records/voucher.h); a points exchange (records/exchange.h);
// feedback (records/feedback.h), a complaint opening a case. A kind it does not know
// (from a newer till) is kept whole, so nothing a till sent is lost before head office upgrades.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_RECORD_FILER_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_RECORD_FILER_H_

#include <cstdint>
#include <functional>

#include "patron/records/exchange.h"
#include "patron/records/feedback.h"
#include "patron/records/voucher.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/record_store.h"
#include "patron/sync_server/sync_service.h"

namespace patron::sync {

// What filing a push's records did, for the service's counters.
struct FiledCounts {
  int64_t filed = 0;       // new records of known kinds
  int64_t held = 0;        // new records of kinds this server does not know
  int64_t duplicate = 0;   // "exists"
  int64_t conflict = 0;
  int64_t rejected = 0;
  int64_t refunds_exceeding = 0;  // refunds beyond what was left of their sale
  int64_t returns_matched = 0;    // pending returns head office reversed
};

// Writes an entry of head office's own (origin "server") from a draft that
// names the member, kind, points, amount, sale and what it reverses; returns
// its id. SyncService::WriteServerEntry.
using ServerEntryWriter = std::function<Result<std::string>(LedgerEntry draft)>;

// What the filer needs of the rest of head office, inside the push's
// transaction.
struct FilerHooks {
  // The change sequence of a new record (StoreTxn::NextSeq).
  std::function<Result<int64_t>()> next_seq;
  // Head office's reversals of a pending return it matches (then settled
  // against every store's, SyncService::SettleReversals).
  ServerEntryWriter write_entry;
  // Whether head office holds the entry (a pending return's reversals name
  // only entries it holds).
  std::function<Result<bool>(std::string_view entry_id)> holds_entry;
  // Tells the sale's own terminal what other terminals refunded of it
  // (SyncService::PublishRefundsElsewhere).
  std::function<Status(std::string_view sale_id)> refunds_elsewhere_changed;
  // The sale used the voucher of `award` (SyncService::UseVoucher; a use
  // the till had no right to is logged there, and the sale is filed all the
  // same: it happened).
  std::function<Status(const SaleRecord& sale, const SaleAward& award)> voucher_used;
  // The vouchers the sale's campaigns issued (checks.h CampaignVouchersOf):
  // InvalidArgument to reject the sale, with nothing written.
  std::function<Result<std::vector<Voucher>>(const SaleRecord& sale)> campaign_vouchers;
  // Keeps a voucher a campaign issued, if head office does not hold it yet,
  // and sends it to every till (SyncService::PutVoucher).
  std::function<Status(const Voucher& voucher)> voucher_issued;
  // The till gave a voucher back (SyncService::ReleaseVoucher).
  std::function<Status(const VoucherRelease& release)> voucher_released;
  // A till's points exchange, its origin and member checked
  // (SyncService::FileExchange): InvalidArgument to reject it, with nothing
  // written.
  std::function<Status(const ExchangeRecord& exchange)> file_exchange;
  // A till's feedback, checked (SyncService::FileFeedback).
  std::function<Status(const FeedbackRecord& feedback)> file_feedback;
};

class RecordFiler {
 public:
  RecordFiler(RecordTxn& txn, FilerHooks hooks) : txn_(txn), hooks_(std::move(hooks)) {}

  // Stores and files one record pushed by `caller`. A failing store is an
  // error (the push fails whole); a bad record is an ack "rejected".
  Result<RecordAck> File(const Caller& caller, const RecordEnvelope& envelope);

  const FiledCounts& counts() const { return counts_; }

 private:
  // Checks a record of a known kind, then stores `record` and files it;
  // InvalidArgument or PermissionDenied, with nothing written, for one to
  // reject.
  Status FileSale(const Caller& caller, const RecordEnvelope& envelope,
                  const StoredRecord& record);
  Status FileRefund(const Caller& caller, const RecordEnvelope& envelope,
                    const StoredRecord& record);
  Status FileVoucherRelease(const Caller& caller, const RecordEnvelope& envelope,
                            const StoredRecord& record);
  Status FileExchange(const Caller& caller, const RecordEnvelope& envelope,
                      const StoredRecord& record);
  Status FileFeedback(const Caller& caller, const RecordEnvelope& envelope,
                      const StoredRecord& record);
  // Counts a refund against its sale: applied, or exceeding what was left;
  // a pending return is matched: head office reverses its points.
  Result<RefundStatus> CountAgainstSale(const StoredSale& sale, RefundRecord& refund);
  // Head office's side of an offline return in another store: the points of
  // the refunded share of the sale, reversed by entries of its own (listed
  // in refund.entry_ids). The store handed the money back by its own policy
  // (paid_back_minor, all of it money), so redeemed points are not given
  // back.
  Result<RefundStatus> MatchPendingReturn(const StoredSale& sale, RefundRecord& refund);
  // A till reverses its refund's points itself. Refunds of one sale made at
  // several stores at once (one of them offline) may together take back
  // more points than the sale earned, or give back more than it redeemed;
  // head office undid the excess when the reverses arrived
  // (SyncService::SettleReversals), and this records the refund's net
  // effect: `refund` less what of it was undone.
  Status RecordNetEffect(const SaleRecord& sale, RefundRecord& refund);
  // Writes head office's reversals of `share` of `sale` (the earn's points
  // and qualifying spend, each campaign award's points), recorded in
  // `refund`.
  Status ReverseShare(const SaleRecord& sale, const RefundPlan& share, RefundRecord& refund);

  RecordTxn& txn_;
  FilerHooks hooks_;
  FiledCounts counts_;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_RECORD_FILER_H_
