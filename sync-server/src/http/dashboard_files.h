// DashboardFiles: the head-office dashboard's static files (DESIGN.md §10)
// under /dashboard/, read from the directory they were installed in, and
// the vendored libraries (Debian's libjs-* packages, e.g. Chart.js from
// /usr/share/javascript/chart.js) under /dashboard/vendor/.
//
// Serves only what is safe to serve:
//   - GET only; a path of plain segments (A-Z a-z 0-9 . _ -, none empty,
//     none starting with '.'), so no "..", no hidden files, no encoded
//     slashes; a file whose real path (symlinks resolved) lies under its
//     directory; of a known type (html, js, css, svg, png, ico, json, txt);
//   - with X-Content-Type-Options: nosniff, a Content-Security-Policy that
//     admits only this origin's scripts and styles (no inline script, no
//     eval), frame-ancestors 'none', no referrer; HTML revalidated on every
//     load (no-cache) so an upgrade shows at once, the rest cached an hour.
// Nothing here needs a credential: the files hold no data; the pages fetch
// the report API with the user's session token.
//
// Thread-safe (no state but the two directories).
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_DASHBOARD_FILES_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_DASHBOARD_FILES_H_

#include <string>
#include <string_view>

#include "patron/http/message.h"

namespace patron::sync {

inline constexpr std::string_view kDashboardPrefix = "/dashboard";

struct DashboardOptions {
  std::string dir;         // the dashboard's files; empty: /dashboard/ answers 404
  std::string vendor_dir;  // /dashboard/vendor/<path> is <vendor_dir>/<path>
};

class DashboardFiles {
 public:
  explicit DashboardFiles(DashboardOptions options);

  // True for "/dashboard" and every path under "/dashboard/".
  static bool Handles(std::string_view path);
  // The file, a redirect from "/dashboard" to "/dashboard/", 404 for a path
  // it will not serve, 405 for a method other than GET.
  HttpResponse Serve(const HttpRequest& request) const;

 private:
  const DashboardOptions options_;
};

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_DASHBOARD_FILES_H_
