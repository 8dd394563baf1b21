// HttpSyncTransport: SyncTransport over HTTP/1.1 to patron-sync
// (POST /v1/push, /v1/pull, /v1/grant, /v1/snapshot, /v1/returns/claim and
// GET /v1/snapshot/data with the terminal's bearer token).
//
//   HttpSyncTransport transport(server, config.token, std::chrono::seconds(30));
//   SyncClient client(terminal, transport);
//   Result<SyncReport> report = client.SyncOnce();
//
// Errors: Unavailable when the server cannot be reached, times out, or
// answers with something that is not the protocol (a proxy's HTML page).
// Otherwise the Status the server sent: its HTTP status gives the code
// (SyncErrorFromResponse) and the error body's code becomes the reason, so
// the SyncClient sees Conflict "cursor_reset" exactly as the service said it.
//
// Thread safety: all methods may be called from any thread. Push and Pull
// share one kept-alive connection (used by one caller at a time); Grant has
// its own, so a checkout waiting for a grant does not queue behind a long
// bootstrap pull of the background sync loop.
#ifndef PATRON_TERMINAL_HTTP_SYNC_TRANSPORT_H_
#define PATRON_TERMINAL_HTTP_SYNC_TRANSPORT_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "patron/http/client.h"
#include "patron/http/message.h"
#include "patron/status.h"
#include "patron/sync/protocol.h"
#include "patron/terminal/sync_client.h"

namespace patron::terminal {

class HttpSyncTransport final : public SyncTransport {
 public:
  // `timeout` bounds each step of a request (connect, write, read). With
  // `tls`, over HTTPS, the server verified against tls.ca_file.
  HttpSyncTransport(Endpoint server, std::string token, std::chrono::milliseconds timeout,
                    std::optional<TlsClientFiles> tls = std::nullopt);
  ~HttpSyncTransport() override;
  HttpSyncTransport(const HttpSyncTransport&) = delete;
  HttpSyncTransport& operator=(const HttpSyncTransport&) = delete;

  Result<sync::PushResponse> Push(const sync::PushRequest& request) override;
  Result<sync::PullResponse> Pull(const sync::PullRequest& request) override;
  Result<sync::GrantResponse> Grant(const sync::GrantRequest& request) override;
  Result<sync::SnapshotInfo> Snapshot(const sync::SnapshotRequest& request) override;
  Result<std::string> SnapshotChunk(int64_t seq, int64_t offset) override;
  // On the grant's connection: a till serving a customer waits for it.
  Result<sync::ReturnClaimResponse> ClaimReturn(const sync::ReturnClaimRequest& request) override;
  Result<Voucher> ClaimVoucher(const sync::VoucherClaimRequest& request) override;
  Result<sync::StockClaimResponse> ClaimStock(const sync::StockClaimRequest& request) override;

  const Endpoint& server() const { return server_; }

 private:
  struct Channel;
  // Sends a request over `channel`; the 2xx body, or the error. A POST
  // carries `body` as JSON.
  Result<std::string> Send(Channel& channel, std::string_view method, std::string_view target,
                           std::string body);

  Endpoint server_;
  std::string authorization_;  // "Bearer <token>"
  std::unique_ptr<Channel> sync_;
  std::unique_ptr<Channel> grant_;
};

// The Status a non-2xx answer of patron-sync stands for: the code from the
// HTTP status (400 InvalidArgument, 401 Unauthenticated, 403
// PermissionDenied, 404 NotFound, 409 Conflict, 422 FailedPrecondition, 5xx,
// 408 and 429 Unavailable, other 4xx InvalidArgument), the reason and
// message from a `{"error":{"code","message"}}` body when there is one.
Status SyncErrorFromResponse(const HttpResponse& response);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_HTTP_SYNC_TRANSPORT_H_
