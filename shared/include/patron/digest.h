// SHA-256 for content hashes (request bodies for idempotency, state digests).
#ifndef PATRON_DIGEST_H_
#define PATRON_DIGEST_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace patron {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// SHA-256 of data fed in pieces (a file read or downloaded in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  // Lowercase hex of everything fed so far; the stream is done after it.
  std::string HexDigest();

 private:
  struct Context;
  Context* context_;
};

// Accumulates fields into an unambiguous byte string before hashing: each
// field is written with its length, so ("ab","c") and ("a","bc") differ.
class CanonicalHasher {
 public:
  CanonicalHasher& Add(std::string_view field);
  CanonicalHasher& Add(int64_t value);
  std::string HexDigest() const { return Sha256Hex(buffer_); }

 private:
  std::string buffer_;
};

}  // namespace patron

#endif  // PATRON_DIGEST_H_
