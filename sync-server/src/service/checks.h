// Request checks shared by the service's operations.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_

#include <string_view>
#include <vector>

#include "patron/status.h"
#include "patron/sync_server/sync_service.h"

namespace patron::sync {

// 1..64 printable ASCII without blanks or '/', and not "server".
Status ValidateHolderId(std::string_view id, std::string_view what);
// The request speaks for the caller it was authenticated as.
Status CheckSpeaksFor(const Caller& caller, std::string_view terminal_id);

// Stored entries as a pull page or snapshot delivers them to a terminal.
std::vector<DeliveredEntry> Delivered(std::vector<StoredEntry> entries);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_CHECKS_H_
