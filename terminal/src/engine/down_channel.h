// What a pull page or a member snapshot brings besides member rows and
// grants: the down-channel's items (sync/down_items.h), the rules, and
// what this build met and did not understand (DESIGN.md §8, forward
// compatibility).
#ifndef PATRON_TERMINAL_SRC_ENGINE_DOWN_CHANNEL_H_
#define PATRON_TERMINAL_SRC_ENGINE_DOWN_CHANNEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/context.h"
#include "patron/record/record_json.h"
#include "patron/rules.h"
#include "patron/sync/down_items.h"

namespace patron::terminal {

// This build, as upgrade notes name it: a note made by another build may be
// one this build understands (Terminal::Open pulls again from its seq).
inline constexpr std::string_view kTerminalBuild = "patron-terminal records-1";

struct DownDelivery {
  std::optional<std::string> rules_json;  // the pull's legacy "rules" field
  const std::vector<sync::DownItem>* items = nullptr;
  const record::DecodeNotes* notes = nullptr;
  int64_t first_seq = 0;  // the first server sequence the delivery covers
};

// Inside the caller's write transaction: keeps every item (those of kinds
// this build does not know too), applies the known ones, notes what was not
// understood, and stores every rule pack newer than those held: those are
// returned, for the caller to add (EngineContext::AddPacks) once it has
// committed. Packs this build cannot read (a newer format) are noted and
// left; the held ones stay.
Result<std::vector<Rules>> TakeDelivery(EngineContext& ctx, const DownDelivery& delivery);

// At start-up: notes made by another build are dropped and the cursor goes
// back to the earliest of them, so this build pulls again what the older
// one could not read. Returns whether it moved the cursor.
Result<bool> RetryAfterUpgrade(EngineContext& ctx);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_ENGINE_DOWN_CHANNEL_H_
