#include "patron/ledger.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace patron {
namespace {

const std::vector<EntryKind> kAllKinds = {
    EntryKind::kEarn,   EntryKind::kBonus,  EntryKind::kRedeem,  EntryKind::kReverse,
    EntryKind::kAdjust, EntryKind::kExpire, EntryKind::kTransfer};

// A valid entry of `kind` written by terminal "t1"; tests mutate one field.
LedgerEntry GoodEntry(EntryKind kind) {
  LedgerEntry entry;
  entry.origin = "t1";
  entry.seq = 7;
  entry.entry_id = MakeEntryId(entry.origin, entry.seq);
  entry.member_id = "m-123";
  entry.kind = kind;
  entry.currency = "USD";
  entry.store_id = "s1";
  entry.terminal_id = "t1";
  entry.hlc = HlcTimestamp::FromParts(1'700'000'000'000, 3);
  entry.wall_ms = 1'700'000'000'000;
  entry.rule_version = 1;
  switch (kind) {
    case EntryKind::kEarn:
      entry.points = 12;
      entry.amount_minor = 1234;
      entry.sale_ref = "r-1";
      entry.detail.tier = "regular";
      entry.detail.multiplier_bp = 10000;
      break;
    case EntryKind::kBonus:
      entry.points = 50;
      break;
    case EntryKind::kRedeem:
      entry.points = -100;
      entry.sale_ref = "r-2";
      break;
    case EntryKind::kReverse:
      entry.points = -12;
      entry.amount_minor = -1234;
      entry.ref_entry = "t1/6";
      break;
    case EntryKind::kAdjust:
      entry.points = -3;
      break;
    case EntryKind::kExpire:
      entry.points = -40;
      break;
    case EntryKind::kTransfer:
      entry.points = 25;
      entry.to_holder = std::string(kServerOrigin);
      break;
    case EntryKind::kUnknown:
      break;
  }
  return entry;
}

void CheckInvalid(const LedgerEntry& entry, std::string_view field) {
  const Status status = ValidateEntry(entry);
  CAPTURE(status.ToString());
  CHECK(status.IsInvalidArgument());
  CHECK(status.reason() == "invalid_entry");
  CHECK(status.message().find("'" + std::string(field) + "'") != std::string::npos);
}

TEST_CASE("entry kind names round-trip and unknown names are refused") {
  const std::vector<std::string_view> names = {"earn",   "bonus",  "redeem",  "reverse",
                                               "adjust", "expire", "transfer"};
  REQUIRE(names.size() == kAllKinds.size());
  for (size_t i = 0; i < kAllKinds.size(); ++i) {
    CHECK(EntryKindName(kAllKinds[i]) == names[i]);
    Result<EntryKind> parsed = ParseEntryKind(names[i]);
    REQUIRE(parsed.ok());
    CHECK(*parsed == kAllKinds[i]);
  }
  for (std::string_view bad : {"", "Earn", "earn ", "refund", "transfers"}) {
    Result<EntryKind> parsed = ParseEntryKind(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().IsInvalidArgument());
    CHECK(parsed.status().reason() == "invalid_entry_kind");
  }
}

TEST_CASE("MakeEntryId joins origin and decimal seq") {
  CHECK(MakeEntryId("t1", 42) == "t1/42");
  CHECK(MakeEntryId(kServerOrigin, 1) == "server/1");
  CHECK(MakeEntryId("store-9/till-2", 9'000'000'000) == "store-9/till-2/9000000000");
}

TEST_CASE("BalanceEffect is the points, except for transfers") {
  for (EntryKind kind : kAllKinds) {
    const LedgerEntry entry = GoodEntry(kind);
    CAPTURE(EntryKindName(kind));
    CHECK(BalanceEffect(entry) == (kind == EntryKind::kTransfer ? 0 : entry.points));
  }
}

TEST_CASE("RightsEffect of a transfer moves points from origin to to_holder") {
  LedgerEntry grant = GoodEntry(EntryKind::kTransfer);
  grant.origin = std::string(kServerOrigin);
  grant.seq = 3;
  grant.entry_id = MakeEntryId(grant.origin, grant.seq);
  grant.to_holder = "t1";
  grant.points = 80;
  CHECK(RightsEffect(grant, kServerOrigin) == -80);
  CHECK(RightsEffect(grant, "t1") == 80);
  CHECK(RightsEffect(grant, "t2") == 0);

  const LedgerEntry earn = GoodEntry(EntryKind::kEarn);
  CHECK(RightsEffect(earn, "t1") == 12);
  CHECK(RightsEffect(earn, kServerOrigin) == 0);
}

// Property: whatever the entry, summing its rights effect over every holder
// (the origin, the receiver and any bystander) gives its balance effect, so
// the shares of all holders always add up to the balance.
TEST_CASE("rights effects over all holders sum to the balance effect") {
  std::vector<LedgerEntry> entries;
  const std::vector<int64_t> magnitudes = {0, 1, 99, 123'456, INT64_MAX / 4};
  for (EntryKind kind : kAllKinds) {
    for (int64_t magnitude : magnitudes) {
      for (const std::string& origin : {std::string("t1"), std::string(kServerOrigin)}) {
        LedgerEntry entry = GoodEntry(kind);
        entry.origin = origin;
        entry.entry_id = MakeEntryId(origin, entry.seq);
        // Redeems and transfers must move at least one point.
        if (magnitude == 0 && (kind == EntryKind::kRedeem || kind == EntryKind::kTransfer)) {
          continue;
        }
        entry.points = entry.points < 0 ? -magnitude : magnitude;
        if (kind == EntryKind::kTransfer) {
          entry.to_holder = origin == "t1" ? std::string(kServerOrigin) : "t1";
        }
        entries.push_back(entry);
      }
    }
  }
  // Adjustments and reversals of either sign.
  for (EntryKind kind : {EntryKind::kAdjust, EntryKind::kReverse}) {
    LedgerEntry positive = GoodEntry(kind);
    positive.points = 77;
    entries.push_back(positive);
  }

  for (const LedgerEntry& entry : entries) {
    CAPTURE(EntryKindName(entry.kind));
    CAPTURE(entry.origin);
    CAPTURE(entry.points);
    REQUIRE(ValidateEntry(entry).ok());
    std::set<std::string> holders = {entry.origin, "t2", "t3", std::string(kServerOrigin)};
    if (!entry.to_holder.empty()) holders.insert(entry.to_holder);
    int64_t sum = 0;
    for (const std::string& holder : holders) sum += RightsEffect(entry, holder);
    CHECK(sum == BalanceEffect(entry));
  }
}

TEST_CASE("ValidateEntry accepts a well-formed entry of every kind") {
  for (EntryKind kind : kAllKinds) {
    const Status status = ValidateEntry(GoodEntry(kind));
    CAPTURE(EntryKindName(kind));
    CAPTURE(status.ToString());
    CHECK(status.ok());
  }
  // Boundary signs that are still fine.
  LedgerEntry zero_earn = GoodEntry(EntryKind::kEarn);
  zero_earn.points = 0;
  zero_earn.amount_minor = 0;
  CHECK(ValidateEntry(zero_earn).ok());
  LedgerEntry zero_expire = GoodEntry(EntryKind::kExpire);
  zero_expire.points = 0;
  CHECK(ValidateEntry(zero_expire).ok());
  LedgerEntry redeem_reversal = GoodEntry(EntryKind::kReverse);
  redeem_reversal.points = 100;
  redeem_reversal.amount_minor = 0;
  CHECK(ValidateEntry(redeem_reversal).ok());
  LedgerEntry positive_adjust = GoodEntry(EntryKind::kAdjust);
  positive_adjust.points = 500;
  CHECK(ValidateEntry(positive_adjust).ok());
  LedgerEntry no_detail = GoodEntry(EntryKind::kEarn);
  no_detail.detail = {};
  CHECK(ValidateEntry(no_detail).ok());
}

struct BadCase {
  const char* name;
  EntryKind kind;
  std::function<void(LedgerEntry&)> mutate;
  const char* field;
};

TEST_CASE("ValidateEntry refuses each malformed entry, naming the field") {
  const std::vector<BadCase> cases = {
      {"id not origin/seq", EntryKind::kEarn, [](LedgerEntry& e) { e.entry_id = "t1/8"; },
       "entry_id"},
      {"id of another origin", EntryKind::kEarn, [](LedgerEntry& e) { e.entry_id = "t2/7"; },
       "entry_id"},
      {"empty id", EntryKind::kEarn, [](LedgerEntry& e) { e.entry_id.clear(); }, "entry_id"},
      {"seq zero", EntryKind::kEarn,
       [](LedgerEntry& e) {
         e.seq = 0;
         e.entry_id = MakeEntryId(e.origin, 0);
       },
       "seq"},
      {"seq negative", EntryKind::kEarn,
       [](LedgerEntry& e) {
         e.seq = -1;
         e.entry_id = MakeEntryId(e.origin, -1);
       },
       "seq"},
      {"empty origin", EntryKind::kEarn,
       [](LedgerEntry& e) {
         e.origin.clear();
         e.entry_id = MakeEntryId("", e.seq);
       },
       "origin"},
      {"empty member", EntryKind::kEarn, [](LedgerEntry& e) { e.member_id.clear(); }, "member_id"},
      {"empty store", EntryKind::kEarn, [](LedgerEntry& e) { e.store_id.clear(); }, "store_id"},
      {"empty terminal", EntryKind::kEarn, [](LedgerEntry& e) { e.terminal_id.clear(); },
       "terminal_id"},
      {"negative earn", EntryKind::kEarn, [](LedgerEntry& e) { e.points = -1; }, "points"},
      {"negative bonus", EntryKind::kBonus, [](LedgerEntry& e) { e.points = -1; }, "points"},
      {"zero redeem", EntryKind::kRedeem, [](LedgerEntry& e) { e.points = 0; }, "points"},
      {"positive redeem", EntryKind::kRedeem, [](LedgerEntry& e) { e.points = 1; }, "points"},
      {"positive expire", EntryKind::kExpire, [](LedgerEntry& e) { e.points = 1; }, "points"},
      {"zero transfer", EntryKind::kTransfer, [](LedgerEntry& e) { e.points = 0; }, "points"},
      {"negative transfer", EntryKind::kTransfer, [](LedgerEntry& e) { e.points = -5; }, "points"},
      {"transfer without receiver", EntryKind::kTransfer,
       [](LedgerEntry& e) { e.to_holder.clear(); }, "to_holder"},
      {"transfer to itself", EntryKind::kTransfer, [](LedgerEntry& e) { e.to_holder = e.origin; },
       "to_holder"},
      {"reverse without reference", EntryKind::kReverse,
       [](LedgerEntry& e) { e.ref_entry.clear(); }, "ref_entry"},
      {"negative earn amount", EntryKind::kEarn, [](LedgerEntry& e) { e.amount_minor = -1; },
       "amount_minor"},
      {"positive reverse amount", EntryKind::kReverse, [](LedgerEntry& e) { e.amount_minor = 1; },
       "amount_minor"},
      {"bonus with amount", EntryKind::kBonus, [](LedgerEntry& e) { e.amount_minor = 5; },
       "amount_minor"},
      {"redeem with amount", EntryKind::kRedeem, [](LedgerEntry& e) { e.amount_minor = -5; },
       "amount_minor"},
      {"adjust with amount", EntryKind::kAdjust, [](LedgerEntry& e) { e.amount_minor = 1; },
       "amount_minor"},
      {"expire with amount", EntryKind::kExpire, [](LedgerEntry& e) { e.amount_minor = -1; },
       "amount_minor"},
      {"transfer with amount", EntryKind::kTransfer, [](LedgerEntry& e) { e.amount_minor = 1; },
       "amount_minor"},
      {"kind outside the enum", EntryKind::kEarn,
       [](LedgerEntry& e) { e.kind = static_cast<EntryKind>(99); }, "kind"},
      {"a kind from a newer head office", EntryKind::kEarn,
       [](LedgerEntry& e) { e.kind = EntryKind::kUnknown; }, "kind"},
  };
  for (const BadCase& c : cases) {
    CAPTURE(c.name);
    LedgerEntry entry = GoodEntry(c.kind);
    REQUIRE(ValidateEntry(entry).ok());
    c.mutate(entry);
    CheckInvalid(entry, c.field);
  }
}

TEST_CASE("ValidateEntry does not echo a hostile entry id verbatim") {
  LedgerEntry entry = GoodEntry(EntryKind::kEarn);
  entry.entry_id = std::string(1000, 'x') + "\n\x01";
  const Status status = ValidateEntry(entry);
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().size() < 200);
  CHECK(status.message().find('\n') == std::string::npos);
}

}  // namespace
}  // namespace patron
