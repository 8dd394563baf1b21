// patron-sync's configuration (sync-server/src/http/config.cc).
#include "http/config.h"

#include <doctest/doctest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace patron::sync {
namespace {

TEST_CASE("the configuration needs an admin token, consent to leave loopback, and TLS there") {
  ServerConfig config;
  CHECK(ValidateConfig(config).reason() == "invalid_config");
  config.admin_token = "token";
  CHECK(ValidateConfig(config).ok());
  config.listen = "0.0.0.0:7430";
  CHECK_FALSE(ValidateConfig(config).ok());
  config.allow_non_loopback = true;
  // Tokens in clear text over the stores' network: refused.
  const Status plain = ValidateConfig(config);
  CHECK_FALSE(plain.ok());
  CHECK(plain.message().find("--tls-cert") != std::string::npos);
  config.tls_cert_file = "/etc/patron/sync.pem";
  CHECK_FALSE(ValidateConfig(config).ok());  // and its key
  config.tls_key_file = "/etc/patron/sync.key";
  CHECK(ValidateConfig(config).ok());
  config.tls_cert_file.clear();
  config.tls_key_file.clear();
  config.allow_plain_http = true;  // behind a TLS-terminating proxy
  CHECK(ValidateConfig(config).ok());
  config.log_level = "debug";
  CHECK_FALSE(ValidateConfig(config).ok());
  config.log_level = "warn";
  config.fold_max_lag_ms = -1;
  CHECK_FALSE(ValidateConfig(config).ok());
}

TEST_CASE("config files are read strictly") {
  testing::TempDir dir;
  const std::string path = dir.File("patron-sync.json");
  std::ofstream(path) << R"({"data_dir":"/srv/patron","admin_token":"t","threads":8,
                             "allow_non_loopback":true,"listen":"0.0.0.0:7430",
                             "tls_cert_file":"/etc/patron/sync.pem",
                             "tls_key_file":"/etc/patron/sync.key",
                             "fold_max_lag_ms":2000})";
  Result<ServerConfig> config = LoadConfigFile(path);
  REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  CHECK(config->DatabasePath() == "/srv/patron/server.db");
  CHECK(config->threads == 8);
  CHECK(config->allow_non_loopback);
  CHECK(config->fold_max_lag_ms == 2000);
  CHECK(ValidateConfig(*config).ok());

  std::ofstream(path) << R"({"admin_tokn":"t"})";
  CHECK(LoadConfigFile(path).status().reason() == "unknown_field");
  std::ofstream(path) << R"({"threads":"8"})";
  CHECK(LoadConfigFile(path).status().reason() == "invalid_field");
  CHECK(LoadConfigFile(dir.File("missing.json")).status().reason() == "config_not_found");
}

}  // namespace
}  // namespace patron::sync
