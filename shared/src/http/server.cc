#include "patron/http/server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/listener.h"
#include "http/server_state.h"
#include "http/session.h"

namespace patron {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using http_internal::Listener;
using http_internal::ServerState;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler handler)
      : ioc_(std::max(options.threads, 1)),
        state_(std::make_shared<ServerState>(std::move(options), std::move(handler))) {}

  ~Impl() { Stop(); }

  Status Start();
  uint16_t port() const { return listener_->port(); }
  void Stop();
  void Wait();

 private:
  void RunThread();
  // Closes the acceptor and asks every session to wind down. Returns
  // immediately; only the first call does anything.
  void RequestStop();
  // Waits for the sessions to finish, then stops and joins the threads.
  void FinishStop();
  bool OnServerThread() const;

  // Declared first so that it is destroyed last, after everything holding
  // its sockets and timers.
  net::io_context ioc_;
  // Keeps the threads in run() until FinishStop() has seen every session
  // go: without it they could return as soon as the last operation finished,
  // stranding a Shutdown() posted a moment later (and the session it holds).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  const std::shared_ptr<ServerState> state_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> thread_ids_;  // fixed once Start() returns

  std::mutex mu_;
  std::condition_variable changed_;
  bool stop_requested_ = false;  // guarded by mu_
  bool stopped_ = false;         // guarded by mu_
  std::mutex finish_mu_;         // serialises FinishStop()
};

namespace {

Status ValidateOptions(const HttpServerOptions& options) {
  // An empty host would resolve to the wildcard address: listening on every
  // interface must be asked for explicitly ("0.0.0.0").
  if (options.host.empty()) return Status::InvalidArgument("host must not be empty");
  if (options.threads < 1) return Status::InvalidArgument("threads must be at least 1");
  if (options.max_connections < 1) {
    return Status::InvalidArgument("max_connections must be at least 1");
  }
  if (options.reserved_for_authenticated >= options.max_connections) {
    return Status::InvalidArgument("reserved_for_authenticated must be below max_connections");
  }
  // Without a way to recognise credentials no connection could use the
  // reserve: refuse the option rather than silently shrink the server.
  if (options.reserved_for_authenticated > 0 && !options.authenticates) {
    return Status::InvalidArgument("reserved_for_authenticated needs an authenticates hook");
  }
  if (options.header_limit < 1) return Status::InvalidArgument("header_limit must be positive");
  using std::chrono::milliseconds;
  if (options.read_timeout <= milliseconds::zero() ||
      options.write_timeout <= milliseconds::zero() ||
      options.idle_timeout <= milliseconds::zero() ||
      options.first_request_timeout <= milliseconds::zero()) {
    return Status::InvalidArgument("timeouts must be positive");
  }
  return Status::OK();
}

Result<tcp::endpoint> ResolveListenAddress(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve listen host '" + host +
                                   "': " + (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

}  // namespace

Status HttpServer::Impl::Start() {
  PATRON_RETURN_IF_ERROR(ValidateOptions(state_->options()));
  PATRON_RETURN_IF_ERROR(state_->LoadTls());
  const HttpServerOptions& options = state_->options();
  PATRON_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveListenAddress(options.host, options.port));
  PATRON_ASSIGN_OR_RETURN(listener_, Listener::Open(ioc_, endpoint, state_));
  work_.emplace(ioc_.get_executor());
  listener_->Start();
  try {
    for (int i = 0; i < options.threads; ++i) {
      threads_.emplace_back([this] { RunThread(); });
      thread_ids_.push_back(threads_.back().get_id());
    }
  } catch (const std::exception& e) {
    Stop();
    return Status::Unavailable(std::string("cannot start the HTTP server threads: ") + e.what());
  }
  return Status::OK();
}

void HttpServer::Impl::RunThread() {
  // The last line of defence: a throw from a completion handler (allocation
  // failure) costs that connection, never the thread.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (...) {
    }
  }
}

bool HttpServer::Impl::OnServerThread() const {
  return std::find(thread_ids_.begin(), thread_ids_.end(), std::this_thread::get_id()) !=
         thread_ids_.end();
}

void HttpServer::Impl::RequestStop() {
  {
    std::lock_guard lock(mu_);
    if (stop_requested_) return;
    stop_requested_ = true;
  }
  changed_.notify_all();
  if (listener_) listener_->Close();
  for (const auto& session : state_->BeginStop()) session->Shutdown();
}

void HttpServer::Impl::FinishStop() {
  std::lock_guard finish_lock(finish_mu_);
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
  }
  // Sessions finish their current request (reads and writes have deadlines)
  // and close; only then may the threads go.
  if (!threads_.empty()) state_->WaitUntilDrained();
  work_.reset();
  ioc_.stop();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  changed_.notify_all();
}

void HttpServer::Impl::Stop() {
  RequestStop();
  // A handler calling Stop() must not wait for its own session to drain or
  // join its own thread: Wait() or the destructor finishes the job.
  if (!OnServerThread()) FinishStop();
}

void HttpServer::Impl::Wait() {
  {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return stop_requested_; });
  }
  if (!OnServerThread()) FinishStop();
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return stopped_; });
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      HttpHandler handler) {
  if (!handler) return Status::InvalidArgument("HttpServer needs a handler");
  try {
    auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
    PATRON_RETURN_IF_ERROR(impl->Start());
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot start the HTTP server: ") + e.what());
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop() { impl_->Stop(); }

void HttpServer::Wait() { impl_->Wait(); }

}  // namespace patron
