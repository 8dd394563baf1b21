#include "patron/terminal/http_sync_transport.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "patron/json_util.h"
#include "patron/sync/codec.h"

namespace patron::terminal {
namespace {

StatusCode CodeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kConflict;
    case 422:
      return StatusCode::kFailedPrecondition;
    case 408:  // the server gave up waiting for us: try again
    case 429:
      return StatusCode::kUnavailable;
  }
  // 5xx: the server (or a proxy before it) failed; a later round may succeed.
  return status >= 500 ? StatusCode::kUnavailable : StatusCode::kInvalidArgument;
}

struct ErrorBody {
  std::string code;
  std::string message;
};

std::optional<ErrorBody> ParseErrorBody(std::string_view body) {
  Result<nlohmann::json> doc = json::Parse(body);
  if (!doc.ok()) return std::nullopt;
  Result<const nlohmann::json*> error = json::GetObject(*doc, "error");
  if (!error.ok()) return std::nullopt;
  Result<std::string> code = json::GetString(**error, "code");
  if (!code.ok()) return std::nullopt;
  Result<std::optional<std::string>> message = json::GetOptionalString(**error, "message");
  return ErrorBody{*code, message.ok() ? message->value_or("") : ""};
}

}  // namespace

Status SyncErrorFromResponse(const HttpResponse& response) {
  const StatusCode code = CodeForHttpStatus(response.status);
  const std::string answer = "sync server answered " + std::to_string(response.status) + " " +
                             std::string(HttpReasonPhrase(response.status));
  std::optional<ErrorBody> error = ParseErrorBody(response.body);
  if (!error) return Status(code, answer);
  return Status(code, error->message.empty() ? answer : error->message, error->code);
}

struct HttpSyncTransport::Channel {
  Channel(const Endpoint& server, std::chrono::milliseconds timeout,
          const std::optional<TlsClientFiles>& tls)
      : client(tls ? HttpClient(server, timeout, *tls) : HttpClient(server, timeout)) {}
  std::mutex mu;  // HttpClient is not thread-safe: one request at a time
  HttpClient client;
};

HttpSyncTransport::HttpSyncTransport(Endpoint server, std::string token,
                                     std::chrono::milliseconds timeout,
                                     std::optional<TlsClientFiles> tls)
    : server_(std::move(server)),
      authorization_("Bearer " + std::move(token)),
      sync_(std::make_unique<Channel>(server_, timeout, tls)),
      grant_(std::make_unique<Channel>(server_, timeout, tls)) {}

HttpSyncTransport::~HttpSyncTransport() = default;

Result<std::string> HttpSyncTransport::Send(Channel& channel, std::string_view method,
                                            std::string_view target, std::string body) {
  HeaderList headers = {{"Authorization", authorization_}};
  if (method == "POST") headers.emplace_back("Content-Type", "application/json");
  Result<HttpResponse> response = [&] {
    std::lock_guard lock(channel.mu);
    return channel.client.Send(method, target, body, headers);
  }();
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status > 299) {
    return SyncErrorFromResponse(*response);
  }
  return std::move(response->body);
}

namespace {

// A 2xx body that is not the protocol's reply came from something other than
// patron-sync (a captive portal, a misrouted proxy): retry later.
template <typename T>
Result<T> DecodeReply(Result<std::string> body, Result<T> (*decode)(std::string_view),
                      std::string_view target) {
  if (!body.ok()) return body.status();
  Result<T> decoded = decode(*body);
  if (!decoded.ok()) {
    return Status::Unavailable("the sync server's reply to " + std::string(target) +
                                   " is not a sync message: " + decoded.status().message(),
                               "bad_sync_reply");
  }
  return decoded;
}

}  // namespace

Result<sync::PushResponse> HttpSyncTransport::Push(const sync::PushRequest& request) {
  return DecodeReply(Send(*sync_, "POST", "/v1/push", sync::EncodePushRequest(request)),
                     sync::DecodePushResponse, "/v1/push");
}

Result<sync::PullResponse> HttpSyncTransport::Pull(const sync::PullRequest& request) {
  return DecodeReply(Send(*sync_, "POST", "/v1/pull", sync::EncodePullRequest(request)),
                     sync::DecodePullResponse, "/v1/pull");
}

Result<sync::GrantResponse> HttpSyncTransport::Grant(const sync::GrantRequest& request) {
  return DecodeReply(Send(*grant_, "POST", "/v1/grant", sync::EncodeGrantRequest(request)),
                     sync::DecodeGrantResponse, "/v1/grant");
}

Result<sync::ReturnClaimResponse> HttpSyncTransport::ClaimReturn(
    const sync::ReturnClaimRequest& request) {
  return DecodeReply(
      Send(*grant_, "POST", "/v1/returns/claim", sync::EncodeReturnClaimRequest(request)),
      sync::DecodeReturnClaimResponse, "/v1/returns/claim");
}

Result<Voucher> HttpSyncTransport::ClaimVoucher(const sync::VoucherClaimRequest& request) {
  return DecodeReply(
      Send(*grant_, "POST", "/v1/vouchers/claim", sync::EncodeVoucherClaimRequest(request)),
      sync::DecodeVoucher, "/v1/vouchers/claim");
}

Result<sync::StockClaimResponse> HttpSyncTransport::ClaimStock(
    const sync::StockClaimRequest& request) {
  return DecodeReply(
      Send(*grant_, "POST", "/v1/rewards/stock", sync::EncodeStockClaimRequest(request)),
      sync::DecodeStockClaimResponse, "/v1/rewards/stock");
}

Result<sync::SnapshotInfo> HttpSyncTransport::Snapshot(const sync::SnapshotRequest& request) {
  return DecodeReply(Send(*sync_, "POST", "/v1/snapshot", sync::EncodeSnapshotRequest(request)),
                     sync::DecodeSnapshotInfo, "/v1/snapshot");
}

Result<std::string> HttpSyncTransport::SnapshotChunk(int64_t seq, int64_t offset) {
  return Send(*sync_, "GET",
              "/v1/snapshot/data?seq=" + std::to_string(seq) + "&offset=" + std::to_string(offset),
              "");
}

}  // namespace patron::terminal
