#include "patron/http/listen.h"

#include <boost/asio/ip/address.hpp>
#include <string>

namespace patron {

Result<Endpoint> ParseListenAddress(std::string_view text) {
  if (!text.ends_with(":0")) return ParseHostPort(text);
  // ParseHostPort refuses port 0 (nobody can connect to it): validate the
  // host with a placeholder port, then ask for an ephemeral one.
  std::string with_port(text.substr(0, text.size() - 1));
  with_port += '1';
  PATRON_ASSIGN_OR_RETURN(Endpoint endpoint, ParseHostPort(with_port));
  endpoint.port = 0;
  return endpoint;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return address.is_loopback();
}

}  // namespace patron
