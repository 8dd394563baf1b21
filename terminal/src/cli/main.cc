// patron: the operator's command line over patrond's local API. Every
// command but `init` is one HTTP request to the daemon; see commands.h for
// the command groups and command.h for output and exit codes.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace patron::cli;
  Cli cli;
  CLI::App app{
      "patron: the operator's command line for Patron's terminal daemon (patrond).\n"
      "Amounts are written in major units with up to 2 decimals (12.34); the\n"
      "--amount-minor options take exact minor units instead."};
  // Subcommands copy the footer and fallthrough when added: they get the
  // short footer, `patron --help` the full one (set after them).
  app.footer(
      "Exit codes: 0 ok, 1 refused (by the daemon; init: cannot write), 2 usage error,\n"
      "3 daemon unreachable.\n"
      "Global options (--daemon URL, --json, --timeout MS) go before or after the command.");
  app.fallthrough();
  app.require_subcommand(1);
  // CLI11's messages with the same "error: " prefix as the CLI's own.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "error: " + std::string(e.what()) + "\nRun with --help for more information.\n";
  });
  app.add_option("--daemon", cli.global.daemon_url, "patrond's URL")
      ->envname("PATRON_DAEMON")
      ->type_name("URL")
      ->capture_default_str()
      ->check(DaemonUrlArg());
  app.add_flag("--json", cli.global.json,
               "print the daemon's JSON answer as it is (errors too), for scripts");
  app.add_option("--timeout", cli.global.timeout_ms, "how long to wait for the daemon")
      ->type_name("MS")
      ->capture_default_str()
      ->check(CLI::Range(1, 600'000));

  AddInitCommand(app, cli);
  AddMemberCommands(app, cli);
  AddSaleCommands(app, cli);
  AddRefundCommand(app, cli);
  AddHistoryCommand(app, cli);
  AddVouchersCommand(app, cli);
  AddRewardsCommands(app, cli);
  AddFeedbackCommand(app, cli);
  AddAdminCommands(app, cli);
  app.footer(std::string(kExitCodesHelp) +
             "\n\nGlobal options (--daemon, --json, --timeout) go before or after the command.");

  if (argc <= 1) {  // a bare `patron`: show what it can do rather than one error line
    std::cerr << app.help();
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError whose exit code is 0; every other one is a
    // usage error, whatever CLI11's own code for it.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!cli.action) return UsageError("no command given");
  try {
    return cli.action();
  } catch (const std::exception& e) {
    return Failure("internal", e.what());
  }
}
