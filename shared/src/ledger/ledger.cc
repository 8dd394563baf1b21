#include "patron/ledger.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>


namespace patron {
namespace {

struct KindName {
  EntryKind kind;
  std::string_view name;
};

// The wire and storage names; changing one breaks every stored journal.
constexpr std::array<KindName, 7> kKindNames = {{
    {EntryKind::kEarn, "earn"},
    {EntryKind::kBonus, "bonus"},
    {EntryKind::kRedeem, "redeem"},
    {EntryKind::kReverse, "reverse"},
    {EntryKind::kAdjust, "adjust"},
    {EntryKind::kExpire, "expire"},
    {EntryKind::kTransfer, "transfer"},
}};

// Entry ids and kind names come from terminals over the network: echo at most
// 64 bytes, non-printable ones as '?', so a hostile value cannot bloat or
// corrupt a log line or an error response.
std::string Printable(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string shown(text.substr(0, kMaxShown));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  if (text.size() > kMaxShown) shown += "...";
  return shown;
}

Status InvalidEntry(const LedgerEntry& entry, std::string_view field, std::string_view problem) {
  return Status::InvalidArgument("entry '" + Printable(entry.entry_id) + "': field '" +
                                     std::string(field) + "' " + std::string(problem),
                                 "invalid_entry");
}

// -value without undefined behaviour: INT64_MIN maps to itself. Only reachable
// for entries ValidateEntry refuses, whose effects are meaningless anyway.
int64_t WrappingNeg(int64_t value) {
  return static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(value));
}

// The sign each kind's points must have (DESIGN.md §3): earning never takes
// points away, spending never adds them, a transfer moves a positive amount.
Status ValidatePoints(const LedgerEntry& entry) {
  switch (entry.kind) {
    case EntryKind::kEarn:
    case EntryKind::kBonus:
      if (entry.points < 0) return InvalidEntry(entry, "points", "must be >= 0 for this kind");
      return Status::OK();
    case EntryKind::kRedeem:
      if (entry.points >= 0) return InvalidEntry(entry, "points", "must be < 0 for a redeem");
      return Status::OK();
    case EntryKind::kExpire:
      if (entry.points > 0) return InvalidEntry(entry, "points", "must be <= 0 for an expire");
      return Status::OK();
    case EntryKind::kTransfer:
      if (entry.points <= 0) return InvalidEntry(entry, "points", "must be > 0 for a transfer");
      if (entry.to_holder.empty()) {
        return InvalidEntry(entry, "to_holder", "is required for a transfer");
      }
      if (entry.to_holder == entry.origin) {
        return InvalidEntry(entry, "to_holder", "must differ from origin");
      }
      return Status::OK();
    case EntryKind::kReverse:
      // Either sign: reversing an earn takes points back, reversing a redeem
      // gives them back.
      if (entry.ref_entry.empty()) {
        return InvalidEntry(entry, "ref_entry", "is required for a reverse");
      }
      return Status::OK();
    case EntryKind::kAdjust:
      return Status::OK();
    case EntryKind::kUnknown:
      break;
  }
  return InvalidEntry(entry, "kind", "is not a known entry kind");
}

// Only earns and their reversals move qualifying spend (see LedgerEntry).
Status ValidateAmount(const LedgerEntry& entry) {
  switch (entry.kind) {
    case EntryKind::kEarn:
      if (entry.amount_minor < 0) {
        return InvalidEntry(entry, "amount_minor", "must be >= 0 for an earn");
      }
      return Status::OK();
    case EntryKind::kReverse:
      if (entry.amount_minor > 0) {
        return InvalidEntry(entry, "amount_minor", "must be <= 0 for a reverse");
      }
      return Status::OK();
    default:
      if (entry.amount_minor != 0) {
        return InvalidEntry(entry, "amount_minor", "must be 0 for this kind");
      }
      return Status::OK();
  }
}

}  // namespace

std::string_view EntryKindName(EntryKind kind) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";  // Only for a value cast from outside the enum.
}

Result<EntryKind> ParseEntryKind(std::string_view name) {
  for (const KindName& k : kKindNames) {
    if (k.name == name) return k.kind;
  }
  return Status::InvalidArgument("unknown entry kind '" + Printable(name) + "'",
                                 "invalid_entry_kind");
}

std::string MakeEntryId(std::string_view origin, int64_t seq) {
  std::string id(origin);
  id += '/';
  id += std::to_string(seq);
  return id;
}

namespace {

// id == MakeEntryId(origin, seq), without building the string.
bool IsEntryId(std::string_view id, std::string_view origin, int64_t seq) {
  char digits[24];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), seq);
  const std::string_view number(digits, static_cast<size_t>(end - digits));
  return ec == std::errc() && id.size() == origin.size() + 1 + number.size() &&
         id.starts_with(origin) && id[origin.size()] == '/' && id.ends_with(number);
}

}  // namespace

int64_t BalanceEffect(const LedgerEntry& entry) {
  return entry.kind == EntryKind::kTransfer ? 0 : entry.points;
}

int64_t RightsEffect(const LedgerEntry& entry, std::string_view holder) {
  if (entry.kind != EntryKind::kTransfer) return entry.origin == holder ? entry.points : 0;
  // Both terms apply to a transfer to oneself (which ValidateEntry refuses),
  // so the sum over holders still equals the zero balance effect.
  int64_t effect = 0;
  if (entry.origin == holder) effect = WrappingNeg(entry.points);
  if (entry.to_holder == holder) {
    effect =
        static_cast<int64_t>(static_cast<uint64_t>(effect) + static_cast<uint64_t>(entry.points));
  }
  return effect;
}

Status ValidateEntry(const LedgerEntry& entry) {
  if (entry.origin.empty()) return InvalidEntry(entry, "origin", "is required");
  if (entry.seq < 1) return InvalidEntry(entry, "seq", "must be >= 1");
  // The id is derived, never chosen: two writers cannot mint the same id for
  // different facts unless they share an origin, which the origin forbids.
  if (!IsEntryId(entry.entry_id, entry.origin, entry.seq)) {
    return InvalidEntry(entry, "entry_id", "must be '<origin>/<seq>'");
  }
  if (entry.member_id.empty()) return InvalidEntry(entry, "member_id", "is required");
  if (entry.store_id.empty()) return InvalidEntry(entry, "store_id", "is required");
  if (entry.terminal_id.empty()) return InvalidEntry(entry, "terminal_id", "is required");
  PATRON_RETURN_IF_ERROR(ValidatePoints(entry));
  PATRON_RETURN_IF_ERROR(ValidateAmount(entry));
  return Status::OK();
}

}  // namespace patron
