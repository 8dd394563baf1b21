// Each member's next-best offers (offer.h) as the version in force of head
// office's "offers" set says (kOffersSet, MemberOffers; schema.cc version
// 16): the set's rows, read once when a version comes in force, so that a
// quote or GET /v1/members/{id}/offers looks up one member. Replace runs in
// the transaction that brings the version in force, so a reader sees one
// version or the next, never a mix.
#ifndef PATRON_TERMINAL_SRC_STORE_OFFER_STORE_H_
#define PATRON_TERMINAL_SRC_STORE_OFFER_STORE_H_

#include <string_view>
#include <vector>

#include "patron/offer.h"
#include "patron/record/record_json.h"
#include "patron/sql/database.h"
#include "patron/status.h"

namespace patron::terminal {

class OfferStore {
 public:
  explicit OfferStore(sql::Database& db) : db_(db) {}

  // Replaces every member's offers with those `rows` give (the set's rows,
  // DownStore::SetRows; each a MemberOffers). A row that does not read as
  // one is left out and noted in `notes`, as are fields this build does not
  // know (they are dropped: the offer keeps the fields it knows). A member
  // with two rows has the offers of both, in the set's order. Inside the
  // caller's transaction.
  Status Replace(const std::vector<record::RawJson>& rows, record::DecodeNotes& notes);
  // The member's offers, the best first; none for a member without a row,
  // and before any version came in force.
  Result<std::vector<Offer>> Of(std::string_view member_id);

 private:
  sql::Database& db_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_OFFER_STORE_H_
