// SQLite columns of records (field.h), derived from their field tables: the
// column list of every table that holds a record, and the binds and reads of
// its values, in table order.
//
//   static const std::string kInsert = "INSERT INTO entries(seq, " +
//       record::ColumnList<LedgerEntry>(kRenames) + ") VALUES (?, " +
//       record::Placeholders<LedgerEntry>() + ")";
//   s.BindInt64(0, seq);
//   record::BindRecord(s, 1, entry);
//   ...
//   PATRON_RETURN_IF_ERROR(record::ReadColumns(s, 1, entry));
//
// Value types and their columns:
//   int64_t, bool          INTEGER
//   std::string            TEXT
//   std::optional<T>       T's column, NULL for nullopt
//   HlcTimestamp           INTEGER, packed
//   named enums            TEXT, the name
//   LwwRegister<T>         three: <col> (T), <col>_hlc (INTEGER), <col>_origin (TEXT)
//   records, variants      TEXT: their JSON (record_json.h)
//   std::vector<record>    none: a child table, written by its store
//   std::vector<value>     TEXT: its JSON array
//   JsonList<record>       TEXT: its JSON array (record_json.h)
// Reads of stored values that cannot be what the record holds (a negative
// HLC, an enum name this build does not know, JSON that does not decode)
// are Corruption naming the column.
#ifndef PATRON_RECORD_RECORD_SQL_H_
#define PATRON_RECORD_RECORD_SQL_H_

#include <initializer_list>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "patron/hlc.h"
#include "patron/lww.h"
#include "patron/record/field.h"
#include "patron/record/record_json.h"
#include "patron/sql/statement.h"
#include "patron/status.h"

namespace patron::record {

// Columns whose name in one table differs from the field's (e.g. the server
// keeps an entry's own seq as origin_seq, its seq being the change sequence).
using Renames = std::initializer_list<std::pair<std::string_view, std::string_view>>;

namespace sql_internal {

Status CorruptColumn(std::string_view column, std::string_view what);
void AppendColumn(std::string& out, std::string_view prefix, std::string_view column,
                  std::string_view suffix = {});

}  // namespace sql_internal

template <typename T>
struct SqlCodec;

template <>
struct SqlCodec<int64_t> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, int64_t value) { s.BindInt64(index, value); }
  static Status Read(const sql::Statement& s, int index, std::string_view, int64_t& value) {
    value = s.ColumnInt64(index);
    return Status::OK();
  }
};

template <>
struct SqlCodec<bool> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, bool value) { s.BindBool(index, value); }
  static Status Read(const sql::Statement& s, int index, std::string_view, bool& value) {
    value = s.ColumnBool(index);
    return Status::OK();
  }
};

template <>
struct SqlCodec<std::string> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, const std::string& value) {
    s.BindText(index, value);
  }
  static Status Read(const sql::Statement& s, int index, std::string_view, std::string& value) {
    value = s.ColumnText(index);
    return Status::OK();
  }
};

template <>
struct SqlCodec<std::optional<std::string>> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, const std::optional<std::string>& value) {
    s.BindOptionalText(index, value);
  }
  static Status Read(const sql::Statement& s, int index, std::string_view,
                     std::optional<std::string>& value) {
    value = s.ColumnOptionalText(index);
    return Status::OK();
  }
};

template <>
struct SqlCodec<std::optional<int64_t>> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, std::optional<int64_t> value) {
    s.BindOptionalInt64(index, value);
  }
  static Status Read(const sql::Statement& s, int index, std::string_view,
                     std::optional<int64_t>& value) {
    value = s.ColumnOptionalInt64(index);
    return Status::OK();
  }
};

template <>
struct SqlCodec<HlcTimestamp> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, HlcTimestamp value) {
    s.BindInt64(index, value.Packed());
  }
  static Status Read(const sql::Statement& s, int index, std::string_view column,
                     HlcTimestamp& value) {
    Result<HlcTimestamp> hlc = HlcTimestamp::FromPackedChecked(s.ColumnInt64(index));
    if (!hlc.ok()) return sql_internal::CorruptColumn(column, "is not a valid timestamp");
    value = *hlc;
    return Status::OK();
  }
};

template <NamedEnum E>
struct SqlCodec<E> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, E value) {
    s.BindText(index, EnumNames<E>::Name(value));
  }
  static Status Read(const sql::Statement& s, int index, std::string_view column, E& value) {
    if (EnumNames<E>::Parse(s.ColumnText(index), value)) return Status::OK();
    return sql_internal::CorruptColumn(column, "holds a value this build does not know");
  }
};

template <typename T>
struct SqlCodec<LwwRegister<T>> {
  static constexpr int kColumns = 3;
  static void AppendColumns(std::string& out, std::string_view prefix, std::string_view column) {
    sql_internal::AppendColumn(out, prefix, column);
    sql_internal::AppendColumn(out, prefix, column, "_hlc");
    sql_internal::AppendColumn(out, prefix, column, "_origin");
  }
  static void Bind(sql::Statement& s, int index, const LwwRegister<T>& reg) {
    SqlCodec<T>::Bind(s, index, reg.value);
    s.BindInt64(index + 1, reg.hlc.Packed());
    s.BindText(index + 2, reg.origin);
  }
  static Status Read(const sql::Statement& s, int index, std::string_view column,
                     LwwRegister<T>& reg) {
    PATRON_RETURN_IF_ERROR(SqlCodec<T>::Read(s, index, column, reg.value));
    PATRON_RETURN_IF_ERROR(SqlCodec<HlcTimestamp>::Read(s, index + 1, column, reg.hlc));
    reg.origin = s.ColumnText(index + 2);
    return Status::OK();
  }
};

// JSON passed through: its text.
template <>
struct SqlCodec<RawJson> {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, const RawJson& value) {
    s.BindText(index, value.text);
  }
  static Status Read(const sql::Statement& s, int index, std::string_view, RawJson& value) {
    value.text = s.ColumnText(index);
    return Status::OK();
  }
};

// One TEXT column holding the value's JSON (record_json.h); a column that
// does not decode is Corruption naming it.
template <typename T>
struct JsonTextColumn {
  static constexpr int kColumns = 1;
  static void Bind(sql::Statement& s, int index, const T& value) {
    std::string text;
    JsonCodec<T>::Append(value, text);
    s.BindText(index, text);
  }
  static Status Read(const sql::Statement& s, int index, std::string_view column, T& value) {
    const std::string text = s.ColumnText(index);
    JsonReader reader(text);
    Status status = JsonCodec<T>::Read(reader, "", column, value, nullptr);
    if (status.ok()) status = reader.Finish();
    if (!status.ok()) return sql_internal::CorruptColumn(column, status.message());
    return Status::OK();
  }
};

// Records nested in a record, and variants: their JSON.
template <typename T>
requires HasSchema<T> || requires { std::variant_size<T>::value; }
struct SqlCodec<T> : JsonTextColumn<T> {};

// A vector of records is a child table, which its store writes.
template <HasSchema T>
struct SqlCodec<std::vector<T>> {
  static constexpr int kColumns = 0;
};

// A vector of plain values (entry ids, names): its JSON array.
template <typename T>
requires(!HasSchema<T>) struct SqlCodec<std::vector<T>> : JsonTextColumn<std::vector<T>> {
};

// A JsonList of records: its JSON array.
template <HasSchema T>
struct SqlCodec<JsonList<T>> : JsonTextColumn<JsonList<T>> {};

namespace sql_internal {

template <typename F>
constexpr bool InSql(const F& field) {
  return field.in_sql() && SqlCodec<typename F::Type>::kColumns > 0;
}

inline std::string_view Renamed(std::string_view column, Renames renames) {
  for (const auto& [from, to] : renames) {
    if (from == column) return to;
  }
  return column;
}

}  // namespace sql_internal

// How many columns the record takes.
template <HasSchema Record>
constexpr int ColumnCount() {
  int count = 0;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if (sql_internal::InSql(field)) count += SqlCodec<typename F::Type>::kColumns;
  });
  return count;
}

// "a, b, b_hlc, b_origin, ..." in table order, each prefixed with `prefix`
// ("s." for a join).
template <HasSchema Record>
std::string ColumnList(Renames renames = {}, std::string_view prefix = {}) {
  std::string out;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    using Codec = SqlCodec<typename F::Type>;
    if (!sql_internal::InSql(field)) return;
    const std::string_view column = sql_internal::Renamed(field.Column(), renames);
    if constexpr (requires { Codec::AppendColumns(out, prefix, column); }) {
      Codec::AppendColumns(out, prefix, column);
    } else {
      sql_internal::AppendColumn(out, prefix, column);
    }
  });
  return out;
}

// "?,?,...,?": one per column of the record.
template <HasSchema Record>
std::string Placeholders() {
  std::string out;
  for (int i = 0; i < ColumnCount<Record>(); ++i) out += i == 0 ? "?" : ",?";
  return out;
}

// "a = excluded.a, ..." for every column but `key`: an upsert's SET clause.
template <HasSchema Record>
std::string UpsertAssignments(std::string_view key, Renames renames = {}) {
  std::string list = ColumnList<Record>(renames);
  std::string out;
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(", ", start);
    if (end == std::string::npos) end = list.size();
    const std::string_view column = std::string_view(list).substr(start, end - start);
    if (column != key) {
      if (!out.empty()) out += ", ";
      out.append(column).append(" = excluded.").append(column);
    }
    start = end + 2;
  }
  return out;
}

// Field names left out of an UPDATE (its key, columns another writer owns):
//   constexpr std::string_view kNotUpdated[] = {"member_id", "local_rights"};
using Except = std::span<const std::string_view>;

namespace sql_internal {

inline bool Excluded(std::string_view name, Except except) {
  for (std::string_view excluded : except) {
    if (excluded == name) return true;
  }
  return false;
}

}  // namespace sql_internal

// "a = ?, b = ?, b_hlc = ?, ..." for the columns of every field not in
// `except`, in table order: an UPDATE's SET clause, bound by BindRecord with
// the same `except`.
template <HasSchema Record>
std::string Assignments(Except except) {
  std::string out;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    using Codec = SqlCodec<typename F::Type>;
    if (!sql_internal::InSql(field) || sql_internal::Excluded(field.name, except)) return;
    std::string columns;
    if constexpr (requires { Codec::AppendColumns(columns, "", field.Column()); }) {
      Codec::AppendColumns(columns, "", field.Column());
    } else {
      sql_internal::AppendColumn(columns, "", field.Column());
    }
    size_t start = 0;
    while (start < columns.size()) {
      size_t end = columns.find(", ", start);
      if (end == std::string::npos) end = columns.size();
      if (!out.empty()) out += ", ";
      out.append(columns, start, end - start).append(" = ?");
      start = end + 2;
    }
  });
  return out;
}

// "a = a + excluded.a, ..." for the column of every integer field not in
// `keys`: the SET clause of an upsert that adds a delta's figures to its
// row. Fields of other types are the caller's to assign.
template <HasSchema Record>
std::string SumAssignments(Except keys) {
  std::string out;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (!std::is_same_v<typename F::Type, int64_t>) return;
    if (!sql_internal::InSql(field) || sql_internal::Excluded(field.name, keys)) return;
    if (!out.empty()) out += ", ";
    const std::string_view column = field.Column();
    out.append(column).append(" = ").append(column).append(" + excluded.").append(column);
  });
  return out;
}

// Binds the columns of every field not in `except` to parameters first,
// first + 1, ...; returns the index after the last.
template <HasSchema Record>
int BindRecord(sql::Statement& s, int first, const Record& record, Except except = {}) {
  int index = first;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    using Codec = SqlCodec<typename F::Type>;
    if constexpr (Codec::kColumns > 0) {
      if (!field.in_sql() || sql_internal::Excluded(field.name, except)) return;
      Codec::Bind(s, index, F::Get(record));
      index += Codec::kColumns;
    }
  });
  return index;
}

// As BindRecord (no exceptions), but text is bound in place, not copied:
// `record` must stay alive and unchanged until the statement has stepped
// for the last time with these bindings. For hot inserts of large batches.
template <HasSchema Record>
int BindRecordInPlace(sql::Statement& s, int first, const Record& record) {
  int index = first;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    using T = typename F::Type;
    using Codec = SqlCodec<T>;
    if constexpr (Codec::kColumns > 0) {
      if (!field.in_sql()) return;
      if constexpr (std::is_same_v<T, std::string>) {
        s.BindTextInPlace(index, F::Get(record));
      } else if constexpr (NamedEnum<T>) {
        s.BindTextInPlace(index, EnumNames<T>::Name(F::Get(record)));
      } else {
        Codec::Bind(s, index, F::Get(record));
      }
      index += Codec::kColumns;
    }
  });
  return index;
}

// Reads the record's columns from result columns first, first + 1, ....
template <HasSchema Record>
Status ReadColumns(const sql::Statement& s, int first, Record& record) {
  int index = first;
  Status status;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    using Codec = SqlCodec<typename F::Type>;
    if constexpr (Codec::kColumns > 0) {
      if (!field.in_sql() || !status.ok()) return;
      status = Codec::Read(s, index, field.Column(), F::Get(record));
      index += Codec::kColumns;
    }
  });
  return status;
}

}  // namespace patron::record

#endif  // PATRON_RECORD_RECORD_SQL_H_
