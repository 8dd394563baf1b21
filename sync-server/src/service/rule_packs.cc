// Rule packs at head office (DESIGN.md §9): publishing, listing, dry runs.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "patron/local_time.h"
#include "patron/rules_codec.h"
#include "patron/sync/down_items.h"
#include "patron/sync_server/sync_service.h"
#include "patron/tier_standing.h"
#include "patron/uuid.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

// Each version is its own item, so a till that pulls late gets the pack in
// force as well as any waiting for their activate_at.
std::string PackItemKey(int64_t version) { return "pack/" + std::to_string(version); }

Status InvalidDryRun(std::string message) {
  return Status::InvalidArgument(std::move(message), "invalid_field");
}

// A pack time of the request, read in `offset_minutes` unless it names one.
Result<int64_t> RequestTime(std::string_view field, const std::string& text,
                            int64_t offset_minutes) {
  Result<int64_t> ms = ParsePackTime(text, offset_minutes);
  if (!ms.ok()) {
    return InvalidDryRun("field '" + std::string(field) + "': " + ms.status().message());
  }
  return *ms;
}

// The pack to evaluate under, and the request's time in force: a time
// without an offset is read in the pack's (for the pack in force at a time,
// first in the newest pack's, to choose it).
Result<Rules> PackForDryRun(ChannelTxn& txn, const DryRunRequest& request, int64_t now_ms,
                            int64_t& at_ms) {
  if (request.draft && request.version) {
    return InvalidDryRun("give either a draft 'pack' or a published 'version', not both");
  }
  const auto resolve_at = [&](const Rules& pack) -> Status {
    at_ms = now_ms;
    if (request.at) {
      PATRON_ASSIGN_OR_RETURN(at_ms, RequestTime("at", *request.at, pack.utc_offset_minutes));
    }
    return Status::OK();
  };
  if (request.draft) {
    PATRON_RETURN_IF_ERROR(ValidateRules(*request.draft));
    PATRON_RETURN_IF_ERROR(resolve_at(*request.draft));
    return *request.draft;
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(txn));
  if (!request.version) {
    PATRON_RETURN_IF_ERROR(resolve_at(packs.empty() ? DefaultRules() : packs.back()));
    const Rules* active = ActivePack(packs, at_ms);
    const Rules pack = active != nullptr ? *active : DefaultRules();
    PATRON_RETURN_IF_ERROR(resolve_at(pack));
    return pack;
  }
  for (Rules& pack : packs) {
    if (pack.version != *request.version) continue;
    PATRON_RETURN_IF_ERROR(resolve_at(pack));
    return std::move(pack);
  }
  if (*request.version == DefaultRules().version) {
    PATRON_RETURN_IF_ERROR(resolve_at(DefaultRules()));
    return DefaultRules();
  }
  return Status::NotFound("no rule pack version " + std::to_string(*request.version),
                          "unknown_pack_version");
}

}  // namespace

Status SyncService::PublishRules(const Rules& rules) {
  PATRON_RETURN_IF_ERROR(ValidateRules(rules));
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
  PATRON_ASSIGN_OR_RETURN(auto newest, txn->ActiveRules());
  const int64_t current = newest ? newest->first : DefaultRules().version;
  if (rules.version <= current) {
    return Status::Conflict("rules version " + std::to_string(rules.version) +
                                " is not above the newest published version " +
                                std::to_string(current),
                            "stale_rules");
  }
  // A held tier the pack does not name would read as the first tier on
  // every till the moment the pack starts: members would lose it unreviewed.
  PATRON_ASSIGN_OR_RETURN(const std::vector<std::string> held, txn->HeldTiers());
  for (const std::string& tier : held) {
    if (!FindTier(rules, tier).ok()) {
      return Status::InvalidArgument(
          "rules: field 'tiers' must keep tier '" + tier + "': members hold it until their review",
          "invalid_rules");
    }
  }
  PATRON_RETURN_IF_ERROR(CheckBudgetsKept(*txn, rules));
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  const std::string body = EncodeRules(rules);
  PATRON_RETURN_IF_ERROR(txn->PutRules(rules.version, body, NowMs()));
  // Down the channel to every till (terminals before it read the pull's
  // "rules" field, which the store's newest rules still fill).
  PATRON_RETURN_IF_ERROR(PublishItem(*txn, {0,
                                            std::string(kRulesItem),
                                            std::string(kAudienceAll),
                                            "",
                                            PackItemKey(rules.version),
                                            {body}})
                             .status());
  return CommitWrite(*txn);
}

Result<std::vector<PublishedPack>> SyncService::Packs() {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(std::vector<StoredRules> stored, txn->AllRules());
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(*txn));
  const int64_t now_ms = NowMs();
  const Rules* active = ActivePack(packs, now_ms);
  std::vector<PublishedPack> listed;
  for (size_t i = 0; i < packs.size(); ++i) {
    std::string_view state = kPackSuperseded;
    if (active != nullptr && packs[i].version == active->version) {
      state = kPackActive;
    } else if (ActivationMs(packs[i]) > now_ms &&
               (active == nullptr || packs[i].version > active->version)) {
      // A newer pack starting no later takes its place before it starts.
      const auto overtakes = [&](const Rules& other) {
        return other.version > packs[i].version && ActivationMs(other) <= ActivationMs(packs[i]);
      };
      if (std::none_of(packs.begin(), packs.end(), overtakes)) state = kPackScheduled;
    }
    listed.push_back({std::move(packs[i]), stored[i].stored_ms, std::string(state)});
  }
  return listed;
}

Result<DryRunResult> SyncService::DryRun(const DryRunRequest& request) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  DryRunResult result;
  PATRON_ASSIGN_OR_RETURN(const Rules pack, PackForDryRun(*txn, request, NowMs(), result.at_ms));
  result.utc_offset_minutes = pack.utc_offset_minutes;
  EvalMember& member = result.member;
  // As tills spell it: the holdout hashes this text.
  Result<Uuid> member_id = Uuid::Parse(request.member_id);
  if (!member_id.ok()) return InvalidDryRun("field 'member.member_id' is not a member id");
  member.member_id = member_id->ToString();
  member.tier = pack.tiers.front().name;
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> known, txn->FindMember(member.member_id));
  if (known) {
    result.member_known = true;
    member.tier = CurrentTier(pack, TierStanding{known->state.tier, known->state.tier_until_ms},
                              known->state.spend_minor)
                      .name;
    member.birthday = known->state.birthday.value;
    member.enrolled_ms = known->state.enrolled_ms;
    member.last_purchase_ms = known->state.last_purchase_ms;
  }
  if (request.tier) {
    Result<TierRule> tier = FindTier(pack, *request.tier);
    if (!tier.ok()) return Status::InvalidArgument(tier.status().message(), "unknown_tier");
    member.tier = tier->name;
  }
  if (request.birthday) {
    int month = 0, day = 0;
    if (!ParseBirthday(*request.birthday, month, day)) {
      return InvalidDryRun("field 'member.birthday' must be a date like 1990-05-17");
    }
    member.birthday = request.birthday;
  }
  if (request.enrolled_at) {
    PATRON_ASSIGN_OR_RETURN(
        member.enrolled_ms,
        RequestTime("member.enrolled_at", *request.enrolled_at, pack.utc_offset_minutes));
  }
  if (request.last_purchase_at) {
    member.last_purchase_ms = 0;  // "": never bought
    if (!request.last_purchase_at->empty()) {
      PATRON_ASSIGN_OR_RETURN(member.last_purchase_ms,
                              RequestTime("member.last_purchase_at", *request.last_purchase_at,
                                          pack.utc_offset_minutes));
    }
  }
  member.segments = request.segments;
  // Every award head office holds counts toward the campaigns' limits.
  for (const Campaign& campaign : pack.campaigns) {
    if (campaign.limit.times <= 0) continue;
    PATRON_ASSIGN_OR_RETURN(std::vector<StoredEntry> awards,
                            txn->BonusesOfMember(member.member_id, campaign.id));
    for (const StoredEntry& award : awards)
      member.uses.push_back({campaign.id, award.entry.wall_ms});
  }
  EvalBasket basket = request.basket;
  for (const Campaign& campaign : pack.campaigns) {
    if (campaign.budget.points <= 0) continue;
    PATRON_ASSIGN_OR_RETURN(const int64_t left, BudgetLeftInAll(*txn, campaign));
    basket.budgets.push_back({campaign.id, left});
  }
  PATRON_ASSIGN_OR_RETURN(result.evaluation, Evaluate(pack, member, basket, result.at_ms));
  if (const int64_t off = result.evaluation.discount_minor; off > 0) {
    // Money off comes before points (evaluate.h): the basket's points pay
    // what is left of it.
    basket.paid_minor = std::max<int64_t>(0, basket.paid_minor - off);
    PATRON_ASSIGN_OR_RETURN(result.evaluation, Evaluate(pack, member, basket, result.at_ms));
  }
  return result;
}

}  // namespace patron::sync
