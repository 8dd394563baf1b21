#include "workload.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "patron/local_time.h"
#include "patron/terminal/online_checkout.h"
#include "support/sale_lines.h"

namespace patron::sim {
namespace {

constexpr std::array<const char*, 8> kNames = {"Ann", "Bob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"};
constexpr std::array<const char*, 4> kGenders = {"female", "male", "other", "undisclosed"};

std::string Describe(const terminal::ProfilePatch& p) {
  if (p.name) return "name=" + *p.name;
  if (p.email) return "email=" + *p.email;
  if (p.birthday) return "birthday=" + *p.birthday;
  if (p.gender) return "gender=" + *p.gender;
  if (p.sms_consent) return std::string("sms_consent=") + (*p.sms_consent ? "1" : "0");
  if (p.email_consent) return std::string("email_consent=") + (*p.email_consent ? "1" : "0");
  return "nothing";
}

std::string Ref(const terminal::SaleRequest& r) { return r.sale_ref; }
std::string Ref(const terminal::RefundRequest& r) { return r.refund_ref; }
std::string Ref(const terminal::ExchangeRequest& r) { return r.exchange_ref; }

}  // namespace

Workload::Workload(SimWorld& world, SimRandom& random, Auditor& auditor, int phones)
    : world_(world),
      random_(random),
      auditor_(auditor),
      phones_(phones),
      sales_(world.size()),
      exchanges_(world.size()),
      rewards_(SimWorld::SimRewards()),
      next_ref_(world.size(), 0) {}

std::string Workload::Step() {
  if (!in_doubt_.empty() && random_.Chance(0.5)) return Retry();
  const size_t t = static_cast<size_t>(random_.Below(static_cast<int64_t>(world_.size())));
  const int64_t roll = random_.Below(100);
  if (roll < 10) return Enrol(t);
  if (roll < 17) return Lookup(t);
  if (roll < 22) return ExchangePoints(t);
  if (roll < 47) return Sell(t, /*redeem=*/false);
  if (roll < 62) return Sell(t, /*redeem=*/true);
  if (roll < 70) return RefundSome(t);
  if (roll < 71) return Resend(t);
  if (roll < 79) return EditProfile(t);
  if (roll < 82) return IssueVoucher();
  return Sync(t);
}

std::string Workload::PhoneAs(int index, int style) const {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%04d", index);
  switch (style) {
    case 0: return std::string("+1 415 555 ") + digits;
    case 1: return std::string("(415) 555-") + digits;
    default: return std::string("+1415555") + digits;
  }
}

int Workload::PickEnrolled() {
  if (member_of_phone_.empty()) return -1;
  auto it = member_of_phone_.begin();
  std::advance(it, random_.Below(static_cast<int64_t>(member_of_phone_.size())));
  return it->first;
}

bool Workload::ReviveIfDead(size_t t) {
  Node& node = world_.node(t);
  if (!node.vfs->dead()) return false;
  world_.CrashTerminal(t);
  Status restarted = world_.RestartTerminal(t);
  if (!restarted.ok()) {
    auditor_.Violate("crash: " + node.id + " cannot reopen its database: " + restarted.ToString());
  }
  return true;
}

void Workload::ExpectRefusal(const Status& status, const std::string& what,
                             std::initializer_list<std::string_view> allowed) {
  for (std::string_view reason : allowed) {
    if (status.reason() == reason) {
      Count(what + " " + status.reason());
      return;
    }
  }
  auditor_.Violate("unexpected answer to " + what + ": " + status.ToString());
}

std::string Workload::Enrol(size_t t) {
  Node& node = world_.node(t);
  const int index = static_cast<int>(random_.Below(phones_));
  terminal::EnrolRequest request;
  request.phone = PhoneAs(index, static_cast<int>(random_.Below(3)));
  request.profile.name = kNames[random_.Below(kNames.size())];
  if (random_.Chance(0.3)) request.profile.email = "p" + std::to_string(index) + "@example.com";
  auto result = node.terminal->Enrol(request);
  std::string trace = node.id + " enrol " + *request.phone;
  if (result.ok()) {
    member_of_phone_[index] = result->member.member_id;
    auditor_.ExpectMember(std::to_string(index), result->member.member_id);
    auditor_.CheckView(node.id, result->member);
    Count(result->created ? "enrol new" : "enrol existing");
    return trace + (result->created ? " created" : " existing");
  }
  if (!ReviveIfDead(t) && result.status().code() != StatusCode::kIOError) {
    ExpectRefusal(result.status(), "enrol", {});
  }
  return trace + " " + result.status().ToString();
}

std::string Workload::Lookup(size_t t) {
  Node& node = world_.node(t);
  const int index = PickEnrolled();
  if (index < 0) return Enrol(t);
  auto member = node.terminal->FindByPhone(PhoneAs(index, static_cast<int>(random_.Below(3))));
  if (member.ok()) {
    auditor_.ExpectMember(std::to_string(index), member->member_id);
    auditor_.CheckView(node.id, *member);
    Count("lookup found");
    return node.id + " lookup " + std::to_string(index) + " balance " +
           std::to_string(member->balance);
  }
  if (!ReviveIfDead(t)) ExpectRefusal(member.status(), "lookup", {"unknown_member"});
  return node.id + " lookup " + std::to_string(index) + " " + member.status().ToString();
}

std::string Workload::Sell(size_t t, bool redeem) {
  Node& node = world_.node(t);
  const int index = PickEnrolled();
  if (index < 0) return Enrol(t);
  auto view = node.terminal->FindById(member_of_phone_[index]);
  if (!view.ok()) {
    if (ReviveIfDead(t)) return node.id + " sale: crashed on look-up";
    ExpectRefusal(view.status(), "sale look-up", {"unknown_member"});
    // A customer of another store, not pulled here yet: the cashier enrols
    // the phone, which finds the same member.
    return Enrol(t);
  }
  auditor_.CheckView(node.id, *view);
  terminal::SaleRequest sale;
  sale.sale_ref = node.id + "-R" + std::to_string(++next_ref_[t]);
  sale.member_id = view->member_id;
  sale.amount_minor = random_.Between(500, 60'000);
  if (redeem) {
    // Mostly what the member has, sometimes more: the till must refuse.
    const int64_t most = std::max<int64_t>(view->balance + view->balance / 4, 1);
    sale.redeem_points = random_.Between(1, most);
    // Within the share points may pay of what the campaigns leave.
    sale.amount_minor = std::max(sale.amount_minor,
                                 2 * (sale.redeem_points + SimWorld::kSimMostMoneyOffMinor) + 100);
  }
  if (!redeem) {
    const std::string voucher = VoucherToBring(t, sale.member_id);
    if (!voucher.empty()) sale.vouchers.push_back(voucher);
  }
  if (random_.Chance(0.4)) {
    const int64_t first = sale.amount_minor / 3;
    sale.lines.push_back(testing::Line("SKU-1", 1, first, ""));
    sale.lines.push_back(testing::Line("SKU-2", 2, sale.amount_minor - first, ""));
  }
  std::string trace = node.id + " sale " + sale.sale_ref + " " + std::to_string(sale.amount_minor) +
                      " redeem " + std::to_string(sale.redeem_points);
  Submit(t, sale, trace);
  return trace;
}

std::string Workload::IssueVoucher() {
  const int index = PickEnrolled();
  if (index < 0) return "issue voucher: nobody enrolled yet";
  sync::VoucherIssue issue;
  issue.voucher.voucher_id = "V-" + std::to_string(++next_voucher_);
  issue.voucher.member_id = member_of_phone_[index];
  issue.voucher.name = "礼券 gift " + issue.voucher.voucher_id;
  if (random_.Chance(0.5)) {
    issue.voucher.amount_off_minor = random_.Between(100, 5'000);
  } else {
    issue.voucher.percent_off_bp = random_.Between(500, 3'000);
    issue.voucher.max_off_minor = random_.Chance(0.5) ? 2'000 : 0;
  }
  if (random_.Chance(0.5)) issue.voucher.bonus_points = random_.Between(1, 200);
  // Most outlive the run; some expire within it.
  const int64_t days = random_.Chance(0.8) ? 365 : random_.Between(1, 3);
  issue.valid_until = FormatPackTime(world_.now_ms() + days * kMsPerDay, 0);
  if (random_.Chance(0.5)) {
    issue.place_at =
        world_.node(static_cast<size_t>(random_.Below(static_cast<int64_t>(world_.size())))).id;
  }
  std::string trace = "head office issues " + issue.voucher.voucher_id + " to " +
                      std::to_string(index) +
                      (issue.place_at.empty() ? "" : " placed at " + issue.place_at);
  auto issued = world_.IssueVoucher(issue);
  if (issued.ok()) {
    Count("voucher issued");
    return trace;
  }
  // Head office is down or its disk failed under the request (the admin
  // asks again another day), or it has not heard of the member yet.
  if (issued.status().IsUnavailable() || issued.status().code() == StatusCode::kIOError) {
    Count("issue voucher failed");
  } else {
    ExpectRefusal(issued.status(), "issue voucher", {"unknown_member"});
  }
  return trace + " " + issued.status().ToString();
}

std::string Workload::VoucherToBring(size_t t, const std::string& member_id) {
  if (!random_.Chance(0.5)) return "";
  auto vouchers = world_.node(t).terminal->Vouchers(member_id);
  if (!vouchers.ok()) return "";
  std::vector<std::string> usable;
  for (const terminal::MemberVoucher& v : *vouchers) {
    // Now and then one the till thinks spent: it must refuse it.
    if (v.state == "usable" || random_.Chance(0.1)) usable.push_back(v.voucher.voucher_id);
  }
  if (usable.empty()) return "";
  return usable[static_cast<size_t>(random_.Below(static_cast<int64_t>(usable.size())))];
}

std::string Workload::RefundSome(size_t t) {
  Node& node = world_.node(t);
  std::vector<SaleRecord>& sales = sales_[t];
  if (sales.empty()) return Sell(t, false);
  SaleRecord& sale = sales[static_cast<size_t>(random_.Below(static_cast<int64_t>(sales.size())))];
  terminal::RefundRequest refund;
  refund.sale_ref = sale.request.sale_ref;
  refund.refund_ref = refund.sale_ref + "-F" + std::to_string(++sale.refunds);
  const int64_t how = random_.Below(3);
  if (how == 1) refund.amount_minor = random_.Between(1, 20'000);
  if (how == 2 && !sale.request.lines.empty()) refund.lines.push_back({0, 1});
  // A third of the returns are made in another store: claimed at head
  // office, or pending when it cannot be asked (DESIGN.md §8).
  size_t at = t;
  if (world_.size() > 1 && random_.Chance(0.33)) {
    at = static_cast<size_t>(random_.Below(static_cast<int64_t>(world_.size()) - 1));
    if (at >= t) ++at;
    refund.sale_terminal = node.id;
  }
  std::string trace = world_.node(at).id + " refund " + refund.refund_ref +
                      (refund.sale_terminal.empty() ? "" : " of " + refund.sale_terminal) +
                      (refund.amount_minor ? " amount " + std::to_string(*refund.amount_minor)
                                           : refund.lines.empty() ? " all" : " line 0");
  Submit(at, refund, trace);
  return trace;
}

std::string Workload::EditProfile(size_t t) {
  Node& node = world_.node(t);
  const int index = PickEnrolled();
  if (index < 0) return Enrol(t);
  terminal::ProfilePatch patch;
  switch (random_.Below(6)) {
    case 0: patch.name = kNames[random_.Below(kNames.size())]; break;
    case 1:
      patch.email = random_.Chance(0.2) ? ""
                                         : "m" + std::to_string(random_.Below(1000)) + "@example.com";
      break;
    case 2: patch.birthday = "19" + std::to_string(random_.Between(50, 99)) + "-0" +
                             std::to_string(random_.Between(1, 9)) + "-1" +
                             std::to_string(random_.Between(0, 9));
      break;
    case 3: patch.gender = kGenders[random_.Below(kGenders.size())]; break;
    case 4: patch.sms_consent = random_.Chance(0.5); break;
    default: patch.email_consent = random_.Chance(0.5); break;
  }
  auto member = node.terminal->UpdateProfile(member_of_phone_[index], patch);
  const std::string trace = node.id + " profile " + std::to_string(index) + " " +
                            Describe(patch);
  if (member.ok()) {
    auditor_.CheckView(node.id, *member);
    Count("profile ok");
    return trace + " ok";
  }
  if (!ReviveIfDead(t) && member.status().code() != StatusCode::kIOError) {
    ExpectRefusal(member.status(), "profile", {"unknown_member"});
  }
  return trace + " " + member.status().ToString();
}

std::string Workload::ExchangePoints(size_t t) {
  Node& node = world_.node(t);
  const int index = PickEnrolled();
  if (index < 0) return Enrol(t);
  if (!exchanges_[t].empty() && random_.Chance(0.1)) {
    const std::vector<terminal::ExchangeRequest>& done = exchanges_[t];
    const terminal::ExchangeRequest& again =
        done[static_cast<size_t>(random_.Below(static_cast<int64_t>(done.size())))];
    std::string trace = node.id + " resend " + again.exchange_ref;
    Submit(t, again, trace, /*resent=*/true);
    return trace;
  }
  auto view = node.terminal->FindById(member_of_phone_[index]);
  if (!view.ok()) {
    if (ReviveIfDead(t)) return node.id + " exchange: crashed on look-up";
    ExpectRefusal(view.status(), "exchange look-up", {"unknown_member"});
    return Enrol(t);  // as for a sale: the phone finds the same member
  }
  auditor_.CheckView(node.id, *view);
  // Any reward of the pack, whether or not the member can have it: the
  // till must refuse what it cannot give (a till that has not pulled the
  // pack yet knows none of them).
  const Reward& reward =
      rewards_[static_cast<size_t>(random_.Below(static_cast<int64_t>(rewards_.size())))];
  terminal::ExchangeRequest request;
  request.exchange_ref = node.id + "-X" + std::to_string(++next_ref_[t]);
  request.member_id = member_of_phone_[index];
  request.reward_id = reward.id;
  // Items now and then by the handful, beyond a member's limit too.
  if (!IsVoucherReward(reward) && random_.Chance(0.2)) request.quantity = random_.Between(2, 3);
  std::string trace = node.id + " exchange " + request.exchange_ref + " " +
                      std::to_string(request.quantity) + " " + reward.id + " for " +
                      std::to_string(index);
  Submit(t, request, trace);
  return trace;
}

std::string Workload::Sync(size_t t) {
  Node& node = world_.node(t);
  auto report = node.client->SyncOnce();
  std::string trace = node.id + " sync ";
  if (report.ok()) {
    Count("sync ok");
    return trace + "ok pushed " + std::to_string(report->entries_acknowledged) + " pulled " +
           std::to_string(report->members_pulled) + (report->reset ? " reset" : "");
  }
  // A round may fail for want of a network, a server or a disk; never
  // because the replicas disagree.
  const StatusCode code = report.status().code();
  if (!ReviveIfDead(t) && code != StatusCode::kUnavailable && code != StatusCode::kIOError) {
    auditor_.Violate("sync at " + node.id + " failed: " + report.status().ToString());
  }
  Count("sync failed");
  return trace + report.status().ToString();
}

std::string Workload::Retry() {
  const size_t at = static_cast<size_t>(random_.Below(static_cast<int64_t>(in_doubt_.size())));
  InDoubt item = std::move(in_doubt_[at]);
  in_doubt_.erase(in_doubt_.begin() + static_cast<std::ptrdiff_t>(at));
  std::string trace = world_.node(item.terminal).id + " retry " +
                      std::visit([](const auto& r) { return Ref(r); }, item.request);
  Submit(item.terminal, item.request, trace);
  return trace;
}

std::string Workload::Resend(size_t t) {
  if (sales_[t].empty()) return Sell(t, false);
  const SaleRecord& sale =
      sales_[t][static_cast<size_t>(random_.Below(static_cast<int64_t>(sales_[t].size())))];
  std::string trace = world_.node(t).id + " resend " + sale.request.sale_ref;
  Submit(t, sale.request, trace, /*resent=*/true);
  return trace;
}

size_t Workload::SettleInDoubt() {
  std::vector<InDoubt> items;
  items.swap(in_doubt_);
  for (const InDoubt& item : items) {
    std::string trace;
    Submit(item.terminal, item.request, trace);
  }
  return in_doubt_.size();
}

Status Workload::SubmitExchange(size_t t, const terminal::ExchangeRequest& request,
                                std::string& trace) {
  Node& node = world_.node(t);
  auto grant = [&node](std::string_view member, int64_t points, std::string_view id) {
    return node.client->RequestGrant(member, points, id);
  };
  auto claim_stock = [&node](const sync::StockClaimRequest& ask) {
    return node.client->ClaimStock(ask);
  };
  auto result = terminal::ExchangeWithHeadOffice(*node.terminal, request, grant, claim_stock);
  if (!result.ok()) return result.status();
  std::vector<terminal::ExchangeRequest>& done = exchanges_[t];
  const bool first = std::none_of(done.begin(), done.end(), [&](const auto& r) {
    return r.exchange_ref == request.exchange_ref;
  });
  if (first) done.push_back(request);
  auditor_.RecordExchange(node.id, request, *result);
  Count(result->replayed ? "exchange replayed" : "exchange ok");
  trace += " ok -" + std::to_string(result->exchange.points) +
           (result->exchange.voucher_id.empty() ? "" : " voucher " + result->exchange.voucher_id);
  return Status::OK();
}

bool Workload::Submit(size_t t, const Request& request, std::string& trace, bool resent) {
  Node& node = world_.node(t);
  Status failed;
  if (const auto* exchange = std::get_if<terminal::ExchangeRequest>(&request)) {
    failed = SubmitExchange(t, *exchange, trace);
    if (failed.ok()) return true;
  } else if (const auto* sale = std::get_if<terminal::SaleRequest>(&request)) {
    auto grant = [&node](std::string_view member, int64_t points, std::string_view id) {
      return node.client->RequestGrant(member, points, id);
    };
    auto claim = [&node](const sync::VoucherClaimRequest& ask) {
      return node.client->ClaimVoucher(ask);
    };
    auto result = terminal::CheckoutWithGrant(*node.terminal, *sale, grant, claim);
    if (result.ok()) {
      const bool first =
          std::none_of(sales_[t].begin(), sales_[t].end(),
                       [&](const SaleRecord& r) { return r.request.sale_ref == sale->sale_ref; });
      if (first) sales_[t].push_back({*sale, 0});
      auditor_.RecordSale(node.id, *sale, *result);
      Count(std::string(sale->redeem_points > 0 ? "redeem" : "sale") +
            (result->replayed ? " replayed" : " ok"));
      trace += " ok +" + std::to_string(result->earned_points) + " -" +
               std::to_string(result->redeemed_points);
      return true;
    }
    failed = result.status();
  } else {
    const auto& refund = std::get<terminal::RefundRequest>(request);
    auto claim = [&node](const sync::ReturnClaimRequest& ask) {
      return node.client->ClaimReturn(ask);
    };
    auto result = terminal::RefundAnywhere(*node.terminal, refund, claim);
    if (result.ok()) {
      auditor_.RecordRefund(node.id, refund, *result);
      Count(result->replayed          ? "refund replayed"
            : result->pending         ? "return pending"
            : !refund.sale_terminal.empty() ? "return claimed"
            : result->clawback        ? "refund clawback"
                                      : "refund ok");
      trace += " ok -" + std::to_string(result->reversed_points) + " +" +
               std::to_string(result->returned_points);
      return true;
    }
    failed = result.status();
  }
  trace += " " + failed.ToString();
  // No answer the POS can trust: the till died, or its disk failed (the
  // transaction may or may not have committed). Ask again later.
  if (ReviveIfDead(t) || failed.code() == StatusCode::kIOError) {
    in_doubt_.push_back({t, request});
    Count("in doubt");
    return false;
  }
  if (resent) {
    auditor_.Violate("set-full: " + trace + ": an acknowledged request sent again was refused");
  } else if (std::holds_alternative<terminal::SaleRequest>(request)) {
    ExpectRefusal(failed, "sale",
                  {"insufficient_points", "points_not_spendable", "authorisation_unavailable",
                   "voucher_used", "voucher_held_elsewhere", "voucher_claim_unavailable",
                   "voucher_expired", "voucher_not_yet_valid", "voucher_min_spend"});
  } else if (std::holds_alternative<terminal::ExchangeRequest>(request)) {
    // Head office's stock all handed out, or not reachable for more; the
    // member's points, tier or limit, or head office not reachable for
    // rights; a till that has not pulled the pack yet.
    ExpectRefusal(failed, "exchange",
                  {"reward_out_of_stock", "stock_claim_unavailable", "insufficient_points",
                   "points_not_spendable", "authorisation_unavailable", "reward_limit_reached",
                   "reward_tier_only", "unknown_reward", "member_inactive"});
  } else {
    // Another store's sale by lines while head office cannot be asked:
    // the till needs an amount.
    ExpectRefusal(failed, "refund",
                  {"refund_exceeds_sale", "already_refunded", "return_needs_amount"});
  }
  return true;
}

}  // namespace patron::sim
