// What the store contract suites share: transactions that must begin, and
// entries and members to store.
#ifndef PATRON_TESTS_SYNC_SERVER_STORE_CONTRACT_CONTRACT_SUPPORT_H_
#define PATRON_TESTS_SYNC_SERVER_STORE_CONTRACT_CONTRACT_SUPPORT_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "patron/sync_server/server_store.h"

namespace patron::sync::contract {

inline std::unique_ptr<StoreTxn> Write(ServerStore& store) {
  auto txn = store.BeginWrite();
  REQUIRE_MESSAGE(txn.ok(), txn.status().ToString());
  return std::move(txn).value();
}

inline std::unique_ptr<StoreTxn> Read(ServerStore& store) {
  auto txn = store.BeginRead();
  REQUIRE_MESSAGE(txn.ok(), txn.status().ToString());
  return std::move(txn).value();
}

inline LedgerEntry Entry(const std::string& origin, int64_t seq, const std::string& member_id,
                         EntryKind kind, int64_t points) {
  LedgerEntry e;
  e.entry_id = MakeEntryId(origin, seq);
  e.origin = origin;
  e.seq = seq;
  e.member_id = member_id;
  e.kind = kind;
  e.points = points;
  e.currency = "USD";
  e.store_id = origin == kServerOrigin ? "" : origin.substr(0, 4);
  e.terminal_id = origin == kServerOrigin ? "" : origin;
  e.hlc = HlcTimestamp::FromParts(1'700'000'000'000 + seq, static_cast<uint16_t>(seq % 7));
  e.wall_ms = 1'700'000'000'000 + seq;
  e.rule_version = 3;
  return e;
}

inline LedgerEntry Transfer(const std::string& origin, int64_t seq, const std::string& member_id,
                            const std::string& to_holder, int64_t points) {
  LedgerEntry e = Entry(origin, seq, member_id, EntryKind::kTransfer, points);
  e.to_holder = to_holder;
  return e;
}

inline MemberRecord Member(const std::string& member_id, int64_t version) {
  MemberRecord m;
  m.state.member_id = member_id;
  m.state.enrolled_store = "S001";
  m.state.enrolled_ms = 1'700'000'000'000;
  m.state.name = {"Ann", HlcTimestamp::FromParts(1'700'000'000'001, 0), "S001-T01"};
  m.state.version = version;
  return m;
}

// Inserts `entry` at the next sequence number and returns that number.
inline int64_t Insert(StoreTxn& txn, const LedgerEntry& entry) {
  const int64_t seq = txn.NextSeq().value();
  const Result<bool> inserted = txn.InsertEntryIfNew(entry, seq);
  REQUIRE_MESSAGE(inserted.ok(), inserted.status().ToString());
  REQUIRE(*inserted);
  return seq;
}

}  // namespace patron::sync::contract

#endif  // PATRON_TESTS_SYNC_SERVER_STORE_CONTRACT_CONTRACT_SUPPORT_H_
