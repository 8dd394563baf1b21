#include "api/codec.h"

#include <nlohmann/json.hpp>

#include "patron/json_util.h"
#include "patron/local_time.h"
#include "patron/record/record_json.h"

namespace patron::terminal {
namespace {

using nlohmann::json;

Result<json> ParseObject(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, patron::json::Parse(body));
  PATRON_RETURN_IF_ERROR(patron::json::ExpectObject(doc, "request body"));
  return doc;
}

json Nullable(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

// A text field that may be cleared: absent = unchanged, null or "" = clear.
Result<std::optional<std::string>> ClearableText(const json& doc, std::string_view field) {
  if (doc.contains(field) && doc.at(std::string(field)).is_null()) {
    return std::optional<std::string>(std::string());
  }
  return patron::json::GetOptionalString(doc, field);
}

Status DecodeProfileFields(const json& doc, ProfilePatch& patch) {
  if (doc.contains("name") && doc.at("name").is_null()) {
    return Status::InvalidArgument("field 'name' cannot be cleared", "invalid_name");
  }
  PATRON_ASSIGN_OR_RETURN(patch.name, patron::json::GetOptionalString(doc, "name"));
  PATRON_ASSIGN_OR_RETURN(patch.birthday, ClearableText(doc, "birthday"));
  PATRON_ASSIGN_OR_RETURN(patch.email, ClearableText(doc, "email"));
  PATRON_ASSIGN_OR_RETURN(patch.gender, ClearableText(doc, "gender"));
  PATRON_ASSIGN_OR_RETURN(patch.sms_consent, patron::json::GetOptionalBool(doc, "sms_consent"));
  PATRON_ASSIGN_OR_RETURN(patch.email_consent,
                          patron::json::GetOptionalBool(doc, "email_consent"));
  return Status::OK();
}

Result<std::vector<SaleLine>> DecodeSaleLines(const json& doc) {
  std::vector<SaleLine> lines;
  if (!doc.contains("lines") || doc.at("lines").is_null()) return lines;
  PATRON_ASSIGN_OR_RETURN(const json* array, patron::json::GetArray(doc, "lines"));
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = patron::json::IndexPath("lines", i);
    const json& item = (*array)[i];
    if (!item.is_object()) {
      return Status::InvalidArgument("'" + path + "' must be an object", "invalid_field");
    }
    PATRON_RETURN_IF_ERROR(
        patron::json::RejectUnknownFields(
            item, {"sku", "name", "qty", "amount_minor", "discount_minor", "category"}, path));
    SaleLine line;
    PATRON_ASSIGN_OR_RETURN(line.sku, patron::json::GetString(item, "sku", path));
    PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> qty,
                            patron::json::GetOptionalInt(item, "qty", path));
    line.qty = qty.value_or(1);
    PATRON_ASSIGN_OR_RETURN(line.amount_minor, patron::json::GetInt(item, "amount_minor", path));
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> category,
                            patron::json::GetOptionalString(item, "category", path));
    line.category = category.value_or("");
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> name,
                            patron::json::GetOptionalString(item, "name", path));
    line.name = name.value_or("");
    PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> discount,
                            patron::json::GetOptionalInt(item, "discount_minor", path));
    line.discount_minor = discount.value_or(0);
    lines.push_back(std::move(line));
  }
  return lines;
}

// A record's own wire form (record_json.h), as a JSON value.
template <typename Record>
json RecordJson(const Record& record) {
  json value = json::parse(record::EncodeRecord(record), nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? json::object() : value;
}

template <typename Record>
json RecordsJson(const std::vector<Record>& records) {
  json list = json::array();
  for (const Record& record : records) list.push_back(RecordJson(record));
  return list;
}

// [{"expires_on": "2027-03-31", "points": 320}, ...]
json ExpiringJson(const std::vector<ExpiringPoints>& expiring) {
  json list = json::array();
  for (const ExpiringPoints& e : expiring) {
    list.push_back({{"expires_on", FormatLocalDay(e.expires_day)}, {"points", e.points}});
  }
  return list;
}

json TierProgressJson(const std::optional<TierProgress>& progress) {
  return progress ? RecordJson(*progress) : json(nullptr);
}

json TierReviewJson(const std::optional<TierReview>& review) {
  return review ? RecordJson(*review) : json(nullptr);
}

json EntryJson(const LedgerEntry& e) {
  // The detail's own wire form (record_json.h): the fields it has, no more.
  const json detail = RecordJson(e.detail);
  return {{"entry_id", e.entry_id},   {"kind", EntryKindName(e.kind)},
          {"points", e.points},       {"amount_minor", e.amount_minor},
          {"currency", e.currency},   {"sale_ref", e.sale_ref},
          {"ref_entry", e.ref_entry}, {"to_holder", e.to_holder},
          {"store_id", e.store_id},   {"terminal_id", e.terminal_id},
          {"hlc", e.hlc.ToString()},  {"wall_ms", e.wall_ms},
          {"rule_version", e.rule_version}, {"detail", detail}};
}

std::string Dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Result<EnrolRequest> DecodeEnrolRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  PATRON_RETURN_IF_ERROR(patron::json::RejectUnknownFields(
      doc, {"phone", "card", "name", "birthday", "email", "gender", "sms_consent",
            "email_consent"}));
  EnrolRequest request;
  PATRON_ASSIGN_OR_RETURN(request.phone, patron::json::GetOptionalString(doc, "phone"));
  PATRON_ASSIGN_OR_RETURN(request.card, patron::json::GetOptionalString(doc, "card"));
  PATRON_ASSIGN_OR_RETURN(std::string name, patron::json::GetString(doc, "name"));
  PATRON_RETURN_IF_ERROR(DecodeProfileFields(doc, request.profile));
  request.profile.name = std::move(name);
  return request;
}

Result<ProfilePatch> DecodeProfilePatch(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  PATRON_RETURN_IF_ERROR(patron::json::RejectUnknownFields(
      doc, {"name", "birthday", "email", "gender", "sms_consent", "email_consent"}));
  ProfilePatch patch;
  PATRON_RETURN_IF_ERROR(DecodeProfileFields(doc, patch));
  return patch;
}

Result<SaleRequest> DecodeSaleRequest(std::string_view body, bool is_quote) {
  PATRON_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  if (is_quote) {
    PATRON_RETURN_IF_ERROR(patron::json::RejectUnknownFields(
        doc, {"member_id", "amount_minor", "currency", "lines", "redeem_points", "vouchers"}));
  } else {
    PATRON_RETURN_IF_ERROR(
        patron::json::RejectUnknownFields(doc, {"sale_ref", "member_id", "amount_minor", "currency",
                                                "lines", "redeem_points", "vouchers"}));
  }
  SaleRequest sale;
  if (!is_quote) {
    PATRON_ASSIGN_OR_RETURN(sale.sale_ref, patron::json::GetString(doc, "sale_ref"));
  }
  PATRON_ASSIGN_OR_RETURN(sale.member_id, patron::json::GetString(doc, "member_id"));
  PATRON_ASSIGN_OR_RETURN(sale.amount_minor, patron::json::GetInt(doc, "amount_minor"));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> currency,
                          patron::json::GetOptionalString(doc, "currency"));
  sale.currency = currency.value_or("");
  PATRON_ASSIGN_OR_RETURN(sale.lines, DecodeSaleLines(doc));
  PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> redeem,
                          patron::json::GetOptionalInt(doc, "redeem_points"));
  sale.redeem_points = redeem.value_or(0);
  if (doc.contains("vouchers") && !doc["vouchers"].is_null()) {
    PATRON_ASSIGN_OR_RETURN(const json* vouchers, patron::json::GetArray(doc, "vouchers"));
    for (size_t i = 0; i < vouchers->size(); ++i) {
      const json& id = (*vouchers)[i];
      if (!id.is_string()) {
        return Status::InvalidArgument(
            patron::json::IndexPath("vouchers", i) + " must be a voucher id (a string)",
            "invalid_voucher");
      }
      sale.vouchers.push_back(id.get<std::string>());
    }
  }
  return sale;
}

Result<RefundRequest> DecodeRefundRequest(std::string_view body, std::string sale_ref) {
  PATRON_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  PATRON_RETURN_IF_ERROR(
      patron::json::RejectUnknownFields(
          doc, {"refund_ref", "amount_minor", "lines", "sale_terminal", "member_id"}));
  RefundRequest request;
  request.sale_ref = std::move(sale_ref);
  PATRON_ASSIGN_OR_RETURN(request.refund_ref, patron::json::GetString(doc, "refund_ref"));
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> sale_terminal,
                          patron::json::GetOptionalString(doc, "sale_terminal"));
  request.sale_terminal = sale_terminal.value_or("");
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> member_id,
                          patron::json::GetOptionalString(doc, "member_id"));
  request.member_id = member_id.value_or("");
  PATRON_ASSIGN_OR_RETURN(request.amount_minor,
                          patron::json::GetOptionalInt(doc, "amount_minor"));
  if (doc.contains("lines") && !doc.at("lines").is_null()) {
    PATRON_ASSIGN_OR_RETURN(const json* array, patron::json::GetArray(doc, "lines"));
    for (size_t i = 0; i < array->size(); ++i) {
      const std::string path = patron::json::IndexPath("lines", i);
      const json& item = (*array)[i];
      if (!item.is_object()) {
        return Status::InvalidArgument("'" + path + "' must be an object", "invalid_field");
      }
      PATRON_RETURN_IF_ERROR(patron::json::RejectUnknownFields(item, {"line_no", "qty"}, path));
      RefundLine line;
      PATRON_ASSIGN_OR_RETURN(line.line_no, patron::json::GetInt(item, "line_no", path));
      PATRON_ASSIGN_OR_RETURN(line.qty, patron::json::GetInt(item, "qty", path));
      request.lines.push_back(line);
    }
  }
  return request;
}

std::string EncodeMember(const Member& m, std::optional<bool> created) {
  json doc = {{"member_id", m.member_id},
              {"phone", Nullable(m.phone)},
              {"card", Nullable(m.card)},
              {"name", m.name},
              {"birthday", Nullable(m.birthday)},
              {"email", Nullable(m.email)},
              {"gender", Nullable(m.gender)},
              {"sms_consent", m.sms_consent},
              {"email_consent", m.email_consent},
              {"status", m.status},
              {"tier", m.tier},
              {"balance", m.balance},
              {"redeemable_here", m.redeemable_here},
              {"expiring", ExpiringJson(m.expiring)},
              {"pending_points", m.pending_points},
              {"qualifying_spend_minor", m.qualifying_spend_minor},
              {"tier_held_until_ms", m.tier_held_until_ms},
              {"tier_progress", TierProgressJson(m.tier_progress)},
              {"tier_review", TierReviewJson(m.tier_review)},
              {"enrolled_store", m.enrolled_store},
              {"enrolled_ms", m.enrolled_ms}};
  if (created) doc["created"] = *created;
  return Dump(doc);
}

std::string EncodeQuote(const Quote& q) {
  return Dump({{"member_id", q.member_id},
               {"tier", q.tier},
               {"earn_multiplier_bp", q.earn_multiplier_bp},
               {"points_to_earn", q.points_to_earn},
               {"awards", RecordsJson(q.awards)},
               {"tier_progress", TierProgressJson(q.tier_progress)},
               {"tier_review", TierReviewJson(q.tier_review)},
               {"redeem_points", q.redeem_points},
               {"discount_minor", q.discount_minor},
               {"campaign_discount_minor", q.campaign_discount_minor},
               {"voucher_discount_minor", q.voucher_discount_minor},
               {"paid_minor", q.paid_minor},
               {"max_redeemable", q.max_redeemable},
               {"max_redeemable_by_cap", q.max_redeemable_by_cap},
               {"balance", q.balance},
               {"redeemable_here", q.redeemable_here},
               {"expiring_soon", ExpiringJson(q.expiring_soon)},
               {"rule_version", q.rule_version},
               {"base_only", q.base_only},
               {"offers", RecordsJson(q.offers)}});
}

std::string EncodeOffers(const std::vector<Offer>& offers) {
  return Dump({{"offers", RecordsJson(offers)}});
}

std::string EncodeSaleResult(const SaleResult& r) {
  json doc = {{"sale_ref", r.sale_ref},
              {"sale_id", r.sale_id},
              {"member_id", r.member_id},
              {"amount_minor", r.amount_minor},
              {"discount_minor", r.discount_minor},
              {"campaign_discount_minor", r.campaign_discount_minor},
              {"voucher_discount_minor", r.voucher_discount_minor},
              {"paid_minor", r.paid_minor},
              {"earned_points", r.earned_points},
              {"awards", RecordsJson(r.awards)},
              {"redeemed_points", r.redeemed_points},
              {"balance", r.balance},
              {"tier", r.tier},
              {"tier_progress", TierProgressJson(r.tier_progress)},
              {"entry_ids", r.entry_ids},
              {"rule_version", r.rule_version},
              {"replayed", r.replayed}};
  // Only a sale the pack's surveys picked carries one.
  if (!r.survey.empty()) doc["survey"] = r.survey;
  return Dump(doc);
}

namespace {

json MemberVoucherJson(const MemberVoucher& v) {
  json item = RecordJson(v.voucher);
  item["state"] = v.state;
  item["held_here"] = v.held_here;
  return item;
}

}  // namespace

std::string EncodeMemberVouchers(const std::vector<MemberVoucher>& vouchers) {
  json listed = json::array();
  for (const MemberVoucher& v : vouchers) listed.push_back(MemberVoucherJson(v));
  return Dump({{"vouchers", std::move(listed)}});
}

Result<ExchangeRequest> DecodeExchangeRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  PATRON_RETURN_IF_ERROR(patron::json::RejectUnknownFields(
      doc, {"exchange_ref", "member_id", "reward_id", "quantity"}));
  ExchangeRequest exchange;
  PATRON_ASSIGN_OR_RETURN(exchange.exchange_ref, patron::json::GetString(doc, "exchange_ref"));
  PATRON_ASSIGN_OR_RETURN(exchange.member_id, patron::json::GetString(doc, "member_id"));
  PATRON_ASSIGN_OR_RETURN(exchange.reward_id, patron::json::GetString(doc, "reward_id"));
  PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> quantity,
                          patron::json::GetOptionalInt(doc, "quantity"));
  exchange.quantity = quantity.value_or(1);
  return exchange;
}

Result<FeedbackRequest> DecodeFeedbackRequest(std::string_view body) {
  PATRON_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  PATRON_RETURN_IF_ERROR(patron::json::RejectUnknownFields(
      doc, {"feedback_ref", "member_id", "kind", "rating", "topic", "sale_ref", "text"}));
  FeedbackRequest feedback;
  PATRON_ASSIGN_OR_RETURN(std::optional<std::string> ref,
                          patron::json::GetOptionalString(doc, "feedback_ref"));
  feedback.feedback_ref = ref.value_or("");  // a survey answer's may be absent
  PATRON_ASSIGN_OR_RETURN(feedback.member_id, patron::json::GetString(doc, "member_id"));
  PATRON_ASSIGN_OR_RETURN(const std::string kind, patron::json::GetString(doc, "kind"));
  PATRON_ASSIGN_OR_RETURN(feedback.kind, ParseFeedbackKind(kind));
  PATRON_ASSIGN_OR_RETURN(std::optional<int64_t> rating,
                          patron::json::GetOptionalInt(doc, "rating"));
  feedback.rating = rating.value_or(0);
  const auto text = [&](std::string_view field) -> Result<std::string> {
    PATRON_ASSIGN_OR_RETURN(std::optional<std::string> value,
                            patron::json::GetOptionalString(doc, field));
    return value.value_or("");
  };
  PATRON_ASSIGN_OR_RETURN(feedback.topic, text("topic"));
  PATRON_ASSIGN_OR_RETURN(feedback.sale_ref, text("sale_ref"));
  PATRON_ASSIGN_OR_RETURN(feedback.text, text("text"));
  return feedback;
}

std::string EncodeFeedbackResult(const FeedbackResult& result) {
  json doc = RecordJson(result.feedback);
  doc["replayed"] = result.replayed;
  return Dump(doc);
}

std::string EncodeRewardOffers(const std::vector<RewardOffer>& offers, int64_t rule_version,
                               bool for_member) {
  const auto maybe = [](const std::optional<int64_t>& value) -> json {
    return value ? json(*value) : json(nullptr);
  };
  json listed = json::array();
  for (const RewardOffer& offer : offers) {
    json item = RecordJson(offer.reward);
    item["stock_here"] = maybe(offer.stock_here);
    item["stock_granted"] = offer.stock_granted;
    if (for_member) {
      item["limit_left"] = maybe(offer.limit_left);
      item["available"] = offer.unavailable.empty();
      item["unavailable"] = offer.unavailable.empty() ? json(nullptr) : json(offer.unavailable);
    }
    listed.push_back(std::move(item));
  }
  return Dump({{"rule_version", rule_version}, {"rewards", std::move(listed)}});
}

std::string EncodeExchangeResult(const ExchangeResult& r) {
  json doc = RecordJson(r.exchange);
  doc["balance"] = r.balance;
  doc["voucher"] = r.voucher ? MemberVoucherJson(*r.voucher) : json(nullptr);
  doc["replayed"] = r.replayed;
  return Dump(doc);
}

std::string EncodeExchanges(const std::vector<ExchangeRecord>& exchanges) {
  json listed = json::array();
  for (const ExchangeRecord& exchange : exchanges) listed.push_back(RecordJson(exchange));
  return Dump({{"exchanges", std::move(listed)}});
}

std::string EncodeRefundResult(const RefundResult& r) {
  return Dump({{"refund_ref", r.refund_ref},
               {"sale_ref", r.sale_ref},
               {"sale_id", r.sale_id},
               {"pending", r.pending},
               {"member_id", r.member_id.empty() ? json(nullptr) : json(r.member_id)},
               {"amount_minor", r.amount_minor},
               {"paid_back_minor", r.paid_back_minor},
               {"reversed_points", r.reversed_points},
               {"returned_points", r.returned_points},
               {"balance", r.balance},
               {"clawback", r.clawback},
               {"entry_ids", r.entry_ids},
               {"replayed", r.replayed}});
}

std::string EncodeHistory(const HistoryPage& page) {
  json entries = json::array();
  for (const LedgerEntry& e : page.entries) entries.push_back(EntryJson(e));
  json next = nullptr;
  if (page.next_before != 0) next = page.next_before;
  return Dump({{"entries", entries}, {"next_before", next}});
}

std::string EncodeStatus(const TerminalStatus& s, const SyncInfo& sync) {
  json last_sync = s.last_sync_ms ? json(*s.last_sync_ms) : json(nullptr);
  json last_success = sync.last_success_ms ? json(*sync.last_success_ms) : json(nullptr);
  json restart = nullptr;
  if (s.journal_restart.at_ms) {
    restart = {{"at_ms", *s.journal_restart.at_ms},
               {"head_office_high_seq", s.journal_restart.head_office_high_seq},
               {"from_seq", s.journal_restart.from_seq}};
  }
  json incarnation = nullptr;
  if (s.journal_incarnation.at_ms) {
    incarnation = {{"at_ms", *s.journal_incarnation.at_ms},
                   {"first_seq", s.journal_incarnation.first_seq}};
  }
  return Dump(
      {{"terminal_id", s.terminal_id},
       {"store_id", s.store_id},
       {"online", sync.online},
       {"last_sync_ms", last_sync},
       {"pending_entries", s.pending_entries},
       {"pending_profile_changes", s.pending_profile_changes},
       {"pending_records", s.pending_records},
       {"refused_records", s.refused_records},
       {"refused_entries", s.refused_entries},
       {"journal_seq", s.journal_seq},
       {"journal_confirmed", s.journal_confirmed},
       {"journal_restart", std::move(restart)},
       {"journal_incarnation", std::move(incarnation)},
       {"rights_statement_due", s.rights_statement_due},
       {"rights_statement_ms",
        s.rights_statement_ms ? json(*s.rights_statement_ms) : json(nullptr)},
       {"upgrade_needed", s.upgrade_needed},
       {"upgrade_notes", s.upgrade_notes},
       {"cursor", {{"epoch", s.cursor_epoch}, {"seq", s.cursor_seq}}},
       {"member_count", s.member_count},
       {"rules_version", s.rules_version},
       {"pack",
        {{"version", s.rules_version},
         {"name", s.pack_name},
         {"valid_until", s.pack_valid_until.empty() ? json(nullptr) : json(s.pack_valid_until)},
         {"base_only", s.pack_base_only},
         {"next", s.next_pack_version ? json{{"version", *s.next_pack_version},
                                             {"activate_at", s.next_pack_activate_at.empty()
                                                                 ? json(nullptr)
                                                                 : json(s.next_pack_activate_at)}}
                                      : json(nullptr)}}},
       {"chain_key_fingerprint", s.chain_key_fingerprint},
       {"sync",
        {{"configured", sync.configured},
         {"server", sync.server},
         {"last_success_ms", last_success},
         {"lag_ms", sync.lag_ms ? json(*sync.lag_ms) : json(nullptr)},
         {"last_error", sync.last_error}}}});
}

}  // namespace patron::terminal
