// Report rows (records of integer figures under text keys, such as
// analytics_store.h's) at the HTTP edge: as CSV, and their figures summed.
#ifndef PATRON_SYNC_SERVER_SRC_HTTP_REPORT_ROWS_H_
#define PATRON_SYNC_SERVER_SRC_HTTP_REPORT_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "patron/hlc.h"
#include "patron/http/message.h"
#include "patron/record/field.h"

namespace patron::sync {

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line
// break, quotes doubled. Text that a spreadsheet would run as a formula
// (starting with = + - @, a tab or a carriage return: members' words, names
// typed at a till) gets a leading apostrophe, which spreadsheets show as
// text (OWASP's advice on CSV injection).
inline void AppendCsvField(std::string_view text, std::string& out) {
  const bool formula =
      !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos;
  if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

inline HttpResponse CsvResponse(std::string body) {
  HttpResponse response = JsonResponse(200, std::move(body));
  response.content_type = "text/csv; charset=utf-8";
  return response;
}

// The rows as CSV: a header of the field names, then one line per row.
// UTF-8 with a byte-order mark, which spreadsheets need to read Chinese.
template <record::HasSchema Row>
std::string RowsToCsv(const std::vector<Row>& rows) {
  std::string out = "\xEF\xBB\xBF";
  bool first = true;
  record::ForEachField<Row>([&](const auto& field) {
    if (!first) out += ',';
    first = false;
    out.append(field.name);
  });
  out += "\r\n";
  for (const Row& row : rows) {
    first = true;
    record::ForEachField<Row>([&](const auto& field) {
      using F = std::remove_cvref_t<decltype(field)>;
      if (!first) out += ',';
      first = false;
      using T = typename F::Type;
      if constexpr (std::is_same_v<T, int64_t>) {
        out += std::to_string(F::Get(row));
      } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
        if (F::Get(row)) out += std::to_string(*F::Get(row));  // empty: none
      } else if constexpr (std::is_same_v<T, bool>) {
        out += F::Get(row) ? "true" : "false";
      } else if constexpr (record::NamedEnum<T>) {
        out.append(record::EnumNames<T>::Name(F::Get(row)));
      } else if constexpr (std::is_same_v<T, HlcTimestamp>) {
        out += F::Get(row).ToString();
      } else {
        static_assert(std::is_same_v<T, std::string>,
                      "text, integers, booleans, enums or HLC timestamps only");
        AppendCsvField(F::Get(row), out);
      }
    });
    out += "\r\n";
  }
  return out;
}

// {"<figure>": <sum over rows>, ...} of every integer field, in table order.
template <record::HasSchema Row>
std::string TotalsJson(const std::vector<Row>& rows) {
  std::string out = "{";
  record::ForEachField<Row>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (std::is_same_v<typename F::Type, int64_t>) {
      int64_t sum = 0;
      for (const Row& row : rows) sum += F::Get(row);
      if (out.size() > 1) out += ',';
      out.append("\"").append(field.name).append("\":").append(std::to_string(sum));
    }
  });
  out += '}';
  return out;
}

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_HTTP_REPORT_ROWS_H_
