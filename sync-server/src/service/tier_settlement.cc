#include "service/tier_settlement.h"

#include <algorithm>
#include <string_view>

#include "patron/local_time.h"
#include "patron/tier_standing.h"

namespace patron::sync {
namespace {

bool Counts(const LedgerEntry& e, int64_t since_ms) {
  return e.amount_minor != 0 && e.wall_ms >= since_ms;
}

// The entry of this fold that took the spend to `threshold`: walking the
// fold's entries in wall time order from the window's spend without them,
// the purchase at which the running spend first reached it. Empty if no
// single entry did (or the sums leave int64).
std::string CausingEntry(std::span<const StoredEntry* const> folded, const FoldedSpend& spend,
                         int64_t threshold) {
  int64_t running = spend.window.spend_minor;
  for (const StoredEntry* e : folded) {
    if (Counts(e->entry, spend.window_since_ms) &&
        __builtin_sub_overflow(running, e->entry.amount_minor, &running)) {
      return "";
    }
  }
  for (const StoredEntry* e : folded) {
    if (!Counts(e->entry, spend.window_since_ms)) continue;
    if (__builtin_add_overflow(running, e->entry.amount_minor, &running)) return "";
    if (e->entry.amount_minor > 0 && running >= threshold) return e->entry.entry_id;
  }
  return "";
}

bool Reverses(std::span<const StoredEntry* const> folded, std::string_view entry_id) {
  return std::any_of(folded.begin(), folded.end(), [entry_id](const StoredEntry* e) {
    // A reversal of points only (head office's correction of excess
    // refunds) returns no purchase.
    return e->entry.kind == EntryKind::kReverse && e->entry.ref_entry == entry_id &&
           e->entry.amount_minor < 0;
  });
}

}  // namespace

void SettleTier(const Rules& rules, MemberRecord& member,
                std::span<const StoredEntry* const> folded, const FoldedSpend& spend,
                int64_t now_ms) {
  MemberState& m = member.state;
  // A row from before tiers were held holds nothing yet: its stored spend
  // may be stale, and was all its tier ever rested on.
  TierStanding held{m.tier.empty() ? rules.tiers.front().name : m.tier, m.tier_until_ms};
  const size_t reached = TierRank(rules, TierFor(rules, spend.window.spend_minor).name);
  if (!member.upgrade.entry_id.empty() && reached < TierRank(rules, held.tier) &&
      Reverses(folded, member.upgrade.entry_id)) {
    held = member.upgrade.before;
    member.upgrade = {};
  }
  const TierStanding next = NextStanding(rules, held, spend.window.spend_minor, now_ms);
  if (TierRank(rules, next.tier) > TierRank(rules, held.tier)) {
    const TierRule& tier = rules.tiers[TierRank(rules, next.tier)];
    member.upgrade = {CausingEntry(folded, spend, tier.min_spend_minor), held};
  } else if (next.until_ms != held.until_ms) {
    member.upgrade = {};  // reviewed: the upgrade stands
  }
  m.tier = next.tier;
  m.tier_until_ms = next.until_ms;

  const int64_t spend_changes_ms =
      spend.window.earliest_ms == 0
          ? 0
          : spend.window.earliest_ms + rules.qualifying_window_days * kMsPerDay + 1;
  const int64_t review_ms = next.until_ms == 0 ? 0 : next.until_ms + 1;  // NextStanding's
  member.review_at_ms = review_ms == 0 || spend_changes_ms == 0
                            ? std::max(review_ms, spend_changes_ms)
                            : std::min(review_ms, spend_changes_ms);
}

}  // namespace patron::sync
