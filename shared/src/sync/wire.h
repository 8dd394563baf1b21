// Private to the sync codec: JSON forms of the protocol's building blocks.
// Timestamps travel as packed HLC integers (compact, exactly ordered).
#ifndef PATRON_SHARED_SRC_SYNC_WIRE_H_
#define PATRON_SHARED_SRC_SYNC_WIRE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "patron/status.h"
#include "patron/sync/protocol.h"

namespace patron::sync::wire {

nlohmann::json EntryToJson(const LedgerEntry& entry);
Result<LedgerEntry> EntryFromJson(const nlohmann::json& doc, std::string_view path);

// Appends the member's JSON object to `out`, written directly rather than
// through a json DOM: a pull page carries up to 10,000 of them, and building
// the DOM cost more than the server's whole query (docs/BENCHMARKS.md).
// MemberFromJson reads it back.
void AppendMemberJson(const MemberState& member, std::string& out);
Result<MemberState> MemberFromJson(const nlohmann::json& doc, std::string_view path);

Result<HlcTimestamp> GetHlc(const nlohmann::json& doc, std::string_view field,
                            std::string_view path);
Result<PushOutcome> ParseOutcome(std::string_view name);

// Parses `body` and checks it is an object (the top level of every message).
Result<nlohmann::json> ParseMessage(std::string_view body);
std::string Dump(const nlohmann::json& doc);

}  // namespace patron::sync::wire

#endif  // PATRON_SHARED_SRC_SYNC_WIRE_H_
