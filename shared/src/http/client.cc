#include "patron/http/client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <cctype>
#include <exception>
#include <optional>
#include <string>

#include "http/beast_strings.h"
#include "http/tls_context.h"

namespace patron {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;
using http_internal::ToBeast;
using http_internal::ToStdString;

namespace {

constexpr uint32_t kMaxResponseHeader = 64 * 1024;
// 1xx interim responses tolerated before the real one.
constexpr int kMaxInterimResponses = 4;

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool HasControlOrSpace(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return true;
  }
  return false;
}

bool HasLineBreakOrNul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

Result<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return Status::InvalidArgument("port must be 1..65535");
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Status::InvalidArgument("port must be 1..65535");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value < 1 || value > 65535) return Status::InvalidArgument("port must be 1..65535");
  return static_cast<uint16_t>(value);
}

// The server hung up on a kept-alive connection before answering: its idle
// timeout raced our request, so the request was not processed.
bool IsDroppedConnection(const error_code& ec) {
  // Over TLS a hang-up without close_notify is "stream truncated".
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::ssl::error::stream_truncated ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted;
}

}  // namespace

std::string Endpoint::ToString() const {
  const std::string shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return shown + ":" + std::to_string(port);
}

Result<Endpoint> ParseHostPort(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  Endpoint endpoint;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::InvalidArgument("expected [ipv6]:port, got " + quoted);
    }
    endpoint.host = std::string(text.substr(1, close - 1));
    error_code ec;
    net::ip::make_address_v6(endpoint.host, ec);
    if (ec) return Status::InvalidArgument("invalid IPv6 address in " + quoted);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("expected host:port, got " + quoted);
    }
    endpoint.host = std::string(text.substr(0, colon));
    if (endpoint.host.find(':') != std::string::npos) {
      return Status::InvalidArgument("an IPv6 address needs brackets ([::1]:7420), got " + quoted);
    }
    if (endpoint.host.empty() ||
        !std::all_of(endpoint.host.begin(), endpoint.host.end(), IsHostNameChar)) {
      return Status::InvalidArgument("invalid host in " + quoted);
    }
    port_text = text.substr(colon + 1);
  }
  Result<uint16_t> port = ParsePort(port_text);
  if (!port.ok()) return port.status().WithContext("in " + quoted);
  endpoint.port = *port;
  return endpoint;
}

namespace {

bool HasScheme(std::string_view url, std::string_view scheme) {
  return url.size() >= scheme.size() &&
         beast::iequals(ToBeast(url.substr(0, scheme.size())), ToBeast(scheme));
}

// The authority after the scheme, with `default_port` when it names none.
Result<Endpoint> ParseAuthority(std::string_view url, std::string_view rest,
                                uint16_t default_port) {
  const std::string quoted = "'" + std::string(url) + "'";
  const size_t slash = rest.find('/');
  std::string authority(rest.substr(0, slash));
  if (slash != std::string_view::npos && rest.substr(slash) != "/") {
    return Status::InvalidArgument("a server URL takes no path or query, got " + quoted);
  }
  if (authority.find_first_of("@?#") != std::string::npos) {
    return Status::InvalidArgument("invalid server URL " + quoted);
  }
  const bool bracketed = !authority.empty() && authority.front() == '[';
  if (bracketed ? authority.back() == ']' : authority.find(':') == std::string::npos) {
    authority += ":" + std::to_string(default_port);
  }
  Result<Endpoint> endpoint = ParseHostPort(authority);
  if (!endpoint.ok()) return endpoint.status().WithContext("in URL " + quoted);
  return endpoint;
}

}  // namespace

Result<Endpoint> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!HasScheme(url, kScheme)) {
    return Status::InvalidArgument("expected an http:// URL, got '" + std::string(url) + "'");
  }
  return ParseAuthority(url, url.substr(kScheme.size()), 80);
}

Result<ServerUrl> ParseServerUrl(std::string_view url) {
  constexpr std::string_view kHttps = "https://";
  if (HasScheme(url, kHttps)) {
    PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseAuthority(url, url.substr(kHttps.size()), 443));
    return ServerUrl{std::move(endpoint), true};
  }
  if (!HasScheme(url, "http://")) {
    return Status::InvalidArgument("expected an http:// or https:// URL, got '" +
                                   std::string(url) + "'");
  }
  PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseHttpUrl(url));
  return ServerUrl{std::move(endpoint), false};
}

class HttpClient::Impl {
 public:
  // `tls`: null for plain HTTP.
  Impl(Endpoint endpoint, std::chrono::milliseconds timeout,
       std::unique_ptr<net::ssl::context> tls)
      : endpoint_(std::move(endpoint)),
        where_(endpoint_.ToString()),
        timeout_(timeout),
        tls_context_(std::move(tls)) {}

  Result<HttpResponse> Send(const http::request<http::string_body>& request);

 private:
  // Starts one asynchronous operation through `initiate(handler)` and runs
  // the io_context until it completes: synchronous calls, but with the
  // deadlines of tcp_stream::expires_after, which only async operations obey.
  template <typename Initiate>
  error_code RunOne(Initiate&& initiate) {
    error_code result = net::error::would_block;
    initiate([&result](error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  Status Connect();
  // Over TLS: the handshake, verifying the server's chain and name.
  Status Handshake();
  bool connected() const { return plain_.has_value() || tls_.has_value(); }
  beast::tcp_stream& Tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
  // Runs `f` on the stream HTTP travels over (the TLS stream or the TCP one).
  template <typename F>
  auto OnStream(F&& f) {
    return tls_ ? f(*tls_) : f(*plain_);
  }
  // One request/response over the open connection. On failure `*dropped`
  // tells whether the server closed the connection before any response.
  Result<HttpResponse> Exchange(const http::request<http::string_body>& request, bool* dropped);
  Status Failure(std::string_view doing, const error_code& ec) const;
  void Disconnect();

  const Endpoint endpoint_;
  const std::string where_;  // "host:port", for messages
  const std::chrono::milliseconds timeout_;
  const std::unique_ptr<net::ssl::context> tls_context_;
  net::io_context ioc_{1};
  // While connected, one of them is engaged.
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  static constexpr std::size_t kReadBufferBytes = 64 * 1024;
  beast::flat_buffer buffer_;
};

Status HttpClient::Impl::Failure(std::string_view doing, const error_code& ec) const {
  if (ec == beast::error::timeout) {
    return Status::Unavailable("timed out after " + std::to_string(timeout_.count()) + " ms " +
                               std::string(doing) + " " + where_);
  }
  return Status::Unavailable("error " + std::string(doing) + " " + where_ + ": " + ec.message());
}

Status HttpClient::Impl::Connect() {
  std::vector<tcp::endpoint> candidates;
  error_code ec;
  const net::ip::address address = net::ip::make_address(endpoint_.host, ec);
  if (!ec) {
    candidates.emplace_back(address, endpoint_.port);
  } else {
    tcp::resolver resolver(ioc_);
    const auto results = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
    if (ec) return Status::Unavailable("cannot resolve " + where_ + ": " + ec.message());
    for (const auto& entry : results) candidates.push_back(entry.endpoint());
  }
  if (tls_context_) {
    tls_.emplace(ioc_, *tls_context_);
  } else {
    plain_.emplace(ioc_);
  }
  buffer_.clear();
  Tcp().expires_after(timeout_);
  ec = RunOne([&](auto handler) { Tcp().async_connect(candidates, std::move(handler)); });
  if (ec) {
    Disconnect();
    if (ec == beast::error::timeout) return Failure("connecting to", ec);
    return Status::Unavailable("cannot connect to " + where_ + ": " + ec.message());
  }
  error_code ignored;
  Tcp().socket().set_option(tcp::no_delay(true), ignored);
  if (!tls_) return Status::OK();
  Status shook = Handshake();
  if (!shook.ok()) Disconnect();
  return shook;
}

Status HttpClient::Impl::Handshake() {
  error_code ec;
  net::ip::make_address(endpoint_.host, ec);
  // SNI names a host, never an address (RFC 6066).
  if (ec && !SSL_set_tlsext_host_name(tls_->native_handle(), endpoint_.host.c_str())) {
    return Status::Internal("cannot set the TLS server name for " + where_);
  }
  tls_->set_verify_callback(net::ssl::host_name_verification(endpoint_.host));
  Tcp().expires_after(timeout_);
  ec = RunOne([&](auto handler) {
    tls_->async_handshake(net::ssl::stream_base::client, std::move(handler));
  });
  if (!ec) return Status::OK();
  if (ec == beast::error::timeout) return Failure("in the TLS handshake with", ec);
  return Status::Unavailable("TLS handshake with " + where_ +
                                 " failed (is its certificate signed by the configured CA, for "
                                 "this host name?): " + ec.message(),
                             "tls_handshake_failed");
}

void HttpClient::Impl::Disconnect() {
  if (!connected()) return;
  // Over TLS without close_notify: every response is delimited by its
  // length, so a closed connection truncates nothing either side reads.
  error_code ignored;
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Tcp().close();
  plain_.reset();
  tls_.reset();
  buffer_.clear();
}

Result<HttpResponse> HttpClient::Impl::Exchange(const http::request<http::string_body>& request,
                                                bool* dropped) {
  *dropped = false;
  Tcp().expires_after(timeout_);
  error_code ec = OnStream([&](auto& stream) {
    return RunOne([&](auto handler) { http::async_write(stream, request, std::move(handler)); });
  });
  if (ec) {
    *dropped = IsDroppedConnection(ec);
    return Failure("sending the request to", ec);
  }
  for (int interim = 0;; ++interim) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    parser.header_limit(kMaxResponseHeader);
    parser.skip(request.method() == http::verb::head);
    // Beast reads at most the buffer's spare capacity at a time (at least
    // 512 bytes): without room, an 8 MiB body took 16,000 reads, each with
    // its timer reset and epoll round.
    if (buffer_.capacity() < kReadBufferBytes) buffer_.reserve(kReadBufferBytes);
    Tcp().expires_after(timeout_);
    ec = OnStream([&](auto& stream) {
      return RunOne(
          [&](auto handler) { http::async_read(stream, buffer_, parser, std::move(handler)); });
    });
    if (ec) {
      *dropped = IsDroppedConnection(ec) && !parser.got_some();
      return Failure("reading the response from", ec);
    }
    http::response<http::string_body> message = parser.release();
    if (message.result_int() / 100 == 1) {
      if (interim < kMaxInterimResponses) continue;
      return Status::Unavailable("too many interim responses from " + where_);
    }
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    response.content_type = ToStdString(message[http::field::content_type]);
    for (const auto& field : message) {
      response.headers.emplace_back(ToStdString(field.name_string()), ToStdString(field.value()));
    }
    response.body = std::move(message.body());
    if (!message.keep_alive()) Disconnect();
    return response;
  }
}

Result<HttpResponse> HttpClient::Impl::Send(const http::request<http::string_body>& request) {
  for (int attempt = 0;; ++attempt) {
    const bool reused = connected();
    if (!reused) PATRON_RETURN_IF_ERROR(Connect());
    bool dropped = false;
    Result<HttpResponse> response = Exchange(request, &dropped);
    if (response.ok()) return response;
    Disconnect();
    // Only a kept-alive connection the server had already closed is worth a
    // second try: the request never reached a handler.
    if (!reused || !dropped || attempt > 0) return response;
  }
}

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout, TlsClientFiles tls)
    : endpoint_(std::move(endpoint)), timeout_(timeout), tls_(std::move(tls)) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                      std::string_view body,
                                      std::vector<std::pair<std::string, std::string>> headers) {
  if (method.empty() || HasControlOrSpace(method)) {
    return Status::InvalidArgument("invalid HTTP method '" + std::string(method) + "'");
  }
  if (target.empty() || HasControlOrSpace(target)) {
    return Status::InvalidArgument("invalid request target '" + std::string(target) + "'");
  }
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    if (name.empty() || HasControlOrSpace(name) || name.find(':') != std::string::npos ||
        HasLineBreakOrNul(value)) {
      return Status::InvalidArgument("invalid header field '" + name + "'");
    }
    if (beast::iequals(name, "content-type")) has_content_type = true;
  }
  // Beast reports bad arguments and allocation failure by throwing; this is
  // the edge where that stops.
  try {
    http::request<http::string_body> request;
    const http::verb verb = http::string_to_verb(ToBeast(method));
    if (verb == http::verb::unknown) {
      request.method_string(ToBeast(method));
    } else {
      request.method(verb);
    }
    request.target(ToBeast(target));
    request.version(11);
    request.set(http::field::host, endpoint_.ToString());
    request.set(http::field::user_agent, "patron");
    for (const auto& [name, value] : headers) request.insert(name, value);
    if (!body.empty() && !has_content_type) {
      request.set(http::field::content_type, "application/json");
    }
    request.body() = std::string(body);
    request.prepare_payload();
    // Created here rather than in the constructor, which has no way to report
    // that the io_context could not get its descriptors.
    if (!impl_) {
      std::unique_ptr<net::ssl::context> tls;
      if (tls_) {
        PATRON_ASSIGN_OR_RETURN(tls, http_internal::MakeClientContext(*tls_));
      }
      impl_ = std::make_unique<Impl>(endpoint_, timeout_, std::move(tls));
    }
    return impl_->Send(request);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("HTTP client error talking to ") + endpoint_.ToString() +
                            ": " + e.what());
  }
}

}  // namespace patron
