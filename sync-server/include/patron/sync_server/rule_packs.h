// What head office says about its rule packs (DESIGN.md §9): every published
// version with its state, and the dry run of a sale under one of them.
#ifndef PATRON_SYNC_SERVER_RULE_PACKS_H_
#define PATRON_SYNC_SERVER_RULE_PACKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
// else published `version` if given, else the one in force at `at_ms`. The
// member: as head office holds `member.member_id` (tier from its qualifying
// spend, birthday, enrolment), each field given in `member_overrides` taking
// precedence; an unknown member needs no more than an id.
struct DryRunRequest {
  std::optional<Rules> draft;
  std::optional<int64_t> version;
  int64_t at_ms = 0;
  std::string member_id;
  std::optional<std::string> tier;
  std::optional<std::string> birthday;
  std::optional<int64_t> enrolled_ms;
  EvalBasket basket;
};

struct DryRunResult {
  EvalMember member;          // the facts evaluated
  bool member_known = false;  // head office holds the member
  Evaluation evaluation;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_RULE_PACKS_H_
