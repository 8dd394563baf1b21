#include "auditor.h"

#include <algorithm>
#include <limits>

#include "patron/digest.h"
#include "patron/evaluate.h"
#include "patron/ledger.h"
#include "patron/local_time.h"
#include "patron/lots.h"
#include "patron/record/record_json.h"
#include "patron/record/record_sql.h"
#include "patron/records/campaign_voucher.h"
#include "patron/rules.h"
#include "patron/sql/database.h"
#include "patron/tier_standing.h"

namespace patron::sim {
namespace {

std::string SaleFingerprint(const terminal::SaleResult& r) {
  CanonicalHasher h;
  h.Add(r.sale_ref).Add(r.member_id).Add(r.amount_minor).Add(r.discount_minor).Add(r.paid_minor);
  h.Add(r.earned_points).Add(r.redeemed_points);
  for (const std::string& id : r.entry_ids) h.Add(id);
  return h.HexDigest();
}

std::string RefundFingerprint(const terminal::RefundResult& r) {
  CanonicalHasher h;
  h.Add(r.refund_ref).Add(r.sale_ref).Add(r.member_id).Add(r.amount_minor);
  h.Add(r.paid_back_minor).Add(r.reversed_points).Add(r.returned_points);
  for (const std::string& id : r.entry_ids) h.Add(id);
  return h.HexDigest();
}

// What a replay of an exchange must repeat: the exchange and the balance
// it left (not its voucher's state, which moves on).
std::string ExchangeFingerprint(const terminal::ExchangeResult& r) {
  const ExchangeRecord& x = r.exchange;
  CanonicalHasher h;
  h.Add(x.exchange_id).Add(x.member_id).Add(x.reward_id).Add(x.quantity).Add(x.points);
  h.Add(x.entry_id).Add(x.voucher_id).Add(x.rule_version).Add(x.wall_ms).Add(r.balance);
  return h.HexDigest();
}

// A reversal that takes points away: a refund of an earn. Such an entry may
// leave a balance or a holder's rights below zero (a clawback).
bool IsClawback(const LedgerEntry& e) { return e.kind == EntryKind::kReverse && e.points < 0; }

// What the audit needs of an entry: enough for BalanceEffect and
// RightsEffect. ReadEntry reads a row of this select.
constexpr std::string_view kEntryColumns =
    "SELECT entry_id, member_id, origin, kind, points, to_holder FROM entries";

LedgerEntry ReadEntry(const sql::Statement& s) {
  LedgerEntry e;
  e.entry_id = s.ColumnText(0);
  e.member_id = s.ColumnText(1);
  e.origin = s.ColumnText(2);
  e.kind = ParseEntryKind(s.ColumnText(3)).value();
  e.points = s.ColumnInt64(4);
  e.to_holder = s.ColumnText(5);
  return e;
}

// A member's entries on the server, summed the ways the invariants need.
struct LedgerSums {
  int64_t balance = 0;
  bool clawed_back = false;                // some refund took points back
  bool expired = false;                    // head office expired some of its points
  std::map<std::string, int64_t> rights;   // holder -> rights, as ledger.h sums them
  // holder -> the same without clawbacks and expiry: head office expires
  // points (and gives back what it expired too much) wherever their rights
  // are held, and the till holding them, which may not spend them, hands
  // them back at its next sync.
  std::map<std::string, int64_t> credits;
};

bool IsExpiryEntry(const LedgerEntry& e) {
  return e.kind == EntryKind::kExpire ||
         (e.kind == EntryKind::kAdjust && e.origin == kServerOrigin);  // the sim's only adjusts
}

// Sums the member's entries with seq <= through.
Result<LedgerSums> SumLedger(sql::Database& db, const std::string& member_id,
                             int64_t through) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement s,
      db.GetCachedStatement(std::string(kEntryColumns) + " WHERE member_id = ? AND seq <= ?"));
  s.BindText(0, member_id);
  s.BindInt64(1, through);
  LedgerSums sums;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return sums;
    const LedgerEntry e = ReadEntry(s);
    sums.balance += BalanceEffect(e);
    sums.clawed_back = sums.clawed_back || IsClawback(e);
    sums.expired = sums.expired || e.kind == EntryKind::kExpire;
    for (const std::string& holder : {e.origin, e.to_holder}) {
      if (holder.empty()) continue;
      const int64_t effect = RightsEffect(e, holder);
      sums.rights[holder] += effect;
      if (!IsClawback(e) && !IsExpiryEntry(e)) sums.credits[holder] += effect;
      if (e.origin == e.to_holder) break;
    }
  }
}

// A read-only look at the server's database, taken fresh for each check so
// the auditor never keeps a connection open across a simulated crash.
Result<std::unique_ptr<sql::Database>> OpenServerDb(const std::string& path) {
  sql::DatabaseOptions options;
  options.read_only = true;
  return sql::Database::Open(path, options);
}

struct ServerMemberRow {
  std::string member_id;
  std::optional<std::string> phone, card, birthday, email, gender;
  std::string name;
  bool sms_consent = false, email_consent = false;
  int64_t balance = 0, spend_minor = 0;
  TierStanding standing;  // the tier head office holds
  LotBook lots;
};

std::string ViewDigest(const std::optional<std::string>& phone,
                       const std::optional<std::string>& card, const std::string& name,
                       const std::optional<std::string>& birthday,
                       const std::optional<std::string>& email,
                       const std::optional<std::string>& gender, bool sms, bool mail,
                       int64_t balance, int64_t spend, const std::string& tier) {
  CanonicalHasher h;
  for (const auto* field : {&phone, &card, &birthday, &email, &gender}) {
    h.Add(field->has_value() ? "1" + **field : "0");
  }
  h.Add(name).Add(sms ? 1 : 0).Add(mail ? 1 : 0).Add(balance).Add(spend).Add(tier);
  return h.HexDigest();
}

std::string Describe(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "null"; }

}  // namespace

Auditor::Auditor(std::string server_db_path) : server_db_path_(std::move(server_db_path)) {}

void Auditor::Violate(const std::string& what) {
  if (!violation_) violation_ = what;
}

void Auditor::ExpectMember(const std::string& phone, const std::string& member_id) {
  auto [it, inserted] = member_by_phone_.emplace(phone, member_id);
  if (inserted) members_.push_back(member_id);
  if (!inserted && it->second != member_id) {
    Violate("identity: phone " + phone + " is member " + member_id + " here but " + it->second +
            " elsewhere");
  }
}

bool Auditor::Acknowledge(const std::string& key, Expected expected, bool replayed) {
  auto it = acknowledged_.find(key);
  if (it != acknowledged_.end()) {
    ++figures_.replays_checked;
    if (!replayed) Violate("set-full: " + key + " was applied twice (second time not a replay)");
    if (it->second.fingerprint != expected.fingerprint) {
      Violate("set-full: the replay of " + key + " differs from its acknowledged result");
    }
    return false;
  }
  // A first acknowledgement may well be a replay: the original committed but
  // its answer was lost in a crash, and the POS asked again.
  figures_.entries_acknowledged += static_cast<int64_t>(expected.entry_ids.size());
  // A pending return may not know its member: it moves no points here.
  if (!expected.member_id.empty()) model_balance_[expected.member_id] += expected.balance_delta;
  acknowledged_.emplace(key, std::move(expected));
  return true;
}

void Auditor::RecordSale(const std::string& terminal_id, const terminal::SaleRequest& request,
                         const terminal::SaleResult& result) {
  if (result.member_id != request.member_id || result.sale_ref != request.sale_ref) {
    Violate("sale " + request.sale_ref + " answered for another member or receipt");
  }
  if (result.redeemed_points != request.redeem_points) {
    Violate("sale " + request.sale_ref + " redeemed " + std::to_string(result.redeemed_points) +
            " points; the POS asked for " + std::to_string(request.redeem_points));
  }
  if (!result.replayed && result.redeemed_points > 0 && result.balance < 0) {
    Violate("overspend: " + terminal_id + " let sale " + request.sale_ref + " redeem " +
            std::to_string(result.redeemed_points) + " points, leaving " +
            std::to_string(result.balance));
  }
  const std::string key = terminal_id + "/sale/" + request.sale_ref;
  if (Acknowledge(key,
                  {result.member_id, result.entry_ids, result.earned_points - result.redeemed_points,
                   SaleFingerprint(result)},
                  result.replayed)) {
    ++figures_.sales_acknowledged;
    sales_to_recheck_[terminal_id].push_back(request.sale_ref);
    const std::string sale_id = MakeSaleId(terminal_id, request.sale_ref);
    CheckCampaignAwards(sale_id, request, result);
    for (const SaleAward& award : result.awards) {
      if (!award.campaign_id.empty()) CountBudget(award);
      if (award.voucher_id.empty()) continue;
      ++figures_.vouchers_used;
      const auto [used, first] = voucher_sale_.emplace(award.voucher_id, sale_id);
      if (!first && used->second != sale_id) {
        Violate("voucher: " + award.voucher_id + " redeemed twice, by sale " + used->second +
                " and by sale " + sale_id);
      }
    }
    sales_[key] = {result.earned_points, result.redeemed_points, result.paid_minor, 0, 0, 0};
  }
}

void Auditor::RecordRefund(const std::string& terminal_id, const terminal::RefundRequest& request,
                           const terminal::RefundResult& result) {
  if (result.sale_ref != request.sale_ref || result.refund_ref != request.refund_ref) {
    Violate("refund " + request.refund_ref + " answered for another receipt");
  }
  if (!result.replayed && result.clawback != (result.balance < 0)) {
    Violate("refund " + request.refund_ref + " left the balance at " +
            std::to_string(result.balance) + " but says clawback " +
            (result.clawback ? "true" : "false"));
  }
  if (!Acknowledge(terminal_id + "/refund/" + request.refund_ref,
                   {result.member_id, result.entry_ids,
                    result.returned_points - result.reversed_points, RefundFingerprint(result)},
                   result.replayed)) {
    return;
  }
  ++figures_.refunds_acknowledged;
  const bool elsewhere = !request.sale_terminal.empty() && request.sale_terminal != terminal_id;
  if (elsewhere) ++(result.pending ? figures_.returns_pending : figures_.returns_claimed);
  // Refunds of one sale never take back more than it handed out.
  const std::string sale_terminal = elsewhere ? request.sale_terminal : terminal_id;
  auto sale = sales_.find(sale_terminal + "/sale/" + request.sale_ref);
  if (sale == sales_.end()) {
    return Violate("refund " + request.refund_ref + " of a sale never acknowledged");
  }
  SaleLedger& l = sale->second;
  // Once a sale is refunded in another store, the tills refund from what
  // they know, and head office arbitrates: CheckReversals checks its
  // ledger at the end.
  l.refunded_elsewhere = l.refunded_elsewhere || elsewhere;
  if (l.refunded_elsewhere) return;
  l.reversed += result.reversed_points;
  l.returned += result.returned_points;
  l.paid_back_minor += result.paid_back_minor;
  if (l.reversed > l.earned || l.returned > l.redeemed || l.paid_back_minor > l.paid_minor) {
    Violate("refunds of sale " + request.sale_ref + " took back " + std::to_string(l.reversed) +
            " earned and " + std::to_string(l.returned) + " redeemed points and " +
            std::to_string(l.paid_back_minor) + " money; the sale gave " +
            std::to_string(l.earned) + ", " + std::to_string(l.redeemed) + " and " +
            std::to_string(l.paid_minor));
  }
}

void Auditor::RecordExchange(const std::string& terminal_id,
                             const terminal::ExchangeRequest& request,
                             const terminal::ExchangeResult& result) {
  const ExchangeRecord& x = result.exchange;
  const std::string key = terminal_id + "/exchange/" + request.exchange_ref;
  if (x.terminal_id != terminal_id || x.exchange_ref != request.exchange_ref ||
      x.member_id != request.member_id || x.reward_id != request.reward_id ||
      x.quantity != request.quantity || x.exchange_id != MakeSaleId(terminal_id, x.exchange_ref)) {
    return Violate("exchanges: " + key + " was answered for another exchange (" + x.exchange_id +
                   ", " + x.reward_id + " x" + std::to_string(x.quantity) + ")");
  }
  if (const std::string wrong = Mispriced(x); !wrong.empty()) {
    return Violate("exchanges: " + terminal_id + " acknowledged " + x.exchange_id + ": " + wrong);
  }
  if (!result.replayed && result.balance < 0) {
    return Violate("overspend: " + terminal_id + " let exchange " + x.exchange_id + " spend " +
                   std::to_string(x.points) + " points, leaving " + std::to_string(result.balance));
  }
  // The voucher bought is handed over with the answer, usable here at once.
  if (!result.replayed && !x.voucher_id.empty() &&
      (!result.voucher || result.voucher->voucher.voucher_id != x.voucher_id ||
       !result.voucher->held_here)) {
    return Violate("exchanges: " + key + " bought voucher " + x.voucher_id +
                   " but the till does not hold it");
  }
  if (!Acknowledge(key, {x.member_id, {x.entry_id}, -x.points, ExchangeFingerprint(result)},
                   result.replayed)) {
    return;
  }
  ++figures_.exchanges_acknowledged;
  figures_.exchange_points += x.points;
  if (!x.voucher_id.empty()) ++figures_.exchange_vouchers;
  exchanges_.emplace(x.exchange_id, x);
  // Never more than the stock, however the tills were cut off: each gives
  // only from the share head office handed it.
  const int64_t stock = StockOf(x.reward_id);
  if (stock == 0) return;
  figures_.stock_exchanged += x.quantity;
  const int64_t given = exchanged_[x.reward_id] += x.quantity;
  if (given > stock) {
    Violate("stock: the tills acknowledged " + std::to_string(given) + " of reward " + x.reward_id +
            " (the last " + x.exchange_id + "); its stock is " + std::to_string(stock));
  }
}

std::string Auditor::Mispriced(const ExchangeRecord& x) const {
  const auto pack = packs_.find(x.rule_version);
  if (pack == packs_.end()) {
    return "names rules version " + std::to_string(x.rule_version) + ", never published";
  }
  const Reward* reward = FindReward(pack->second, x.reward_id);
  if (reward == nullptr) {
    return "rules version " + std::to_string(x.rule_version) + " has no reward " + x.reward_id;
  }
  if (x.points != reward->points * x.quantity) {
    return "spent " + std::to_string(x.points) + " points for " + std::to_string(x.quantity) +
           " of " + x.reward_id + " at " + std::to_string(reward->points);
  }
  const std::string voucher_id = IsVoucherReward(*reward) ? ExchangeVoucherId(x.exchange_id) : "";
  if (x.voucher_id != voucher_id) {
    return "names voucher '" + x.voucher_id + "', not '" + voucher_id + "'";
  }
  return "";
}

void Auditor::CountBudget(const SaleAward& award) {
  if (award.budget_short > 0) ++figures_.budget_short;
  const int64_t budget = BudgetOf(award.campaign_id);
  if (budget == 0) return;
  int64_t& given = budget_given_[award.campaign_id];
  given += award.points;
  figures_.budget_given += award.points;
  if (given > budget) {
    Violate("budget: acknowledged sales gave " + std::to_string(given) + " points of campaign " +
            award.campaign_id + ", beyond its budget of " + std::to_string(budget));
  }
}

int64_t Auditor::BudgetOf(const std::string& campaign_id) const {
  for (auto pack = packs_.rbegin(); pack != packs_.rend(); ++pack) {
    if (const Campaign* campaign = FindCampaign(pack->second, campaign_id)) {
      return campaign->budget.points;
    }
  }
  return 0;
}

void Auditor::CheckBudgets(sql::Database& db) {
  auto shares = db.GetUniqueStatement(
      "SELECT campaign_id, SUM(granted), SUM(used > granted) FROM campaign_budget "
      "GROUP BY campaign_id");
  if (!shares.ok()) return Violate(shares.status().ToString());
  figures_.budget_handed_out = 0;
  while (true) {
    auto row = shares->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) break;
    const std::string campaign_id = shares->ColumnText(0);
    const int64_t handed_out = shares->ColumnInt64(1), budget = BudgetOf(campaign_id);
    figures_.budget_handed_out += handed_out;
    if (handed_out > budget) {
      return Violate("budget: head office handed the tills " + std::to_string(handed_out) +
                     " points of campaign " + campaign_id + "; its budget is " +
                     std::to_string(budget));
    }
    if (const int64_t beyond = shares->ColumnInt64(2); beyond > 0) {
      return Violate("budget: " + std::to_string(beyond) + " tills gave campaign " + campaign_id +
                     " beyond their share of its budget");
    }
  }
}

int64_t Auditor::StockOf(const std::string& reward_id) const {
  for (auto pack = packs_.rbegin(); pack != packs_.rend(); ++pack) {
    if (const Reward* reward = FindReward(pack->second, reward_id)) return reward->stock;
  }
  return 0;
}

namespace {

// Whether a campaign's award on a sale follows from the sale alone: its
// pack, basket and money paid (no conditions on the member, the time or
// the store, no limit, no budget: those need what the till knew). A
// condition on who (tiers, segments: the version of the segments set the
// till held) makes CampaignWho differ from its default.
bool Judged(const Campaign& campaign) {
  return campaign.who == CampaignWho{} && campaign.when == CampaignWhen{} &&
         campaign.limit == CampaignLimit{} && campaign.budget == CampaignBudget{} &&
         campaign.stack_group.empty();
}

}  // namespace

void Auditor::PackPublished(const Rules& pack) {
  packs_[pack.version] = pack;
  Rules& judged = judged_packs_[pack.version] = pack;
  std::erase_if(judged.campaigns, [](const Campaign& c) { return !Judged(c); });
  std::set<std::string> ids;
  for (const auto& [version, published] : packs_) {
    for (const Reward& reward : published.rewards) ids.insert(reward.id);
  }
  figures_.stock = 0;
  for (const std::string& id : ids) figures_.stock += StockOf(id);
}

void Auditor::TerminalLostPower(const std::string& terminal_id, terminal::Terminal& terminal) {
  std::vector<std::string>& refs = sales_to_recheck_[terminal_id];
  for (const std::string& ref : refs) {
    ++figures_.sales_rechecked;
    const std::string key = terminal_id + "/sale/" + ref;
    auto found = terminal.FindSale(ref);
    if (!found.ok()) {
      return Violate("set-full: " + key + " was acknowledged to the POS and " + terminal_id +
                     " restarted without it after a power cut: " + found.status().ToString());
    }
    if (SaleFingerprint(*found) != acknowledged_.at(key).fingerprint) {
      return Violate("set-full: " + key + " differs from what the POS was told after " +
                     terminal_id + " lost power");
    }
  }
  refs.clear();
}

void Auditor::CheckView(const std::string& terminal_id, const terminal::Member& member) {
  if (member.redeemable_here < 0 || member.redeemable_here > std::max<int64_t>(member.balance, 0)) {
    Violate("rights: " + terminal_id + " shows member " + member.member_id + " redeemable " +
            std::to_string(member.redeemable_here) + " with balance " +
            std::to_string(member.balance));
  }
}

void Auditor::ServerPushed(const sync::PushRequest& request, const sync::PushResponse& response) {
  for (const sync::EntryAck& ack : response.entries) {
    if (ack.outcome == sync::PushOutcome::kOk || ack.outcome == sync::PushOutcome::kExists) {
      if (server_acked_.insert(ack.entry_id).second) ++figures_.entries_server_acked;
    } else {
      Violate("set-full: the server answered " + std::string(sync::PushOutcomeName(ack.outcome)) +
              " for entry " + ack.entry_id + ": " + ack.message);
    }
  }
  for (const sync::ProfileAck& ack : response.profile_changes) {
    if (ack.outcome != sync::PushOutcome::kOk && ack.outcome != sync::PushOutcome::kExists) {
      Violate("profile change " + std::to_string(ack.change_id) + " of " + request.terminal_id +
              " was answered " + std::string(sync::PushOutcomeName(ack.outcome)) + ": " +
              ack.message);
    }
  }
  for (const LedgerEntry& e : request.entries) touched_.insert(e.member_id);
}

void Auditor::ForgedPushed(const sync::PushRequest& request, const sync::PushResponse& response) {
  for (const sync::EntryAck& ack : response.entries) {
    if (ack.outcome != sync::PushOutcome::kRejected || ack.reason.empty()) {
      return Violate("trust: head office answered " +
                     std::string(sync::PushOutcomeName(ack.outcome)) + " to forged entry " +
                     ack.entry_id + " of " + request.terminal_id);
    }
    ++figures_.forged_refused;
  }
  for (const LedgerEntry& e : request.entries) touched_.insert(e.member_id);
}

int64_t Auditor::GrantableNow(const std::string& member_id, const std::string& holder) {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) {
    Violate("the server's database cannot be read: " + db.status().ToString());
    return 0;
  }
  auto sums = SumLedger(**db, member_id, std::numeric_limits<int64_t>::max());
  if (!sums.ok()) {
    Violate(sums.status().ToString());
    return 0;
  }
  int64_t grantable = 0;
  for (const auto& [other, rights] : sums->rights) {
    if (other == kServerOrigin) {
      grantable += rights;
    } else if (other != holder) {
      grantable += std::min<int64_t>(rights, 0);
    }
  }
  return grantable;
}

std::optional<LedgerEntry> Auditor::GrantMade(const std::string& terminal_id,
                                              const std::string& request_id) {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) {
    Violate("the server's database cannot be read: " + db.status().ToString());
    return std::nullopt;
  }
  auto s = (*db)->GetUniqueStatement(
      std::string(kEntryColumns) +
      " WHERE entry_id = (SELECT entry_id FROM grants WHERE terminal_id = ? AND request_id = ?)");
  if (!s.ok()) {
    Violate(s.status().ToString());
    return std::nullopt;
  }
  s->BindText(0, terminal_id);
  s->BindText(1, request_id);
  auto row = s->Step();
  if (!row.ok()) Violate(row.status().ToString());
  if (!row.ok() || !*row) return std::nullopt;
  return ReadEntry(*s);
}

void Auditor::ServerGranted(const LedgerEntry& transfer, int64_t grantable_before) {
  ++figures_.grants;
  if (transfer.points > grantable_before) {
    Violate("overspend: the server granted " + std::to_string(transfer.points) +
            " points of member " + transfer.member_id + " to " + transfer.to_holder +
            " when its rights less the other terminals' deficits came to " +
            std::to_string(grantable_before));
  }
  touched_.insert(transfer.member_id);
}

void Auditor::ServerRestarted() {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) return Violate("the server's database cannot be read: " + db.status().ToString());
  auto s = (*db)->GetUniqueStatement("SELECT 1 FROM entries WHERE entry_id = ?");
  if (!s.ok()) return Violate(s.status().ToString());
  for (const std::string& id : server_acked_) {
    s->Reset(true);
    s->BindText(0, id);
    auto found = s->Step();
    if (!found.ok() || !*found) {
      return Violate("set-full: entry " + id +
                     " was acknowledged by the server and is gone after its restart");
    }
  }
}

void Auditor::CheckTouched() {
  if (touched_.empty()) return;
  std::set<std::string> members;
  members.swap(touched_);
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) return Violate("the server's database cannot be read: " + db.status().ToString());
  for (const std::string& id : members) {
    CheckMemberLedger(**db, id);
    if (violation_) return;
  }
  CheckFold(**db);
}

void Auditor::CheckFold(sql::Database& db) {
  // Each query counts what must not exist, given the fold's watermark.
  struct Rule {
    const char* what;
    const char* sql;
  };
  static constexpr Rule kRules[] = {
      {"a member row has a version beyond the fold's watermark",
       "SELECT count(*) FROM members WHERE version > (SELECT folded_seq FROM server_state)"},
      {"a member row's version is below a folded entry of the member (the terminal would count "
       "that entry twice)",
       "SELECT count(*) FROM entries e JOIN members m ON m.member_id = e.member_id"
       " WHERE e.seq > m.version AND e.seq <= (SELECT folded_seq FROM server_state)"},
      {"a profile change at or below the watermark is still queued",
       "SELECT count(*) FROM profile_queue WHERE seq <= (SELECT folded_seq FROM server_state)"},
      // Filed at the till's time or, from a clock running ahead, earlier
      // (when head office folded it).
      {"member_entries does not file exactly the folded entries",
       "SELECT (SELECT count(*) FROM member_entries) <> (SELECT count(*) FROM entries"
       " WHERE seq <= (SELECT folded_seq FROM server_state)) OR EXISTS (SELECT 1 FROM"
       " member_entries f LEFT JOIN entries e ON e.seq = f.seq WHERE e.member_id IS NOT"
       " f.member_id OR NOT (f.wall_ms <= e.wall_ms) OR e.amount_minor IS NOT f.amount_minor)"},
  };
  for (const Rule& rule : kRules) {
    auto found = db.QueryInt64(rule.sql);
    if (!found.ok()) return Violate(found.status().ToString());
    if (*found != 0) return Violate(std::string("fold: ") + rule.what);
  }
}

void Auditor::CheckMemberLedger(sql::Database& db, const std::string& member_id) {
  ++figures_.ledger_checks;
  const std::string who = "member " + member_id + ": ";
  // The member row holds what the server has folded (server_state's
  // watermark); the ledger invariants below hold for every entry.
  auto folded_seq = db.QueryInt64("SELECT folded_seq FROM server_state WHERE id = 1");
  if (!folded_seq.ok()) return Violate(folded_seq.status().ToString());
  auto folded = SumLedger(db, member_id, *folded_seq);
  if (!folded.ok()) return Violate(folded.status().ToString());
  auto m = db.GetCachedStatement("SELECT balance, server_rights FROM members WHERE member_id = ?");
  if (!m.ok()) return Violate(m.status().ToString());
  m->BindText(0, member_id);
  auto found = m->Step();
  if (!found.ok()) return Violate(found.status().ToString());
  const bool any_folded = !folded->rights.empty();
  if (!*found && any_folded) {
    return Violate("sums: the server has folded entries of member " + member_id +
                   " but no member row");
  }
  const int64_t row_balance = *found ? m->ColumnInt64(0) : 0;
  const int64_t row_rights = *found ? m->ColumnInt64(1) : 0;
  if (row_balance != folded->balance) {
    return Violate("sums: " + who + "balance " + std::to_string(row_balance) +
                   " but its entries up to the fold's watermark sum to " +
                   std::to_string(folded->balance));
  }
  const int64_t server_rights = folded->rights[std::string(kServerOrigin)];
  if (row_rights != server_rights) {
    return Violate("sums: " + who + "server rights " + std::to_string(row_rights) +
                   " but the entries up to the fold's watermark give the server " +
                   std::to_string(server_rights));
  }
  auto sums = SumLedger(db, member_id, std::numeric_limits<int64_t>::max());
  if (!sums.ok()) return Violate(sums.status().ToString());
  for (const auto& [holder, credit] : sums->credits) {
    if (credit < 0) {
      return Violate("rights: " + who + holder + " paid out " + std::to_string(-credit) +
                     " points more than it ever received");
    }
  }
  // A debit a till wrote before a lot's expiry, arriving after head office
  // expired the lot, leaves the balance short until head office's next
  // expiry run gives that back: allowed during the run, not at the end.
  const bool expiry_owes = sums->expired && !final_;
  if (sums->balance < 0 && !sums->clawed_back && !expiry_owes) {
    return Violate("overspend: " + who + "balance " + std::to_string(sums->balance) +
                   " below zero with no refund behind it");
  }
}

void Auditor::CheckAllLedgers() {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) return Violate("the server's database cannot be read: " + db.status().ToString());
  auto s = (*db)->GetUniqueStatement("SELECT member_id FROM members ORDER BY member_id");
  if (!s.ok()) return Violate(s.status().ToString());
  std::vector<std::string> members;
  while (true) {
    auto row = s->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) break;
    members.push_back(s->ColumnText(0));
  }
  for (const std::string& id : members) {
    CheckMemberLedger(**db, id);
    if (violation_) return;
  }
  CheckFold(**db);
}

void Auditor::CheckReversals() {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) return Violate("the server's database cannot be read: " + db.status().ToString());
  // Every store's reversals of one earn, campaign bonus or redeem, head
  // office's corrections included, taken together.
  auto s = (*db)->GetUniqueStatement(
      "SELECT r.ref_entry, e.kind, e.points, SUM(r.points) FROM entries r"
      " JOIN entries e ON e.entry_id = r.ref_entry WHERE r.kind = 'reverse'"
      " GROUP BY r.ref_entry");
  if (!s.ok()) return Violate(s.status().ToString());
  while (true) {
    auto row = s->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) return;
    ++figures_.reversals_checked;
    const std::string kind = s->ColumnText(1);
    const int64_t points = s->ColumnInt64(2), reversed = s->ColumnInt64(3);
    const bool gave = kind == "earn" || kind == "bonus";
    const bool within = gave               ? -reversed <= points && reversed <= 0
                        : kind == "redeem" ? reversed <= -points && reversed >= 0
                                           : false;
    if (!within) {
      return Violate("refunds: the reversals of " + kind + " " + s->ColumnText(0) + " (" +
                     std::to_string(points) + " points) add up to " + std::to_string(reversed));
    }
  }
}

void Auditor::CheckFinal(std::vector<terminal::Terminal*> terminals,
                         std::vector<int64_t> clocks_ms) {
  final_ = true;
  for (terminal::Terminal* t : terminals) {
    auto status = t->Status();
    if (!status.ok()) return Violate("final: status failed: " + status.status().ToString());
    if (status->pending_entries != 0 || status->pending_profile_changes != 0 ||
        status->pending_records != 0) {
      return Violate("convergence: " + status->terminal_id + " still has " +
                     std::to_string(status->pending_entries) + " entries, " +
                     std::to_string(status->pending_profile_changes) + " profile changes and " +
                     std::to_string(status->pending_records) +
                     " records unacknowledged after healing");
    }
    // Every sale and refund reached head office, as it was made.
    if (status->refused_records != 0) {
      return Violate("records: head office refused " + std::to_string(status->refused_records) +
                     " records of " + status->terminal_id);
    }
  }
  {
    auto db = OpenServerDb(server_db_path_);
    if (!db.ok()) return Violate(db.status().ToString());
    // Once every sale has arrived, every return made in another store is
    // counted (a claim whose till never heard back stays a claim).
    auto open = (*db)->QueryInt64(
        "SELECT count(*) FROM refunds WHERE status IN ('pending', 'awaiting_sale')");
    if (!open.ok()) return Violate(open.status().ToString());
    if (*open != 0) {
      return Violate("records: " + std::to_string(*open) +
                     " returns still wait for their sale after healing");
    }
    auto orphans = (*db)->QueryInt64("SELECT count(*) FROM refunds WHERE status = 'claimed'");
    if (orphans.ok()) figures_.orphan_claims = *orphans;
    auto matched = (*db)->QueryInt64("SELECT count(*) FROM refunds WHERE status = 'matched'");
    if (matched.ok()) figures_.returns_matched = *matched;
    auto corrected = (*db)->QueryInt64(
        "SELECT count(*) FROM entries WHERE origin = 'server' AND detail LIKE '%refund_excess%'");
    if (corrected.ok()) figures_.refunds_corrected = *corrected;
    // The campaigns limited to once per member (the simulation's welcome
    // and first-purchase gift, SimWorld::CampaignPack): however many tills
    // gave one offline, at most one award keeps points once head office has
    // settled.
    auto doubled_welcome = (*db)->QueryString(
        "SELECT b.member_id || ' ' || json_extract(b.detail, '$.campaign_id') FROM entries b"
        " WHERE b.kind = 'bonus'"
        " AND json_extract(b.detail, '$.campaign_id') IN ('welcome', 'first-purchase')"
        " AND b.points + COALESCE((SELECT SUM(r.points) FROM entries r"
        "   WHERE r.kind = 'reverse' AND r.ref_entry = b.entry_id), 0) > 0"
        " GROUP BY b.member_id, json_extract(b.detail, '$.campaign_id') HAVING COUNT(*) > 1");
    if (doubled_welcome.ok()) {
      return Violate("campaigns: member and campaign " + *doubled_welcome + " kept more than once");
    }
    if (doubled_welcome.status().code() != StatusCode::kNotFound) {
      return Violate(doubled_welcome.status().ToString());
    }
    // Head office holds every voucher redemption as the tills acknowledged
    // it, and no other; no till named a voucher it did not hold.
    std::map<std::string, std::string> used_at_head_office;
    {
      auto s = (*db)->GetUniqueStatement(
          "SELECT voucher_id, used_sale_id FROM vouchers WHERE status = 'used'");
      if (!s.ok()) return Violate(s.status().ToString());
      while (true) {
        auto row = s->Step();
        if (!row.ok()) return Violate(row.status().ToString());
        if (!*row) break;
        used_at_head_office[s->ColumnText(0)] = s->ColumnText(1);
      }
    }
    if (used_at_head_office != voucher_sale_) {
      return Violate("voucher: head office holds " + std::to_string(used_at_head_office.size()) +
                     " vouchers used, the tills acknowledged " +
                     std::to_string(voucher_sale_.size()) +
                     " redemptions, or not by the same sales");
    }
    auto misused =
        (*db)->QueryInt64("SELECT count(*) FROM security_events WHERE reason = 'voucher_not_held'");
    if (!misused.ok()) return Violate(misused.status().ToString());
    if (*misused != 0) {
      return Violate("voucher: " + std::to_string(*misused) +
                     " sales named a voucher their till did not hold");
    }
    CheckExchanges(**db);
    if (violation_) return;
    CheckBudgets(**db);
    CheckCampaignVouchers(**db);
    if (violation_) return;
    auto limited = (*db)->QueryInt64(
        "SELECT count(*) FROM entries WHERE origin = 'server' AND detail LIKE '%campaign_limit%'");
    if (limited.ok()) figures_.campaign_awards_limited = *limited;
    // No forged point reached a balance: head office stores nothing of the
    // hostile till's.
    auto forged = (*db)->QueryInt64("SELECT count(*) FROM entries WHERE origin = '" +
                                    std::string(kHostileTerminal) + "'");
    if (!forged.ok()) return Violate(forged.status().ToString());
    if (*forged != 0) {
      return Violate("trust: head office stored " + std::to_string(*forged) +
                     " entries the hostile till forged");
    }
  }
  CheckAllLedgers();
  if (!violation_) CheckReversals();
  if (!violation_) CheckConvergence(terminals, clocks_ms);
  if (!violation_) CheckExchangesKnown(terminals);
  if (!violation_) CheckModel();
}

namespace {

// The ids of head office's vouchers whose source starts with `source`.
Result<std::set<std::string>> VoucherIdsFrom(sql::Database& db, const std::string& source) {
  PATRON_ASSIGN_OR_RETURN(
      sql::Statement v,
      db.GetUniqueStatement("SELECT voucher_id FROM vouchers WHERE source LIKE ?"));
  v.BindText(0, source + "%");
  std::set<std::string> ids;
  while (true) {
    PATRON_ASSIGN_OR_RETURN(const bool row, v.Step());
    if (!row) return ids;
    ids.insert(v.ColumnText(0));
  }
}

}  // namespace

void Auditor::CheckExchanges(sql::Database& db) {
  // Head office holds each exchange a till acknowledged, as the till
  // answered it, priced as its pack says, and no other.
  auto s = db.GetUniqueStatement("SELECT " + record::ColumnList<ExchangeRecord>() +
                                 " FROM exchanges ORDER BY exchange_id");
  if (!s.ok()) return Violate(s.status().ToString());
  std::set<std::string> held;
  while (true) {
    auto row = s->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) break;
    ExchangeRecord x;
    if (Status read = record::ReadColumns(*s, 0, x); !read.ok()) return Violate(read.ToString());
    held.insert(x.exchange_id);
    if (const std::string wrong = Mispriced(x); !wrong.empty()) {
      return Violate("exchanges: head office filed " + x.exchange_id + ": " + wrong);
    }
    const auto acked = exchanges_.find(x.exchange_id);
    if (acked == exchanges_.end()) {
      return Violate("exchanges: head office holds " + x.exchange_id +
                     ", which no till acknowledged");
    }
    if (acked->second != x) {
      return Violate("exchanges: head office holds " + x.exchange_id +
                     " otherwise than its till acknowledged it");
    }
  }
  for (const auto& [id, x] : exchanges_) {
    if (!held.contains(id)) return Violate("exchanges: head office lost " + id);
  }
  // The tills' shares of each reward's stock add up to at most the stock,
  // and no till gave beyond its share.
  auto shares =
      db.GetUniqueStatement("SELECT reward_id, SUM(granted) FROM reward_stock GROUP BY reward_id");
  if (!shares.ok()) return Violate(shares.status().ToString());
  figures_.stock_handed_out = 0;
  while (true) {
    auto row = shares->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) break;
    const std::string reward_id = shares->ColumnText(0);
    const int64_t handed_out = shares->ColumnInt64(1), stock = StockOf(reward_id);
    figures_.stock_handed_out += handed_out;
    if (stock == 0 || handed_out > stock) {
      return Violate("stock: head office handed the tills " + std::to_string(handed_out) +
                     " of reward " + reward_id + "; its stock is " + std::to_string(stock));
    }
  }
  auto exceeded =
      db.QueryInt64("SELECT count(*) FROM security_events WHERE reason = 'reward_stock_exceeded'");
  if (!exceeded.ok()) return Violate(exceeded.status().ToString());
  if (*exceeded != 0) {
    return Violate("stock: head office reports " + std::to_string(*exceeded) +
                   " exchanges beyond their till's share of the stock");
  }
  auto limits =
      db.QueryInt64("SELECT count(*) FROM security_events WHERE reason = 'reward_limit_exceeded'");
  if (!limits.ok()) return Violate(limits.status().ToString());
  figures_.exchange_limits_exceeded = *limits;
  // Head office issued exactly the vouchers the exchanges bought.
  std::set<std::string> bought;
  for (const auto& [id, x] : exchanges_) {
    if (!x.voucher_id.empty()) bought.insert(x.voucher_id);
  }
  auto issued = VoucherIdsFrom(db, "exchange:");
  if (!issued.ok()) return Violate(issued.status().ToString());
  if (*issued != bought) {
    return Violate("exchanges: head office holds " + std::to_string(issued->size()) +
                   " vouchers bought with points; the tills sold " + std::to_string(bought.size()) +
                   ", or not the same");
  }
  figures_.exchange_vouchers_used = static_cast<int64_t>(
      std::count_if(voucher_sale_.begin(), voucher_sale_.end(),
                    [&bought](const auto& used) { return bought.contains(used.first); }));
}

void Auditor::CheckCampaignAwards(const std::string& sale_id, const terminal::SaleRequest& request,
                                  const terminal::SaleResult& result) {
  const int64_t paid = result.amount_minor - result.campaign_discount_minor -
                       result.voucher_discount_minor - result.discount_minor;
  if (result.paid_minor != paid) {
    return Violate("awards: sale " + sale_id + " paid " + std::to_string(result.paid_minor) +
                   ", not its amount less every discount, " + std::to_string(paid));
  }
  figures_.money_off_minor += result.campaign_discount_minor;
  static const Rules kBeforeAnyPack = DefaultRules();  // the tills' first pack
  const auto found = judged_packs_.find(result.rule_version);
  const Rules& judged = found != judged_packs_.end() ? found->second : kBeforeAnyPack;
  EvalMember member;
  member.member_id = result.member_id;
  member.tier = judged.tiers.front().name;  // a judged campaign does not ask
  EvalBasket basket;
  basket.amount_minor = request.amount_minor;
  basket.paid_minor = result.paid_minor;
  basket.lines = request.lines;
  Result<Evaluation> evaluation = Evaluate(judged, member, basket, 0);
  if (!evaluation.ok()) {
    return Violate("awards: sale " + sale_id +
                   " does not evaluate: " + evaluation.status().ToString());
  }
  for (const Campaign& campaign : judged.campaigns) {
    std::optional<Award> expected;
    for (const Award& award : evaluation->awards) {
      if (award.campaign_id == campaign.id) expected = award;
    }
    std::optional<SaleAward> given;
    for (const SaleAward& award : result.awards) {
      if (award.campaign_id == campaign.id) given = award;
    }
    const std::string voucher =
        expected && expected->issues_voucher ? CampaignVoucherId(sale_id, campaign.id) : "";
    const bool same =
        expected.has_value() == given.has_value() &&
        (!expected || (expected->points == given->points && expected->held_out == given->held_out &&
                       expected->discount_minor == given->discount_minor &&
                       voucher == given->issued_voucher_id));
    if (!same) {
      return Violate("awards: sale " + sale_id + " was given " +
                     (given ? record::EncodeRecord(*given) : std::string("nothing")) + " by " +
                     campaign.id + "; Evaluate gives " +
                     (expected ? record::EncodeRecord(*expected) : std::string("nothing")));
    }
    ++figures_.awards_evaluated;
    if (!voucher.empty()) campaign_vouchers_.insert(voucher);
  }
  if (evaluation->discount_minor != result.campaign_discount_minor) {
    Violate("awards: sale " + sale_id + " was given " +
            std::to_string(result.campaign_discount_minor) + " off; Evaluate gives " +
            std::to_string(evaluation->discount_minor));
  }
}

void Auditor::CheckCampaignVouchers(sql::Database& db) {
  auto issued = VoucherIdsFrom(db, "campaign:");
  if (!issued.ok()) return Violate(issued.status().ToString());
  figures_.campaign_vouchers = static_cast<int64_t>(campaign_vouchers_.size());
  if (*issued != campaign_vouchers_) {
    Violate("awards: head office holds " + std::to_string(issued->size()) +
            " vouchers campaigns issued; acknowledged sales issued " +
            std::to_string(campaign_vouchers_.size()) + ", or not the same");
  }
}

void Auditor::CheckExchangesKnown(const std::vector<terminal::Terminal*>& terminals) {
  std::map<std::string, std::set<std::string>> of_member;
  for (const auto& [id, x] : exchanges_) of_member[x.member_id].insert(id);
  for (terminal::Terminal* t : terminals) {
    auto status = t->Status();
    if (!status.ok()) return Violate("final: status failed: " + status.status().ToString());
    for (const auto& [member_id, ids] : of_member) {
      auto known = t->Exchanges(member_id);
      if (!known.ok()) {
        return Violate("convergence: " + status->terminal_id + " cannot list the exchanges of " +
                       member_id + ": " + known.status().ToString());
      }
      std::set<std::string> here;
      for (const ExchangeRecord& x : *known) here.insert(x.exchange_id);
      if (here != ids) {
        return Violate("convergence: " + status->terminal_id + " knows " +
                       std::to_string(here.size()) + " exchanges of member " + member_id +
                       "; the tills acknowledged " + std::to_string(ids.size()));
      }
    }
  }
}

void Auditor::CheckConvergence(const std::vector<terminal::Terminal*>& terminals,
                               const std::vector<int64_t>& clocks_ms) {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) return Violate("the server's database cannot be read: " + db.status().ToString());
  auto s = (*db)->GetUniqueStatement(
      "SELECT member_id, phone, card, name, birthday, email, gender, sms_consent, "
      "email_consent, balance, spend_minor, tier, tier_until_ms, lots FROM members "
      "ORDER BY member_id");
  if (!s.ok()) return Violate(s.status().ToString());
  std::vector<ServerMemberRow> rows;
  while (true) {
    auto row = s->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) break;
    Result<LotBook> lots = record::DecodeRecord<LotBook>(s->ColumnText(13));
    if (!lots.ok()) return Violate("lots: head office's row: " + lots.status().ToString());
    rows.push_back({s->ColumnText(0), s->ColumnOptionalText(1), s->ColumnOptionalText(2),
                    s->ColumnOptionalText(4), s->ColumnOptionalText(5), s->ColumnOptionalText(6),
                    s->ColumnText(3), s->ColumnBool(7), s->ColumnBool(8), s->ColumnInt64(9),
                    s->ColumnInt64(10), TierStanding{s->ColumnText(11), s->ColumnInt64(12)},
                    std::move(lots).value()});
  }
  figures_.members = static_cast<int64_t>(rows.size());
  figures_.held_above_spend = 0;
  for (const ServerMemberRow& r : rows) {
    if (r.balance < 0) ++figures_.clawbacks;
    if (!terminals.empty()) {
      // Head office's standing: never below what the spend reaches, held
      // (with a review ahead) exactly when above the first tier.
      const Rules& rules = terminals.front()->rules();
      const size_t held = TierRank(rules, r.standing.tier);
      const size_t reached = TierRank(rules, TierFor(rules, r.spend_minor).name);
      if (held < reached) {
        return Violate("tiers: member " + r.member_id + " is held at '" + r.standing.tier +
                       "' below what a spend of " + std::to_string(r.spend_minor) + " reaches");
      }
      if ((held > 0) != (r.standing.until_ms > 0)) {
        return Violate("tiers: member " + r.member_id + " is held at '" + r.standing.tier +
                       "' until " + std::to_string(r.standing.until_ms));
      }
      if (held > reached) ++figures_.held_above_spend;
    }
    for (size_t k = 0; k < terminals.size(); ++k) {
      terminal::Terminal* t = terminals[k];
      // Expiry converges: every till lists what expires when as head
      // office's lots say, on its own day.
      const int64_t today = ToLocalDate(clocks_ms[k], t->rules().utc_offset_minutes).day_number;
      if (auto view = t->FindById(r.member_id); view.ok()) {
        ++figures_.lots_compared;
        if (view->expiring != ExpiringSoonest(r.lots, today)) {
          return Violate("lots: member " + r.member_id + " on terminal " + std::to_string(k) +
                         " expires otherwise than head office's lots " +
                         record::EncodeRecord(r.lots) + " say on day " + std::to_string(today));
        }
      }
      // Tiers converge: every till shows the tier head office holds, or the
      // higher one the spend reaches.
      const std::string tier = CurrentTier(t->rules(), r.standing, r.spend_minor).name;
      const std::string expected = ViewDigest(r.phone, r.card, r.name, r.birthday, r.email,
                                              r.gender, r.sms_consent, r.email_consent,
                                              r.balance, r.spend_minor, tier);
      auto view = t->FindById(r.member_id);
      auto status = t->Status();
      const std::string where = "convergence: member " + r.member_id + " on " +
                                (status.ok() ? status->terminal_id : "a terminal") + ": ";
      if (!view.ok()) return Violate(where + view.status().ToString());
      const terminal::Member& v = *view;
      if (ViewDigest(v.phone, v.card, v.name, v.birthday, v.email, v.gender, v.sms_consent,
                     v.email_consent, v.balance, v.qualifying_spend_minor, v.tier) == expected) {
        continue;
      }
      return Violate(where + "balance " + std::to_string(v.balance) + " vs server " +
                     std::to_string(r.balance) + ", spend " +
                     std::to_string(v.qualifying_spend_minor) + " vs " +
                     std::to_string(r.spend_minor) + ", tier " + v.tier + " vs " + tier +
                     ", name '" + v.name + "' vs '" + r.name + "', email " +
                     Describe(v.email) + " vs " + Describe(r.email) + ", birthday " +
                     Describe(v.birthday) + " vs " + Describe(r.birthday) + ", gender " +
                     Describe(v.gender) + " vs " + Describe(r.gender) + ", phone " +
                     Describe(v.phone) + " vs " + Describe(r.phone) + ", card " +
                     Describe(v.card) + " vs " + Describe(r.card) + ", consents " +
                     std::to_string(v.sms_consent) + std::to_string(v.email_consent) + " vs " +
                     std::to_string(r.sms_consent) + std::to_string(r.email_consent));
    }
  }
}

void Auditor::CheckModel() {
  auto db = OpenServerDb(server_db_path_);
  if (!db.ok()) return Violate("the server's database cannot be read: " + db.status().ToString());
  // lost = 0: every acknowledged entry is on the server, with the effect the
  // POS was told.
  auto find = (*db)->GetUniqueStatement(std::string(kEntryColumns) + " WHERE entry_id = ?");
  if (!find.ok()) return Violate(find.status().ToString());
  int64_t acknowledged_entries = 0;
  for (const auto& [key, expected] : acknowledged_) {
    int64_t delta = 0;
    for (const std::string& id : expected.entry_ids) {
      ++acknowledged_entries;
      find->Reset(true);
      find->BindText(0, id);
      auto row = find->Step();
      if (!row.ok() || !*row) return Violate("set-full: lost entry " + id + " of " + key);
      const LedgerEntry e = ReadEntry(*find);
      if (e.member_id != expected.member_id) {
        return Violate("set-full: entry " + id + " of " + key + " belongs to another member");
      }
      delta += BalanceEffect(e);
    }
    if (delta != expected.balance_delta) {
      return Violate("set-full: the entries of " + key + " add " + std::to_string(delta) +
                     " points; the POS was told " + std::to_string(expected.balance_delta));
    }
  }
  // duplicated = 0: nothing but acknowledged entries came from terminals,
  // and no receipt earned or redeemed twice.
  auto count = (*db)->QueryInt64(
      "SELECT COUNT(*) FROM entries WHERE origin <> 'server' AND kind <> 'transfer'");
  if (!count.ok()) return Violate(count.status().ToString());
  if (*count != acknowledged_entries) {
    return Violate("set-full: the server holds " + std::to_string(*count) +
                   " terminal entries; terminals acknowledged " +
                   std::to_string(acknowledged_entries));
  }
  auto twice = (*db)->QueryString(
      "SELECT origin || ' ' || sale_ref || ' ' || kind FROM entries "
      "WHERE kind IN ('earn', 'redeem') GROUP BY origin, sale_ref, kind HAVING COUNT(*) > 1");
  if (twice.ok()) return Violate("set-full: duplicated " + *twice);
  if (twice.status().code() != StatusCode::kNotFound) return Violate(twice.status().ToString());
  // Head office's own entries (matched returns, corrections of refunds in
  // several stores) are not acknowledged by tills; their bounds are
  // CheckReversals'.
  std::map<std::string, int64_t> expected = model_balance_;
  auto own = (*db)->GetUniqueStatement(
      "SELECT member_id, SUM(points) FROM entries WHERE origin = 'server' AND kind <> 'transfer'"
      " GROUP BY member_id");
  if (!own.ok()) return Violate(own.status().ToString());
  while (true) {
    auto row = own->Step();
    if (!row.ok()) return Violate(row.status().ToString());
    if (!*row) break;
    expected[own->ColumnText(0)] += own->ColumnInt64(1);
  }
  auto s = (*db)->GetUniqueStatement("SELECT balance FROM members WHERE member_id = ?");
  if (!s.ok()) return Violate(s.status().ToString());
  for (const auto& [member_id, balance] : expected) {
    s->Reset(true);
    s->BindText(0, member_id);
    auto row = s->Step();
    if (!row.ok() || !*row) return Violate("set-full: the server lost member " + member_id);
    if (s->ColumnInt64(0) != balance) {
      return Violate("set-full: member " + member_id + " has " +
                     std::to_string(s->ColumnInt64(0)) + " points on the server; the model " +
                     std::to_string(balance));
    }
  }
}

}  // namespace patron::sim
