// Private to the sync codec: JSON forms of the protocol's building blocks.
// Timestamps travel as packed HLC integers (compact, exactly ordered).
#ifndef PATRON_SHARED_SRC_SYNC_WIRE_H_
#define PATRON_SHARED_SRC_SYNC_WIRE_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::sync::wire {

nlohmann::json EntryToJson(const LedgerEntry& entry);
Result<LedgerEntry> EntryFromJson(const nlohmann::json& doc, std::string_view path);

nlohmann::json MemberToJson(const MemberState& member);
Result<MemberState> MemberFromJson(const nlohmann::json& doc, std::string_view path);

Result<HlcTimestamp> GetHlc(const nlohmann::json& doc, std::string_view field,
                            std::string_view path);
Result<PushOutcome> ParseOutcome(std::string_view name);

// Parses `body` and checks it is an object (the top level of every message).
Result<nlohmann::json> ParseMessage(std::string_view body);
std::string Dump(const nlohmann::json& doc);

}  // namespace patron::sync::wire

#endif  // PATRON_SHARED_SRC_SYNC_WIRE_H_
