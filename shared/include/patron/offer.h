// Next-best offers at the till (DESIGN.md §10): what head office's metrics
// run recommends to each member from their purchase history (a favourite
// category not bought lately, a category bought together with theirs), at
// most three, the best first. Head office ships them to every till as the
// versioned replace-all set "offers" (sync/down_items.h SetPart), one row
// per member with at least one offer, published right after the "segments"
// set of the same run; the till answers them at GET /v1/members/{id}/offers
// and in the quote, offline too.
//
// Head office keeps the same record in its member metrics
// (analytics_store.h MemberOffer is this Offer), so a row reads the same on
// both sides. The till does not interpret `reason` or `score`: it shows
// what head office sent, so a newer head office's reasons need no upgrade.
#ifndef PATRON_OFFER_H_
#define PATRON_OFFER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "patron/record/field.h"

namespace patron {

inline constexpr std::string_view kOffersSet = "offers";

struct Offer {
  std::string category;  // what to offer: a category of the basket lines
  std::string reason;    // head office's: "again" (a favourite not bought lately), "together"
  std::string with;      // together: the member's category it goes with; "" otherwise
  // again: days since the member last bought it; together: lift x 100.
  int64_t score = 0;
  friend bool operator==(const Offer&, const Offer&) = default;
};

// One row of the "offers" set: a member's offers, the best first.
struct MemberOffers {
  std::string member_id;
  record::JsonList<Offer> offers;
  friend bool operator==(const MemberOffers&, const MemberOffers&) = default;
};

}  // namespace patron

namespace patron::record {

template <>
struct Schema<Offer> {
  static constexpr std::string_view kName = "offer";
  static constexpr auto kFields = record::FieldList{
      Field<&Offer::category>{"category"},
      Field<&Offer::reason>{"reason"},
      Field<&Offer::with>{"with"},
      Field<&Offer::score>{"score"},
  };
};

template <>
struct Schema<MemberOffers> {
  static constexpr std::string_view kName = "member_offers";
  static constexpr auto kFields = record::FieldList{
      Field<&MemberOffers::member_id>{"member_id"},
      Field<&MemberOffers::offers>{"offers"},
  };
};

}  // namespace patron::record

#endif  // PATRON_OFFER_H_
