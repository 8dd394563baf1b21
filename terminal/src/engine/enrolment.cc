#include "engine/enrolment.h"

#include <algorithm>
#include <vector>

#include "engine/member_view.h"
#include "engine/profile_rules.h"
#include "patron/member_id.h"
#include "patron/phone.h"

namespace patron::terminal {
namespace {

std::optional<std::string> EmptyAsNull(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

// The outbox's value of an optional text register.
sync::ProfileValue Value(const std::optional<std::string>& value) {
  if (value) return *value;
  return std::monostate();
}

struct FieldChange {
  std::string_view field;
  sync::ProfileValue value;
};

// The newest stamp among the registers `patch` overwrites.
HlcTimestamp LatestStamp(const ProfilePatch& patch, const MemberRow& row) {
  HlcTimestamp latest;
  if (patch.name) latest = std::max(latest, row.name.hlc);
  if (patch.birthday) latest = std::max(latest, row.birthday.hlc);
  if (patch.email) latest = std::max(latest, row.email.hlc);
  if (patch.gender) latest = std::max(latest, row.gender.hlc);
  if (patch.sms_consent) latest = std::max(latest, row.sms_consent.hlc);
  if (patch.email_consent) latest = std::max(latest, row.email_consent.hlc);
  return latest;
}

// Applies every field set in `patch` to `row` as a write stamped (hlc,
// origin) and returns the changes to queue for the server.
std::vector<FieldChange> ApplyPatch(const ProfilePatch& patch, HlcTimestamp hlc,
                                    const std::string& origin, MemberRow& row) {
  std::vector<FieldChange> changes;
  if (patch.name) {
    row.name = {*patch.name, hlc, origin};
    changes.push_back({"name", *patch.name});
  }
  auto text_field = [&](const std::optional<std::string>& value,
                        LwwRegister<std::optional<std::string>>& reg, std::string_view field) {
    if (!value) return;
    reg = {EmptyAsNull(*value), hlc, origin};
    changes.push_back({field, Value(reg.value)});
  };
  text_field(patch.birthday, row.birthday, "birthday");
  text_field(patch.email, row.email, "email");
  text_field(patch.gender, row.gender, "gender");
  if (patch.sms_consent) {
    row.sms_consent = {*patch.sms_consent, hlc, origin};
    changes.push_back({"sms_consent", *patch.sms_consent});
  }
  if (patch.email_consent) {
    row.email_consent = {*patch.email_consent, hlc, origin};
    changes.push_back({"email_consent", *patch.email_consent});
  }
  return changes;
}

Status QueueChanges(EngineContext& ctx, const std::string& member_id,
                    const std::vector<FieldChange>& changes, HlcTimestamp hlc) {
  for (const FieldChange& change : changes) {
    PATRON_RETURN_IF_ERROR(ctx.members.AppendOutbox(member_id, change.field, change.value, hlc));
  }
  return Status::OK();
}

bool PatchIsEmpty(const ProfilePatch& p) {
  return !p.name && !p.birthday && !p.email && !p.gender && !p.sms_consent && !p.email_consent;
}

Result<EnrolResult> Existing(EngineContext& ctx, const std::string& member_id) {
  PATRON_ASSIGN_OR_RETURN(Member member, LoadMember(ctx, member_id));
  return EnrolResult{std::move(member), false};
}

}  // namespace

Result<EnrolResult> Enrol(EngineContext& ctx, const EnrolRequest& request) {
  if (!request.phone && !request.card) {
    return Status::InvalidArgument("a phone number or a card number is required",
                                   "missing_identity");
  }
  if (!request.profile.name) return Status::InvalidArgument("name is required", "invalid_name");
  PATRON_ASSIGN_OR_RETURN(ProfilePatch profile, NormalizePatch(request.profile, ctx.NowMs()));
  std::optional<std::string> phone;
  if (request.phone) {
    PATRON_ASSIGN_OR_RETURN(phone,
                            NormalizePhone(*request.phone, ctx.identity.default_country_code));
  }
  if (request.card) PATRON_RETURN_IF_ERROR(ValidateCard(*request.card));

  return InWriteTransaction(ctx, [&]() -> Result<EnrolResult> {
    std::string member_id;
    if (phone) {
      member_id = DeriveMemberId(ctx.identity.chain_key, *phone).ToString();
      PATRON_ASSIGN_OR_RETURN(std::optional<MemberRow> known, ctx.members.Get(member_id));
      if (known) return Existing(ctx, member_id);
    }
    if (request.card) {
      PATRON_ASSIGN_OR_RETURN(std::optional<std::string> holder,
                              ctx.members.FindIdByCard(*request.card));
      if (holder && !phone) return Existing(ctx, *holder);
      if (holder) {
        return Status::Conflict("card " + *request.card + " belongs to another member",
                                "card_in_use");
      }
    }
    if (!phone) member_id = ctx.uuids.Next().ToString();

    const HlcTimestamp hlc = ctx.clock.Now();
    MemberRow row;
    row.member_id = member_id;
    row.phone = phone;
    row.card = request.card;
    row.enrolled_store = ctx.identity.store_id;
    row.enrolled_ms = ctx.NowMs();
    // Only the fields the request sets are written (stamped hlc, origin us);
    // the others keep the zero stamp, "never written", so that any real write
    // made elsewhere, however old, wins over them when replicas merge.
    const std::vector<FieldChange> changes =
        ApplyPatch(profile, hlc, ctx.identity.terminal_id, row);
    PATRON_RETURN_IF_ERROR(ctx.members.Insert(row));
    // The server learns the member's identity first, then each register.
    const MemberIdentity identity{row.phone, row.card, row.enrolled_store, row.enrolled_ms};
    PATRON_RETURN_IF_ERROR(
        ctx.members.AppendOutbox(member_id, sync::kIdentityField, identity, hlc));
    PATRON_RETURN_IF_ERROR(QueueChanges(ctx, member_id, changes, hlc));
    PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(ctx, row));
    return EnrolResult{ToMember(ctx, row, figures), true};
  });
}

Result<Member> UpdateProfile(EngineContext& ctx, std::string_view member_id,
                             const ProfilePatch& patch) {
  if (PatchIsEmpty(patch)) {
    return Status::InvalidArgument("the update changes no field", "empty_update");
  }
  PATRON_ASSIGN_OR_RETURN(ProfilePatch normalized, NormalizePatch(patch, ctx.NowMs()));
  return InWriteTransaction(ctx, [&]() -> Result<Member> {
    PATRON_ASSIGN_OR_RETURN(MemberRow row, LoadMemberRow(ctx, member_id));
    const HlcTimestamp hlc = ctx.clock.NowAfter(LatestStamp(normalized, row));
    const std::vector<FieldChange> changes =
        ApplyPatch(normalized, hlc, ctx.identity.terminal_id, row);
    PATRON_RETURN_IF_ERROR(ctx.members.Update(row));
    PATRON_RETURN_IF_ERROR(QueueChanges(ctx, row.member_id, changes, hlc));
    PATRON_ASSIGN_OR_RETURN(MemberFigures figures, ComputeFigures(ctx, row));
    return ToMember(ctx, row, figures);
  });
}

Result<Member> FindByPhone(EngineContext& ctx, std::string_view phone) {
  PATRON_ASSIGN_OR_RETURN(std::string e164,
                          NormalizePhone(phone, ctx.identity.default_country_code));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> id, ctx.members.FindIdByPhone(e164));
  if (!id) return Status::NotFound("no member with this phone number", "unknown_member");
  return LoadMember(ctx, *id);
}

Result<Member> FindByCard(EngineContext& ctx, std::string_view card) {
  PATRON_RETURN_IF_ERROR(ValidateCard(card));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> id, ctx.members.FindIdByCard(card));
  if (!id) return Status::NotFound("no member with card " + std::string(card), "unknown_member");
  return LoadMember(ctx, *id);
}

}  // namespace patron::terminal
