// patron-sync's configuration (sync-server/src/http/config.cc).
#include "http/config.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

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

TEST_CASE("secrets come from files (their trailing newline dropped), not only from values") {
  testing::TempDir dir;
  const std::string admin = dir.File("admin.token");
  std::ofstream(admin) << "from-a-file-0123456789\n";
  const std::string config_path = dir.File("patron-sync.json");
  std::ofstream(config_path) << R"({"admin_token":"inline","admin_token_file":")" << admin
                             << R"(","reserved_connections":8,"max_unauthenticated_per_peer":4,)"
                             << R"("first_request_timeout_ms":2000})";
  Result<ServerConfig> loaded = LoadConfigFile(config_path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK(loaded->reserved_connections == 8);
  CHECK(loaded->max_unauthenticated_per_peer == 4);
  CHECK(loaded->first_request_timeout_ms == 2000);
  std::vector<std::string> warnings;
  REQUIRE(ReadSecretFiles(*loaded, warnings).ok());
  CHECK(loaded->admin_token == "from-a-file-0123456789");
  CHECK(ValidateConfig(*loaded).ok());

  ServerConfig missing;
  missing.metrics_token_file = dir.File("nowhere");
  CHECK(ReadSecretFiles(missing, warnings).reason() == "invalid_config");

  ServerConfig reserve;
  reserve.admin_token = "token";
  reserve.max_connections = 64;
  reserve.reserved_connections = 64;  // nothing left for anyone else
  CHECK(ValidateConfig(reserve).reason() == "invalid_config");
}

TEST_CASE("a config file naming a key twice is refused, naming the key") {
  testing::TempDir dir;
  const std::string config_path = dir.File("patron-sync.json");
  std::ofstream(config_path) << R"({"listen":"127.0.0.1:1","listen":"0.0.0.0:7430"})";
  Result<ServerConfig> loaded = LoadConfigFile(config_path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("listen") != std::string::npos);
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

TEST_CASE("the dashboard's directories and the sessions' timeouts come from the config file") {
  testing::TempDir dir;
  const std::string path = dir.File("patron-sync.json");
  std::ofstream(path) << R"({"admin_token":"t","dashboard_dir":"/opt/dash",)"
                         R"("dashboard_vendor_dir":"/opt/js","session_idle_ms":60000,)"
                         R"("session_max_ms":3600000})";
  Result<ServerConfig> config = LoadConfigFile(path);
  REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  CHECK(config->dashboard_dir == "/opt/dash");
  CHECK(config->dashboard_vendor_dir == "/opt/js");
  CHECK(config->session_idle_ms == 60'000);
  CHECK(config->session_max_ms == 3'600'000);
  CHECK(ValidateConfig(*config).ok());
  config->session_max_ms = 30'000;  // shorter than the idle timeout
  CHECK(ValidateConfig(*config).reason() == "invalid_config");
  CHECK(ServerConfig{}.dashboard_vendor_dir == "/usr/share/javascript");
}

}  // namespace
}  // namespace patron::sync
