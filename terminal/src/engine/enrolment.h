// Enrolment, look-up and profile updates.
#ifndef PATRON_TERMINAL_SRC_ENGINE_ENROLMENT_H_
#define PATRON_TERMINAL_SRC_ENGINE_ENROLMENT_H_

#include <string_view>

#include "engine/context.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

// With a phone, the member id is derived from it (DESIGN.md §2), so enrolling
// a phone already known returns that member (created = false) and two
// offline terminals enrolling the same phone converge on one member. Card-only
// members get a UUIDv7.
Result<EnrolResult> Enrol(EngineContext& ctx, const EnrolRequest& request);
Result<Member> UpdateProfile(EngineContext& ctx, std::string_view member_id,
                             const ProfilePatch& patch);
Result<Member> FindByPhone(EngineContext& ctx, std::string_view phone);
Result<Member> FindByCard(EngineContext& ctx, std::string_view card);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_ENROLMENT_H_
