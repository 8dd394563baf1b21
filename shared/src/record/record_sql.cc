#include "patron/record/record_sql.h"

namespace patron::record::sql_internal {

Status CorruptColumn(std::string_view column, std::string_view what) {
  return Status::Corruption("column " + std::string(column) + " " + std::string(what),
                            "corrupt_record");
}

void AppendColumn(std::string& out, std::string_view prefix, std::string_view column,
                  std::string_view suffix) {
  if (!out.empty()) out += ", ";
  out.append(prefix).append(column).append(suffix);
}

}  // namespace patron::record::sql_internal
