// SyncService::IssueGifts: head office issues the gifts of the pack in force
// (reward.h Gift) as vouchers, ahead of time, to the members they are due
// to. Each voucher's id is made of the gift, the member and (for a birthday)
// the year, so a run repeated, or run by two head office processes at once,
// issues nothing twice.
#include "patron/digest.h"
#include "patron/local_time.h"
#include "patron/records/exchange.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int kMembersPerTxn = 1'000;

// The voucher `gift` gives `member` now, if it is due.
std::optional<Voucher> GiftFor(const Rules& pack, const Gift& gift, const MemberState& member,
                               int64_t now_ms) {
  Voucher voucher;
  voucher.member_id = member.member_id;
  voucher.name = gift.name;
  voucher.source = "gift:" + gift.id;
  SetVoucherTerms(gift.voucher, voucher);
  voucher.valid_from_ms = now_ms;
  voucher.issued_ms = now_ms;
  if (gift.occasion == kGiftBirthday) {
    int month = 0, day = 0;
    const std::optional<std::string>& birthday = member.birthday.value;
    if (!birthday || !ParseBirthday(*birthday, month, day)) return std::nullopt;
    const LocalDate today = ToLocalDate(now_ms, pack.utc_offset_minutes);
    const Anniversary next = NextAnniversary(today, month, day);
    if (next.day_number - today.day_number > gift.days_before) return std::nullopt;
    voucher.voucher_id =
        "g-" +
        Sha256Hex(gift.id + "/" + std::to_string(next.year) + "/" + member.member_id).substr(0, 40);
    // Until the end of the valid_days-th day after the birthday, local time.
    voucher.valid_until_ms = (next.day_number + gift.voucher.valid_days + 1) * kMsPerDay -
                             pack.utc_offset_minutes * 60'000;
  } else {
    if (member.enrolled_ms <= 0 || now_ms - member.enrolled_ms > gift.days_before * kMsPerDay) {
      return std::nullopt;
    }
    voucher.voucher_id = "g-" + Sha256Hex(gift.id + "/" + member.member_id).substr(0, 40);
    voucher.valid_until_ms = now_ms + gift.voucher.valid_days * kMsPerDay;
  }
  return voucher;
}

}  // namespace

Result<GiftRun> SyncService::IssueGifts() {
  const int64_t now_ms = NowMs();
  Rules pack;
  {
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
    PATRON_ASSIGN_OR_RETURN(pack, ActiveRulesIn(*txn, now_ms));
  }
  GiftRun run;
  if (pack.gifts.empty()) return run;
  std::string after;
  while (true) {
    // A page of members a transaction, so pushes get the writer in between.
    const MemberFolder::WriteActivity activity(folder_);
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
    PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberState> page,
                            txn->MembersByKey(after, kMembersPerTxn));
    int64_t issued = 0;
    for (const MemberState& member : page) {
      after = member.member_id;
      ++run.members_scanned;
      if (member.status != "active") continue;
      for (const Gift& gift : pack.gifts) {
        std::optional<Voucher> voucher = GiftFor(pack, gift, member, now_ms);
        if (!voucher) continue;
        PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> held, txn->FindVoucher(voucher->voucher_id));
        if (held) continue;
        PATRON_RETURN_IF_ERROR(PutVoucher(*txn, *voucher));
        ++issued;
      }
    }
    if (issued > 0) {
      PATRON_RETURN_IF_ERROR(CommitWrite(*txn));
      run.vouchers_issued += issued;
      counters_.vouchers_issued += issued;
    }
    if (page.size() < static_cast<size_t>(kMembersPerTxn)) break;
  }
  return run;
}

}  // namespace patron::sync
