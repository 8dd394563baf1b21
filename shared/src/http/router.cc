#include "patron/http/router.h"

#include <cctype>

namespace patron {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  if (!path.empty() && path.front() == '/') start = 1;
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    const size_t stop = end == std::string_view::npos ? path.size() : end;
    segments.emplace_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

std::optional<PathParams> MatchSegments(const std::vector<std::string>& pattern,
                                        const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return std::nullopt;
  PathParams params;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == "{}") {
      if (path[i].empty()) return std::nullopt;
      params.push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

bool IsJsonContentType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  // Optional whitespace (RFC 9110 OWS) may stand before the parameters.
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json";
}

size_t RouteTable::Add(std::string method, std::string_view pattern, RouteBody body) {
  std::vector<std::string> segments = Split(pattern);
  for (std::string& segment : segments) {
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') segment = "{}";
  }
  routes_.push_back({std::move(method), std::move(segments), body});
  return routes_.size() - 1;
}

RouteTable::Match RouteTable::Find(const HttpRequest& request) const {
  const std::string_view raw = std::string_view(request.target).substr(0, request.target.find('?'));
  std::vector<std::string> path = Split(raw.empty() ? request.path : raw);
  if (!raw.empty()) {
    for (std::string& segment : path) {
      Result<std::string> decoded = PercentDecode(segment, /*plus_as_space=*/false);
      if (!decoded.ok())
        return {std::nullopt, RouteBody::kNone, {}, ErrorResponse(decoded.status())};
      segment = std::move(*decoded);
    }
  }
  std::optional<size_t> path_match;
  std::string allowed;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    std::optional<PathParams> params = MatchSegments(route.segments, path);
    if (!params) continue;
    if (route.method != request.method) {
      if (!path_match) path_match = i;
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
      continue;
    }
    if (route.body == RouteBody::kJson && !IsJsonContentType(request.content_type)) {
      return {i, route.body, std::move(*params),
              ErrorResponse(415, "unsupported_media_type",
                            "send the body as JSON with Content-Type: application/json")};
    }
    return {i, route.body, std::move(*params), std::nullopt};
  }
  if (!path_match) {
    return {std::nullopt,
            RouteBody::kNone,
            {},
            ErrorResponse(404, "not_found", "no route for " + request.path)};
  }
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed",
                    request.method + " is not allowed on " + request.path + "; use " + allowed);
  response.headers.emplace_back("Allow", allowed);
  return {path_match, routes_[*path_match].body, {}, std::move(response)};
}

}  // namespace patron
