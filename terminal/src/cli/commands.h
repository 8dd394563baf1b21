// The command groups of `patron`. Each Add* function adds its subcommands
// to `app` and registers with OnChosen what each one does. `cli` must
// outlive `app`.
#ifndef PATRON_TERMINAL_SRC_CLI_COMMANDS_H_
#define PATRON_TERMINAL_SRC_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <utility>

#include "cli/command.h"

namespace patron::cli {

// Makes `run` cli.action once the parsed command line has chosen `command`
// (CLI11 calls a subcommand's callback after the whole line parsed).
inline void OnChosen(CLI::App& command, Cli& cli, std::function<int()> run) {
  command.callback([&cli, run = std::move(run)] { cli.action = run; });
}

// init: writes a terminal's data directory and patrond.json (no daemon).
void AddInitCommand(CLI::App& app, Cli& cli);
// status, sync.
void AddAdminCommands(CLI::App& app, Cli& cli);
// member add | find | show | update.
void AddMemberCommands(CLI::App& app, Cli& cli);
// history.
void AddHistoryCommand(CLI::App& app, Cli& cli);
// vouchers.
void AddVouchersCommand(CLI::App& app, Cli& cli);
// rewards, exchange.
void AddRewardsCommands(CLI::App& app, Cli& cli);
// sale, quote.
void AddSaleCommands(CLI::App& app, Cli& cli);
// refund.
void AddRefundCommand(CLI::App& app, Cli& cli);
// feedback.
void AddFeedbackCommand(CLI::App& app, Cli& cli);

}  // namespace patron::cli

#endif  // PATRON_TERMINAL_SRC_CLI_COMMANDS_H_
