// Password hashes for head office's accounts: PBKDF2-HMAC-SHA256 (OpenSSL)
// with a per-account random salt, kept in one self-describing text
//
//   pbkdf2-sha256$<iterations>$<salt, hex>$<derived key, hex>
//
// so the work factor can grow later without invalidating stored hashes (a
// hash records the iterations it was made with).
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_PASSWORD_HASH_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_PASSWORD_HASH_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace patron::sync {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about 0.1-0.3 s of one core
// per login, which is what a wrong guess then costs too.
inline constexpr int kPasswordIterations = 600'000;
inline constexpr size_t kPasswordSaltBytes = 16;

// The encoded hash of `password` with `salt` and `iterations` (>= 1).
std::string HashPassword(std::string_view password, std::span<const uint8_t> salt,
                         int iterations = kPasswordIterations);

// True if `encoded` (HashPassword's form) is the hash of `password`. The
// derived keys are compared in constant time; a malformed `encoded` is
// false.
bool VerifyPassword(std::string_view password, std::string_view encoded);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_PASSWORD_HASH_H_
