#include "support/damaged_page.h"

#include <fstream>

#include "patron/sql/database.h"

namespace patron::testing {

Status DamageTable(const std::string& db_path, const std::string& table, int bytes) {
  int64_t page = 0, page_size = 0;
  {
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::Database::Open(db_path));
    PATRON_RETURN_IF_ERROR(db->QueryInt64("PRAGMA wal_checkpoint(TRUNCATE)").status());
    PATRON_ASSIGN_OR_RETURN(
        page, db->QueryInt64("SELECT rootpage FROM sqlite_schema WHERE name = '" + table + "'"));
    PATRON_ASSIGN_OR_RETURN(page_size, db->QueryInt64("PRAGMA page_size"));
  }
  std::fstream file(db_path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(page * page_size - bytes);
  const std::string junk(static_cast<size_t>(bytes), '\xA5');
  file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  if (!file.good()) return Status::IOError("cannot damage " + db_path);
  return Status::OK();
}

}  // namespace patron::testing
