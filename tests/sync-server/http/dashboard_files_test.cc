// DashboardFiles (dashboard_files.h) through SyncApi: the dashboard's own
// files and the vendored Chart.js, with their security headers; nothing
// outside the two directories, whatever the path says.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "api_fixture.h"
#include "support/temp_dir.h"

namespace patron::sync {
namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST_CASE("dashboard files: served from their directory with a strict policy, nothing else") {
  testing::TempDir files;
  Write(files.path() / "site" / "index.html", "<!doctype html><title>x</title>");
  Write(files.path() / "site" / "js" / "app.js", "export {};");
  Write(files.path() / "site" / ".secret.js", "hidden");
  Write(files.path() / "site" / "notes.md", "no type");
  Write(files.path() / "vendor" / "chart.js" / "chart.min.js", "/* chart */");
  Write(files.path() / "outside.js", "outside");
  std::filesystem::create_symlink(files.path() / "outside.js", files.path() / "site" / "link.js");

  SyncApiOptions options{std::string(kAdminToken), ""};
  options.dashboard = {(files.path() / "site").string(), (files.path() / "vendor").string()};
  ApiFixture f(std::move(options));

  const HttpResponse index = f.Call("GET", "/dashboard/");
  REQUIRE(index.status == 200);
  CHECK(index.body == "<!doctype html><title>x</title>");
  CHECK(index.content_type == "text/html; charset=utf-8");
  CHECK(HeaderOf(index, "X-Content-Type-Options") == "nosniff");
  const std::string policy = HeaderOf(index, "Content-Security-Policy").value_or("");
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(HeaderOf(index, "Cache-Control") == "no-cache");

  const HttpResponse script = f.Call("GET", "/dashboard/js/app.js");
  CHECK(script.status == 200);
  CHECK(script.content_type == "text/javascript; charset=utf-8");
  CHECK(HeaderOf(script, "Cache-Control") == "public, max-age=3600");
  const HttpResponse chart = f.Call("GET", "/dashboard/vendor/chart.js/chart.min.js");
  CHECK(chart.status == 200);
  CHECK(chart.body == "/* chart */");

  const HttpResponse moved = f.Call("GET", "/dashboard");
  CHECK(moved.status == 301);
  CHECK(HeaderOf(moved, "Location") == "/dashboard/");

  for (const char* refused :
       {"/dashboard/../outside.js", "/dashboard/js/../../outside.js",
        "/dashboard/%2e%2e/outside.js", "/dashboard/js%2F..%2F..%2Foutside.js",
        "/dashboard/.secret.js", "/dashboard/notes.md", "/dashboard/link.js",
        "/dashboard/vendor/../site/index.html", "/dashboard/js//app.js", "/dashboard/missing.js",
        "/dashboard/js"}) {
    CHECK_MESSAGE(f.Call("GET", refused).status == 404, refused);
  }
  const HttpResponse post = f.Call("POST", "/dashboard/index.html", "{}");
  CHECK(post.status == 405);
  CHECK(f.api().Screen(ApiFixture::Request("POST", "/dashboard/index.html", "{}"))->status == 413);
  CHECK(f.api().RequestCount("dashboard") >= 10);
}

TEST_CASE("dashboard files: without a directory configured, /dashboard/ is 404") {
  ApiFixture f;
  CHECK(f.Call("GET", "/dashboard/").status == 404);
}

}  // namespace
}  // namespace patron::sync
