// Ledger entries: the immutable facts the point journal is made of
// (DESIGN.md §3). Entries are never updated; mistakes are corrected by new
// entries (a kReverse names the entry it reverses). Merge is set union keyed
// by entry_id, so duplicates and reordering cannot change any sum below.
#ifndef PATRON_LEDGER_H_
#define PATRON_LEDGER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/hlc.h"
#include "patron/record/field.h"
#include "patron/status.h"

namespace patron {

// kUnknown stands for a kind a newer head office sends that this build does
// not know (record_json.h: it is noted, never stored or applied here);
// ValidateEntry refuses it.
enum class EntryKind { kEarn, kBonus, kRedeem, kReverse, kAdjust, kExpire, kTransfer, kUnknown };

std::string_view EntryKindName(EntryKind kind);
Result<EntryKind> ParseEntryKind(std::string_view name);

// What an entry records about how its points came about, beyond its own
// columns. Every field is optional and omitted on the wire when unset, so an
// entry carries only what its kind uses.
struct EntryDetail {
  // An earn: the member's tier and its multiplier, the sale's total and the
  // money paid (after points).
  std::string tier;
  int64_t multiplier_bp = 0;
  int64_t sale_amount_minor = 0;
  int64_t paid_minor = 0;
  // A bonus a till writes at checkout: the campaign of the rule pack
  // (rule_version) that gave it; multiplier_bp and paid_minor are then the
  // campaign's multiplier and the money the sale paid.
  std::string campaign_id;
  // A bonus a till writes at checkout for a voucher it redeems
  // (records/voucher.h) instead of a campaign.
  std::string voucher_id;
  // A redeem: the money value of the points spent.
  int64_t discount_minor = 0;
  // A redeem that bought a reward of the rule pack (records/exchange.h):
  // its id; sale_ref is then the exchange's exchange_ref.
  std::string reward_id;
  // The lot of points an entry credits, or the lot a reversal takes back,
  // or the lot expired (lots.h): "YYYY-MM-DD", local; "" never expires, or
  // spendable at once.
  std::string expires_on;
  std::string available_on;
  // A grant (a transfer the server wrote): the terminal's request id.
  std::string request_id;
  // Why head office wrote the entry, for entries it writes to correct
  // others ("refund_excess": refunds in several stores at once took back
  // more than the sale gave).
  std::string reason;

  friend bool operator==(const EntryDetail&, const EntryDetail&) = default;
};

// The origin of entries the sync server writes itself (grants, expiry).
inline constexpr std::string_view kServerOrigin = "server";

struct LedgerEntry {
  std::string entry_id;  // "<origin>/<seq>", see MakeEntryId
  // Who wrote it: a terminal id or kServerOrigin. The origin is also the
  // holder whose redemption rights the entry moves.
  std::string origin;
  int64_t seq = 0;  // per-origin counter, allocated with the entry
  std::string member_id;
  EntryKind kind = EntryKind::kEarn;
  // Signed change of the member's balance. For kTransfer: the rights moved
  // from `origin` to `to_holder` (positive), and the balance is unchanged.
  int64_t points = 0;
  // Signed contribution to the member's qualifying spend (minor units):
  // + money paid for an earn, - money refunded for the reversal of an earn,
  // 0 for every other kind.
  int64_t amount_minor = 0;
  std::string currency;
  std::string sale_ref;   // the POS receipt the entry belongs to, if any
  std::string ref_entry;  // kReverse: the entry it reverses
  std::string to_holder;  // kTransfer: the receiving holder
  std::string store_id;
  std::string terminal_id;
  HlcTimestamp hlc;
  int64_t wall_ms = 0;
  int64_t rule_version = 0;
  EntryDetail detail;

  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

std::string MakeEntryId(std::string_view origin, int64_t seq);

// What the entry adds to the member's balance (0 for transfers).
int64_t BalanceEffect(const LedgerEntry& entry);

// What the entry adds to `holder`'s redemption rights for the member: the
// points of the holder's own non-transfer entries, plus transfers in, minus
// transfers out. The sum over all holders equals the balance.
int64_t RightsEffect(const LedgerEntry& entry, std::string_view holder);

// Checks the shape every entry must have whoever wrote it: id matches
// origin/seq, sign of points fits the kind, required references present.
Status ValidateEntry(const LedgerEntry& entry);

}  // namespace patron

namespace patron::record {

template <>
struct EnumNames<EntryKind> {
  static constexpr EntryKind kUnknown = EntryKind::kUnknown;
  static constexpr std::string_view kNoun = "entry kind";
  static std::string_view Name(EntryKind kind) { return EntryKindName(kind); }
  static bool Parse(std::string_view name, EntryKind& kind) {
    Result<EntryKind> parsed = ParseEntryKind(name);
    if (parsed.ok()) kind = *parsed;
    return parsed.ok();
  }
};

template <>
struct Schema<EntryDetail> {
  static constexpr std::string_view kName = "detail";
  // Terminals before the record model sent the detail as a string holding
  // the object's JSON; it is still read.
  static constexpr bool kLegacyText = true;
  static constexpr auto kFields = record::FieldList{
      Field<&EntryDetail::tier>{"tier", {}, kOmitDefault},
      Field<&EntryDetail::multiplier_bp>{"multiplier_bp", {}, kOmitDefault},
      Field<&EntryDetail::sale_amount_minor>{"sale_amount_minor", {}, kOmitDefault},
      Field<&EntryDetail::paid_minor>{"paid_minor", {}, kOmitDefault},
      Field<&EntryDetail::discount_minor>{"discount_minor", {}, kOmitDefault},
      Field<&EntryDetail::request_id>{"request_id", {}, kOmitDefault},
      Field<&EntryDetail::reason>{"reason", {}, kOmitDefault},
      Field<&EntryDetail::campaign_id>{"campaign_id", {}, kOmitDefault},
      Field<&EntryDetail::voucher_id>{"voucher_id", {}, kOmitDefault},
      Field<&EntryDetail::reward_id>{"reward_id", {}, kOmitDefault},
      Field<&EntryDetail::expires_on>{"expires_on", {}, kOmitDefault},
      Field<&EntryDetail::available_on>{"available_on", {}, kOmitDefault},
  };
};

// An entry on the wire and in both ledgers (the terminal's `ledger`, the
// server's `entries`, where `seq` is the column origin_seq).
template <>
struct Schema<LedgerEntry> {
  static constexpr std::string_view kName = "entry";
  static constexpr auto kFields = record::FieldList{
      Field<&LedgerEntry::entry_id>{"id", "entry_id"},
      Field<&LedgerEntry::origin>{"origin"},
      Field<&LedgerEntry::seq>{"seq"},
      Field<&LedgerEntry::member_id>{"member_id"},
      Field<&LedgerEntry::kind>{"kind"},
      Field<&LedgerEntry::points>{"points"},
      Field<&LedgerEntry::amount_minor>{"amount_minor"},
      Field<&LedgerEntry::currency>{"currency"},
      Field<&LedgerEntry::sale_ref>{"sale_ref"},
      Field<&LedgerEntry::ref_entry>{"ref_entry"},
      Field<&LedgerEntry::to_holder>{"to_holder"},
      Field<&LedgerEntry::store_id>{"store_id"},
      Field<&LedgerEntry::terminal_id>{"terminal_id"},
      Field<&LedgerEntry::hlc>{"hlc"},
      Field<&LedgerEntry::wall_ms>{"wall_ms"},
      Field<&LedgerEntry::rule_version>{"rule_version"},
      Field<&LedgerEntry::detail>{"detail"},
  };
};

}  // namespace patron::record

#endif  // PATRON_LEDGER_H_
