#include "service/entry_guard.h"

#include <algorithm>
#include <array>
#include <utility>

#include "patron/evaluate.h"
#include "patron/local_time.h"
#include "patron/lots.h"
#include "patron/records/sale.h"
#include "service/checks.h"
#include "service/voucher_use.h"

namespace patron::sync {
namespace {

constexpr std::array<std::string_view, kEntryRefusalCount> kRefusalNames = {
    "kind_not_allowed",      "out_of_bounds",       "missing_sale",          "unknown_rule_version",
    "earn_exceeds_rules",    "rights_exceeded",     "reverse_unknown_entry", "reverse_mismatch",
    "reverse_exceeds",       "reverse_not_claimed", "earn_not_as_rules",     "bonus_not_as_rules",
    "voucher_not_as_issued", "lot_not_as_rules",    "budget_exceeded",
};

// One name per EntryRefusal, in its order: the last one closes the list.
static_assert(static_cast<size_t>(EntryRefusal::kBudgetExceeded) + 1 == kEntryRefusalCount);

std::optional<EntryRefused> Refuse(EntryRefusal reason, std::string message) {
  return EntryRefused{reason, std::move(message)};
}

std::string Points(int64_t points) { return std::to_string(points) + " points"; }

// What a return claimed at head office lets its till reverse of `original`
// (an entry of the sale returned): the earn's share, an award's share, or
// the redeem's share given back.
int64_t ClaimedOf(const RefundRecord& refund, const LedgerEntry& original) {
  switch (original.kind) {
    case EntryKind::kEarn:
      return refund.reversed_points;
    case EntryKind::kRedeem:
      return refund.returned_points;
    default: {
      int64_t points = 0;
      for (const AwardReversal& award : refund.reversed_awards) {
        if (award.entry_id == original.entry_id) points += award.points;
      }
      return points;
    }
  }
}

// |value| without overflow for the bounds check: INT64_MIN is beyond any limit.
bool Within(int64_t value, int64_t limit) { return value >= -limit && value <= limit; }

}  // namespace

std::string_view EntryRefusalName(EntryRefusal refusal) {
  return kRefusalNames[static_cast<size_t>(refusal)];
}

EntryGuard::EntryGuard(StoreTxn& txn, const Caller& caller, const EntryLimits& limits,
                       int64_t now_ms)
    : txn_(txn), caller_(caller), limits_(limits), now_ms_(now_ms) {}

Result<std::optional<EntryRefused>> EntryGuard::Check(const LedgerEntry& entry) {
  if (std::optional<EntryRefused> refused = CheckBounds(entry)) return refused;
  PATRON_ASSIGN_OR_RETURN(std::optional<EntryRefused> lot, CheckLot(entry));
  if (lot) return lot;
  switch (entry.kind) {
    case EntryKind::kEarn:
      return CheckEarn(entry);
    case EntryKind::kBonus:
      return CheckBonus(entry);
    case EntryKind::kRedeem:
    case EntryKind::kTransfer:
      return CheckRights(entry);
    case EntryKind::kReverse:
      return CheckReverse(entry);
    default:
      return Refuse(EntryRefusal::kKindNotAllowed, "a till may not write entries of kind '" +
                                                       std::string(EntryKindName(entry.kind)) +
                                                       "'; they are head office's");
  }
}

std::optional<EntryRefused> EntryGuard::CheckBounds(const LedgerEntry& entry) const {
  if (!Within(entry.points, limits_.max_points)) {
    return Refuse(EntryRefusal::kOutOfBounds, Points(entry.points) + " is beyond the limit of " +
                                                  std::to_string(limits_.max_points));
  }
  if (!Within(entry.amount_minor, limits_.max_amount_minor)) {
    return Refuse(EntryRefusal::kOutOfBounds, "amount_minor " + std::to_string(entry.amount_minor) +
                                                  " is beyond the limit of " +
                                                  std::to_string(limits_.max_amount_minor));
  }
  const int64_t latest = now_ms_ + limits_.max_future_ms;
  for (const int64_t ms : {entry.wall_ms, entry.hlc.physical_ms()}) {
    if (ms < limits_.earliest_wall_ms || ms > latest) {
      return Refuse(EntryRefusal::kOutOfBounds, "dated " + std::to_string(ms) + " ms, outside [" +
                                                    std::to_string(limits_.earliest_wall_ms) +
                                                    ", " + std::to_string(latest) + "]");
    }
  }
  return std::nullopt;
}

Result<std::optional<EntryRefused>> EntryGuard::CheckLot(const LedgerEntry& entry) {
  // A reversal that takes points back names its entry's lot (CheckReverse).
  if (entry.points <= 0 || entry.kind == EntryKind::kTransfer) return std::optional<EntryRefused>();
  PATRON_ASSIGN_OR_RETURN(const Rules* rules, RulesAt(entry.rule_version));
  if (rules == nullptr) {
    return Refuse(EntryRefusal::kUnknownRuleVersion,
                  "rules version " + std::to_string(entry.rule_version) +
                      " was never published by head office: no lot can be checked");
  }
  const Result<LotDays> named = LotOf(entry.detail);
  const LotDays due = LotFor(*rules, entry.wall_ms);
  if (named.ok() && *named == due) return std::optional<EntryRefused>();
  const auto shown = [](const std::string& day) { return day.empty() ? "none" : day; };
  return Refuse(
      EntryRefusal::kLotNotAsRules,
      "its points expire on " + shown(entry.detail.expires_on) + " and are spendable from " +
          shown(entry.detail.available_on) + "; rules version " + std::to_string(rules->version) +
          " say " + shown(due.expires_day == kNeverExpires ? "" : FormatLocalDay(due.expires_day)) +
          " and " + shown(due.available_day == 0 ? "" : FormatLocalDay(due.available_day)));
}

Result<std::optional<EntryRefused>> EntryGuard::CheckEarn(const LedgerEntry& entry) {
  if (entry.sale_ref.empty()) {
    return Refuse(EntryRefusal::kMissingSale, "an earn must name its sale (sale_ref)");
  }
  PATRON_ASSIGN_OR_RETURN(const Rules* rules, RulesAt(entry.rule_version));
  if (rules == nullptr) {
    return Refuse(EntryRefusal::kUnknownRuleVersion, "rules version " +
                                                         std::to_string(entry.rule_version) +
                                                         " was never published by head office");
  }
  // The till knows the member's tier; head office may not yet (an upgrade
  // happens at the till at once), so the highest multiplier bounds it.
  TierRule best = rules->tiers.empty() ? TierRule{} : rules->tiers.front();
  for (const TierRule& tier : rules->tiers) {
    if (tier.earn_multiplier_bp > best.earn_multiplier_bp) best = tier;
  }
  Result<int64_t> allowed = EarnPoints(*rules, best, entry.amount_minor);
  if (!allowed.ok()) return Refuse(EntryRefusal::kOutOfBounds, allowed.status().message());
  if (entry.points > *allowed) {
    return Refuse(EntryRefusal::kEarnExceedsRules,
                  Points(entry.points) + " for " + std::to_string(entry.amount_minor) +
                      " minor units paid; rules version " + std::to_string(rules->version) +
                      " give at most " + Points(*allowed));
  }
  // A till names the tier it earned at (checkout.cc): the points are then
  // exactly what that tier gives. (Tills before the entry's detail name
  // none, and are held to the bound above.)
  if (entry.detail.tier.empty()) return std::optional<EntryRefused>();
  const auto named = std::find_if(rules->tiers.begin(), rules->tiers.end(),
                                  [&](const TierRule& t) { return t.name == entry.detail.tier; });
  if (named == rules->tiers.end()) {
    return Refuse(EntryRefusal::kEarnNotAsRules, "tier '" + entry.detail.tier +
                                                     "' is not a tier of rules version " +
                                                     std::to_string(rules->version));
  }
  Result<int64_t> exact = EarnPoints(*rules, *named, entry.amount_minor);
  if (!exact.ok()) return Refuse(EntryRefusal::kOutOfBounds, exact.status().message());
  if (entry.points != *exact) {
    return Refuse(EntryRefusal::kEarnNotAsRules,
                  Points(entry.points) + " for " + std::to_string(entry.amount_minor) +
                      " minor units paid at tier " + named->name + "; rules version " +
                      std::to_string(rules->version) + " give " + Points(*exact));
  }
  return std::optional<EntryRefused>();
}

Result<std::optional<EntryRefused>> EntryGuard::CheckBonus(const LedgerEntry& entry) {
  if (entry.sale_ref.empty()) {
    return Refuse(EntryRefusal::kMissingSale, "a bonus must name its sale (sale_ref)");
  }
  if (!entry.detail.voucher_id.empty()) return CheckVoucherBonus(entry);
  PATRON_ASSIGN_OR_RETURN(const Rules* rules, RulesAt(entry.rule_version));
  if (rules == nullptr) {
    return Refuse(EntryRefusal::kUnknownRuleVersion, "rules version " +
                                                         std::to_string(entry.rule_version) +
                                                         " was never published by head office");
  }
  const auto refuse = [&](std::string why) {
    return Refuse(EntryRefusal::kBonusNotAsRules, "bonus of " + Points(entry.points) + " on sale " +
                                                      entry.sale_ref + ": " + std::move(why));
  };
  const std::string& id = entry.detail.campaign_id;
  const Campaign* campaign = FindCampaign(*rules, id);
  if (campaign == nullptr) {
    return refuse("rules version " + std::to_string(rules->version) + " has no campaign '" +
                  id.substr(0, 64) + "'");
  }
  if (entry.points <= 0) return refuse("a campaign's award gives points");
  // The sale's time and store are known here: the campaign must have been
  // open then, there.
  if (!CampaignOpenAt(*rules, *campaign, entry.store_id, entry.wall_ms)) {
    return refuse("campaign '" + id + "' is not open at store " + entry.store_id + " at " +
                  FormatPackTime(entry.wall_ms, rules->utc_offset_minutes));
  }
  // (ValidateEntry has refused a bonus carrying spend, with the whole push.)
  if (entry.detail.paid_minor < 0 || entry.detail.paid_minor > limits_.max_amount_minor) {
    return refuse("the money paid it names, " + std::to_string(entry.detail.paid_minor) +
                  ", is beyond the limit of " + std::to_string(limits_.max_amount_minor));
  }
  // The member's and the basket's conditions are the till's to judge; what
  // it may give is not: at most the campaign's award on the whole sale's
  // money, once per sale.
  Result<int64_t> allowed = CampaignAwardPoints(*rules, *campaign, entry.detail.paid_minor);
  if (!allowed.ok()) return Refuse(EntryRefusal::kOutOfBounds, allowed.status().message());
  if (entry.points > *allowed) {
    return refuse("campaign '" + id + "' gives at most " + Points(*allowed) + " for " +
                  std::to_string(entry.detail.paid_minor) + " minor units paid");
  }
  PATRON_ASSIGN_OR_RETURN(int64_t given,
                          txn_.CountBonuses(caller_.terminal_id, entry.sale_ref, id));
  if (given > 0) return refuse("campaign '" + id + "' already gave this sale its bonus");
  if (campaign->budget.points > 0) {
    PATRON_ASSIGN_OR_RETURN(auto shares, txn_.BudgetShares(id, caller_.terminal_id));
    const BudgetShare share = shares[caller_.terminal_id];
    if (share.used + entry.points > share.granted) {
      return Refuse(EntryRefusal::kBudgetExceeded,
                    "bonus of " + Points(entry.points) + " on sale " + entry.sale_ref +
                        ": campaign '" + id + "' has " +
                        Points(std::max<int64_t>(0, share.granted - share.used)) +
                        " left of this till's share of its budget");
    }
  }
  return std::optional<EntryRefused>();
}

Status EntryGuard::CountAccepted(const LedgerEntry& entry) {
  if (entry.kind != EntryKind::kBonus || entry.detail.campaign_id.empty()) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(const Rules* rules, RulesAt(entry.rule_version));
  const Campaign* campaign =
      rules == nullptr ? nullptr : FindCampaign(*rules, entry.detail.campaign_id);
  if (campaign == nullptr || campaign->budget.points <= 0) return Status::OK();
  return txn_.AddBudgetUsed(campaign->id, caller_.terminal_id, entry.points);
}

Result<std::optional<EntryRefused>> EntryGuard::CheckVoucherBonus(const LedgerEntry& entry) {
  const std::string& id = entry.detail.voucher_id;
  const auto refuse = [&](std::string why) {
    return Refuse(EntryRefusal::kVoucherNotAsIssued,
                  "bonus of " + Points(entry.points) + " on sale " + entry.sale_ref +
                      " for voucher " + id.substr(0, 64) + ": " + std::move(why));
  };
  if (!entry.detail.campaign_id.empty()) return refuse("a bonus is a campaign's or a voucher's");
  PATRON_ASSIGN_OR_RETURN(std::optional<Voucher> voucher, txn_.FindVoucher(id));
  if (!voucher) return refuse("head office issued no such voucher");
  if (std::optional<std::string> why =
          VoucherUseRefusal(*voucher, caller_.terminal_id, entry.member_id,
                            MakeSaleId(caller_.terminal_id, entry.sale_ref))) {
    return refuse(*why);
  }
  if (entry.points != voucher->bonus_points) {
    return refuse("the voucher gives " + Points(voucher->bonus_points));
  }
  if (!voucher->bonus_entry.empty()) {
    return refuse("the voucher gave its bonus on entry " + voucher->bonus_entry);
  }
  return std::optional<EntryRefused>();
}

Result<std::optional<EntryRefused>> EntryGuard::CheckRights(const LedgerEntry& entry) {
  if (entry.kind == EntryKind::kRedeem && entry.sale_ref.empty()) {
    return Refuse(EntryRefusal::kMissingSale, "a redeem must name the sale it paid (sale_ref)");
  }
  // What the entry takes from the caller's rights: -points for a redeem,
  // points for a transfer out.
  const int64_t needed = -RightsEffect(entry, caller_.terminal_id);
  PATRON_ASSIGN_OR_RETURN(auto rights, txn_.RightsByHolder(entry.member_id));
  const auto own = rights.find(caller_.terminal_id);
  const int64_t held = own == rights.end() ? 0 : own->second;
  if (needed > held) {
    return Refuse(EntryRefusal::kRightsExceeded,
                  std::string(EntryKindName(entry.kind)) + " of " + Points(needed) + " but " +
                      caller_.terminal_id + " holds the rights to " + Points(held) + " of member " +
                      entry.member_id);
  }
  return std::optional<EntryRefused>();
}

Result<std::optional<EntryRefused>> EntryGuard::CheckReverse(const LedgerEntry& entry) {
  PATRON_ASSIGN_OR_RETURN(std::optional<StoredEntry> stored, txn_.FindEntry(entry.ref_entry));
  if (!stored) {
    return Refuse(EntryRefusal::kReverseUnknownEntry,
                  "reverses " + entry.ref_entry + ", which head office does not hold");
  }
  const LedgerEntry& original = stored->entry;
  const auto mismatch = [&](std::string what) {
    return Refuse(EntryRefusal::kReverseMismatch,
                  "reverses " + original.entry_id + " but " + std::move(what));
  };
  if (original.member_id != entry.member_id) return mismatch("names another member");
  if (original.sale_ref != entry.sale_ref) return mismatch("names another sale");
  // Taking back names the lot it takes from: the original's, or none (a
  // return of another store's sale, which draws soonest first).
  const bool names_lot = !entry.detail.expires_on.empty() || !entry.detail.available_on.empty();
  if (entry.points < 0 && names_lot &&
      (entry.detail.expires_on != original.detail.expires_on ||
       entry.detail.available_on != original.detail.available_on)) {
    return Refuse(EntryRefusal::kLotNotAsRules,
                  "reverses " + original.entry_id + " but names a lot other than its own");
  }
  // Taking back what an earn or a bonus gave; giving back what a redeem took.
  const bool gave = original.kind == EntryKind::kEarn || original.kind == EntryKind::kBonus;
  if (gave) {
    if (entry.points > 0 || entry.amount_minor > 0) return mismatch("adds to what it gave");
  } else if (original.kind == EntryKind::kRedeem) {
    if (entry.points < 0 || entry.amount_minor != 0) return mismatch("takes more points");
  } else {
    return mismatch("a till reverses only earns, bonuses and redeems");
  }
  // Signs agree: compare magnitudes as negatives of the original's.
  PATRON_ASSIGN_OR_RETURN(ReversalSums sums,
                          txn_.ReversalsOf(original.entry_id, caller_.terminal_id));
  const int64_t points_after = sums.origin_points + entry.points;
  const int64_t amount_after = sums.origin_amount_minor + entry.amount_minor;
  const bool exceeds =
      gave ? points_after < -original.points || amount_after < -original.amount_minor
           : points_after > -original.points;
  if (exceeds) {
    return Refuse(EntryRefusal::kReverseExceeds,
                  "the reverses " + caller_.terminal_id + " wrote of " + original.entry_id + " (" +
                      Points(original.points) + ", amount " +
                      std::to_string(original.amount_minor) + ") would add up to " +
                      Points(points_after) + ", amount " + std::to_string(amount_after));
  }
  if (original.origin == caller_.terminal_id) return std::optional<EntryRefused>();
  // Another till's sale, returned here: a till reverses it only as head
  // office said when the return was claimed (SyncService::ClaimReturn).
  const std::string sale_id = MakeSaleId(original.terminal_id, original.sale_ref);
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRefund> refunds, txn_.RefundsOfSale(sale_id));
  int64_t claimed = 0;
  for (const StoredRefund& r : refunds) {
    if (r.refund.terminal_id != caller_.terminal_id || r.refund.pending) continue;
    claimed += ClaimedOf(r.refund, original);
  }
  const int64_t reversed_here = gave ? -points_after : points_after;
  if (reversed_here > claimed) {
    return Refuse(EntryRefusal::kReverseNotClaimed,
                  "reverses " + Points(reversed_here) + " of " + original.entry_id + " of sale " +
                      sale_id + ", but the returns " + caller_.terminal_id +
                      " claimed at head office cover " + Points(claimed));
  }
  return std::optional<EntryRefused>();
}

Result<const Rules*> EntryGuard::RulesAt(int64_t version) {
  auto at = rules_.find(version);
  if (at == rules_.end()) {
    PATRON_ASSIGN_OR_RETURN(std::optional<Rules> pack, RulesVersionIn(txn_, version));
    at = rules_.emplace(version, std::move(pack)).first;
  }
  return at->second ? &*at->second : nullptr;
}

Result<std::optional<LedgerEntry>> ExcessReversal(JournalTxn& txn, const LedgerEntry& reversed) {
  PATRON_ASSIGN_OR_RETURN(ReversalSums sums, txn.ReversalsOf(reversed.entry_id, kServerOrigin));
  // An earn's or a bonus's reverses may take back at most its points
  // (sum >= -points); a redeem's give back at most what it took
  // (sum <= -points).
  int64_t excess = 0;
  const bool gave = reversed.kind == EntryKind::kEarn || reversed.kind == EntryKind::kBonus;
  if (gave && sums.points < -reversed.points) {
    excess = -reversed.points - sums.points;
  } else if (reversed.kind == EntryKind::kRedeem && sums.points > -reversed.points) {
    excess = -reversed.points - sums.points;
  }
  if (excess == 0) return std::optional<LedgerEntry>();
  LedgerEntry fix;
  fix.member_id = reversed.member_id;
  fix.kind = EntryKind::kReverse;
  fix.points = excess;
  fix.sale_ref = reversed.sale_ref;
  fix.ref_entry = reversed.entry_id;
  fix.detail.reason = "refund_excess";
  // Of the reversed entry's lot (lots.h): none for a redeem.
  fix.detail.expires_on = reversed.detail.expires_on;
  fix.detail.available_on = reversed.detail.available_on;
  return std::optional<LedgerEntry>(std::move(fix));
}

}  // namespace patron::sync
