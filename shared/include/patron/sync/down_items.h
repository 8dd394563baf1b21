// The down-channel (DESIGN.md §8): items head office addresses to every
// till, to one store's, to one terminal, or to the tills holding a member,
// carried in the pull stream under the same cursor as member rows. An item
// replaces the earlier item of the same kind, audience, address and key, so
// a till that pulls late gets only what is current.
//
// Kinds this build knows (a till stores an item of any other kind, keeps
// syncing, and reports "upgrade needed"):
//   "rules"         the programme's rules (rules_codec.h), to every till
//   "sale_refunds"  what other stores refunded of a sale, to the terminal
//                   that made it, so its own refunds count them
//   "set_part"      one part of a versioned replace-all set (SetPart)
//   "voucher"       a member's voucher as it stands (records/voucher.h), to
//                   the member's tills, keyed by voucher id
#ifndef PATRON_SYNC_DOWN_ITEMS_H_
#define PATRON_SYNC_DOWN_ITEMS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "patron/record/field.h"
#include "patron/record/record_json.h"

namespace patron::sync {

// Who an item is for. Text on the wire, so a newer audience is stored too.
inline constexpr std::string_view kAudienceAll = "all";
inline constexpr std::string_view kAudienceStore = "store";        // address: a store id
inline constexpr std::string_view kAudienceTerminal = "terminal";  // address: a terminal id
// Address: a member id. Every till holds every member, so every till gets it.
inline constexpr std::string_view kAudienceMember = "member";

inline constexpr std::string_view kRulesItem = "rules";
inline constexpr std::string_view kSaleRefundsItem = "sale_refunds";
inline constexpr std::string_view kSetPartItem = "set_part";

struct DownItem {
  int64_t seq = 0;  // the server sequence at which it became visible
  std::string kind;
  std::string audience;
  std::string address;  // "" for kAudienceAll
  std::string key;      // what a later item of the same kind replaces
  record::RawJson body;
  friend bool operator==(const DownItem&, const DownItem&) = default;
};

// A "sale_refunds" body: what terminals other than the sale's own refunded
// of it, across every store (returns anywhere).
struct SaleRefundsElsewhere {
  std::string sale_id;
  int64_t refunded_minor = 0;
  std::vector<int64_t> refunded_qty;  // per line, in line order
  friend bool operator==(const SaleRefundsElsewhere&, const SaleRefundsElsewhere&) = default;
};

// A versioned replace-all set (segment membership, offers): published as
// `parts` items of kind "set_part", keyed "<name>/<part>"; a till switches
// to a version once it holds all of its parts, and never sees a mix.
struct SetPart {
  std::string name;
  int64_t version = 0;
  int64_t part = 0;   // 0 .. parts - 1
  int64_t parts = 1;
  std::vector<record::RawJson> rows;
  friend bool operator==(const SetPart&, const SetPart&) = default;
};

}  // namespace patron::sync

namespace patron::record {

template <>
struct Schema<sync::DownItem> {
  static constexpr std::string_view kName = "down_item";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::DownItem::seq>{"seq"},
      Field<&sync::DownItem::kind>{"kind"},
      Field<&sync::DownItem::audience>{"audience"},
      Field<&sync::DownItem::address>{"address"},
      Field<&sync::DownItem::key>{"key", "item_key"},
      Field<&sync::DownItem::body>{"body"},
  };
};

template <>
struct Schema<sync::SaleRefundsElsewhere> {
  static constexpr std::string_view kName = "sale_refunds";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SaleRefundsElsewhere::sale_id>{"sale_id"},
      Field<&sync::SaleRefundsElsewhere::refunded_minor>{"refunded_minor"},
      Field<&sync::SaleRefundsElsewhere::refunded_qty>{"refunded_qty"},
  };
};

template <>
struct Schema<sync::SetPart> {
  static constexpr std::string_view kName = "set_part";
  static constexpr auto kFields = record::FieldList{
      Field<&sync::SetPart::name>{"name"}, Field<&sync::SetPart::version>{"version"},
      Field<&sync::SetPart::part>{"part"}, Field<&sync::SetPart::parts>{"parts"},
      Field<&sync::SetPart::rows>{"rows"},
  };
};

}  // namespace patron::record

#endif  // PATRON_SYNC_DOWN_ITEMS_H_
