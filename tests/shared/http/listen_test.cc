// Listen addresses (shared/src/http/listen.cc).
#include "patron/http/listen.h"

#include <doctest/doctest.h>

namespace patron {
namespace {

TEST_CASE("listen addresses: port 0 means ephemeral; only loopback literals count as local") {
  CHECK(ParseListenAddress("127.0.0.1:0")->port == 0);
  CHECK(ParseListenAddress("[::1]:0")->host == "::1");
  CHECK(ParseListenAddress("0.0.0.0:7430")->port == 7430);
  CHECK_FALSE(ParseListenAddress("127.0.0.1").ok());
  CHECK_FALSE(ParseListenAddress(":0").ok());

  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("127.1.2.3"));
  CHECK(IsLoopbackHost("::1"));
  CHECK(IsLoopbackHost("::ffff:127.0.0.1"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK_FALSE(IsLoopbackHost("0.0.0.0"));
  CHECK_FALSE(IsLoopbackHost("::"));
  CHECK_FALSE(IsLoopbackHost("10.0.0.7"));
  CHECK_FALSE(IsLoopbackHost("127.example.com"));
}

}  // namespace
}  // namespace patron
