// Head office's vouchers (records/voucher.h): issuing, claims by tills,
// give-backs and uses. Every change is stored and published to the tills
// in the same transaction.
#include <utility>

#include "patron/digest.h"
#include "patron/local_time.h"
#include "patron/record/record_json.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"
#include "service/voucher_use.h"

namespace patron::sync {
namespace {

// The terms a retried issue must repeat: everything but who holds it and
// what became of it. valid_from is compared only when the issue named one.
bool SameTerms(const Voucher& stored, const Voucher& asked, bool compare_from) {
  return stored.member_id == asked.member_id && stored.name == asked.name &&
         stored.source == asked.source && stored.amount_off_minor == asked.amount_off_minor &&
         stored.percent_off_bp == asked.percent_off_bp &&
         stored.max_off_minor == asked.max_off_minor && stored.bonus_points == asked.bonus_points &&
         stored.min_spend_minor == asked.min_spend_minor &&
         stored.valid_until_ms == asked.valid_until_ms &&
         (!compare_from || stored.valid_from_ms == asked.valid_from_ms);
}

}  // namespace

Status SyncService::PutVoucher(StoreTxn& txn, const Voucher& voucher) {
  PATRON_RETURN_IF_ERROR(txn.PutVoucher(voucher));
  return PublishItem(txn, {0,
                           std::string(kVoucherItem),
                           std::string(kAudienceMember),
                           voucher.member_id,
                           voucher.voucher_id,
                           {record::EncodeRecord(voucher)}})
      .status();
}

Result<IssuedVoucher> SyncService::IssueVoucher(const VoucherIssue& issue) {
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  const int64_t now_ms = NowMs();
  PATRON_ASSIGN_OR_RETURN(const Rules pack, ActiveRulesIn(*txn, now_ms));

  Voucher voucher = issue.voucher;
  voucher.valid_from_ms = now_ms;
  if (!issue.valid_from.empty()) {
    PATRON_ASSIGN_OR_RETURN(voucher.valid_from_ms,
                            ParsePackTime(issue.valid_from, pack.utc_offset_minutes));
  }
  if (issue.valid_until.empty()) {
    return Status::InvalidArgument("valid_until: required (a pack time)", "invalid_voucher");
  }
  PATRON_ASSIGN_OR_RETURN(voucher.valid_until_ms,
                          ParsePackTime(issue.valid_until, pack.utc_offset_minutes));
  if (voucher.voucher_id.empty()) {
    PATRON_ASSIGN_OR_RETURN(const int64_t seq, txn->NextSeq());
    PATRON_ASSIGN_OR_RETURN(const std::string epoch, txn->Epoch());
    voucher.voucher_id =
        "V" + Sha256Hex(epoch + "/" + std::to_string(seq) + "/" + voucher.member_id).substr(0, 20);
  }
  voucher.issued_ms = now_ms;
  voucher.status = std::string(kVoucherIssued);
  voucher.holder = issue.place_at;
  voucher.holder_gen = issue.place_at.empty() ? 0 : 1;
  voucher.recall = false;
  voucher.used_sale_id.clear();
  voucher.used_ms = 0;
  voucher.bonus_entry.clear();
  PATRON_RETURN_IF_ERROR(ValidateVoucher(voucher));

  PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> stored, txn->FindVoucher(voucher.voucher_id));
  if (stored) {
    if (!SameTerms(*stored, voucher, !issue.valid_from.empty())) {
      return Status::Conflict("voucher " + voucher.voucher_id + " was issued with other terms",
                              "voucher_id_taken");
    }
    return IssuedVoucher{*std::move(stored), false};
  }
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> member, txn->FindMember(voucher.member_id));
  if (!member) {
    return Status::NotFound("head office holds no member " + voucher.member_id, "unknown_member");
  }
  if (!issue.place_at.empty()) {
    PATRON_ASSIGN_OR_RETURN(std::optional<TerminalRecord> till, txn->FindTerminal(issue.place_at));
    if (!till) {
      return Status::NotFound("place_at: no terminal " + issue.place_at + " is registered",
                              "unknown_terminal");
    }
  }
  PATRON_RETURN_IF_ERROR(PutVoucher(*txn, voucher));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  counters_.vouchers_issued++;
  return IssuedVoucher{std::move(voucher), true};
}

Result<Voucher> SyncService::ClaimVoucher(const Caller& caller,
                                          const VoucherClaimRequest& request) {
  PATRON_RETURN_IF_ERROR(CheckFingerprint(request.chain_key_fingerprint));
  PATRON_RETURN_IF_ERROR(CheckSpeaksFor(caller, request.terminal_id));
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> found, txn->FindVoucher(request.voucher_id));
  if (!found) {
    return Status::NotFound("head office issued no voucher " + request.voucher_id,
                            "unknown_voucher");
  }
  Voucher& voucher = *found;
  const int64_t now_ms = NowMs();
  // The basket (min_spend) and the sale's time are the till's to judge;
  // whose it is, whether it is spent or over, head office's.
  if (voucher.member_id != request.member_id) {
    return Status::PermissionDenied("voucher " + voucher.voucher_id + " belongs to another member",
                                    "voucher_other_member");
  }
  if (voucher.status == kVoucherUsed) {
    return Status::Conflict("voucher " + voucher.voucher_id + " was used by sale " +
                                voucher.used_sale_id + " at " + FormatPackTime(voucher.used_ms, 0),
                            "voucher_used");
  }
  if (now_ms >= voucher.valid_until_ms) {
    return Status::FailedPrecondition("voucher " + voucher.voucher_id + " expired at " +
                                          FormatPackTime(voucher.valid_until_ms, 0),
                                      "voucher_expired");
  }
  if (!voucher.holder.empty() && voucher.holder != caller.terminal_id) {
    if (!voucher.recall) {
      voucher.recall = true;
      PATRON_RETURN_IF_ERROR(PutVoucher(*txn, voucher));
      PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
    }
    return Status::Conflict("voucher " + voucher.voucher_id + " is held by till " + voucher.holder +
                                " for offline use; head office has asked it back: try again "
                                "once that till has synced",
                            "voucher_held_elsewhere");
  }
  // From head office, or again by its holder: a new holding, so that a
  // give-back of the old one still on its way changes nothing.
  voucher.holder = caller.terminal_id;
  voucher.holder_gen++;
  voucher.recall = false;
  PATRON_RETURN_IF_ERROR(PutVoucher(*txn, voucher));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  counters_.vouchers_claimed++;
  return voucher;
}

Result<Voucher> SyncService::TakeBackVoucher(std::string_view voucher_id) {
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> voucher, txn->FindVoucher(voucher_id));
  if (!voucher) {
    return Status::NotFound("head office issued no voucher " + std::string(voucher_id),
                            "unknown_voucher");
  }
  if (voucher->status == kVoucherUsed) {
    return Status::Conflict(
        "voucher " + voucher->voucher_id + " was used by sale " + voucher->used_sale_id,
        "voucher_used");
  }
  if (voucher->holder.empty()) return *std::move(voucher);
  voucher->holder.clear();
  voucher->holder_gen++;
  voucher->recall = false;
  PATRON_RETURN_IF_ERROR(PutVoucher(*txn, *voucher));
  PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
  return *std::move(voucher);
}

Result<std::vector<Voucher>> SyncService::MemberVouchers(std::string_view member_id) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  return txn->VouchersOfMember(member_id);
}

Result<std::optional<std::string>> SyncService::UseVoucher(StoreTxn& txn,
                                                           std::string_view terminal_id,
                                                           std::string_view member_id,
                                                           std::string_view voucher_id,
                                                           std::string_view sale_id, int64_t at_ms,
                                                           std::string_view bonus_entry) {
  PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> voucher, txn.FindVoucher(voucher_id));
  if (!voucher) return std::optional<std::string>("head office issued no such voucher");
  std::optional<std::string> refused = VoucherUseRefusal(*voucher, terminal_id, member_id, sale_id);
  // A sale (not a bonus) that used the member's unused voucher without
  // holding it (a till restored from an old backup) gave its discount all
  // the same: the voucher is spent, so no other till gives it again.
  const bool spent_anyway = refused && bonus_entry.empty() && voucher->member_id == member_id &&
                            voucher->status == kVoucherIssued;
  if (refused && !spent_anyway) return refused;
  const bool changed = voucher->status != kVoucherUsed || !bonus_entry.empty();
  if (voucher->status != kVoucherUsed) {
    voucher->status = std::string(kVoucherUsed);
    voucher->used_sale_id = std::string(sale_id);
    voucher->used_ms = at_ms;
    voucher->recall = false;
  }
  if (!bonus_entry.empty()) voucher->bonus_entry = std::string(bonus_entry);
  if (changed) PATRON_RETURN_IF_ERROR(PutVoucher(txn, *voucher));
  return refused;
}

Status SyncService::ReleaseVoucher(StoreTxn& txn, const VoucherRelease& release) {
  PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> voucher, txn.FindVoucher(release.voucher_id));
  if (!voucher || voucher->status != kVoucherIssued || voucher->holder != release.terminal_id ||
      voucher->holder_gen != release.holder_gen) {
    return Status::OK();  // claimed again since, or used: the give-back is stale
  }
  voucher->holder.clear();
  voucher->recall = false;
  return PutVoucher(txn, *voucher);
}

}  // namespace patron::sync
