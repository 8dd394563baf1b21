#include "service/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <vector>

namespace patron::sync {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr size_t kKeyBytes = 32;
// A stored hash cannot make a login spin for minutes.
constexpr int kMaxIterations = 10'000'000;

std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

std::optional<std::vector<uint8_t>> Unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto [end, error] =
        std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, out[i], 16);
    if (error != std::errc() || end != text.data() + 2 * i + 2) return std::nullopt;
  }
  return out;
}

std::vector<uint8_t> Derive(std::string_view password, std::span<const uint8_t> salt,
                            int iterations, size_t key_bytes) {
  std::vector<uint8_t> key(key_bytes);
  // Fails only on allocation failure or absurd arguments; a login must
  // never succeed on a key that was not derived.
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(key.size()), key.data()) != 1) {
    std::abort();
  }
  return key;
}

}  // namespace

std::string HashPassword(std::string_view password, std::span<const uint8_t> salt, int iterations) {
  const std::vector<uint8_t> key = Derive(password, salt, iterations, kKeyBytes);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Hex(salt) + "$" + Hex(key);
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dollar = encoded.find('$', start);
    parts.push_back(encoded.substr(start, dollar - start));
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  int iterations = 0;
  const auto [end, error] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (error != std::errc() || end != parts[1].data() + parts[1].size() || iterations < 1 ||
      iterations > kMaxIterations) {
    return false;
  }
  const std::optional<std::vector<uint8_t>> salt = Unhex(parts[2]);
  const std::optional<std::vector<uint8_t>> want = Unhex(parts[3]);
  if (!salt || !want || want->empty()) return false;
  const std::vector<uint8_t> got = Derive(password, *salt, iterations, want->size());
  return CRYPTO_memcmp(got.data(), want->data(), got.size()) == 0;
}

}  // namespace patron::sync
