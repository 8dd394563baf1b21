// Matches (method, path) against route patterns such as
// "/v1/members/{id}/entries" and tells apart "no such route" (404) from "no
// such method on this route" (405, with the methods that exist). Routes that
// take a JSON body refuse any other Content-Type (415): a form-encoded body
// from a careless `curl -d` would otherwise surface as a confusing parse error.
#ifndef PATRON_TERMINAL_SRC_API_ROUTER_H_
#define PATRON_TERMINAL_SRC_API_ROUTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "patron/http/message.h"

namespace patron::terminal {

// Path parameters in pattern order ("{id}" segments).
using PathParams = std::vector<std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

class Router {
 public:
  enum class Body { kNone, kJson };
  void Add(std::string method, std::string pattern, Body body, RouteHandler handler);
  // Runs the matching handler, or answers 404 / 405 / 415 with a JSON error.
  // Matches the raw target's path segment by segment (each percent-decoded),
  // or `request.path` when there is no target (tests building requests).
  HttpResponse Dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{}" marks a parameter
    Body body;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_API_ROUTER_H_
