#include "patron/bearer.h"

#include <string>

#include "patron/digest.h"

namespace patron {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

Result<std::string_view> BearerToken(std::string_view authorization, std::string_view what) {
  const std::string how = "send " + std::string(what) + " as Authorization: Bearer <token>";
  if (authorization.empty()) return Status::Unauthenticated(how, "missing_token");
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos ||
      !EqualsIgnoringCase(authorization.substr(0, space), "bearer")) {
    // A bare token used to be taken as one; a header every proxy and log
    // reader parses the same way is worth one refusal with a clear reason.
    return Status::Unauthenticated("the Authorization header must use the Bearer scheme: " + how,
                                   "invalid_token");
  }
  std::string_view token = authorization.substr(space);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.find(' ') != std::string_view::npos) {
    return Status::Unauthenticated("the Authorization header carries no single token: " + how,
                                   "invalid_token");
  }
  return token;
}

bool TokenMatchesSha256(std::string_view token, std::string_view sha256_hex) {
  if (sha256_hex.empty()) return false;
  const std::string digest = Sha256Hex(token);
  if (digest.size() != sha256_hex.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < digest.size(); ++i) {
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(digest[i]) ^ static_cast<unsigned char>(sha256_hex[i])));
  }
  return diff == 0;
}

}  // namespace patron
