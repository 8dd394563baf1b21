// A throwaway certificate authority for tests and the demo's TLS: a CA and
// a server certificate it signed for 127.0.0.1 and localhost, made with the
// openssl command line (Debian's openssl package) in a directory of the
// caller's. Valid for two days.
#ifndef PATRON_TESTS_SUPPORT_TEST_CA_H_
#define PATRON_TESTS_SUPPORT_TEST_CA_H_

#include <string>

#include "patron/http/tls.h"
#include "patron/status.h"

namespace patron::testing {

struct TestCa {
  std::string ca_file;    // the CA's certificate: what clients trust
  TlsServerFiles server;  // certificate and key for 127.0.0.1 / localhost
  TlsClientFiles client() const { return {ca_file}; }
};

// Makes a CA named `name` and its server certificate in `dir` (which must
// exist). Unavailable if openssl cannot be run or fails (its stderr in the
// message).
Result<TestCa> MakeTestCa(const std::string& dir, const std::string& name = "Patron test CA");

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_TEST_CA_H_
