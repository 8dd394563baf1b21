#include "patron/member_id.h"

#include <doctest/doctest.h>

#include <string>

namespace patron {
namespace {

// Expected values were computed independently with the OpenSSL command line:
//   printf '%s' '+8613800138000' | openssl dgst -sha256 -hmac 'k'
//   = 39dce1ea4ff9fceec505636f4fb22eca45e6adc3ad0f021d990e964d73397991
// First 16 bytes, byte 6 0xfc -> 0x8c (version 8), byte 8 0xc5 -> 0x85 (variant).
TEST_CASE("DeriveMemberId known answer") {
  CHECK(DeriveMemberId("k", "+8613800138000").ToString() == "39dce1ea-4ff9-8cee-8505-636f4fb22eca");
  // printf '%s' '+8613800138000' | openssl dgst -sha256 -hmac 'patron-demo-chain-key-change-me'
  //   = 4b17b9fc32adb8804d05c125646679ba2c223fd264b3bfd698b2309ddb81d8cc
  CHECK(DeriveMemberId(kDemoChainKey, "+8613800138000").ToString() ==
        "4b17b9fc-32ad-8880-8d05-c125646679ba");
}

TEST_CASE("DeriveMemberId is deterministic: two offline terminals converge") {
  const Uuid terminal_a = DeriveMemberId(kDemoChainKey, "+447946095800");
  const Uuid terminal_b = DeriveMemberId(std::string(kDemoChainKey), std::string("+447946095800"));
  CHECK(terminal_a == terminal_b);
}

TEST_CASE("DeriveMemberId separates keys and phones") {
  const Uuid base = DeriveMemberId("chain-a", "+8613800138000");
  CHECK(DeriveMemberId("chain-b", "+8613800138000") != base);
  CHECK(DeriveMemberId("chain-a", "+8613800138001") != base);
  CHECK(DeriveMemberId("", "+8613800138000") != base);
  // The caller must normalise first: another spelling is another member.
  CHECK(DeriveMemberId("chain-a", "8613800138000") != base);
}

TEST_CASE("DeriveMemberId sets version 8 and the RFC variant") {
  const char* phones[] = {"+8613800138000", "+447946095800", "+12025550143", "+6591234567", ""};
  for (const char* phone : phones) {
    CAPTURE(phone);
    const Uuid id = DeriveMemberId(kDemoChainKey, phone);
    CHECK(id.version() == 8);
    CHECK((id.bytes[8] & 0xC0) == 0x80);
    CHECK_FALSE(id.IsNil());
    // Round-trips through the wire form.
    Result<Uuid> parsed = Uuid::Parse(id.ToString());
    REQUIRE(parsed.ok());
    CHECK(*parsed == id);
  }
}

// printf '%s' 'patron-chain-key-v1:k' | openssl dgst -sha256
//   = 065a28de60ef64fbbba10994701d60110a8d35af5ca87d3feb46d4926a8946df
TEST_CASE("ChainKeyFingerprint known answers") {
  CHECK(ChainKeyFingerprint("k") == "065a28de60ef64fb");
  // printf '%s' 'patron-chain-key-v1:patron-demo-chain-key-change-me' | openssl dgst -sha256
  CHECK(ChainKeyFingerprint(kDemoChainKey) == "74beda790eb600c4");
}

TEST_CASE("ChainKeyFingerprint is stable, short, and differs between keys") {
  const std::string fingerprint = ChainKeyFingerprint("chain-a");
  CHECK(fingerprint.size() == 16);
  CHECK(fingerprint == ChainKeyFingerprint("chain-a"));
  CHECK(fingerprint != ChainKeyFingerprint("chain-b"));
  CHECK(fingerprint != ChainKeyFingerprint("chain-a "));
  CHECK(ChainKeyFingerprint("").size() == 16);
  // The fingerprint does not contain the key.
  CHECK(ChainKeyFingerprint("secret").find("secret") == std::string::npos);
}

}  // namespace
}  // namespace patron
