#include "api/local_api.h"

#include <charconv>
#include <functional>

#include "api/metrics.h"
#include "patron/bearer.h"
#include "patron/digest.h"
#include "patron/terminal/online_checkout.h"

namespace patron::terminal {
namespace {

HttpResponse Error(const Status& status) { return ErrorResponse(status); }

// A new till's journal waits for head office's mark before its first entry
// (TerminalOptions::await_journal_mark). patrond syncs as it starts, but the
// POS may be quicker: one sync round fetches the mark; if head office cannot
// be reached, the journal starts a new incarnation (Terminal::
// StartJournalIncarnation). Either way the write then goes through: a new
// till sells offline too.
template <typename Write>
auto AfterJournalMark(Terminal& terminal, const std::function<Result<std::string>()>& sync_now,
                      Write write) {
  auto result = write();
  if (result.ok() || result.status().reason() != "journal_unconfirmed") return result;
  if (!sync_now || !sync_now().ok()) {
    if (Status started = terminal.StartJournalIncarnation(); !started.ok()) return decltype(result)(started);
  }
  return write();
}

template <typename T>
HttpResponse Reply(const Result<T>& result, int ok_status,
                   const std::function<std::string(const T&)>& encode) {
  if (!result.ok()) return Error(result.status());
  return JsonResponse(ok_status, encode(*result));
}

Result<int64_t> ParseIntParam(const std::string& text, std::string_view name) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument("query parameter '" + std::string(name) + "' must be an integer",
                                   "invalid_query");
  }
  return value;
}

}  // namespace

LocalApi::LocalApi(Terminal& terminal, SyncHooks sync, std::string metrics_token)
    : terminal_(terminal),
      sync_(std::move(sync)),
      metrics_token_sha256_(metrics_token.empty() ? "" : Sha256Hex(metrics_token)) {
  using P = const PathParams&;
  using R = const HttpRequest&;
  constexpr RouteBody kNone = RouteBody::kNone;
  constexpr RouteBody kJson = RouteBody::kJson;
  router_.Add("GET", "/v1/health", kNone, [this](R, P) { return Health(); });
  router_.Add("GET", "/v1/status", kNone, [this](R, P) { return GetStatus(); });
  router_.Add("POST", "/v1/members", kJson, [this](R r, P) { return Enrol(r); });
  router_.Add("GET", "/v1/members", kNone, [this](R r, P) { return FindMember(r); });
  router_.Add("GET", "/v1/members/{id}", kNone, [this](R, P p) { return GetMember(p[0]); });
  router_.Add("PATCH", "/v1/members/{id}", kJson,
              [this](R r, P p) { return PatchMember(r, p[0]); });
  router_.Add("GET", "/v1/members/{id}/entries", kNone,
              [this](R r, P p) { return Entries(r, p[0]); });
  router_.Add("GET", "/v1/members/{id}/vouchers", kNone, [this](R, P p) { return Vouchers(p[0]); });
  router_.Add("GET", "/v1/members/{id}/offers", kNone, [this](R, P p) { return Offers(p[0]); });
  router_.Add("GET", "/v1/members/{id}/exchanges", kNone,
              [this](R, P p) { return MemberExchanges(p[0]); });
  router_.Add("GET", "/v1/rewards", kNone, [this](R r, P) { return Rewards(r); });
  router_.Add("POST", "/v1/rewards/exchange", kJson, [this](R r, P) { return Exchange(r); });
  router_.Add("POST", "/v1/feedback", kJson, [this](R r, P) { return Feedback(r); });
  router_.Add("GET", "/v1/exchanges/{exchange_ref}", kNone,
              [this](R, P p) { return GetExchange(p[0]); });
  router_.Add("POST", "/v1/quote", kJson, [this](R r, P) { return Quote(r); });
  router_.Add("POST", "/v1/sales", kJson, [this](R r, P) { return Sale(r); });
  router_.Add("GET", "/v1/sales/{sale_ref}", kNone, [this](R, P p) { return GetSale(p[0]); });
  router_.Add("POST", "/v1/sales/{sale_ref}/refunds", kJson,
              [this](R r, P p) { return Refund(r, p[0]); });
  router_.Add("POST", "/v1/sync", kNone, [this](R, P) { return SyncNow(); });
  router_.Add("GET", "/metrics", kNone, [this](R r, P) { return Metrics(r); });
}

HttpResponse LocalApi::Metrics(const HttpRequest& request) const {
  if (!metrics_token_sha256_.empty()) {
    Result<std::string_view> token = BearerToken(request.authorization, "the metrics token");
    if (!token.ok()) {
      HttpResponse refused = Error(token.status());
      refused.headers.emplace_back("WWW-Authenticate", "Bearer");
      return refused;
    }
    if (!TokenMatchesSha256(*token, metrics_token_sha256_)) {
      return Error(Status::PermissionDenied("/metrics needs patrond's metrics token",
                                            "metrics_token_required"));
    }
  }
  Result<TerminalStatus> status = terminal_.Status();
  if (!status.ok()) return Error(status.status());
  HttpResponse response;
  response.status = 200;
  response.content_type = std::string(kMetricsContentType);
  response.body = EncodeMetrics(*status, sync_.info ? sync_.info() : SyncInfo{});
  return response;
}

HttpResponse LocalApi::Handle(const HttpRequest& request) const {
  RouteMatch<RouteHandler> match = router_.Find(request);
  if (match.refusal) return std::move(*match.refusal);
  return (*match.target)(request, match.params);
}

HttpResponse LocalApi::Health() const { return JsonResponse(200, R"({"status":"ok"})"); }

HttpResponse LocalApi::GetStatus() const {
  Result<TerminalStatus> status = terminal_.Status();
  if (!status.ok()) return Error(status.status());
  SyncInfo info = sync_.info ? sync_.info() : SyncInfo{};
  return JsonResponse(200, EncodeStatus(*status, info));
}

HttpResponse LocalApi::Enrol(const HttpRequest& request) const {
  Result<EnrolRequest> decoded = DecodeEnrolRequest(request.body);
  if (!decoded.ok()) return Error(decoded.status());
  Result<EnrolResult> result = terminal_.Enrol(*decoded);
  if (!result.ok()) return Error(result.status());
  return JsonResponse(result->created ? 201 : 200, EncodeMember(result->member, result->created));
}

HttpResponse LocalApi::FindMember(const HttpRequest& request) const {
  const std::optional<std::string> phone = request.QueryParam("phone");
  const std::optional<std::string> card = request.QueryParam("card");
  if (phone.has_value() == card.has_value()) {
    return Error(
        Status::InvalidArgument("look members up by ?phone=... or ?card=...", "invalid_query"));
  }
  Result<Member> member = phone ? terminal_.FindByPhone(*phone) : terminal_.FindByCard(*card);
  return Reply<Member>(member, 200, [](const Member& m) { return EncodeMember(m); });
}

HttpResponse LocalApi::GetMember(const std::string& member_id) const {
  return Reply<Member>(terminal_.FindById(member_id), 200,
                       [](const Member& m) { return EncodeMember(m); });
}

HttpResponse LocalApi::PatchMember(const HttpRequest& request, const std::string& member_id) const {
  Result<ProfilePatch> patch = DecodeProfilePatch(request.body);
  if (!patch.ok()) return Error(patch.status());
  return Reply<Member>(terminal_.UpdateProfile(member_id, *patch), 200,
                       [](const Member& m) { return EncodeMember(m); });
}

HttpResponse LocalApi::Entries(const HttpRequest& request, const std::string& member_id) const {
  int64_t limit = 50;
  int64_t before = 0;
  if (std::optional<std::string> text = request.QueryParam("limit")) {
    Result<int64_t> parsed = ParseIntParam(*text, "limit");
    if (!parsed.ok()) return Error(parsed.status());
    limit = *parsed;
  }
  if (std::optional<std::string> text = request.QueryParam("before")) {
    Result<int64_t> parsed = ParseIntParam(*text, "before");
    if (!parsed.ok()) return Error(parsed.status());
    before = *parsed;
  }
  if (limit < 1 || limit > 500) {
    return Error(Status::InvalidArgument("limit must be between 1 and 500", "invalid_limit"));
  }
  return Reply<HistoryPage>(terminal_.History(member_id, static_cast<int>(limit), before), 200,
                            EncodeHistory);
}

HttpResponse LocalApi::Quote(const HttpRequest& request) const {
  Result<SaleRequest> sale = DecodeSaleRequest(request.body, /*is_quote=*/true);
  if (!sale.ok()) return Error(sale.status());
  return Reply<terminal::Quote>(terminal_.QuoteSale(*sale), 200, EncodeQuote);
}

HttpResponse LocalApi::Sale(const HttpRequest& request) const {
  Result<SaleRequest> sale = DecodeSaleRequest(request.body, /*is_quote=*/false);
  if (!sale.ok()) return Error(sale.status());
  Result<SaleResult> result = AfterJournalMark(terminal_, sync_.sync_now, [&] {
    return CheckoutWithGrant(terminal_, *sale, sync_.request_grant, sync_.claim_voucher);
  });
  if (!result.ok()) return Error(result.status());
  if (!result->replayed && sync_.after_write) sync_.after_write();
  return JsonResponse(result->replayed ? 200 : 201, EncodeSaleResult(*result));
}

HttpResponse LocalApi::Vouchers(const std::string& member_id) const {
  return Reply<std::vector<MemberVoucher>>(terminal_.Vouchers(member_id), 200,
                                           EncodeMemberVouchers);
}

HttpResponse LocalApi::Offers(const std::string& member_id) const {
  return Reply<std::vector<Offer>>(terminal_.Offers(member_id), 200, EncodeOffers);
}

HttpResponse LocalApi::Rewards(const HttpRequest& request) const {
  const std::string member_id = request.QueryParam("member_id").value_or("");
  return Reply<std::vector<RewardOffer>>(
      terminal_.Rewards(member_id), 200, [&](const auto& offers) {
        return EncodeRewardOffers(offers, terminal_.rules().version, !member_id.empty());
      });
}

HttpResponse LocalApi::Exchange(const HttpRequest& request) const {
  Result<ExchangeRequest> exchange = DecodeExchangeRequest(request.body);
  if (!exchange.ok()) return Error(exchange.status());
  Result<ExchangeResult> result = AfterJournalMark(terminal_, sync_.sync_now, [&] {
    return ExchangeWithHeadOffice(terminal_, *exchange, sync_.request_grant, sync_.claim_stock);
  });
  if (!result.ok()) return Error(result.status());
  if (!result->replayed && sync_.after_write) sync_.after_write();
  return JsonResponse(result->replayed ? 200 : 201, EncodeExchangeResult(*result));
}

HttpResponse LocalApi::Feedback(const HttpRequest& request) const {
  Result<FeedbackRequest> feedback = DecodeFeedbackRequest(request.body);
  if (!feedback.ok()) return Error(feedback.status());
  Result<FeedbackResult> result = terminal_.RecordFeedback(*feedback);
  if (!result.ok()) return Error(result.status());
  if (!result->replayed && sync_.after_write) sync_.after_write();
  return JsonResponse(result->replayed ? 200 : 201, EncodeFeedbackResult(*result));
}

HttpResponse LocalApi::GetExchange(const std::string& exchange_ref) const {
  return Reply<ExchangeResult>(terminal_.FindExchange(exchange_ref), 200, EncodeExchangeResult);
}

HttpResponse LocalApi::MemberExchanges(const std::string& member_id) const {
  return Reply<std::vector<ExchangeRecord>>(terminal_.Exchanges(member_id), 200, EncodeExchanges);
}

HttpResponse LocalApi::GetSale(const std::string& sale_ref) const {
  return Reply<SaleResult>(terminal_.FindSale(sale_ref), 200, EncodeSaleResult);
}

HttpResponse LocalApi::Refund(const HttpRequest& request, const std::string& sale_ref) const {
  Result<RefundRequest> refund = DecodeRefundRequest(request.body, sale_ref);
  if (!refund.ok()) return Error(refund.status());
  Result<RefundResult> result = AfterJournalMark(
      terminal_, sync_.sync_now, [&] { return RefundAnywhere(terminal_, *refund, sync_.claim_return); });
  if (!result.ok()) return Error(result.status());
  if (!result->replayed && sync_.after_write) sync_.after_write();
  return JsonResponse(result->replayed ? 200 : 201, EncodeRefundResult(*result));
}

HttpResponse LocalApi::SyncNow() const {
  if (!sync_.sync_now) {
    return Error(
        Status::Unavailable("no sync server is configured (--server)", "sync_not_configured"));
  }
  Result<std::string> summary = sync_.sync_now();
  if (!summary.ok()) {
    // The sync server refusing this terminal (a rotated token, another chain
    // key) is not the POS's own request being refused: answer 503 with the
    // server's reason rather than a 401/403 the POS would take as its own.
    const Status& s = summary.status();
    if (s.code() == StatusCode::kUnauthenticated || s.code() == StatusCode::kPermissionDenied) {
      return Error(
          Status::Unavailable("the sync server refused this terminal: " + s.message(), s.reason()));
    }
    return Error(s);
  }
  return JsonResponse(200, *summary);
}

}  // namespace patron::terminal
