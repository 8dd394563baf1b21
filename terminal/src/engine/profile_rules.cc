#include "engine/profile_rules.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace patron::terminal {
namespace {

Status Invalid(std::string message, std::string_view reason) {
  return Status::InvalidArgument(std::move(message), reason);
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<std::string> NormalizeName(std::string_view name) {
  while (!name.empty() && IsBlank(name.front())) name.remove_prefix(1);
  while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
  if (name.empty()) return Invalid("name must not be empty", "invalid_name");
  if (name.size() > kMaxNameLength) {
    return Invalid("name is longer than " + std::to_string(kMaxNameLength) + " bytes",
                   "invalid_name");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid("name contains a control character", "invalid_name");
    }
  }
  return std::string(name);
}

Status ValidateBirthday(std::string_view birthday, int64_t today_ms) {
  const Status bad = Invalid("birthday must be a date as YYYY-MM-DD", "invalid_birthday");
  if (birthday.size() != 10 || birthday[4] != '-' || birthday[7] != '-') return bad;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (birthday[i] < '0' || birthday[i] > '9') return bad;
  }
  auto number = [&](size_t pos, size_t len) {
    int value = 0;
    for (size_t i = pos; i < pos + len; ++i) value = value * 10 + (birthday[i] - '0');
    return value;
  };
  using namespace std::chrono;
  const year_month_day date{year{number(0, 4)}, month{static_cast<unsigned>(number(5, 2))},
                            day{static_cast<unsigned>(number(8, 2))}};
  if (!date.ok() || date.year() < year{1900}) return bad;
  const sys_days today = floor<days>(sys_time<milliseconds>(milliseconds(today_ms)));
  if (sys_days(date) > today) {
    return Invalid("birthday must not be in the future", "invalid_birthday");
  }
  return Status::OK();
}

Status ValidateEmail(std::string_view email) {
  const Status bad = Invalid("email is not a valid address", "invalid_email");
  if (email.size() > kMaxEmailLength) return bad;
  const size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) {
    return bad;
  }
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return bad;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad;
  }
  return Status::OK();
}

Status ValidateGender(std::string_view gender) {
  static constexpr std::array<std::string_view, 4> kAllowed = {"female", "male", "other",
                                                               "undisclosed"};
  for (std::string_view allowed : kAllowed) {
    if (gender == allowed) return Status::OK();
  }
  return Invalid("gender must be one of female, male, other, undisclosed", "invalid_gender");
}

Status ValidateCard(std::string_view card) {
  const Status bad = Invalid("card number must be 4 to 32 letters, digits or dashes", "invalid_card");
  if (card.size() < 4 || card.size() > kMaxCardLength) return bad;
  for (char c : card) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    c == '-';
    if (!ok) return bad;
  }
  return Status::OK();
}

Result<ProfilePatch> NormalizePatch(const ProfilePatch& patch, int64_t today_ms) {
  ProfilePatch out = patch;
  if (patch.name) {
    PATRON_ASSIGN_OR_RETURN(out.name, NormalizeName(*patch.name));
  }
  if (patch.birthday && !patch.birthday->empty()) {
    PATRON_RETURN_IF_ERROR(ValidateBirthday(*patch.birthday, today_ms));
  }
  if (patch.email && !patch.email->empty()) PATRON_RETURN_IF_ERROR(ValidateEmail(*patch.email));
  if (patch.gender && !patch.gender->empty()) {
    PATRON_RETURN_IF_ERROR(ValidateGender(*patch.gender));
  }
  return out;
}

}  // namespace patron::terminal
