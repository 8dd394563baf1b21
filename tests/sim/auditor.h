// The auditor: an independent model of what Patron acknowledged, and the
// ledger invariants of issue 6, checked as the simulation runs and at its
// end. The first violation stops the run; it names the invariant.
//
//   set-full (Jepsen): every acknowledged entry reaches the server and
//     survives its crashes and power cuts (lost = 0), every sale a terminal
//     acknowledged survives its crashes and power cuts, and none is applied twice
//     (duplicated = 0): each member's server balance equals the model's.
//   sums: every balance equals the sum of its entries; the server's own
//     rights equal the sum of their rights effects.
//   no overspend: every redemption decision (a terminal's checkout, the
//     server's grant) was covered by the balance its maker saw; a balance
//     below zero must come from a refund (reported as a clawback).
//   rights: no holder (terminal or server) ever paid out more rights than
//     it received; refund reversals aside, its rights sum to >= 0.
//   refunds: the refunds of one sale, in any store, never take back more
//     than it earned nor give back more than it redeemed (head office's
//     corrections included).
//   convergence: once healed and synced twice, every terminal's view of
//     every member equals the server's, compared by digest.
//   trust: every entry a hostile till forged (hostile_till.h) is refused,
//     none is stored, and no honest till's entry is ever refused (the
//     set-full check: an honest push is answered ok or exists).
//   exchanges (reward.h): the tills never acknowledge more of a reward than
//     its stock, nor head office hand out larger shares of it; head office
//     holds exactly the exchanges tills acknowledged, each priced as its
//     pack says, with the voucher it bought, and every till knows them all;
//     no till gave beyond its share (no `reward_stock_exceeded` event).
#ifndef PATRON_TESTS_SIM_AUDITOR_H_
#define PATRON_TESTS_SIM_AUDITOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "patron/records/exchange.h"
#include "patron/rules.h"
#include "patron/sql/database.h"
#include "patron/sync/protocol.h"
#include "patron/sync_server/sync_service.h"
#include "patron/terminal/terminal.h"

namespace patron::sim {

// The hostile till (hostile_till.h): registered like any other, at the
// first store, but its owner pushes forged entries with its token.
inline constexpr std::string_view kHostileTerminal = "S01-TX";
inline constexpr std::string_view kHostileStore = "S01";

struct AuditFigures {
  int64_t sales_acknowledged = 0;
  int64_t refunds_acknowledged = 0;
  int64_t entries_acknowledged = 0;  // by terminals to the POS
  int64_t entries_server_acked = 0;  // by the server to terminals
  int64_t replays_checked = 0;
  int64_t sales_rechecked = 0;  // acknowledged sales found again after power cuts
  int64_t grants = 0;
  int64_t ledger_checks = 0;
  int64_t clawbacks = 0;  // members left below zero by a refund
  int64_t returns_claimed = 0;  // returns in another store, counted at head office
  int64_t returns_pending = 0;  // ... recorded pending (head office matches them)
  int64_t reversals_checked = 0;  // reversed entries whose reversals were summed
  // Returns counted at head office whose till never heard the answer and
  // gave up (the POS was refused): head office keeps them counted.
  int64_t orphan_claims = 0;
  int64_t returns_matched = 0;    // pending returns head office reversed
  int64_t refunds_corrected = 0;  // head office's corrections of refunds in several stores
  int64_t campaign_awards_limited = 0;  // awards beyond a campaign's limit head office reversed
  int64_t forged_refused = 0;     // entries a hostile till forged, all refused
  int64_t reviews_queued = 0;     // member rows head office queued for review
  int64_t vouchers_used = 0;      // acknowledged sales that redeemed a voucher
  // Points exchanges (records/exchange.h), each counted once however often
  // its till answered it.
  int64_t exchanges_acknowledged = 0;
  int64_t exchange_points = 0;         // the points they spent
  int64_t exchange_vouchers = 0;       // vouchers they bought
  int64_t exchange_vouchers_used = 0;  // ... that acknowledged sales redeemed
  int64_t stock = 0;                   // the rewards' stocks together (0 = no limit)
  int64_t stock_exchanged = 0;         // exchanged of rewards with a stock
  int64_t stock_handed_out = 0;        // the tills' shares at head office, at the end
  // Head office's `reward_limit_exceeded` reports: tills that could not see
  // each other each gave a member the last one the limit allowed.
  int64_t exchange_limits_exceeded = 0;
  // Campaign budgets (campaign.h CampaignBudget): the points of the
  // budgeted campaigns' awards acknowledged sales gave, the awards short of
  // budget, and the tills' shares at head office at the end.
  int64_t budget_given = 0;
  int64_t budget_short = 0;
  int64_t budget_handed_out = 0;
  // Points expiry (lots.h): head office's runs (a month passes before
  // each), the points they expired and gave back, and members each till
  // shows the same lots as head office at the end.
  int64_t expiry_runs = 0;
  int64_t points_expired = 0;
  int64_t expiry_given_back = 0;
  int64_t lots_compared = 0;
  // Members whose held tier is above the one their spend reaches (the hold
  // at work), at the last convergence check.
  int64_t held_above_spend = 0;
  int64_t members = 0;
  // Campaign awards of acknowledged sales the auditor evaluated again
  // (CheckCampaignAwards), the campaigns' money off, and the vouchers
  // campaigns issued (head office holds exactly these at the end).
  int64_t awards_evaluated = 0;
  int64_t money_off_minor = 0;
  int64_t campaign_vouchers = 0;
};

class Auditor {
 public:
  explicit Auditor(std::string server_db_path);

  // The first violated invariant, if any.
  const std::optional<std::string>& violation() const { return violation_; }
  void Violate(const std::string& what);
  const AuditFigures& figures() const { return figures_; }

  // ---- What the POS was told (terminal acknowledgements). ----
  void ExpectMember(const std::string& phone, const std::string& member_id);
  // Every member id enrolled so far, in the order first seen.
  const std::vector<std::string>& members() const { return members_; }
  void RecordSale(const std::string& terminal_id, const terminal::SaleRequest& request,
                  const terminal::SaleResult& result);
  void RecordRefund(const std::string& terminal_id, const terminal::RefundRequest& request,
                    const terminal::RefundResult& result);
  // An exchange a till acknowledged: priced as its pack says, its voucher
  // handed over, and never more of a reward than its stock.
  void RecordExchange(const std::string& terminal_id, const terminal::ExchangeRequest& request,
                      const terminal::ExchangeResult& result);
  // After `terminal_id` restarted from what its disk kept through a power
  // cut: it still knows every sale it acknowledged, as acknowledged. (A
  // killed process loses no write, so a plain crash needs no such check;
  // the final audit covers both.) A sale found after a power cut is on the
  // disk for good, so each is looked up once, after the first power cut
  // that follows it.
  void TerminalLostPower(const std::string& terminal_id, terminal::Terminal& terminal);
  // A member as a terminal shows it: the derived figures are consistent.
  void CheckView(const std::string& terminal_id, const terminal::Member& member);

  // ---- What the server did (the world reports every call it served). ----
  // Head office published `pack`: exchanges naming its version are judged
  // by its rewards.
  void PackPublished(const Rules& pack);
  void ServerPushed(const sync::PushRequest& request, const sync::PushResponse& response);
  // A hostile till's push (hostile_till.h): every entry must be refused.
  void ForgedPushed(const sync::PushRequest& request, const sync::PushResponse& response);
  // What the server may grant `holder` of the member now without letting
  // the tills overspend: its own rights less every other terminal's deficit,
  // computed here from the server's entries. Asked just before each grant.
  int64_t GrantableNow(const std::string& member_id, const std::string& holder);
  // The transfer the server made for `terminal_id`'s grant request
  // `request_id`, if it holds one (its answer may have been lost).
  std::optional<LedgerEntry> GrantMade(const std::string& terminal_id,
                                       const std::string& request_id);
  // A grant the server made, once, judged by what it could grant just
  // before the call that made it.
  void ServerGranted(const LedgerEntry& transfer, int64_t grantable_before);
  void ReviewsQueued(int64_t members) { figures_.reviews_queued += members; }
  void ExpiryRan(const sync::ExpiryRun& run) {
    ++figures_.expiry_runs;
    figures_.points_expired += run.points_expired;
    figures_.expiry_given_back += run.points_given_back;
  }
  // After the server restarted from its files: nothing it acknowledged is gone.
  void ServerRestarted();

  // Checks the sums and rights of the members touched since the last call.
  void CheckTouched();

  // ---- The end of a run: everything healed and synced. ----
  // `clocks_ms`: each terminal's wall clock now (its day decides which of
  // a member's lots it lists as expiring).
  void CheckFinal(std::vector<terminal::Terminal*> terminals, std::vector<int64_t> clocks_ms);

 private:
  struct Expected {
    std::string member_id;
    std::vector<std::string> entry_ids;
    int64_t balance_delta = 0;
    std::string fingerprint;  // the acknowledged result, to compare replays
  };
  // What a sale handed out, and what its refunds have taken back so far.
  struct SaleLedger {
    int64_t earned = 0, redeemed = 0, paid_minor = 0;
    int64_t reversed = 0, returned = 0, paid_back_minor = 0;
    bool refunded_elsewhere = false;  // a return in another store: head office arbitrates
  };
  // Returns true for a first acknowledgement, false for a replay.
  bool Acknowledge(const std::string& key, Expected expected, bool replayed);
  void CheckMemberLedger(sql::Database& db, const std::string& member_id);
  // The fold's bookkeeping (sync-server/src/service/member_folder.cc): no member row
  // past the watermark or short of a folded entry of its member, no folded
  // profile change still queued, member_entries filing exactly the folded
  // entries.
  void CheckFold(sql::Database& db);
  void CheckAllLedgers();
  // refunds: across every store, the reversals of an earn never take back
  // more than it earned, those of a redeem never give back more than it
  // redeemed.
  void CheckReversals();
  void CheckConvergence(const std::vector<terminal::Terminal*>& terminals,
                        const std::vector<int64_t>& clocks_ms);
  void CheckModel();
  // What is wrong with `exchange` by the pack it names (price, voucher), or
  // "" if nothing.
  std::string Mispriced(const ExchangeRecord& exchange) const;
  // The reward's stock as the newest published pack holding it says (0: no limit).
  int64_t StockOf(const std::string& reward_id) const;
  // Head office's exchanges, shares of stock and security events, after
  // healing: see the exchanges invariant above.
  void CheckExchanges(sql::Database& db);
  // Every till knows every exchange of the members (for their limits).
  void CheckExchangesKnown(const std::vector<terminal::Terminal*>& terminals);
  // The campaign's budget as the newest published pack holding it says (0:
  // none).
  int64_t BudgetOf(const std::string& campaign_id) const;
  // Counts a campaign award of a newly acknowledged sale against its budget.
  void CountBudget(const SaleAward& award);
  // Head office's shares of campaigns' budgets: together within each
  // budget, and no till's awards beyond its share.
  void CheckBudgets(sql::Database& db);
  // A newly acknowledged sale's awards of the campaigns the sale alone
  // decides (no member, time, limit or budget conditions: Judged) equal
  // what Evaluate gives for the sale's pack, basket and money paid; the
  // money paid is the basket less every discount.
  void CheckCampaignAwards(const std::string& sale_id, const terminal::SaleRequest& request,
                           const terminal::SaleResult& result);
  // Head office holds exactly the vouchers acknowledged sales' campaigns
  // issued.
  void CheckCampaignVouchers(sql::Database& db);

  std::string server_db_path_;
  std::optional<std::string> violation_;
  bool final_ = false;  // CheckFinal has begun: everything is healed and synced
  AuditFigures figures_;
  std::map<std::string, std::string> member_by_phone_;
  std::vector<std::string> members_;
  std::map<std::string, Expected> acknowledged_;  // by "<terminal>/sale|refund/<ref>"
  std::map<std::string, SaleLedger> sales_;       // by "<terminal>/sale/<ref>"
  // By terminal: its acknowledged sales (refs) not yet found after a power cut.
  std::map<std::string, std::vector<std::string>> sales_to_recheck_;
  std::map<std::string, int64_t> model_balance_;
  std::set<std::string> server_acked_;  // entry ids the server acknowledged
  std::set<std::string> touched_;       // members to check at CheckTouched
  // Each voucher an acknowledged sale redeemed, and that sale's id: a
  // second sale redeeming it is a violation (never twice, offline included).
  std::map<std::string, std::string> voucher_sale_;
  std::map<int64_t, Rules> packs_;  // published, by version
  // The same with only the campaigns a sale alone decides (CheckCampaignAwards).
  std::map<int64_t, Rules> judged_packs_;
  // Each acknowledged exchange as its till answered it, by exchange id.
  std::map<std::string, ExchangeRecord> exchanges_;
  std::map<std::string, int64_t> exchanged_;  // by reward id: quantities acknowledged
  // By campaign id: the points its awards on acknowledged sales gave.
  std::map<std::string, int64_t> budget_given_;
  std::set<std::string> campaign_vouchers_;  // issued on acknowledged sales
};

}  // namespace patron::sim

#endif  // PATRON_TESTS_SIM_AUDITOR_H_
