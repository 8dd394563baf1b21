// patron init: creates a terminal's data directory and writes its
// patrond.json, the file `patrond --config` reads. Needs no daemon.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "daemon/config.h"
#include "patron/http/listen.h"
#include "patron/http/client.h"

namespace patron::cli {
namespace {

namespace fs = std::filesystem;
using terminal::DaemonConfig;

constexpr char kConfigName[] = "patrond.json";

struct InitOptions {
  std::string data_dir;
  DaemonConfig config;
  bool force = false;
};

// 'text' quoted for a POSIX shell when it holds anything but safe characters.
std::string ShellQuote(const std::string& text) {
  if (text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                             "/._-+:=@,") == std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

Status ErrnoStatus(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno), "io_error");
}

// Writes `text` to `path` through a temporary file in the same directory, so
// the config is either the old file or the whole new one, never half-written.
// Without `replace`, link(2) refuses atomically if `path` exists meanwhile.
// Mode 0600: the file may hold the sync token and the chain key, and
// patrond runs as the same user that owns it.
Status WriteConfigFile(const fs::path& path, const std::string& text, bool replace) {
  const std::string tmp = path.string() + ".tmp-" + std::to_string(getpid());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot create " + tmp);
  size_t written = 0;
  bool ok = true;
  while (ok && written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  Status status = ok && fsync(fd) == 0 ? Status::OK() : ErrnoStatus("cannot write " + tmp);
  if (close(fd) != 0 && status.ok()) status = ErrnoStatus("cannot write " + tmp);
  if (status.ok()) {
    const int rc = replace ? rename(tmp.c_str(), path.c_str()) : link(tmp.c_str(), path.c_str());
    if (rc != 0 && errno == EEXIST) {
      status = Status::Conflict(path.string() + " appeared meanwhile; pass --force to replace it",
                                "config_exists");
    } else if (rc != 0) {
      status = ErrnoStatus("cannot write " + path.string());
    }
  }
  unlink(tmp.c_str());  // after rename it is gone already; after link it is the spare name
  return status;
}

// Creates `dir` (mode 0700: it will hold members' data and the token)
// unless it exists; an existing directory keeps the mode its owner gave it
// (patrond tightens it at start if it can, and warns if not).
Status MakeDataDir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::OK();
  fs::create_directories(dir, ec);
  if (!ec) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (ec) return Status::IOError("cannot create " + dir.string() + ": " + ec.message(), "io_error");
  return Status::OK();
}

int RunInit(const GlobalOptions& global, InitOptions& o) {
  // An absolute path: patrond may be started from any directory.
  fs::path dir = fs::absolute(o.data_dir).lexically_normal();
  if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) {
    dir = dir.parent_path();
  }
  o.config.data_dir = dir.string();
  for (std::string* file : {&o.config.token_file, &o.config.chain_key_file}) {
    if (!file->empty()) *file = fs::absolute(*file).lexically_normal().string();
  }
  // ValidateConfig's advice (--allow-non-loopback) is a patrond flag that the
  // file cannot carry, so init says what to do instead.
  if (Result<Endpoint> listen = ParseHostPort(o.config.listen);
      listen.ok() && !IsLoopbackHost(listen->host)) {
    return UsageError("--listen " + o.config.listen +
                      " is not a loopback address; init writes loopback addresses only (the "
                      "API serves members' data). To expose it anyway, start patrond with "
                      "--listen HOST:PORT --allow-non-loopback");
  }
  if (Status valid = terminal::ValidateConfig(o.config); !valid.ok()) {
    return UsageError(valid.message());
  }
  const fs::path config_path = dir / kConfigName;
  std::error_code ec;
  if (!o.force && fs::exists(config_path, ec)) {
    return Failure("config_exists",
                   config_path.string() + " already exists; pass --force to replace it");
  }
  if (Status made = MakeDataDir(dir); !made.ok()) return Failure(made.reason(), made.message());
  Status written = WriteConfigFile(config_path, terminal::ConfigToJson(o.config), o.force);
  if (!written.ok()) return Failure(written.reason(), written.message());

  const std::string start = "patrond --config " + ShellQuote(config_path.string());
  if (global.json) {
    std::cout << nlohmann::json{{"config_path", config_path.string()},
                                {"data_dir", dir.string()},
                                {"start_command", start}}
                     .dump()
              << "\n";
    return kExitOk;
  }
  std::cout << "wrote " << config_path.string() << " (terminal " << o.config.terminal_id
            << ", store " << o.config.store_id << ")\n"
            << "start the daemon with:\n  " << start << "\n";
  if (o.config.listen != DaemonConfig().listen) {
    std::cout << "then point patron at it:\n  export PATRON_DAEMON=http://" << o.config.listen
              << "\n";
  }
  if (o.config.server.empty()) {
    std::cout << "note: no --server, so this terminal works offline only\n";
  }
  if (o.config.chain_key.empty() && o.config.chain_key_file.empty()) {
    std::cout << "note: no --chain-key, so the demo chain key is used; all terminals and the "
                 "server of a chain must share one key\n";
  }
  return kExitOk;
}

}  // namespace

void AddInitCommand(CLI::App& app, Cli& cli) {
  auto o = std::make_shared<InitOptions>();
  DaemonConfig& c = o->config;
  CLI::App* init = app.add_subcommand(
      "init", "Create a terminal's data directory and its patrond.json (needs no daemon)");
  init->add_option("--data-dir", o->data_dir, "directory for terminal.db and patrond.json")
      ->required();
  init->add_option("--terminal-id", c.terminal_id, "this till's id, e.g. S001-T01")->required();
  init->add_option("--store-id", c.store_id, "its store's id, e.g. S001")->required();
  init->add_option("--listen", c.listen, "host:port of the local API (loopback)")
      ->capture_default_str();
  init->add_option("--server", c.server, "sync server URL (default: none, offline only)");
  init->add_option("--ca-file", c.ca_file,
                   "CA certificate (PEM) that signed the https:// sync server's");
  init->add_flag("--allow-plain-http", c.allow_plain_http,
                 "allow a plain http:// sync server off this machine");
  init->add_option("--token", c.token,
                   "bearer token issued by the sync server, written into patrond.json (mode "
                   "0600); visible to other users in ps while init runs: prefer --token-file");
  init->add_option("--token-file", c.token_file,
                   "file holding the token; patrond.json names the file instead of the token");
  init->add_option("--chain-key", c.chain_key,
                   "the chain's key (default: the demo key); visible to other users in ps "
                   "while init runs: prefer --chain-key-file");
  init->add_option("--chain-key-file", c.chain_key_file,
                   "file holding the chain key; patrond.json names the file");
  init->add_option("--country-code", c.default_country_code,
                   "country calling code for phone numbers typed without +")
      ->capture_default_str();
  init->add_flag("--force", o->force, "replace an existing patrond.json");
  OnChosen(*init, cli, [&cli, o] { return RunInit(cli.global, *o); });
}

}  // namespace patron::cli
