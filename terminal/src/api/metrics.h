// patrond's GET /metrics: the terminal's state in Prometheus's text format,
// for the store's monitoring (what waits for head office, what it refused,
// whether this build meets things from a newer head office).
#ifndef PATRON_TERMINAL_SRC_API_METRICS_H_
#define PATRON_TERMINAL_SRC_API_METRICS_H_

#include <string>

#include "api/codec.h"
#include "patron/terminal/types.h"

namespace patron::terminal {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4";

std::string EncodeMetrics(const TerminalStatus& status, const SyncInfo& sync);

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_API_METRICS_H_
