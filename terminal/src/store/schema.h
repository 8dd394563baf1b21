// The terminal database's schema, as migrations (patron::sql::Migrate).
#ifndef PATRON_TERMINAL_SRC_STORE_SCHEMA_H_
#define PATRON_TERMINAL_SRC_STORE_SCHEMA_H_

#include <span>

#include "patron/sql/migration.h"

namespace patron::terminal {

std::span<const sql::Migration> TerminalMigrations();

}  // namespace patron::terminal

#endif  // PATRON_TERMINAL_SRC_STORE_SCHEMA_H_
