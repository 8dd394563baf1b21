// HttpSyncTransport's reading of patron-sync's error answers (the transport
// itself is exercised against the real server in patron_sync_process_test).
#include "patron/terminal/http_sync_transport.h"

#include <doctest/doctest.h>

namespace patron::terminal {
namespace {

TEST_CASE("SyncErrorFromResponse maps statuses and keeps the server's reason") {
  HttpResponse reset = ErrorResponse(409, "cursor_reset", "re-bootstrap");
  CHECK(SyncErrorFromResponse(reset) == Status::Conflict("re-bootstrap", "cursor_reset"));
  CHECK(SyncErrorFromResponse(ErrorResponse(401, "invalid_token", "x")).code() ==
        StatusCode::kUnauthenticated);
  CHECK(SyncErrorFromResponse(ErrorResponse(403, "terminal_mismatch", "x")).code() ==
        StatusCode::kPermissionDenied);
  CHECK(SyncErrorFromResponse(ErrorResponse(404, "not_found", "x")).code() ==
        StatusCode::kNotFound);
  CHECK(SyncErrorFromResponse(ErrorResponse(422, "chain_key_mismatch", "x")).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(SyncErrorFromResponse(ErrorResponse(500, "internal", "x")).code() ==
        StatusCode::kUnavailable);
  HttpResponse proxy{502, "<html>bad gateway</html>", "text/html", {}};
  const Status gateway = SyncErrorFromResponse(proxy);
  CHECK(gateway.code() == StatusCode::kUnavailable);
  CHECK(gateway.reason() == "unavailable");
  CHECK(gateway.message().find("502") != std::string::npos);
}

}  // namespace
}  // namespace patron::terminal
