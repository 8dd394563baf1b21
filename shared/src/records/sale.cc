#include "patron/records/sale.h"

namespace patron {

std::string MakeSaleId(std::string_view terminal_id, std::string_view sale_ref) {
  std::string id(terminal_id);
  id += '/';
  id += sale_ref;
  return id;
}

bool SplitSaleId(std::string_view sale_id, std::string_view& terminal_id,
                 std::string_view& sale_ref) {
  const size_t slash = sale_id.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == sale_id.size()) return false;
  terminal_id = sale_id.substr(0, slash);
  sale_ref = sale_id.substr(slash + 1);
  return true;
}

}  // namespace patron
