#include "store/offer_store.h"

#include <map>
#include <string>
#include <utility>

#include "patron/record/record_sql.h"

namespace patron::terminal {

Status OfferStore::Replace(const std::vector<record::RawJson>& rows, record::DecodeNotes& notes) {
  // By member, so that a member's rows join and the table's content is a
  // function of the set alone.
  std::map<std::string, MemberOffers> members;
  for (const record::RawJson& row : rows) {
    Result<MemberOffers> read = record::DecodeRecord<MemberOffers>(row.text, &notes);
    if (!read.ok()) {
      notes.Unknown("offers row: " + read.status().message());
      continue;
    }
    MemberOffers& member = members[read->member_id];
    member.member_id = read->member_id;
    for (Offer& offer : read->offers) member.offers.push_back(std::move(offer));
  }
  PATRON_RETURN_IF_ERROR(db_.Execute("DELETE FROM member_offers"));
  static const std::string sql = "INSERT INTO member_offers(" + record::ColumnList<MemberOffers>() +
                                 ") VALUES (" + record::Placeholders<MemberOffers>() + ")";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  for (const auto& [member_id, member] : members) {
    if (member.offers.empty()) continue;  // none: no row, as head office sends it
    record::BindRecord(s, 0, member);
    PATRON_RETURN_IF_ERROR(s.Run().WithContext("put member offers"));
    s.Reset(/*clear_bindings=*/false);
  }
  return Status::OK();
}

Result<std::vector<Offer>> OfferStore::Of(std::string_view member_id) {
  static const std::string sql =
      "SELECT " + record::ColumnList<MemberOffers>() + " FROM member_offers WHERE member_id = ?";
  PATRON_ASSIGN_OR_RETURN(sql::Statement s, db_.GetCachedStatement(sql));
  s.BindText(0, member_id);
  PATRON_ASSIGN_OR_RETURN(bool has_row, s.Step());
  if (!has_row) return std::vector<Offer>();
  MemberOffers row;
  PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 0, row));
  return std::vector<Offer>(std::move(row.offers));
}

}  // namespace patron::terminal
