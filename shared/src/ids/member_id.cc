#include "patron/member_id.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

namespace patron {
namespace {

constexpr std::string_view kFingerprintDomain = "patron-chain-key-v1:";
constexpr size_t kFingerprintBytes = 8;
constexpr char kHexDigits[] = "0123456789abcdef";

[[noreturn]] void DieCryptoFailure(const char* what) {
  std::fprintf(stderr, "patron: OpenSSL failed to compute %s\n", what);
  std::abort();
}

// OpenSSL treats a null pointer as "no buffer" in places; an empty
// string_view may have one, so always hand it a real address.
const unsigned char* BytesOf(std::string_view text) {
  static const unsigned char kEmpty = 0;
  return text.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

Uuid DeriveMemberId(std::string_view chain_key, std::string_view e164_phone) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // HMAC takes the key length as an int; chain keys are short configuration strings.
  if (chain_key.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      HMAC(EVP_sha256(), BytesOf(chain_key), static_cast<int>(chain_key.size()),
           BytesOf(e164_phone), e164_phone.size(), mac, &mac_len) == nullptr ||
      mac_len != 32) {
    DieCryptoFailure("HMAC-SHA256");
  }
  Uuid uuid;
  for (size_t i = 0; i < uuid.bytes.size(); ++i) uuid.bytes[i] = mac[i];
  uuid.bytes[6] = static_cast<uint8_t>(0x80 | (uuid.bytes[6] & 0x0F));  // version 8
  uuid.bytes[8] = static_cast<uint8_t>(0x80 | (uuid.bytes[8] & 0x3F));  // variant 10
  return uuid;
}

std::string ChainKeyFingerprint(std::string_view chain_key) {
  std::string message(kFingerprintDomain);
  message.append(chain_key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &digest_len, EVP_sha256(), nullptr) != 1 ||
      digest_len != 32) {
    DieCryptoFailure("SHA-256");
  }
  std::string hex;
  hex.reserve(2 * kFingerprintBytes);
  for (size_t i = 0; i < kFingerprintBytes; ++i) {
    hex.push_back(kHexDigits[digest[i] >> 4]);
    hex.push_back(kHexDigits[digest[i] & 0x0F]);
  }
  return hex;
}

}  // namespace patron
