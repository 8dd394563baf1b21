// What head office says about its rule packs (DESIGN.md §9): every published
// version with its state, and the dry run of a sale under one of them.
#ifndef PATRON_SYNC_SERVER_RULE_PACKS_H_
#define PATRON_SYNC_SERVER_RULE_PACKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/evaluate.h"
#include "patron/rules.h"

namespace patron::sync {

inline constexpr std::string_view kPackActive = "active";          // in force now
inline constexpr std::string_view kPackScheduled = "scheduled";    // will be, at activate_at
inline constexpr std::string_view kPackSuperseded = "superseded";  // never again

struct PublishedPack {
  Rules pack;
  int64_t stored_ms = 0;
  std::string state;  // kPackActive, kPackScheduled, kPackSuperseded
};

// A sale to evaluate. The pack: `draft` if given (checked, not published),
// or published `version`, or the one in force at `at` (not both of the
// first two). Times are pack times, read in the chosen pack's offset unless
// they name one; `at` defaults to now. The member: as head office holds
// `member_id` (tier from its qualifying spend, birthday, enrolment), each
// field given here taking precedence; an unknown member needs only an id.
struct DryRunRequest {
  std::optional<Rules> draft;
  std::optional<int64_t> version;
  std::optional<std::string> at;
  std::string member_id;
  std::optional<std::string> tier;
  std::optional<std::string> birthday;  // "YYYY-MM-DD"
  std::optional<std::string> enrolled_at;
  std::optional<std::string> last_purchase_at;  // "": the member never bought
  // The segments to evaluate the member in (CampaignWho::segments): as
  // given, none if not; a dry run does not work them out.
  std::vector<std::string> segments;
  EvalBasket basket;
};

struct DryRunResult {
  EvalMember member;               // the facts evaluated
  bool member_known = false;       // head office holds the member
  int64_t at_ms = 0;               // the time evaluated
  int64_t utc_offset_minutes = 0;  // the pack's, to show at_ms in
  Evaluation evaluation;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_RULE_PACKS_H_
