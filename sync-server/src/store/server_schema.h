// The sync server database's schema, as migrations (patron::sql::Migrate).
#ifndef PATRON_SYNC_SERVER_SRC_STORE_SERVER_SCHEMA_H_
#define PATRON_SYNC_SERVER_SRC_STORE_SERVER_SCHEMA_H_

#include <span>

#include "patron/sql/migration.h"

namespace patron::sync {

std::span<const sql::Migration> ServerMigrations();

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_STORE_SERVER_SCHEMA_H_
