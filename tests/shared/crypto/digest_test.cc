#include "patron/digest.h"

#include <doctest/doctest.h>

namespace patron {
namespace {

TEST_CASE("Sha256Hex matches the FIPS 180-2 test vectors") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("Sha256Stream fed in pieces gives the whole text's digest") {
  Sha256Stream stream;
  stream.Update("a");
  stream.Update("");
  stream.Update("bc");
  CHECK(stream.HexDigest() == Sha256Hex("abc"));
  CHECK(Sha256Stream().HexDigest() == Sha256Hex(""));
}

TEST_CASE("CanonicalHasher separates fields unambiguously") {
  CHECK(CanonicalHasher().Add("ab").Add("c").HexDigest() !=
        CanonicalHasher().Add("a").Add("bc").HexDigest());
  CHECK(CanonicalHasher().Add(int64_t{12}).Add("3").HexDigest() !=
        CanonicalHasher().Add(int64_t{1}).Add("23").HexDigest());
  CHECK(CanonicalHasher().Add("x").Add(int64_t{-5}).HexDigest() ==
        CanonicalHasher().Add("x").Add(int64_t{-5}).HexDigest());
}

}  // namespace
}  // namespace patron
