#include "http/dashboard_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

namespace patron::sync {
namespace {

namespace fs = std::filesystem;

// The largest file served: Chart.js is 0.5 MB; nothing legitimate is near.
constexpr std::uintmax_t kMaxFileBytes = 8 << 20;

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

std::optional<std::string_view> ContentTypeOf(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (name.ends_with(extension)) return type;
  }
  return std::nullopt;
}

// True if every segment of `relative` is plain (see the header).
bool IsPlainPath(std::string_view relative) {
  if (relative.empty()) return false;
  size_t start = 0;
  while (start <= relative.size()) {
    const size_t slash = relative.find('/', start);
    const std::string_view segment = relative.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!plain) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// True if `path` is `dir` or lies under it (both canonical).
bool IsUnder(const fs::path& path, const fs::path& dir) {
  return std::mismatch(dir.begin(), dir.end(), path.begin(), path.end()).first == dir.end();
}

HttpResponse NotFound() { return ErrorResponse(404, "not_found", "no such dashboard file"); }

}  // namespace

DashboardFiles::DashboardFiles(DashboardOptions options) : options_(std::move(options)) {}

bool DashboardFiles::Handles(std::string_view path) {
  return path == kDashboardPrefix ||
         (path.starts_with(kDashboardPrefix) && path.size() > kDashboardPrefix.size() &&
          path[kDashboardPrefix.size()] == '/');
}

HttpResponse DashboardFiles::Serve(const HttpRequest& request) const {
  if (request.method != "GET") {
    HttpResponse refused = ErrorResponse(405, "method_not_allowed", "the dashboard's files: GET");
    refused.headers.emplace_back("Allow", "GET");
    return refused;
  }
  if (request.path == kDashboardPrefix) {
    HttpResponse moved;
    moved.status = 301;
    moved.content_type.clear();
    moved.headers.emplace_back("Location", "/dashboard/");
    return moved;
  }
  std::string_view relative = std::string_view(request.path).substr(kDashboardPrefix.size() + 1);
  std::string base = options_.dir;
  bool vendor = false;
  if (relative.starts_with("vendor/")) {
    relative.remove_prefix(std::string_view("vendor/").size());
    base = options_.vendor_dir;
    vendor = true;
  } else if (relative.empty()) {
    relative = "index.html";
  }
  if (base.empty() || !IsPlainPath(relative)) return NotFound();
  const std::optional<std::string_view> type = ContentTypeOf(relative);
  if (!type) return NotFound();

  std::error_code error;
  const fs::path root = fs::canonical(base, error);
  if (error) return NotFound();
  const fs::path file = fs::canonical(root / fs::path(relative), error);
  if (error || !IsUnder(file, root) || !fs::is_regular_file(file, error)) return NotFound();
  const std::uintmax_t size = fs::file_size(file, error);
  if (error || size > kMaxFileBytes) return NotFound();
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound();

  HttpResponse response;
  response.status = 200;
  response.content_type = std::string(*type);
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cache-Control",
                                relative.ends_with(".html")
                                    ? "no-cache"
                                    : (vendor ? "public, max-age=86400" : "public, max-age=3600"));
  return response;
}

}  // namespace patron::sync
