// Requests and results of the terminal engine: plain structs, no JSON. The
// daemon's codec turns HTTP bodies into these and back.
#ifndef PATRON_TERMINAL_TYPES_H_
#define PATRON_TERMINAL_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "patron/evaluate.h"
#include "patron/ledger.h"
#include "patron/lots.h"
#include "patron/offer.h"
#include "patron/records/exchange.h"
#include "patron/records/feedback.h"
#include "patron/records/sale.h"
#include "patron/records/voucher.h"
#include "patron/rules.h"
#include "patron/tier_standing.h"

namespace patron::terminal {

// Profile fields a member can change. In an update, nullopt means "leave as
// is"; an empty string clears an optional text field.
struct ProfilePatch {
  std::optional<std::string> name;
  std::optional<std::string> birthday;  // YYYY-MM-DD
  std::optional<std::string> email;
  std::optional<std::string> gender;  // female | male | other | undisclosed
  std::optional<bool> sms_consent;
  std::optional<bool> email_consent;
};

struct EnrolRequest {
  // At least one of phone and card. With a phone the member id is derived
  // from it, so enrolling a known phone returns the existing member.
  std::optional<std::string> phone;  // as typed; normalised to E.164
  std::optional<std::string> card;   // loyalty card number
  ProfilePatch profile;              // name is required
};

struct Member {
  std::string member_id;
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> card;
  std::string name;
  std::optional<std::string> birthday;
  std::optional<std::string> email;
  std::optional<std::string> gender;
  bool sms_consent = false;
  bool email_consent = false;
  std::string status;  // "active"
  std::string enrolled_store;
  int64_t enrolled_ms = 0;
  // Derived, as this terminal sees them now (DESIGN.md §4). The tier is
  // the higher of the one head office holds and the one the spend reaches
  // (tier_standing.h).
  std::string tier;
  int64_t balance = 0;
  int64_t qualifying_spend_minor = 0;
  // When head office reviews the tier it holds (0: nothing to review), the
  // next tier up ("spend 230.00 more for gold"; nullopt at the top), and,
  // from tier_warning_days before a review that would drop the tier, what
  // it drops to and the spend that keeps it.
  int64_t tier_held_until_ms = 0;
  std::optional<TierProgress> tier_progress;
  std::optional<TierReview> tier_review;
  // Points this terminal may redeem right now without asking the server:
  // min(balance, spendable points, its own redemption rights), never below
  // zero.
  int64_t redeemable_here = 0;
  // When points expire (lots.h): how many on each day, soonest first
  // ("320 points expire 2027-03-31"); points that never expire are not
  // listed. Points earned that are not spendable yet (the pack's
  // pending_days).
  std::vector<ExpiringPoints> expiring;
  int64_t pending_points = 0;
};

struct EnrolResult {
  Member member;
  bool created = false;  // false: the phone or card was already enrolled
};

// A basket line is the consumption record's own (records/sale.h SaleLine):
// sku, name, category, qty, amount_minor (the line total) and the POS's own
// discount_minor; line_no is set from the line's position. Some categories
// earn nothing (rules.h).

struct SaleRequest {
  std::string sale_ref;  // the POS receipt number; idempotency key
  std::string member_id;
  int64_t amount_minor = 0;  // basket total before points
  std::string currency;      // empty = the rules' currency
  std::vector<SaleLine> lines;  // optional; if given their amounts sum to amount_minor
  int64_t redeem_points = 0;
  // Vouchers to redeem (records/voucher.h), in the order their discounts
  // apply; at most kMaxSaleVouchers, each once.
  std::vector<std::string> vouchers;
};

struct Quote {
  std::string member_id;
  std::string tier;
  int64_t earn_multiplier_bp = 0;
  int64_t points_to_earn = 0;  // for the sale as quoted (after redeem_points)
  // points_to_earn itemised (evaluate.h): base, tier, each campaign that
  // applies, and a held-out line for each campaign the member is a control of.
  std::vector<Award> awards;
  // The next tier up and the qualifying spend it needs, before this sale;
  // nullopt at the top tier.
  std::optional<TierProgress> tier_progress;
  // A review ahead that would drop the member's tier (Member::tier_review).
  std::optional<TierReview> tier_review;
  int64_t redeem_points = 0;
  int64_t discount_minor = 0;           // money value of redeem_points
  int64_t campaign_discount_minor = 0;  // money off by campaigns (their awards)
  int64_t voucher_discount_minor = 0;   // money off by the vouchers (their awards)
  int64_t paid_minor = 0;               // amount - every discount
  // The most points this sale may use: min(cap, balance, redeemable_here);
  // the cap is a share of the basket after campaigns' and vouchers' money off.
  int64_t max_redeemable = 0;
  int64_t max_redeemable_by_cap = 0;
  int64_t balance = 0;
  int64_t redeemable_here = 0;
  // Points expiring within kExpiringSoonDays (lots.h), soonest first.
  std::vector<ExpiringPoints> expiring_soon;
  int64_t rule_version = 0;
  // The pack in force is past its valid_until: base points only (no tier
  // multiplier) until head office's newer pack arrives.
  bool base_only = false;
  // Head office's next-best offers for the member (offer.h), the best
  // first, as Terminal::Offers gives them: what the cashier may suggest.
  std::vector<Offer> offers;
};

struct SaleResult {
  std::string sale_ref;
  // The sale's id across the chain, "<terminal_id>/<sale_ref>": what a
  // receipt carries so that any store can refund it.
  std::string sale_id;
  std::string member_id;
  int64_t amount_minor = 0;
  int64_t discount_minor = 0;           // paid with points
  int64_t campaign_discount_minor = 0;  // money off by campaigns
  int64_t voucher_discount_minor = 0;   // money off by vouchers
  int64_t paid_minor = 0;               // paid with money
  int64_t earned_points = 0;           // base, tier, campaigns and vouchers together
  int64_t redeemed_points = 0;
  int64_t balance = 0;  // after the sale
  std::string tier;     // after the sale
  // The campaigns' awards, each with its bonus entry (held-out ones have
  // none), then the vouchers' (a bonus entry when they give points).
  std::vector<SaleAward> awards;
  // The next tier up and the spend it needs after the sale, by the tiers of
  // the pack in force when asked (a replay after a pack change may differ).
  std::optional<TierProgress> tier_progress;
  std::vector<std::string> entry_ids;
  int64_t rule_version = 0;
  // The survey to ask the member about this sale (survey.h): "nps", "csat"
  // or "" none; their answer is feedback of that kind naming the sale.
  std::string survey;
  bool replayed = false;  // an identical earlier request; nothing was written
};

// A refunded line (records/sale.h RefundLine): line_no is the 0-based index
// into the sale's lines.

// One of: amount_minor, lines, or neither (refund everything not yet refunded).
struct RefundRequest {
  std::string sale_ref;
  std::string refund_ref;  // idempotency key
  // The terminal that made the sale (the receipt's origin); empty: this one.
  // Another terminal's sale is refunded through head office (a return in
  // any store, DESIGN.md §8).
  std::string sale_terminal;
  // The member, when the POS knows it: for a pending return of another
  // store's sale (head office cannot be asked), else taken from the sale.
  std::string member_id;
  std::optional<int64_t> amount_minor;
  std::vector<RefundLine> lines;
};

struct RefundResult {
  std::string refund_ref;
  std::string sale_ref;
  std::string sale_id;  // "<terminal_id>/<sale_ref>" of the sale refunded
  std::string member_id;
  int64_t amount_minor = 0;      // goods value refunded
  int64_t paid_back_minor = 0;   // money to hand back to the customer
  int64_t reversed_points = 0;   // earned points taken back, campaigns' included
  int64_t returned_points = 0;   // redeemed points given back
  int64_t balance = 0;           // after the refund
  bool clawback = false;         // the refund left the balance negative
  // A return of another store's sale recorded while head office could not
  // be asked: the money went back; head office reverses the points later.
  bool pending = false;
  std::vector<std::string> entry_ids;
  bool replayed = false;
};

// A member's voucher as this terminal sees it (GET /v1/members/{id}/vouchers).
struct MemberVoucher {
  Voucher voucher;
  // "usable", "used", "expired" or "not_yet_valid", at this terminal's clock.
  std::string state;
  // This terminal may redeem it offline; otherwise a checkout claims it
  // from head office first (online).
  bool held_here = false;
};

// A points exchange (积分兑换, POST /v1/rewards/exchange): a member buys
// `quantity` of a reward of the pack in force with points.
struct ExchangeRequest {
  std::string exchange_ref;  // the POS's receipt number; idempotency key
  std::string member_id;
  std::string reward_id;
  int64_t quantity = 1;  // 1..kMaxExchangeQuantity; 1 for a voucher reward
};

struct ExchangeResult {
  ExchangeRecord exchange;
  int64_t balance = 0;  // the member's, after it
  // The voucher it bought (a voucher reward), held here: usable at once.
  std::optional<MemberVoucher> voucher;
  bool replayed = false;
};

// Feedback a member gives at this till (POST /v1/feedback;
// records/feedback.h): the member, the kind, a rating, a topic, the
// member's words, and optionally the receipt of one of this till's sales it
// is about. feedback_ref is the POS's key for it (idempotency); a survey
// answer's is "survey/<sale_ref>" (it may be left empty).
struct FeedbackRequest {
  std::string feedback_ref;
  std::string member_id;
  FeedbackKind kind = FeedbackKind::kComplaint;
  int64_t rating = 0;
  std::string topic;
  std::string sale_ref;  // "" none
  std::string text;
};

struct FeedbackResult {
  FeedbackRecord feedback;
  bool replayed = false;  // the same request was recorded before
};

// A reward of the catalogue in force as this terminal offers it now
// (GET /v1/rewards), for one member when one is named.
struct RewardOffer {
  Reward reward;
  // Left of this terminal's share of the stock; nullopt: no stock limit.
  // A till with none left asks head office for more when it exchanges.
  std::optional<int64_t> stock_here;
  int64_t stock_granted = 0;  // this terminal's share in all
  // For the member: how many more the limit allows this period (nullopt:
  // no limit), and why they cannot have one now ("" if they can):
  // "reward_tier_only", "reward_limit_reached", "insufficient_points".
  std::optional<int64_t> limit_left;
  std::string unavailable;
};

struct HistoryPage {
  std::vector<LedgerEntry> entries;  // newest first, as they arrived here
  // Opaque cursor of the next (older) page; 0 when there is none.
  int64_t next_before = 0;
};

// The last time this terminal's journal jumped over head office's mark:
// its database had been lost or rolled back, and head office already held
// entries up to the mark (DESIGN.md §4). at_ms nullopt: never.
struct JournalRestart {
  std::optional<int64_t> at_ms;
  int64_t head_office_high_seq = 0;  // the mark
  int64_t from_seq = 0;              // where the journal stood before the jump
  friend bool operator==(const JournalRestart&, const JournalRestart&) = default;
};

// A new database that had to write before it heard head office's mark
// (offline) began its journal at a random sequence in [2^40, 2^52): ids no
// earlier database of this terminal used, in all likelihood (a collision
// needs one of them to have written within that range's few entries), and
// below 2^53, where JSON numbers stay exact. at_ms nullopt: never.
struct JournalIncarnation {
  std::optional<int64_t> at_ms;
  int64_t first_seq = 0;
  friend bool operator==(const JournalIncarnation&, const JournalIncarnation&) = default;
};

struct TerminalStatus {
  std::string terminal_id;
  std::string store_id;
  int64_t member_count = 0;
  int64_t pending_entries = 0;          // journal entries not yet acknowledged
  int64_t pending_profile_changes = 0;  // profile changes not yet acknowledged
  int64_t pending_records = 0;  // outbox records (sales, refunds, ...) not yet answered
  int64_t refused_records = 0;  // outbox records head office refused or held differently
  // Journal entries head office refused as something a till may not write
  // (a forged or corrupt entry); they count in no balance here or there.
  int64_t refused_entries = 0;
  // The sync stream carried things this build does not understand (a newer
  // head office's record kinds, fields, entry kinds, rules): it keeps them
  // and syncs everything else; an upgraded build reads them again.
  bool upgrade_needed = false;
  std::vector<std::string> upgrade_notes;
  int64_t journal_seq = 0;  // seq of the newest entry this terminal wrote; 0 if none
  // False while a new database waits for head office's journal mark
  // (TerminalOptions::await_journal_mark).
  bool journal_confirmed = true;
  JournalRestart journal_restart;
  JournalIncarnation journal_incarnation;
  // After a restart the till's redemption rights are head office's count
  // (sync::RightsStatement): due until it arrives; when it last did.
  bool rights_statement_due = false;
  std::optional<int64_t> rights_statement_ms;
  int64_t rules_version = 0;
  // The rule pack in force (rules_version): its name and valid_until (""
  // when it has none); base_only once that has passed (base points only
  // until a newer pack arrives); the next pack waiting for its activate_at.
  std::string pack_name;
  std::string pack_valid_until;
  bool pack_base_only = false;
  std::optional<int64_t> next_pack_version;
  std::string next_pack_activate_at;
  std::string cursor_epoch;
  int64_t cursor_seq = 0;
  std::optional<int64_t> last_sync_ms;
  std::string chain_key_fingerprint;
};

// What one push achieved.
struct PushSummary {
  int64_t entries_acknowledged = 0;
  int64_t changes_acknowledged = 0;
  // Same id, different content on the server: a serious fault (a restored
  // terminal database reusing ids). Never overwritten; reported.
  int64_t conflicts = 0;
  int64_t rejected = 0;  // profile changes head office refused (they stay pending)
  // Entries head office refused (final; counted in the status).
  int64_t entries_refused = 0;
  int64_t records_acknowledged = 0;
  // Records head office refused or held differently (final; kept in the
  // outbox and counted in the status).
  int64_t records_refused = 0;
  // The reply showed head office holding this terminal's entries at or above
  // its next sequence (a lost or rolled-back database): the journal jumped
  // over them (TerminalStatus::journal_restart).
  bool journal_restarted = false;
};

// What one pull page did besides its members and grants.
struct PullPageSummary {
  bool rules_updated = false;  // it brought newer rules, now active
  bool journal_restarted = false;  // as PushSummary::journal_restarted
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_TYPES_H_
