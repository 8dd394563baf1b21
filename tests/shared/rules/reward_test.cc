// The rewards catalogue of a rule pack (reward.h, rules.h) and points
// exchanges (records/exchange.h): what a pack's rewards may be, how they
// travel, the voucher a voucher reward issues, and how exchanges count
// against a member's limit.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "patron/record/record_sql.h"
#include "patron/records/exchange.h"
#include "patron/records/sale.h"
#include "patron/rules.h"
#include "patron/rules_codec.h"
#include "patron/sql/database.h"
#include "support/temp_dir.h"

namespace patron {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
// Local times of the pack (+08:00).
constexpr int64_t kDec31Late2026 = 1'798'729'200'000;  // 2026-12-31T23:00:00
constexpr int64_t kFeb28Last = 1'803'830'399'000;      // 2027-02-28T23:59:59
constexpr int64_t kMar1First = 1'803'830'400'000;      // 2027-03-01T00:00:00 (UTC: Feb 28)
constexpr int64_t kMar15Noon = 1'805'083'200'000;      // 2027-03-15T12:00:00
constexpr int64_t kMar31Late = 1'806'507'000'000;      // 2027-03-31T23:30:00
constexpr int64_t kApr1Early = 1'806'510'600'000;      // 2027-04-01T00:30:00 (UTC: Mar 31)
constexpr int64_t kYear2030 = 1'893'456'000'000;       // 2030-01-01T00:00:00Z

Reward Mug() {
  Reward r;
  r.id = "mug";
  r.name = "保温杯 Travel mug";
  r.points = 1'500;
  r.stock = 200;
  r.limit = {2, "month"};
  r.tiers = {"silver", "gold"};
  return r;
}

Reward TenOff() {
  Reward r;
  r.id = "ten-off_2027.v1";
  r.name = "满100减10 10 off 100";
  r.points = 800;
  r.voucher.amount_off_minor = 1'000;
  r.voucher.min_spend_minor = 10'000;
  r.voucher.valid_days = 30;
  return r;
}

Rules PackWithRewards() {
  Rules rules = DefaultRules();
  rules.utc_offset_minutes = 480;
  rules.rewards = {Mug(), TenOff()};
  return rules;
}

ExchangeRecord Exchange(const std::string& ref, const std::string& reward_id, int64_t quantity,
                        int64_t wall_ms) {
  ExchangeRecord x;
  x.terminal_id = "S001-T01";
  x.store_id = "S001";
  x.exchange_ref = ref;
  x.exchange_id = MakeSaleId(x.terminal_id, ref);
  x.member_id = "ann";
  x.reward_id = reward_id;
  x.reward_name = reward_id;
  x.quantity = quantity;
  x.points = 100 * quantity;
  x.entry_id = "S001-T01/7";
  x.rule_version = 3;
  x.hlc = HlcTimestamp::FromParts(wall_ms, 2);
  x.wall_ms = wall_ms;
  return x;
}

TEST_CASE("a pack with an item reward and a voucher reward is valid") {
  const Rules rules = PackWithRewards();
  const Status status = ValidateRules(rules);
  CAPTURE(status.ToString());
  CHECK(status.ok());

  CHECK_FALSE(IsVoucherReward(Mug()));
  CHECK(IsVoucherReward(TenOff()));
  Reward share = TenOff();
  share.voucher.amount_off_minor = 0;
  share.voucher.percent_off_bp = 1'500;
  share.voucher.max_off_minor = 3'000;  // a cap on a share is fine
  CHECK(IsVoucherReward(share));
  Reward no_benefit = Mug();
  no_benefit.voucher.valid_days = 30;  // days alone give nothing
  CHECK_FALSE(IsVoucherReward(no_benefit));

  // Limits of every period, for ever included; no stock and no limit.
  Rules more = rules;
  more.rewards.push_back(share);
  more.rewards.back().id = "share";
  for (const std::string_view per : {kPerDay, kPerWeek, kPerMonth, kPerYear, kPerEver}) {
    Reward limited = Mug();
    limited.id = "mug-" + std::string(per);
    limited.limit = {1'000, std::string(per)};
    more.rewards.push_back(limited);
  }
  Reward plain = Mug();
  plain.id = "plain";
  plain.stock = 0;
  plain.limit = {};
  plain.tiers.clear();
  more.rewards.push_back(plain);
  const Status more_status = ValidateRules(more);
  CAPTURE(more_status.ToString());
  CHECK(more_status.ok());

  REQUIRE(FindReward(rules, "ten-off_2027.v1") != nullptr);
  CHECK(FindReward(rules, "ten-off_2027.v1") == &rules.rewards[1]);
  CHECK(FindReward(rules, "mug") == &rules.rewards[0]);
  CHECK(FindReward(rules, "Mug") == nullptr);
  CHECK(FindReward(rules, "") == nullptr);
  CHECK(FindReward(DefaultRules(), "mug") == nullptr);
}

TEST_CASE("every invalid reward is refused, naming its field") {
  struct Case {
    std::string field;
    std::function<void(Rules&)> spoil;
    std::string also = "";  // more the message must say
  };
  const std::vector<Case> cases = {
      {"rewards[0].id", [](Rules& r) { r.rewards[0].id = ""; }},
      {"rewards[0].id", [](Rules& r) { r.rewards[0].id = "travel mug"; }},
      {"rewards[0].id", [](Rules& r) { r.rewards[0].id = "mug/1"; }},
      {"rewards[0].id", [](Rules& r) { r.rewards[0].id = std::string(49, 'm'); }},
      {"rewards[1].id", [](Rules& r) { r.rewards[1].id = "mug"; }},
      {"rewards[2].id", [](Rules& r) { r.rewards.push_back(r.rewards[1]); }},
      {"rewards[0].name", [](Rules& r) { r.rewards[0].name.clear(); }},
      {"rewards[0].name", [](Rules& r) { r.rewards[0].name = std::string(201, 'x'); }},
      {"rewards[0].points", [](Rules& r) { r.rewards[0].points = 0; }},
      {"rewards[1].points", [](Rules& r) { r.rewards[1].points = -800; }},
      {"rewards[0].points", [](Rules& r) { r.rewards[0].points = 100'000'001; }},
      {"rewards[0].stock", [](Rules& r) { r.rewards[0].stock = -1; }},
      {"rewards[0].stock", [](Rules& r) { r.rewards[0].stock = 100'000'001; }},
      {"rewards[0].limit.times",
       [](Rules& r) {
         r.rewards[0].limit = {0, "month"};
       }},
      {"rewards[0].limit.times", [](Rules& r) { r.rewards[0].limit.times = -2; }},
      {"rewards[0].limit.times", [](Rules& r) { r.rewards[0].limit.times = 1'001; }},
      {"rewards[0].limit.per", [](Rules& r) { r.rewards[0].limit.per = "fortnight"; }},
      {"rewards[0].limit.per", [](Rules& r) { r.rewards[0].limit.per = ""; }},
      // A reward has no campaign to span.
      {"rewards[0].limit.per", [](Rules& r) { r.rewards[0].limit.per = "campaign"; }},
      {"rewards[0].tiers[1]",
       [](Rules& r) {
         r.rewards[0].tiers = {"gold", "platinum"};
       }},
      {"rewards[1].tiers[0]", [](Rules& r) { r.rewards[1].tiers = {""}; }},
      {"rewards[1].voucher.valid_days", [](Rules& r) { r.rewards[1].voucher.valid_days = 0; }},
      {"rewards[1].voucher.valid_days", [](Rules& r) { r.rewards[1].voucher.valid_days = 3'661; }},
      {"rewards[1].voucher", [](Rules& r) { r.rewards[1].voucher.percent_off_bp = 1'000; },
       "percent_off_bp"},
      {"rewards[1].voucher", [](Rules& r) { r.rewards[1].voucher.max_off_minor = 500; },
       "max_off_minor"},
      {"rewards[1].voucher",
       [](Rules& r) {
         r.rewards[1].voucher.amount_off_minor = 0;
         r.rewards[1].voucher.percent_off_bp = 10'001;
       },
       "percent_off_bp"},
      {"rewards[1].voucher", [](Rules& r) { r.rewards[1].voucher.min_spend_minor = -1; },
       "min_spend_minor"},
      // A voucher that would give nothing.
      {"rewards[0].voucher", [](Rules& r) { r.rewards[0].voucher.valid_days = 30; },
       "amount_off_minor"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.field);
    Rules rules = PackWithRewards();
    c.spoil(rules);
    const Status status = ValidateRules(rules);
    CAPTURE(status.ToString());
    REQUIRE_FALSE(status.ok());
    CHECK(status.IsInvalidArgument());
    CHECK(status.reason() == "invalid_rules");
    CHECK(status.message().rfind("rules: field '" + c.field + "' ", 0) == 0);
    CHECK(status.message().find(c.also) != std::string::npos);
    // ValidateRules refuses the pack for its rewards, as ValidateRewards does.
    const Status rewards = ValidateRewards(rules);
    CHECK(rewards.message() == status.message());
  }
  Rules many = DefaultRules();
  for (int i = 0; i < 201; ++i) {
    many.rewards.push_back(Mug());
    many.rewards.back().id = "r" + std::to_string(i);
  }
  const Status too_many = ValidateRules(many);
  CHECK(too_many.reason() == "invalid_rules");
  CHECK(too_many.message().rfind("rules: field 'rewards' ", 0) == 0);
  many.rewards.pop_back();
  CHECK(ValidateRules(many).ok());
}

TEST_CASE("exchanges count against a reward's limit in its period of the pack's calendar") {
  const Rules pack = PackWithRewards();
  const Reward& mug = pack.rewards[0];  // 2 a month
  const std::vector<ExchangeRecord> known = {
      Exchange("X-1", "mug", 2, kMar1First),
      Exchange("X-2", "mug", 1, kMar15Noon),
      Exchange("X-3", "mug", 5, kFeb28Last),
      Exchange("X-4", "mug", 7, kApr1Early),
      Exchange("X-5", "ten-off_2027.v1", 3, kMar15Noon),
      Exchange("X-6", "mug", 11, kDec31Late2026),
  };
  CHECK(ExchangedInPeriod(pack, mug, {}, kMar15Noon) == 0);
  // March by the pack's clock: from its first second, until its last, though
  // in UTC the first falls in February and the last and April's first in March.
  CHECK(ExchangedInPeriod(pack, mug, known, kMar1First) == 3);
  CHECK(ExchangedInPeriod(pack, mug, known, kMar31Late) == 3);
  CHECK(ExchangedInPeriod(pack, mug, known, kFeb28Last) == 5);
  CHECK(ExchangedInPeriod(pack, mug, known, kApr1Early) == 7);
  CHECK(ExchangedInPeriod(pack, mug, known, kDec31Late2026) == 11);
  CHECK(ExchangedInPeriod(pack, mug, known, kYear2030) == 0);
  // Only the reward's own exchanges.
  CHECK(ExchangedInPeriod(pack, pack.rewards[1], known, kMar15Noon) == 3);
  Reward other = mug;
  other.id = "cup";
  CHECK(ExchangedInPeriod(pack, other, known, kMar15Noon) == 0);

  Reward yearly = mug;
  yearly.limit = {20, "year"};
  CHECK(ExchangedInPeriod(pack, yearly, known, kMar15Noon) == 15);
  CHECK(ExchangedInPeriod(pack, yearly, known, kDec31Late2026) == 11);
  Reward daily = mug;
  daily.limit = {1, "day"};
  CHECK(ExchangedInPeriod(pack, daily, known, kMar15Noon) == 1);
  CHECK(ExchangedInPeriod(pack, daily, known, kMar31Late) == 0);
  Reward ever = mug;
  ever.limit = {30, std::string(kPerEver)};
  CHECK(ExchangedInPeriod(pack, ever, known, kMar15Noon) == 26);
  CHECK(ExchangedInPeriod(pack, ever, known, kYear2030) == 26);
  CHECK(ExchangedInPeriod(pack, ever, known, 0) == 26);

  // The same instants in UTC months: kMar1First is February's there.
  Rules utc = pack;
  utc.utc_offset_minutes = 0;
  CHECK(ExchangedInPeriod(utc, mug, known, kMar15Noon) == 1 + 7);
  CHECK(ExchangedInPeriod(utc, mug, known, kFeb28Last) == 5 + 2);
}

TEST_CASE("a voucher reward's exchange issues the voucher to the member, held by the till") {
  const Reward reward = TenOff();
  const ExchangeRecord x = Exchange("X-1", reward.id, 1, kMar15Noon);
  const Voucher v = VoucherBoughtBy(reward, x);
  CHECK(v.voucher_id == ExchangeVoucherId(x.exchange_id));
  CHECK(v.member_id == "ann");
  CHECK(v.name == reward.name);
  CHECK(v.source.find(reward.id) != std::string::npos);
  CHECK(v.amount_off_minor == 1'000);
  CHECK(v.percent_off_bp == 0);
  CHECK(v.max_off_minor == 0);
  CHECK(v.bonus_points == 0);
  CHECK(v.min_spend_minor == 10'000);
  CHECK(v.valid_from_ms == kMar15Noon);
  CHECK(v.valid_until_ms == kMar15Noon + 30 * kMsPerDay);
  CHECK(v.issued_ms == kMar15Noon);
  CHECK(v.status == kVoucherIssued);
  CHECK(v.holder == "S001-T01");
  CHECK(v.holder_gen == 1);
  CHECK_FALSE(v.recall);
  CHECK(v.used_sale_id.empty());
  CHECK(v.used_ms == 0);
  CHECK(v.bonus_entry.empty());
  const Status valid = ValidateVoucher(v);
  CAPTURE(valid.ToString());
  CHECK(valid.ok());
  // Usable at once, for valid_days days.
  CHECK(*VoucherValue(v, "ann", 12'000, 12'000, kMar15Noon) == VoucherBenefit{1'000, 0});
  CHECK(VoucherValue(v, "ann", 12'000, 12'000, kMar15Noon + 30 * kMsPerDay - 1).ok());
  CHECK(VoucherValue(v, "ann", 12'000, 12'000, kMar15Noon + 30 * kMsPerDay).status().reason() ==
        "voucher_expired");

  Reward share = reward;
  share.voucher = {0, 1'500, 3'000, 0, 7};
  ExchangeRecord later = Exchange("X-2", share.id, 2, kApr1Early);
  later.terminal_id = "S002-T03";
  later.member_id = "bob";
  const Voucher w = VoucherBoughtBy(share, later);
  CHECK(w.voucher_id == ExchangeVoucherId("S001-T01/X-2"));
  CHECK(w.voucher_id != v.voucher_id);
  CHECK(w.member_id == "bob");
  CHECK(w.amount_off_minor == 0);
  CHECK(w.percent_off_bp == 1'500);
  CHECK(w.max_off_minor == 3'000);
  CHECK(w.min_spend_minor == 0);
  CHECK(w.valid_from_ms == kApr1Early);
  CHECK(w.valid_until_ms == kApr1Early + 7 * kMsPerDay);
  CHECK(w.holder == "S002-T03");
  CHECK(w.holder_gen == 1);
  CHECK(ValidateVoucher(w).ok());
  // The same exchange buys the same voucher wherever it is worked out.
  CHECK(VoucherBoughtBy(share, later) == w);
}

TEST_CASE("an exchange's voucher id is x- and 40 hex digits of the exchange id, always the same") {
  const std::string id = ExchangeVoucherId("S001-T01/X-1");
  // SHA-256("S001-T01/X-1") = cc0105cd...: the same at the till and at head office.
  CHECK(id == "x-cc0105cdb07b8f8a4c0402f5dbc4cfbd42fc75b8");
  CHECK(id.size() == 42);
  CHECK(id.size() <= kMaxVoucherIdLength);
  CHECK(std::all_of(id.begin() + 2, id.end(),
                    [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
  CHECK(ExchangeVoucherId("S001-T01/X-1") == id);
  CHECK(ExchangeVoucherId("S001-T01/X-2") != id);
  CHECK(ExchangeVoucherId("S001-T02/X-1") != id);
  CHECK(ExchangeVoucherId("").size() == 42);
}

TEST_CASE("a pack's rewards travel whole through its JSON") {
  Rules pack = PackWithRewards();
  pack.version = 7;
  Reward share = TenOff();
  share.id = "share";
  share.stock = 50;
  share.limit = {1, std::string(kPerEver)};
  share.tiers = {"gold"};
  share.voucher = {0, 1'500, 3'000, 20'000, 14};
  pack.rewards.push_back(share);
  REQUIRE(ValidateRules(pack).ok());

  const std::string text = EncodeRules(pack);
  CHECK(text.find(R"("limit":{"times":2,"per":"month"},"tiers":["silver","gold"])") !=
        std::string::npos);
  CHECK(text.find(R"("voucher":{"percent_off_bp":1500,"max_off_minor":3000,)"
                  R"("min_spend_minor":20000,"valid_days":14})") != std::string::npos);
  Result<Rules> decoded = DecodeRules(text);
  CAPTURE(decoded.status().ToString());
  REQUIRE(decoded.ok());
  CHECK(decoded->rewards == pack.rewards);
  CHECK(*decoded == pack);
  REQUIRE(decoded->rewards.size() == 3);
  CHECK(decoded->rewards[0].voucher == RewardVoucher{});
  CHECK(decoded->rewards[2].limit == CampaignLimit{1, "ever"});

  // A pack without rewards does not mention them: a till that knows none
  // reads it still.
  CHECK(EncodeRules(DefaultRules()).find("rewards") == std::string::npos);

  // Decoding validates the rewards, and knows their every field.
  Rules bad = pack;
  bad.rewards[2].voucher.valid_days = 0;
  Result<Rules> refused = DecodeRules(EncodeRules(bad));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().reason() == "invalid_rules");
  CHECK(refused.status().message().find("'rewards[2].voucher.valid_days'") != std::string::npos);
  std::string typo = text;
  const size_t at = typo.find(R"("valid_days":14)");
  REQUIRE(at != std::string::npos);
  typo.replace(at, 15, R"("valid_dayz":14)");
  Result<Rules> unknown = DecodeRules(typo);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().reason() == "unknown_field");
  CHECK(unknown.status().message().find("valid_dayz") != std::string::npos);
}

TEST_CASE("the exchanges table's columns are the exchange record's, in order, of their types") {
  // The column names, in order, of kExchangeColumnsSql.
  std::string names;
  const std::string sql(kExchangeColumnsSql);
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find(',', start);
    if (end == std::string::npos) end = sql.size();
    const size_t name = sql.find_first_not_of(" \n", start);
    const size_t name_end = sql.find(' ', name);
    if (!names.empty()) names += ", ";
    names += sql.substr(name, name_end - name);
    start = end + 1;
  }
  CHECK(names == record::ColumnList<ExchangeRecord>());

  // A STRICT table of those columns stores an exchange and gives it back.
  testing::TempDir dir;
  auto db = sql::Database::Open(dir.File("exchanges.db"), {});
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  const Status created =
      (*db)->Execute("CREATE TABLE exchanges (" + sql + ") STRICT, WITHOUT ROWID");
  REQUIRE_MESSAGE(created.ok(), created.ToString());
  ExchangeRecord x = Exchange("X-1", "ten-off_2027.v1", 3, kMar15Noon);
  x.reward_name = "满100减10";
  x.voucher_id = ExchangeVoucherId(x.exchange_id);
  {
    auto insert =
        (*db)->GetUniqueStatement("INSERT INTO exchanges(" + record::ColumnList<ExchangeRecord>() +
                                  ") VALUES (" + record::Placeholders<ExchangeRecord>() + ")");
    REQUIRE(insert.ok());
    record::BindRecord(*insert, 0, x);
    const Status run = insert->Run();
    REQUIRE_MESSAGE(run.ok(), run.ToString());
  }
  auto select = (*db)->GetUniqueStatement("SELECT " + record::ColumnList<ExchangeRecord>() +
                                          " FROM exchanges");
  REQUIRE(select.ok());
  REQUIRE(select->Step().value());
  ExchangeRecord read;
  REQUIRE(record::ReadColumns(*select, 0, read).ok());
  CHECK(read == x);
}

Gift BirthdayGift() {
  Gift g;
  g.id = "birthday";
  g.name = "生日礼券 Birthday 20 off";
  g.occasion = std::string(kGiftBirthday);
  g.days_before = 7;
  g.voucher.amount_off_minor = 2'000;
  g.voucher.valid_days = 7;
  return g;
}

TEST_CASE("a pack's gifts are checked like its rewards, and travel with it") {
  Rules rules = PackWithRewards();
  Gift welcome = BirthdayGift();
  welcome.id = "welcome";
  welcome.occasion = std::string(kGiftWelcome);
  welcome.days_before = 30;
  rules.gifts = {BirthdayGift(), welcome};
  CHECK(ValidateRules(rules).ok());
  Result<Rules> decoded = DecodeRules(EncodeRules(rules));
  REQUIRE(decoded.ok());
  CHECK(decoded->gifts == rules.gifts);

  const auto refused = [&](const std::function<void(Rules&)>& change, const std::string& field) {
    Rules bad = rules;
    change(bad);
    const Status status = ValidateRules(bad);
    CAPTURE(status.ToString());
    CHECK(status.reason() == "invalid_rules");
    CHECK(status.message().find("rules: field '" + field + "'") == 0);
  };
  refused([](Rules& r) { r.gifts[0].id = ""; }, "gifts[0].id");
  refused([](Rules& r) { r.gifts[1].id = "birthday"; }, "gifts[1].id");
  refused([](Rules& r) { r.gifts[0].occasion = "anniversary"; }, "gifts[0].occasion");
  refused([](Rules& r) { r.gifts[0].days_before = -1; }, "gifts[0].days_before");
  refused([](Rules& r) { r.gifts[1].days_before = 367; }, "gifts[1].days_before");
  refused([](Rules& r) { r.gifts[0].voucher.valid_days = 0; }, "gifts[0].voucher.valid_days");
  refused([](Rules& r) { r.gifts[0].voucher.amount_off_minor = 0; }, "gifts[0].voucher");
  refused([](Rules& r) { r.gifts[0].name = ""; }, "gifts[0].name");
}

}  // namespace
}  // namespace patron
