// The one router of Patron's HTTP servers (patrond's local API and
// patron-sync): matches (method, path) against route patterns such as
// "/v1/members/{id}/entries" and tells apart "no such route" (404) from "no
// such method on this route" (405, with the methods that exist in `Allow`).
// Routes that take a JSON body refuse any other Content-Type (415): a
// form-encoded body from a careless `curl -d` would otherwise surface as a
// confusing parse error.
//
// A route carries a target of the server's choosing (a handler, or a
// handler with the credential it needs and the counter it feeds):
//
//   Router<Handler> router;
//   router.Add("GET", "/v1/members/{id}", RouteBody::kNone, GetMember);
//   RouteMatch<Handler> match = router.Find(request);
//   if (match.refusal) return *match.refusal;
//   return (*match.target)(request, match.params);
#ifndef PATRON_HTTP_ROUTER_H_
#define PATRON_HTTP_ROUTER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patron/http/message.h"

namespace patron {

// Whether `content_type` (a Content-Type value) declares JSON:
// "application/json", in any case, with or without parameters.
bool IsJsonContentType(std::string_view content_type);

enum class RouteBody { kNone, kJson };

// Path parameters in pattern order ("{id}" segments), percent-decoded.
using PathParams = std::vector<std::string>;

// The patterns of a router, without their targets.
class RouteTable {
 public:
  // Where a request led.
  struct Match {
    // The route for the request's method and path; on a 405, the first
    // route with its path; nullopt on a 404 or a malformed path.
    std::optional<size_t> route;
    RouteBody body = RouteBody::kNone;  // the route's
    PathParams params;
    // Set when the request is refused: 404, 405 (with Allow), 415, or 400
    // for a path whose percent-encoding is malformed.
    std::optional<HttpResponse> refusal;
  };

  // Returns the route's index, counted from 0 in the order added.
  size_t Add(std::string method, std::string_view pattern, RouteBody body);
  // Matches the raw target's path segment by segment (each percent-decoded,
  // so "2024%2F0001" is one segment), or `request.path` when there is no
  // target (tests building requests). The first route added wins.
  Match Find(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{}" marks a parameter
    RouteBody body;
  };
  std::vector<Route> routes_;
};

template <typename Target>
struct RouteMatch {
  const Target* target = nullptr;  // as RouteTable::Match::route
  RouteBody body = RouteBody::kNone;
  PathParams params;
  std::optional<HttpResponse> refusal;
};

template <typename Target>
class Router {
 public:
  void Add(std::string method, std::string_view pattern, RouteBody body, Target target) {
    table_.Add(std::move(method), pattern, body);
    targets_.push_back(std::move(target));
  }

  RouteMatch<Target> Find(const HttpRequest& request) const {
    RouteTable::Match match = table_.Find(request);
    return {match.route ? &targets_[*match.route] : nullptr, match.body, std::move(match.params),
            std::move(match.refusal)};
  }

 private:
  RouteTable table_;
  std::vector<Target> targets_;
};

}  // namespace patron

#endif  // PATRON_HTTP_ROUTER_H_
