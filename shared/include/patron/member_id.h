// Member ids derived from phone numbers, and the chain-key fingerprint.
//
// Why derived: terminals enrol members while offline (DESIGN.md §2). If two
// terminals enrol the same phone before either syncs, each must still produce
// the same member id, so that the server sees one member and the two
// enrolments converge instead of splitting one customer into two accounts.
// A pure function of (chain key, phone) gives that without coordination.
//
// Why keyed: a plain hash of a phone number is no secret; the phone space is
// small enough to enumerate. HMAC-SHA256 under the chain key means a member id
// (which appears in logs, receipts and exports) reveals the phone only to
// someone who holds the chain key. The cost: every terminal and the server
// must use the same key, which the sync handshake checks by comparing
// ChainKeyFingerprint values.
#ifndef PATRON_MEMBER_ID_H_
#define PATRON_MEMBER_ID_H_

#include <string>
#include <string_view>

#include "patron/uuid.h"

namespace patron {

// The documented default chain key for demos and single-store use. A
// deployment with more than one store should configure its own on the server,
// which provisions it to every terminal.
inline constexpr std::string_view kDemoChainKey = "patron-demo-chain-key-change-me";

// The member id for a phone: the first 16 bytes of
// HMAC-SHA256(key = chain_key, message = e164_phone), with the version set to
// 8 and the RFC 9562 variant (UUIDv8 is RFC 9562's version for
// vendor-specific and SHA-256 name-based ids; v5 would mean SHA-1).
//
// Precondition: e164_phone is NormalizePhone's output ("+8613800138000").
// The function hashes the bytes it is given, so any other spelling of the same
// number yields a different member.
//
// Aborts the process if OpenSSL cannot compute HMAC-SHA256 (only possible
// with a broken OpenSSL installation): a wrong id would silently merge or
// split customers.
Uuid DeriveMemberId(std::string_view chain_key, std::string_view e164_phone);

// A short public fingerprint of a chain key, which a terminal and the server
// compare in the sync handshake to refuse mismatched keys: lowercase hex of
// the first 8 bytes of SHA-256("patron-chain-key-v1:" + chain_key), 16
// characters. Safe to log and send; the key cannot be recovered from it
// (a fingerprint does not protect a guessable key, so keys should be random).
// Aborts like DeriveMemberId if OpenSSL cannot compute SHA-256.
std::string ChainKeyFingerprint(std::string_view chain_key);

}  // namespace patron

#endif  // PATRON_MEMBER_ID_H_
