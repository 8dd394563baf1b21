// The local API the POS talks to (DESIGN.md §6): a Request -> Response
// function over the terminal engine, with no I/O of its own, so tests drive
// it without sockets and patrond wraps it in an HTTP server.
#ifndef PATRON_TERMINAL_SRC_API_LOCAL_API_H_
#define PATRON_TERMINAL_SRC_API_LOCAL_API_H_

#include <functional>
#include <string>

#include "api/codec.h"
#include "patron/http/message.h"
#include "patron/http/router.h"
#include "patron/terminal/online_checkout.h"
#include "patron/terminal/terminal.h"

namespace patron::terminal {

// What the sync side provides; all empty while no sync server is configured
// (status says so, POST /v1/sync answers 503, redemption stays local).
struct SyncHooks {
  std::function<SyncInfo()> info;
  // Runs one sync round now; returns a JSON summary or the reason it failed.
  std::function<Result<std::string>()> sync_now;
  // Online redemption: asks the server for `points` of the member's rights.
  GrantFn request_grant;
  // A return of another store's sale: asks head office to count it.
  ClaimFn claim_return;
  // A voucher a sale names that this till does not hold: asks head office.
  VoucherClaimFn claim_voucher;
  // A reward whose share of stock here is used up: asks head office for more.
  StockClaimFn claim_stock;
  // Called after a write the server should hear about soon.
  std::function<void()> after_write;
};

class LocalApi {
 public:
  // `terminal` must outlive the LocalApi. Thread-safe (the engine serialises).
  // With a `metrics_token`, GET /metrics needs `Authorization: Bearer <it>`
  // (401/403 otherwise); empty: /metrics is open.
  LocalApi(Terminal& terminal, SyncHooks sync, std::string metrics_token = {});

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Health() const;
  HttpResponse GetStatus() const;
  HttpResponse Enrol(const HttpRequest& request) const;
  HttpResponse FindMember(const HttpRequest& request) const;
  HttpResponse GetMember(const std::string& member_id) const;
  HttpResponse PatchMember(const HttpRequest& request, const std::string& member_id) const;
  HttpResponse Entries(const HttpRequest& request, const std::string& member_id) const;
  HttpResponse Quote(const HttpRequest& request) const;
  HttpResponse Sale(const HttpRequest& request) const;
  HttpResponse Vouchers(const std::string& member_id) const;
  HttpResponse Offers(const std::string& member_id) const;
  HttpResponse Rewards(const HttpRequest& request) const;
  HttpResponse Exchange(const HttpRequest& request) const;
  HttpResponse Feedback(const HttpRequest& request) const;
  HttpResponse GetExchange(const std::string& exchange_ref) const;
  HttpResponse MemberExchanges(const std::string& member_id) const;
  HttpResponse GetSale(const std::string& sale_ref) const;
  HttpResponse Refund(const HttpRequest& request, const std::string& sale_ref) const;
  HttpResponse Metrics(const HttpRequest& request) const;
  HttpResponse SyncNow() const;

  using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

  Terminal& terminal_;
  SyncHooks sync_;
  std::string metrics_token_sha256_;  // empty: /metrics open
  Router<RouteHandler> router_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_API_LOCAL_API_H_
