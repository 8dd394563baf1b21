#include "cli/command.h"

#include <chrono>
#include <iostream>

#include "cli/daemon_client.h"

namespace patron::cli {

const char kExitCodesHelp[] =
    "Exit codes:\n"
    "  0  success\n"
    "  1  the daemon refused the request (\"error: <code>: <message>\" on stderr),\n"
    "     or `init` could not write the configuration\n"
    "  2  usage error (unknown command or option, missing or invalid value)\n"
    "  3  the daemon could not be reached (not running, wrong --daemon, timeout)";

int UsageError(const std::string& message) {
  std::cerr << "error: " << message << "\nRun with --help for more information.\n";
  return kExitUsage;
}

int Failure(const std::string& code, const std::string& message) {
  std::cerr << "error: " << code << ": " << message << "\n";
  return kExitFailed;
}

int CallDaemon(const GlobalOptions& global, const ApiRequest& request, const HumanPrinter& print) {
  Result<std::unique_ptr<DaemonClient>> client =
      DaemonClient::Create(global.daemon_url, std::chrono::milliseconds(global.timeout_ms));
  if (!client.ok()) return UsageError("--daemon: " + client.status().message());
  Result<DaemonResponse> response = (*client)->Send(request.method, request.target, request.body);
  if (!response.ok()) {
    if (!response.status().IsUnavailable()) {
      return Failure(response.status().reason(), response.status().message());
    }
    std::cerr << "error: cannot reach patrond at " << (*client)->url() << ": "
              << response.status().message() << "\n"
              << "Is the daemon running? Start it with:  patrond --config DATA_DIR/patrond.json\n"
              << "(or point patron elsewhere with --daemon URL or PATRON_DAEMON)\n";
    return kExitUnreachable;
  }
  if (global.json) std::cout << response->body << (response->body.ends_with('\n') ? "" : "\n");
  if (!response->ok()) {
    const ApiError error = ErrorOf(*response);
    return Failure(error.code, error.message);
  }
  if (global.json) return kExitOk;
  if (response->json.is_discarded()) {
    return Failure("bad_response", "patrond answered with something that is not JSON");
  }
  try {
    print(response->json);
  } catch (const nlohmann::json::exception& e) {
    return Failure("bad_response", std::string("unexpected answer from patrond: ") + e.what());
  }
  return kExitOk;
}

}  // namespace patron::cli
