// What a till may write to head office's journal (DESIGN.md §4: head office
// trusts no till). A till's token proves which till is talking, not that
// what it says is true: every entry it pushes is checked against head
// office's own journal and rules before it is stored, and refused (answered
// `rejected`, logged, counted) if a till may not write it:
//
//   - kinds: earn, bonus, redeem, reverse and transfer; adjust and expire
//     are head office's alone (grants, transfers from the server, are
//     already refused with the whole push);
//   - bounds: points, amount and time within EntryLimits;
//   - earn: names its sale, and its points are at most what its rules
//     version gives for its amount at the highest tier multiplier, and
//     exactly what it gives at the tier the earn names;
//   - bonus (a campaign's award at checkout): names its sale and a campaign
//     of its rules version open at its store and time (evaluate.h
//     CampaignOpenAt), gives points, at most what that campaign gives on the
//     money paid it names (CampaignAwardPoints), carries no spend, and is
//     the till's only bonus of that campaign on that sale, and, for a
//     campaign with a budget, within what is left of the till's share of
//     it (refused "budget_exceeded" otherwise). Whether the
//     member's and the basket's conditions held is the till's to judge:
//     head office may not know the member's birthday or the basket yet;
//   - bonus for a voucher (records/voucher.h): names its sale and a voucher
//     of the member that the till holds, unused or used by that sale, gives
//     exactly its bonus_points, and is the voucher's only bonus;
//   - redeem and transfer: covered by the till's rights at head office
//     (ledger.h RightsEffect over every stored entry of the member);
//   - reverse: of a stored earn, bonus or redeem of the same member and sale, of
//     the opposite sign, no larger than it; the reverses the till wrote of
//     one entry never exceed it; and of another till's sale, they are no
//     more than the returns it claimed at head office cover.
//
// Reverses written in two stores at once may together exceed the entry
// they reverse (each till saw the sale whole); that is honest, so it is not
// refused: ExcessReversal says what head office writes back, in the same
// transaction, so that the reversals of an entry never exceed it.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_ENTRY_GUARD_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_ENTRY_GUARD_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "patron/ledger.h"
#include "patron/rules.h"
#include "patron/status.h"
#include "patron/sync_server/entry_policy.h"
#include "patron/sync_server/server_store.h"
#include "patron/sync_server/terminal_registry.h"

namespace patron::sync {

struct EntryRefused {
  EntryRefusal reason;
  std::string message;
};

class EntryGuard {
 public:
  // Checks entries `caller` pushes, in `txn`, against head office's clock
  // reading `now_ms`.
  EntryGuard(StoreTxn& txn, const Caller& caller, const EntryLimits& limits, int64_t now_ms);

  // nullopt: the caller may write `entry`, which is not stored yet. Checked
  // in push order, so an entry sees those stored before it in the push.
  // An error is the store's.
  Result<std::optional<EntryRefused>> Check(const LedgerEntry& entry);
  // After an entry Check let through is stored: counts what it takes from
  // the till's shares (a campaign's award, from its share of the budget).
  Status CountAccepted(const LedgerEntry& entry);

 private:
  std::optional<EntryRefused> CheckBounds(const LedgerEntry& entry) const;
  Result<std::optional<EntryRefused>> CheckEarn(const LedgerEntry& entry);
  Result<std::optional<EntryRefused>> CheckBonus(const LedgerEntry& entry);
  // A credit's lot (lots.h): as its pack version says for its date.
  Result<std::optional<EntryRefused>> CheckLot(const LedgerEntry& entry);
  Result<std::optional<EntryRefused>> CheckVoucherBonus(const LedgerEntry& entry);
  Result<std::optional<EntryRefused>> CheckRights(const LedgerEntry& entry);
  Result<std::optional<EntryRefused>> CheckReverse(const LedgerEntry& entry);
  // Rules `version` as head office published it (DefaultRules for the
  // version every till starts with); nullptr if it never was.
  Result<const Rules*> RulesAt(int64_t version);

  StoreTxn& txn_;
  const Caller& caller_;
  const EntryLimits& limits_;
  int64_t now_ms_;
  std::map<int64_t, std::optional<Rules>> rules_;  // by version, as looked up
};

// The entry head office writes, as kServerOrigin, after a reverse of
// `reversed` is stored, so that the reverses of `reversed` from every store
// take back no more points than it gave (an earn, a bonus) and give back no more
// than it took (a redeem): a reverse of the excess, with detail.reason
// "refund_excess"; nullopt if there is none.
Result<std::optional<LedgerEntry>> ExcessReversal(JournalTxn& txn, const LedgerEntry& reversed);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_ENTRY_GUARD_H_
