// Rule packs at head office (DESIGN.md §9): publishing, listing, dry runs.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "patron/rules_codec.h"
#include "patron/sync/down_items.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"

namespace patron::sync {
namespace {

// Each version is its own item, so a till that pulls late gets the pack in
// force as well as any waiting for their activate_at.
std::string PackItemKey(int64_t version) { return "pack/" + std::to_string(version); }

Result<Rules> PackForDryRun(ChannelTxn& txn, const DryRunRequest& request) {
  if (request.draft) {
    PATRON_RETURN_IF_ERROR(ValidateRules(*request.draft));
    return *request.draft;
  }
  PATRON_ASSIGN_OR_RETURN(std::vector<Rules> packs, PublishedRulesIn(txn));
  if (!request.version) {
    const Rules* active = ActivePack(packs, request.at_ms);
    return active != nullptr ? *active : DefaultRules();
  }
  for (Rules& pack : packs) {
    if (pack.version == *request.version) return std::move(pack);
  }
  if (*request.version == DefaultRules().version) return DefaultRules();
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
  const MemberFolder::WriteActivity activity(folder_);
  PATRON_RETURN_IF_ERROR(clock_.Resume(*txn));
  const std::string body = EncodeRules(rules);
  PATRON_RETURN_IF_ERROR(txn->PutRules(rules.version, body));
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
      state = kPackScheduled;
    }
    listed.push_back({std::move(packs[i]), stored[i].stored_ms, std::string(state)});
  }
  return listed;
}

Result<DryRunResult> SyncService::DryRun(const DryRunRequest& request) {
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
  PATRON_ASSIGN_OR_RETURN(const Rules pack, PackForDryRun(*txn, request));
  DryRunResult result;
  EvalMember& member = result.member;
  member.member_id = request.member_id;
  member.tier = pack.tiers.front().name;
  PATRON_ASSIGN_OR_RETURN(std::optional<MemberRecord> known, txn->FindMember(request.member_id));
  if (known) {
    result.member_known = true;
    member.tier = TierFor(pack, known->state.spend_minor).name;
    member.birthday = known->state.birthday.value;
    member.enrolled_ms = known->state.enrolled_ms;
  }
  if (request.tier) {
    PATRON_ASSIGN_OR_RETURN(const TierRule tier, FindTier(pack, *request.tier));
    member.tier = tier.name;
  }
  if (request.birthday) member.birthday = request.birthday;
  if (request.enrolled_ms) member.enrolled_ms = *request.enrolled_ms;
  PATRON_ASSIGN_OR_RETURN(result.evaluation, Evaluate(pack, member, request.basket, request.at_ms));
  return result;
}

}  // namespace patron::sync
