// Password hashes (service/password_hash.h): PBKDF2-HMAC-SHA256 in a
// self-describing text, checked against the RFC 7914 §11 test vector, with
// the work factor read back from the hash.
#include "service/password_hash.h"

#include <doctest/doctest.h>

#include <array>
#include <string>

namespace patron::sync {
namespace {

TEST_CASE("password hashes: PBKDF2-HMAC-SHA256 as the RFC test vector gives it") {
  // RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64);
  // its first 32 bytes are the key kept here.
  const std::string salt = "salt";
  const std::string hash =
      HashPassword("passwd", {reinterpret_cast<const uint8_t*>(salt.data()), salt.size()}, 1);
  CHECK(
      hash ==
      "pbkdf2-sha256$1$73616c74$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  CHECK(VerifyPassword("passwd", hash));
  CHECK_FALSE(VerifyPassword("passwd ", hash));
  CHECK_FALSE(VerifyPassword("", hash));
}

TEST_CASE("password hashes: each salt gives another hash; malformed hashes match nothing") {
  const std::array<uint8_t, kPasswordSaltBytes> a{1};
  const std::array<uint8_t, kPasswordSaltBytes> b{2};
  const std::string one = HashPassword("correct horse", a, 1000);
  const std::string two = HashPassword("correct horse", b, 1000);
  CHECK(one != two);
  CHECK(VerifyPassword("correct horse", one));
  CHECK(VerifyPassword("correct horse", two));
  CHECK(one.starts_with("pbkdf2-sha256$1000$"));
  for (const char* bad :
       {"", "pbkdf2-sha256", "pbkdf2-sha256$1000$00", "md5$1$00$00", "pbkdf2-sha256$0$00$00",
        "pbkdf2-sha256$x$00$00", "pbkdf2-sha256$1$zz$00", "pbkdf2-sha256$1$00$",
        "pbkdf2-sha256$1$00$0", "pbkdf2-sha256$99999999999$00$00"}) {
    CHECK_FALSE_MESSAGE(VerifyPassword("", bad), bad);
  }
}

}  // namespace
}  // namespace patron::sync
