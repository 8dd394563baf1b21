#include "service/record_filer.h"

#include <algorithm>

#include "patron/digest.h"
#include "patron/record/record_json.h"
#include "patron/refund_plan.h"
#include "patron/uuid.h"

namespace patron::sync {
namespace {

// What one sale record may hold (a till's own limits are lower).
constexpr int64_t kMaxRecordAmountMinor = 1'000'000'000'000'000;  // 10^15
constexpr size_t kMaxRecordAwards = 1'000;

Status Reject(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_record");
}

template <typename Record>
Result<Record> DecodeBody(const RecordEnvelope& envelope) {
  Result<Record> record = record::DecodeRecord<Record>(envelope.body.text);
  if (!record.ok()) {
    return Reject(std::string(envelope.kind) + " " + envelope.record_id + ": " +
                  record.status().message());
  }
  return record;
}

// The record was made by the caller, at its store, under the id its natural
// key gives.
Status CheckOwnRecord(const Caller& caller, const RecordEnvelope& envelope,
                      std::string_view terminal_id, std::string_view store_id,
                      std::string_view expected_id) {
  if (terminal_id != caller.terminal_id) {
    return Status::PermissionDenied(envelope.kind + " " + envelope.record_id +
                                        " was made by " + std::string(terminal_id) + ", not by " +
                                        caller.terminal_id,
                                    "foreign_origin");
  }
  if (store_id != caller.store_id) {
    return Status::PermissionDenied(envelope.kind + " " + envelope.record_id +
                                        " is booked to store " + std::string(store_id) + ", but " +
                                        caller.terminal_id + " belongs to " + caller.store_id,
                                    "foreign_store");
  }
  if (envelope.record_id != expected_id) {
    return Reject(envelope.kind + " " + envelope.record_id + " must have the id " +
                  std::string(expected_id));
  }
  return Status::OK();
}

// The record's own id field (`field`) holds the id it was pushed under.
Status CheckNamesItself(const RecordEnvelope& envelope, std::string_view field,
                        std::string_view id) {
  if (id == envelope.record_id) return Status::OK();
  return Reject(envelope.kind + " " + envelope.record_id + " names " + std::string(field) + " " +
                std::string(id));
}

Status CheckMember(const RecordEnvelope& envelope, std::string_view member_id) {
  if (Uuid::Parse(member_id).ok()) return Status::OK();
  return Reject(envelope.kind + " " + envelope.record_id + " names an invalid member id");
}

Status CheckSale(const RecordEnvelope& envelope, const SaleRecord& sale) {
  const auto bad = [&](std::string_view what) {
    return Reject("sale " + envelope.record_id + ": " + std::string(what));
  };
  if (sale.amount_minor <= 0) return bad("amount_minor must be positive");
  if (sale.discount_minor < 0 || sale.paid_minor < 0 || sale.eligible_paid_minor < 0 ||
      sale.earned_points < 0 || sale.redeemed_points < 0) {
    return bad("amounts and points must not be negative");
  }
  const std::string own_entries = sale.terminal_id + "/";
  if (sale.amount_minor > kMaxRecordAmountMinor || sale.awards.size() > kMaxRecordAwards) {
    return bad("amount_minor at most 10^15, at most 1,000 awards");
  }
  int64_t voucher_discount = 0;
  int64_t campaign_discount = 0;
  for (const SaleAward& award : sale.awards) {
    if (!award.voucher_id.empty()) {
      // A voucher's: money off, points on its own entry, or both.
      const bool well_formed =
          award.campaign_id.empty() && !award.held_out && award.budget_short == 0 &&
          award.points >= 0 && award.discount_minor >= 0 &&
          award.discount_minor <= sale.amount_minor &&
          (award.points > 0 ? award.entry_id.starts_with(own_entries) : award.entry_id.empty());
      if (!well_formed) {
        return bad(
            "a voucher's award names no campaign, takes off no more than the sale, and has its "
            "own bonus entry exactly when it gives points");
      }
      voucher_discount += award.discount_minor;  // each <= amount <= 10^15, at most 1,000
      continue;
    }
    // Given (points on its own entry, money off, or a voucher issued), held
    // out, or short of budget: exactly one. (A voucher's id is checked where
    // head office makes the voucher again: CampaignVouchersOf.)
    const bool absent = award.held_out || award.budget_short > 0;
    const bool issued = !award.issued_voucher_id.empty();
    const bool no_points = award.points == 0 && award.entry_id.empty();
    const bool well_formed =
        absent ? no_points && award.discount_minor == 0 && !issued &&
                     !(award.held_out && award.budget_short != 0) && award.budget_short >= 0
        : issued                   ? no_points && award.discount_minor == 0
        : award.discount_minor > 0 ? no_points && award.discount_minor <= sale.amount_minor
                                   : award.points > 0 && award.discount_minor == 0 &&
                                         award.entry_id.starts_with(own_entries);
    if (award.campaign_id.empty() || !well_formed) {
      return bad(
          "an award names its campaign and either its own bonus entry and points, money off "
          "alone, or the voucher it issued alone, or is held out or short of budget with none");
    }
    campaign_discount += award.discount_minor;  // each <= amount <= 10^15, at most 1,000
  }
  if (voucher_discount != sale.voucher_discount_minor) {
    return bad("voucher_discount_minor must be the vouchers' discounts");
  }
  if (campaign_discount != sale.campaign_discount_minor) {
    return bad("campaign_discount_minor must be the campaigns' discounts");
  }
  if (voucher_discount + campaign_discount > sale.amount_minor) {
    return bad("campaigns and vouchers may take off no more than the sale");
  }
  for (size_t i = 0; i < sale.lines.size(); ++i) {
    const SaleLine& line = sale.lines[i];
    if (line.line_no != static_cast<int64_t>(i)) return bad("lines must be numbered 0, 1, 2...");
    if (line.qty <= 0 || line.amount_minor < 0 || line.discount_minor < 0) {
      return bad("a line's qty must be positive and its amounts not negative");
    }
  }
  return Status::OK();
}

}  // namespace

Result<RecordAck> RecordFiler::File(const Caller& caller, const RecordEnvelope& envelope) {
  RecordAck ack;
  ack.record_id = envelope.record_id;
  const std::string digest = Sha256Hex(envelope.body.text);
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredRecord> stored,
                          txn_.FindRecord(envelope.kind, envelope.record_id));
  if (stored) {
    ack.seq = stored->seq;
    if (stored->digest == digest && stored->origin == caller.terminal_id) {
      ack.outcome = PushOutcome::kExists;
      ++counts_.duplicate;
    } else {
      ack.outcome = PushOutcome::kConflict;
      ack.message = "a record with this id and different content exists; it is kept";
      ++counts_.conflict;
    }
    return ack;
  }

  PATRON_ASSIGN_OR_RETURN(const int64_t seq, hooks_.next_seq());
  StoredRecord record{seq, envelope.kind, envelope.record_id, caller.terminal_id, digest, {}};
  Status filed;
  if (envelope.kind == kSaleRecordKind) {
    filed = FileSale(caller, envelope, record);
  } else if (envelope.kind == kRefundRecordKind) {
    filed = FileRefund(caller, envelope, record);
  } else if (envelope.kind == kVoucherReleaseKind) {
    filed = FileVoucherRelease(caller, envelope, record);
  } else if (envelope.kind == kExchangeRecordKind) {
    filed = FileExchange(caller, envelope, record);
  } else if (envelope.kind == kFeedbackRecordKind) {
    filed = FileFeedback(caller, envelope, record);
  } else {
    record.body = envelope.body.text;  // kept until this server knows the kind
    filed = txn_.InsertRecord(record);
  }
  if (!filed.ok()) {
    if (filed.code() != StatusCode::kInvalidArgument &&
        filed.code() != StatusCode::kPermissionDenied) {
      return filed;  // the store failed: the push fails whole
    }
    // Nothing of it was written (the checks come first); the number is
    // skipped, as for a duplicate entry.
    ack.outcome = PushOutcome::kRejected;
    ack.message = filed.message();
    ++counts_.rejected;
    return ack;
  }
  ++(record.body ? counts_.held : counts_.filed);
  ack.outcome = PushOutcome::kOk;
  ack.seq = seq;
  return ack;
}

Status RecordFiler::FileSale(const Caller& caller, const RecordEnvelope& envelope,
                             const StoredRecord& record) {
  PATRON_ASSIGN_OR_RETURN(SaleRecord sale, DecodeBody<SaleRecord>(envelope));
  PATRON_RETURN_IF_ERROR(CheckOwnRecord(caller, envelope, sale.terminal_id, sale.store_id,
                                        MakeSaleId(sale.terminal_id, sale.sale_ref)));
  PATRON_RETURN_IF_ERROR(CheckMember(envelope, sale.member_id));
  PATRON_RETURN_IF_ERROR(CheckSale(envelope, sale));
  PATRON_ASSIGN_OR_RETURN(const std::vector<Voucher> issued, hooks_.campaign_vouchers(sale));
  PATRON_RETURN_IF_ERROR(txn_.InsertRecord(record));
  PATRON_RETURN_IF_ERROR(txn_.InsertSale(record.seq, sale));
  // Refunds made elsewhere may have arrived first: count them now.
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> waiting, txn_.RefundsOfSale(sale.sale_id));
  for (StoredRefund& refund : waiting) {
    if (refund.status != RefundStatus::kAwaitingSale) continue;
    PATRON_ASSIGN_OR_RETURN(std::optional<StoredSale> stored, txn_.FindSale(sale.sale_id));
    if (!stored) return Status::Internal("sale " + sale.sale_id + " filed but not found");
    PATRON_ASSIGN_OR_RETURN(RefundStatus status, CountAgainstSale(*stored, refund.refund));
    PATRON_RETURN_IF_ERROR(txn_.SetRefundOutcome(refund.seq, status, refund.refund));
  }
  if (!waiting.empty()) PATRON_RETURN_IF_ERROR(hooks_.refunds_elsewhere_changed(sale.sale_id));
  for (const SaleAward& award : sale.awards) {
    if (!award.voucher_id.empty()) PATRON_RETURN_IF_ERROR(hooks_.voucher_used(sale, award));
  }
  for (const Voucher& voucher : issued) PATRON_RETURN_IF_ERROR(hooks_.voucher_issued(voucher));
  return Status::OK();
}

Status RecordFiler::FileVoucherRelease(const Caller& caller, const RecordEnvelope& envelope,
                                       const StoredRecord& record) {
  PATRON_ASSIGN_OR_RETURN(VoucherRelease release, DecodeBody<VoucherRelease>(envelope));
  if (release.terminal_id != caller.terminal_id) {
    return Status::PermissionDenied(envelope.kind + " " + envelope.record_id + " was made by " +
                                        release.terminal_id + ", not by " + caller.terminal_id,
                                    "foreign_origin");
  }
  const std::string expected =
      VoucherReleaseId(release.terminal_id, release.voucher_id, release.holder_gen);
  if (envelope.record_id != expected) {
    return Reject(envelope.kind + " " + envelope.record_id + " must have the id " + expected);
  }
  PATRON_RETURN_IF_ERROR(txn_.InsertRecord(record));
  return hooks_.voucher_released(release);
}

Status RecordFiler::FileExchange(const Caller& caller, const RecordEnvelope& envelope,
                                 const StoredRecord& record) {
  PATRON_ASSIGN_OR_RETURN(ExchangeRecord exchange, DecodeBody<ExchangeRecord>(envelope));
  PATRON_RETURN_IF_ERROR(CheckOwnRecord(caller, envelope, exchange.terminal_id, exchange.store_id,
                                        MakeSaleId(exchange.terminal_id, exchange.exchange_ref)));
  PATRON_RETURN_IF_ERROR(CheckNamesItself(envelope, "exchange_id", exchange.exchange_id));
  PATRON_RETURN_IF_ERROR(CheckMember(envelope, exchange.member_id));
  PATRON_RETURN_IF_ERROR(hooks_.file_exchange(exchange));
  return txn_.InsertRecord(record);
}

Status RecordFiler::FileFeedback(const Caller& caller, const RecordEnvelope& envelope,
                                 const StoredRecord& record) {
  PATRON_ASSIGN_OR_RETURN(FeedbackRecord feedback, DecodeBody<FeedbackRecord>(envelope));
  PATRON_RETURN_IF_ERROR(CheckOwnRecord(caller, envelope, feedback.terminal_id, feedback.store_id,
                                        MakeSaleId(feedback.terminal_id, feedback.feedback_ref)));
  PATRON_RETURN_IF_ERROR(CheckNamesItself(envelope, "feedback_id", feedback.feedback_id));
  PATRON_RETURN_IF_ERROR(CheckMember(envelope, feedback.member_id));
  if (Status checked = CheckFeedback(feedback); !checked.ok()) {
    return Reject(envelope.kind + " " + envelope.record_id + ": " + checked.message());
  }
  PATRON_RETURN_IF_ERROR(hooks_.file_feedback(feedback));
  return txn_.InsertRecord(record);
}

Status RecordFiler::FileRefund(const Caller& caller, const RecordEnvelope& envelope,
                               const StoredRecord& record) {
  PATRON_ASSIGN_OR_RETURN(RefundRecord refund, DecodeBody<RefundRecord>(envelope));
  PATRON_RETURN_IF_ERROR(CheckOwnRecord(caller, envelope, refund.terminal_id, refund.store_id,
                                        MakeSaleId(refund.terminal_id, refund.refund_ref)));
  // A pending return's member may be unknown to the till: it is the sale's.
  if (!(refund.pending && refund.member_id.empty())) {
    PATRON_RETURN_IF_ERROR(CheckMember(envelope, refund.member_id));
  }
  std::string_view sale_terminal, sale_ref;
  if (!SplitSaleId(refund.sale_id, sale_terminal, sale_ref)) {
    return Reject("refund " + envelope.record_id + " names no sale id");
  }
  if (refund.amount_minor <= 0 || refund.paid_back_minor < 0 || refund.reversed_points < 0 ||
      refund.returned_points < 0) {
    return Reject("refund " + envelope.record_id +
                  ": its amount must be positive and its points not negative");
  }
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredSale> sale, txn_.FindSale(refund.sale_id));
  for (const AwardReversal& award : refund.reversed_awards) {
    const auto given = [&](const SaleAward& sold) {
      return sold.entry_id == award.entry_id && award.points <= sold.points;
    };
    if (award.points <= 0 || award.entry_id.empty() ||
        (sale && std::none_of(sale->sale.awards.begin(), sale->sale.awards.end(), given))) {
      return Reject("refund " + envelope.record_id +
                    " takes back an award its sale did not give, or more than it gave");
    }
  }
  if (sale && !refund.member_id.empty() && sale->sale.member_id != refund.member_id) {
    return Reject("refund " + envelope.record_id + " names another member than its sale");
  }
  // A return claimed online was counted when it was claimed: its record
  // only completes it.
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredRefund> claimed, txn_.FindRefund(refund.refund_id));
  if (claimed) {
    if (claimed->status != RefundStatus::kClaimed || claimed->refund.sale_id != refund.sale_id) {
      return Reject("refund " + envelope.record_id + " is not the return claimed under its id");
    }
    PATRON_RETURN_IF_ERROR(txn_.InsertRecord(record));
    if (!refund.pending) {
      // What the till reversed is what head office answered the claim:
      // its own figures stand, whatever the record says.
      refund.reversed_points = claimed->refund.reversed_points;
      refund.returned_points = claimed->refund.returned_points;
      refund.spend_reversed_minor = claimed->refund.spend_reversed_minor;
      refund.reversed_awards = claimed->refund.reversed_awards;
      return txn_.SetRefundOutcome(claimed->seq, RefundStatus::kApplied, refund);
    }
    // The claim's answer never reached the till, which then recorded a
    // pending return: head office reverses what it counted.
    if (!sale) return Status::Internal("claimed return of a sale head office does not hold");
    RefundPlan share;
    share.reversed_points = claimed->refund.reversed_points;
    share.spend_reversed_minor = claimed->refund.spend_reversed_minor;
    share.reversed_awards = claimed->refund.reversed_awards;
    PATRON_RETURN_IF_ERROR(ReverseShare(sale->sale, share, refund));
    ++counts_.returns_matched;
    return txn_.SetRefundOutcome(claimed->seq, RefundStatus::kMatched, refund);
  }
  StoredRefund stored{record.seq, refund, RefundStatus::kAwaitingSale};
  PATRON_RETURN_IF_ERROR(txn_.InsertRecord(record));
  if (sale) {
    PATRON_ASSIGN_OR_RETURN(stored.status, CountAgainstSale(*sale, stored.refund));
  }
  PATRON_RETURN_IF_ERROR(txn_.InsertRefund(stored));
  if (sale && refund.terminal_id != sale->sale.terminal_id) {
    PATRON_RETURN_IF_ERROR(hooks_.refunds_elsewhere_changed(refund.sale_id));
  }
  return Status::OK();
}

Result<RefundStatus> RecordFiler::CountAgainstSale(const StoredSale& sale,
                                                   RefundRecord& refund) {
  if (refund.pending) return MatchPendingReturn(sale, refund);
  const int64_t left = sale.sale.amount_minor - sale.refunded_amount_minor;
  std::vector<int64_t> refunded_qty = sale.refunded_qty;
  bool lines_fit = true;
  for (const RefundLine& line : refund.lines) {
    if (line.line_no < 0 || line.line_no >= static_cast<int64_t>(refunded_qty.size())) {
      lines_fit = false;
      continue;
    }
    int64_t& done = refunded_qty[static_cast<size_t>(line.line_no)];
    done = std::min(done + line.qty, sale.sale.lines[static_cast<size_t>(line.line_no)].qty);
  }
  const bool exceeds = refund.amount_minor > left || !lines_fit;
  // What was refunded is counted even past the sale (the money went back);
  // the sale's total is capped at the sale, and the refund reported.
  const int64_t total = std::min(sale.sale.amount_minor,
                                 sale.refunded_amount_minor + refund.amount_minor);
  PATRON_RETURN_IF_ERROR(txn_.SetSaleRefunded(sale.sale.sale_id, total, refunded_qty));
  PATRON_RETURN_IF_ERROR(RecordNetEffect(sale.sale, refund));
  if (exceeds) {
    ++counts_.refunds_exceeding;
    return RefundStatus::kExceeds;
  }
  return RefundStatus::kApplied;
}

Status RecordFiler::RecordNetEffect(const SaleRecord& sale, RefundRecord& refund) {
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> refunds, txn_.RefundsOfSale(sale.sale_id));
  int64_t reversed = 0, returned = 0;
  // Refunds not counted against the sale yet reversed nothing.
  const auto counted = [](RefundStatus status) {
    return status != RefundStatus::kAwaitingSale && status != RefundStatus::kPending;
  };
  for (const StoredRefund& other : refunds) {
    if (other.refund.refund_id == refund.refund_id || !counted(other.status)) continue;
    reversed += other.refund.reversed_points;
    returned += other.refund.returned_points;
  }
  refund.reversed_points -= std::clamp<int64_t>(reversed + refund.reversed_points -
                                                    sale.earned_points,
                                                0, refund.reversed_points);
  refund.returned_points -= std::clamp<int64_t>(returned + refund.returned_points -
                                                    sale.redeemed_points,
                                                0, refund.returned_points);
  for (AwardReversal& award : refund.reversed_awards) {
    int64_t given = 0, taken = 0;
    for (const SaleAward& sold : sale.awards) {
      if (sold.entry_id == award.entry_id) given += sold.points;
    }
    for (const StoredRefund& other : refunds) {
      if (other.refund.refund_id == refund.refund_id || !counted(other.status)) continue;
      for (const AwardReversal& earlier : other.refund.reversed_awards) {
        if (earlier.entry_id == award.entry_id) taken += earlier.points;
      }
    }
    award.points -= std::clamp<int64_t>(taken + award.points - given, 0, award.points);
  }
  std::erase_if(refund.reversed_awards, [](const AwardReversal& a) { return a.points == 0; });
  return Status::OK();
}

Result<RefundStatus> RecordFiler::MatchPendingReturn(const StoredSale& sale,
                                                     RefundRecord& refund) {
  Result<RefundPlan> plan =
      PlanRefund(sale.sale, {sale.refunded_qty, sale.refunded_amount_minor},
                 {refund.amount_minor, refund.lines});
  if (!plan.ok()) {
    if (plan.status().code() == StatusCode::kInternal) return plan.status();
    // More than is left (another store refunded it too): the money went
    // back, the points stay as they are; reported.
    ++counts_.refunds_exceeding;
    return RefundStatus::kExceeds;
  }
  PATRON_RETURN_IF_ERROR(txn_.SetSaleRefunded(sale.sale.sale_id, plan->after.refunded_amount_minor,
                                              plan->after.refunded_qty));
  PATRON_RETURN_IF_ERROR(ReverseShare(sale.sale, *plan, refund));
  ++counts_.returns_matched;
  return RefundStatus::kMatched;
}

Status RecordFiler::ReverseShare(const SaleRecord& sale, const RefundPlan& share,
                                 RefundRecord& refund) {
  if (refund.member_id.empty()) refund.member_id = sale.member_id;
  refund.reversed_points = 0;
  refund.spend_reversed_minor = 0;
  refund.reversed_awards.clear();
  // An entry head office does not hold (refused, or not arrived) gave
  // nothing here: nothing of it is taken back.
  const auto reverse = [&](const std::string& of, int64_t points,
                           int64_t spend_minor) -> Result<bool> {
    PATRON_ASSIGN_OR_RETURN(bool held, hooks_.holds_entry(of));
    if (!held) return false;
    LedgerEntry entry;
    entry.member_id = sale.member_id;
    entry.kind = EntryKind::kReverse;
    entry.points = -points;
    entry.amount_minor = -spend_minor;
    entry.sale_ref = sale.sale_ref;
    entry.ref_entry = of;
    PATRON_ASSIGN_OR_RETURN(std::string id, hooks_.write_entry(std::move(entry)));
    refund.entry_ids.push_back(std::move(id));
    return true;
  };
  if (!sale.earn_entry.empty() && (share.reversed_points != 0 || share.spend_reversed_minor != 0)) {
    PATRON_ASSIGN_OR_RETURN(
        bool reversed, reverse(sale.earn_entry, share.reversed_points, share.spend_reversed_minor));
    if (reversed) {
      refund.reversed_points = share.reversed_points;
      refund.spend_reversed_minor = share.spend_reversed_minor;
    }
  }
  for (const AwardReversal& award : share.reversed_awards) {
    PATRON_ASSIGN_OR_RETURN(bool reversed, reverse(award.entry_id, award.points, 0));
    if (reversed) refund.reversed_awards.push_back(award);
  }
  return Status::OK();
}

}  // namespace patron::sync
