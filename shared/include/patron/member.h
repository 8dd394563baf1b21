// A member's profile: identity and last-writer-wins profile registers
// (DESIGN.md §2, §4), the part of a member that every replica holds alike.
// The server's member row (sync/protocol.h MemberState) and the terminal's
// replica row (terminal/src/store/member_store.h MemberRow) extend it with
// their own figures.
#ifndef PATRON_MEMBER_H_
#define PATRON_MEMBER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "patron/lww.h"
#include "patron/record/field.h"

namespace patron {

// Who a member is and where they enrolled, as the enrolling terminal
// announces it (the profile change "identity"). Phone and card, once known,
// never change; of two enrolments of one member the earliest (time, store)
// is kept.
struct MemberIdentity {
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> card;
  std::string enrolled_store;
  int64_t enrolled_ms = 0;
  friend bool operator==(const MemberIdentity&, const MemberIdentity&) = default;
};

struct MemberProfile {
  std::string member_id;
  std::optional<std::string> phone;
  std::optional<std::string> card;
  std::string status = "active";
  std::string enrolled_store;  // "" until the member's enrolment arrives
  int64_t enrolled_ms = 0;
  LwwRegister<std::string> name;
  LwwRegister<std::optional<std::string>> birthday;  // YYYY-MM-DD
  LwwRegister<std::optional<std::string>> email;
  LwwRegister<std::optional<std::string>> gender;
  LwwRegister<bool> sms_consent;
  LwwRegister<bool> email_consent;
  friend bool operator==(const MemberProfile&, const MemberProfile&) = default;
};

}  // namespace patron

namespace patron::record {

template <>
struct Schema<MemberIdentity> {
  static constexpr std::string_view kName = "identity";
  static constexpr auto kFields = record::FieldList{
      Field<&MemberIdentity::phone>{"phone"},
      Field<&MemberIdentity::card>{"card"},
      Field<&MemberIdentity::enrolled_store>{"enrolled_store"},
      Field<&MemberIdentity::enrolled_ms>{"enrolled_ms"},
  };
};

// The profile's fields, in the column order of every members table (the
// terminal's replica, the server's rows, the member snapshot), which append
// their own figures after them. A field added later goes in
// kMemberProfileAdditions below (kOptional, so older peers are understood),
// whose columns every members table appends after its figures; with a
// migration for each table, that is all it takes.
inline constexpr auto kMemberProfileFieldsV1 = record::FieldList{
    Field<&MemberProfile::member_id>{"member_id"},
    Field<&MemberProfile::phone>{"phone"},
    Field<&MemberProfile::card>{"card"},
    Field<&MemberProfile::status>{"status"},
    Field<&MemberProfile::enrolled_store>{"enrolled_store"},
    Field<&MemberProfile::enrolled_ms>{"enrolled_ms"},
    Field<&MemberProfile::name>{"name"},
    Field<&MemberProfile::birthday>{"birthday"},
    Field<&MemberProfile::email>{"email"},
    Field<&MemberProfile::gender>{"gender"},
    Field<&MemberProfile::sms_consent>{"sms_consent"},
    Field<&MemberProfile::email_consent>{"email_consent"},
};
inline constexpr auto kMemberProfileAdditions = record::FieldList{};

template <>
struct Schema<MemberProfile> {
  static constexpr std::string_view kName = "member";
  static constexpr auto kFields = record::Concat(kMemberProfileFieldsV1, kMemberProfileAdditions);
};

}  // namespace patron::record

#endif  // PATRON_MEMBER_H_
