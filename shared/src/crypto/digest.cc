#include "patron/digest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace patron {

namespace {

std::string Hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // EVP_Digest fails only on allocation failure inside OpenSSL.
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return Hex(digest.data(), length);
}

// OpenSSL's failures here are allocation failures; a failed stream yields an
// empty digest, which matches no real one.
struct Sha256Stream::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md != nullptr && EVP_DigestInit_ex(md, EVP_sha256(), nullptr) == 1;
};

Sha256Stream::Sha256Stream() : context_(new Context) {}

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(context_->md);
  delete context_;
}

void Sha256Stream::Update(std::string_view data) {
  if (context_->ok) context_->ok = EVP_DigestUpdate(context_->md, data.data(), data.size()) == 1;
}

std::string Sha256Stream::HexDigest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (!context_->ok || EVP_DigestFinal_ex(context_->md, digest.data(), &length) != 1) return {};
  context_->ok = false;
  return Hex(digest.data(), length);
}

CanonicalHasher& CanonicalHasher::Add(std::string_view field) {
  buffer_ += std::to_string(field.size());
  buffer_ += ':';
  buffer_ += field;
  return *this;
}

CanonicalHasher& CanonicalHasher::Add(int64_t value) { return Add(std::to_string(value)); }

}  // namespace patron
