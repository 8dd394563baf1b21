// The credentials of an HTTP request: `Authorization: Bearer <token>`
// (RFC 6750 §2.1). Shared by every server that checks a token, so that all
// of them accept and refuse the same headers.
#ifndef PATRON_BEARER_H_
#define PATRON_BEARER_H_

#include <string_view>

#include "patron/status.h"

namespace patron {

// The token of an Authorization header value. The scheme is matched without
// regard to case (RFC 9110 §11.1) and must be followed by one or more
// spaces and a non-empty token without spaces. Errors are Unauthenticated:
//   "missing_token"  no header (empty value);
//   "invalid_token"  another scheme (Basic, a bare token, ...) or no token,
//                    with a message saying what to send.
// `what` names the token in messages ("the terminal's token").
Result<std::string_view> BearerToken(std::string_view authorization, std::string_view what);

// True if `token`'s SHA-256 (hex) is `sha256_hex`, compared without an
// early exit; false when `sha256_hex` is empty. Servers keep only the hash.
bool TokenMatchesSha256(std::string_view token, std::string_view sha256_hex);

}  // namespace patron

#endif  // PATRON_BEARER_H_
