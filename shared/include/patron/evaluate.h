// Evaluate: what a sale earns under a rule pack (DESIGN.md §9), as one pure
// function of the pack, the member, the basket and the time, so that the
// same inputs give the same award, to the point, on every machine. Head
// office runs it in dry runs (POST /v1/admin/packs/dry-run), tills at quote
// and checkout: base and tier are the sale's earn entry (which also carries
// the qualifying spend), each campaign's award a kBonus entry of its own.
//
// The award is itemised:
//   "base"      the pack's earn rate on the money paid for lines that earn;
//   "tier"      what the member's tier multiplier adds to the base;
//   "campaign"  one line per campaign that applies, with its id.
// Each line is truncated on its own (money.h's one rounding rule), so base +
// tier equals EarnPoints at the tier, and a refund can reverse each line by
// its own share.
//
// Campaigns are taken by priority (higher first, ties by id). A campaign
// applies when every condition it sets holds, the member has not reached
// its limit (CampaignLimit) and it gives points or money off or issues a
// voucher (then its line has issues_voucher set); within a stack group
// "exclusive" keeps the first that applies, "best_of_group" the one giving
// most points (the first of equals), "additive" all of them. A member in a
// campaign's holdout, where that campaign would have been given, gets an
// award line with held_out set and no points, and the group is decided as if
// that campaign were not there.
//
// A campaign with a budget (CampaignBudget) applies only when its whole
// award fits in what is left of the caller's share of the budget
// (EvalBasket::budgets); one that does not gets an award line with
// budget_short set to what it would have given and no points, and, like a
// held-out one, its group is decided as if it were not there.
//
// A money-off campaign (campaign.h CampaignDiscount) gives its award line
// discount_minor and no points; within a best_of_group group (which holds
// only money-off campaigns) the most money off wins. What campaigns take off
// depends on the basket before it (amount_minor, lines) and never on
// paid_minor, so a caller learns it by evaluating with paid_minor =
// amount_minor (Evaluation::discount_minor), takes it off with vouchers and
// points, and evaluates again with what is paid: both give the same money
// off. The points of every line come from paid_minor, shared over the lines
// pro rata like points' value.
//
// Past the pack's valid_until the award is the base line alone and
// base_only is set: a till that has not heard from head office for too long
// stops giving what the marketing team may have withdrawn.
#ifndef PATRON_EVALUATE_H_
#define PATRON_EVALUATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/records/sale.h"
#include "patron/rules.h"
#include "patron/status.h"

namespace patron {

// One award a campaign gave the member before (a bonus entry), for the
// campaign's limit.
struct CampaignUse {
  std::string campaign_id;
  int64_t at_ms = 0;  // when it was given (the entry's wall_ms)
  friend bool operator==(const CampaignUse&, const CampaignUse&) = default;
};

// What the pack may know of the member.
struct EvalMember {
  std::string member_id;
  std::string tier;                     // a tier name of the pack; another name earns at 1x
  std::optional<std::string> birthday;  // "YYYY-MM-DD"
  int64_t enrolled_ms = 0;              // 0: unknown (not a new member)
  // The member's latest purchase before this sale, as far as the caller
  // knows (a till: head office's view and its own sales since); 0: none.
  int64_t last_purchase_ms = 0;
  // The campaign awards the member already had, as far as the caller knows
  // (a till: those it gave; head office: every one it holds). A campaign
  // whose limit they reach in the current period does not apply.
  std::vector<CampaignUse> uses;
  // The segment ids the member is in, as far as the caller knows (a till:
  // the version of head office's "segments" set in force there, none before
  // one arrives; head office: what it computed), for CampaignWho::segments.
  std::vector<std::string> segments;
};

// What is left of the caller's share of a campaign's budget (campaign.h
// CampaignBudget): a till's share from head office less what it gave.
struct BudgetLeft {
  std::string campaign_id;
  int64_t points = 0;
  friend bool operator==(const BudgetLeft&, const BudgetLeft&) = default;
};

// The sale as the till sees it before the award.
struct EvalBasket {
  std::string store_id;
  int64_t amount_minor = 0;     // basket total before points
  int64_t paid_minor = 0;       // paid with money (amount - points' value)
  std::vector<SaleLine> lines;  // empty: the basket is one line of amount_minor
  // Of each campaign with a budget; one not listed has nothing left here.
  std::vector<BudgetLeft> budgets;
};

inline constexpr std::string_view kAwardBase = "base";
inline constexpr std::string_view kAwardTier = "tier";
inline constexpr std::string_view kAwardCampaign = "campaign";
// A voucher the sale redeems (records/voucher.h): added by the till after
// Evaluate, which sees the basket's money after the vouchers' discounts.
inline constexpr std::string_view kAwardVoucher = "voucher";

struct Award {
  std::string kind;         // kAwardBase, kAwardTier, kAwardCampaign, kAwardVoucher
  std::string campaign_id;  // kAwardCampaign only
  int64_t points = 0;
  bool held_out = false;  // the member is in the campaign's control group
  // kAwardCampaign: what the campaign would have given, had its budget
  // left enough (points is then 0); 0 otherwise.
  int64_t budget_short = 0;
  std::string voucher_id;      // kAwardVoucher only
  int64_t discount_minor = 0;  // money off: a voucher's or a money-off campaign's
  // kAwardCampaign: the campaign issues its voucher on this sale (campaign.h
  // CampaignAward::voucher; records/campaign_voucher.h).
  bool issues_voucher = false;
  friend bool operator==(const Award&, const Award&) = default;
};

struct Evaluation {
  int64_t pack_version = 0;
  bool base_only = false;           // the pack is past valid_until
  int64_t eligible_paid_minor = 0;  // money paid for lines that earn
  int64_t points = 0;               // the sum of the awards
  int64_t discount_minor = 0;       // the campaigns' money off, in all
  std::vector<Award> awards;        // base, tier, then campaigns by priority
  friend bool operator==(const Evaluation&, const Evaluation&) = default;
};

// Requires a valid pack (ValidateRules); InvalidArgument for a negative or
// inconsistent basket (paid above amount, a negative line), "overflow" if an
// award does not fit in int64.
Result<Evaluation> Evaluate(const Rules& pack, const EvalMember& member, const EvalBasket& basket,
                            int64_t now_ms);

// What `campaign` gives when its conditions hold and `paid_minor` of money
// was paid for the lines it is about: what its multiplier adds to the base
// rate, plus its fixed bonus, within its cap. Never decreases as paid_minor
// grows, so on the whole sale's money paid it bounds the award (head
// office's check of a till's bonus entry).
Result<int64_t> CampaignAwardPoints(const Rules& pack, const Campaign& campaign,
                                    int64_t paid_minor);

// Whether the campaign's time window (when) and stores (who.stores) admit a
// sale at `store_id` at `now_ms`: the conditions head office can check of a
// till's bonus entry (the member's and the basket's are the till's).
bool CampaignOpenAt(const Rules& pack, const Campaign& campaign, std::string_view store_id,
                    int64_t now_ms);

// Which period of `limit.per` the instant falls in, in the pack's local
// calendar: two instants share a period exactly when their keys are equal
// (the day's number, the number of the week's Monday, year * 12 + month,
// the year; 0 for "campaign").
int64_t LimitPeriod(const Rules& pack, const CampaignLimit& limit, int64_t utc_ms);

// Whether the member falls in the campaign's control group:
// SHA-256(member_id, campaign_id) read as a number, mod 10000, < holdout_bp.
bool IsHeldOut(std::string_view member_id, const Campaign& campaign);

}  // namespace patron

namespace patron::record {

template <>
struct Schema<Award> {
  static constexpr std::string_view kName = "award";
  static constexpr auto kFields = record::FieldList{
      Field<&Award::kind>{"kind"},
      Field<&Award::campaign_id>{"campaign_id", {}, kOmitDefault},
      Field<&Award::points>{"points"},
      Field<&Award::held_out>{"held_out", {}, kOmitDefault},
      Field<&Award::budget_short>{"budget_short", {}, kOmitDefault},
      Field<&Award::voucher_id>{"voucher_id", {}, kOmitDefault},
      Field<&Award::discount_minor>{"discount_minor", {}, kOmitDefault},
      Field<&Award::issues_voucher>{"issues_voucher", {}, kOmitDefault},
  };
};

template <>
struct Schema<Evaluation> {
  static constexpr std::string_view kName = "evaluation";
  static constexpr auto kFields = record::FieldList{
      Field<&Evaluation::pack_version>{"pack_version"},
      Field<&Evaluation::base_only>{"base_only"},
      Field<&Evaluation::eligible_paid_minor>{"eligible_paid_minor"},
      Field<&Evaluation::points>{"points"},
      Field<&Evaluation::discount_minor>{"discount_minor", {}, kOmitDefault},
      Field<&Evaluation::awards>{"awards"},
  };
};

}  // namespace patron::record

#endif  // PATRON_EVALUATE_H_
