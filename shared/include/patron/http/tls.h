// TLS between tills and head office (DESIGN.md §12), OpenSSL through Beast:
// the files each side is configured with. Certificates and keys are PEM.
#ifndef PATRON_HTTP_TLS_H_
#define PATRON_HTTP_TLS_H_

#include <string>

namespace patron {

// A server's certificate chain (its own certificate first) and private key.
struct TlsServerFiles {
  std::string cert_file;
  std::string key_file;
};

// What a client trusts: the CA certificate(s) that signed the servers'
// certificates. The server's certificate must also name the host the client
// connects to (a DNS name or an IP address in its subjectAltName).
struct TlsClientFiles {
  std::string ca_file;
};

}  // namespace patron

#endif  // PATRON_HTTP_TLS_H_
