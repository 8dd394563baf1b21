// Damage to a SQLite file as a failing disk does it, for the tests of
// start-up integrity (issue 15).
#ifndef PATRON_TESTS_SUPPORT_DAMAGED_PAGE_H_
#define PATRON_TESTS_SUPPORT_DAMAGED_PAGE_H_

#include <string>

#include "patron/status.h"

namespace patron::testing {

// Folds the WAL into the file at `db_path` (no one may have it open), then
// overwrites the last `bytes` of `table`'s root page, where a small table's
// rows are, with junk: a bad sector.
Status DamageTable(const std::string& db_path, const std::string& table, int bytes = 200);

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_DAMAGED_PAGE_H_
