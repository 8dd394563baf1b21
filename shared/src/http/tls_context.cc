#include "http/tls_context.h"

#include <boost/system/system_error.hpp>
#include <string>

#include "http/server_state.h"

namespace patron::http_internal {
namespace {

namespace ssl = boost::asio::ssl;

Status Refused(std::string_view what, const std::string& file,
               const boost::system::system_error& e) {
  return Status::InvalidArgument(
      "cannot load the TLS " + std::string(what) + " '" + file + "': " + e.code().message(),
      "invalid_tls_file");
}

void Harden(ssl::context& context) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression);
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerContext(const TlsServerFiles& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  Harden(*context);
  try {
    context->use_certificate_chain_file(files.cert_file);
  } catch (const boost::system::system_error& e) {
    return Refused("certificate", files.cert_file, e);
  }
  try {
    context->use_private_key_file(files.key_file, ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    return Refused("key (or it does not match the certificate)", files.key_file, e);
  }
  return context;
}

Result<std::unique_ptr<ssl::context>> MakeClientContext(const TlsClientFiles& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  Harden(*context);
  try {
    context->load_verify_file(files.ca_file);
  } catch (const boost::system::system_error& e) {
    return Refused("CA certificate", files.ca_file, e);
  }
  context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return context;
}

Status ServerState::LoadTls() {
  if (!options_.tls) return Status::OK();
  PATRON_ASSIGN_OR_RETURN(tls_, MakeServerContext(*options_.tls));
  return Status::OK();
}

}  // namespace patron::http_internal
