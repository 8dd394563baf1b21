// Basket lines for tests, spelled as a cashier would: sku, qty, total, category.
#ifndef PATRON_TESTS_SUPPORT_SALE_LINES_H_
#define PATRON_TESTS_SUPPORT_SALE_LINES_H_

#include <cstdint>
#include <string>

#include "patron/records/sale.h"

namespace patron::testing {

inline SaleLine Line(std::string sku, int64_t qty, int64_t amount_minor,
                     std::string category = "") {
  SaleLine line;
  line.sku = std::move(sku);
  line.qty = qty;
  line.amount_minor = amount_minor;
  line.category = std::move(category);
  return line;
}

}  // namespace patron::testing

#endif  // PATRON_TESTS_SUPPORT_SALE_LINES_H_
