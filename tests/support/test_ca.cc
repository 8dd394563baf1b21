#include "support/test_ca.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "support/subprocess.h"

namespace patron::testing {
namespace {

Status RunOpenssl(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  const std::string log = dir + "/openssl.log";
  PATRON_ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> child,
                          Subprocess::Start(args, {.stderr_path = log}));
  const ExitStatus how = child->Wait();
  if (how.exit_code == 0) return Status::OK();
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return Status::Unavailable("openssl " + args[1] + " failed (" + how.ToString() +
                             "): " + text.str());
}

}  // namespace

Result<TestCa> MakeTestCa(const std::string& dir, const std::string& name) {
  TestCa ca;
  ca.ca_file = dir + "/ca.pem";
  ca.server = {dir + "/server.pem", dir + "/server.key"};
  const std::string ca_key = dir + "/ca.key", csr = dir + "/server.csr", ext = dir + "/san.ext";
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                       "-nodes"};
  std::vector<std::string> make_ca = {"req",         "-x509",   "-days", "2",    "-subj",
                                      "/CN=" + name, "-keyout", ca_key,  "-out", ca.ca_file};
  make_ca.insert(make_ca.begin() + 2, ec.begin(), ec.end());
  PATRON_RETURN_IF_ERROR(RunOpenssl(dir, make_ca));
  std::vector<std::string> make_csr = {
      "req", "-subj", "/CN=localhost", "-keyout", ca.server.key_file, "-out", csr};
  make_csr.insert(make_csr.begin() + 1, ec.begin(), ec.end());
  PATRON_RETURN_IF_ERROR(RunOpenssl(dir, make_csr));
  std::ofstream(ext) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  PATRON_RETURN_IF_ERROR(RunOpenssl(
      dir, {"x509", "-req", "-in", csr, "-CA", ca.ca_file, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "2", "-extfile", ext, "-out", ca.server.cert_file}));
  return ca;
}

}  // namespace patron::testing
