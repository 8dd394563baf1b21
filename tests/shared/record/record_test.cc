// The record model (record/field.h): for every field of every synced record
// kind, what the wire codec and the SQLite binder write reads back exactly,
// with random values of every field (property test, seeded), and every
// field is really written (changing any one field changes the encoding).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <type_traits>

#include "patron/ledger.h"
#include "patron/member.h"
#include "patron/records/sale.h"
#include "patron/record/lww_merge.h"
#include "patron/record/record_json.h"
#include "patron/record/record_sql.h"
#include "patron/sql/database.h"
#include "patron/sync/protocol.h"
#include "patron/sync/replica_member.h"
#include "support/temp_dir.h"

namespace patron::record {
namespace {

// Random values of every type a field can have. Strings mix ASCII, JSON's
// special characters, control characters and multi-byte UTF-8 (CJK, emoji).
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  template <typename T>
  void Fill(T& value) {
    if constexpr (std::is_same_v<T, int64_t>) {
      value = Int();
    } else if constexpr (std::is_same_v<T, int>) {
      value = static_cast<int>(Int() % 100'000);
    } else if constexpr (std::is_same_v<T, bool>) {
      value = Coin();
    } else if constexpr (std::is_same_v<T, std::string>) {
      value = Text();
    } else if constexpr (std::is_same_v<T, HlcTimestamp>) {
      value = HlcTimestamp::FromParts(static_cast<int64_t>(rng_() % HlcTimestamp::kMaxPhysicalMs),
                                      static_cast<uint16_t>(rng_()));
    } else if constexpr (std::is_same_v<T, EntryKind>) {
      value = static_cast<EntryKind>(rng_() % 7);
    } else if constexpr (std::is_same_v<T, sync::PushOutcome>) {
      value = static_cast<sync::PushOutcome>(rng_() % 4);
    } else if constexpr (IsOptional<T>::value) {
      if (Coin()) {
        value.reset();
      } else {
        Fill(value.emplace());
      }
    } else if constexpr (IsRegister<T>::value) {
      Fill(value.value);
      Fill(value.hlc);
      value.origin = Text();
    } else if constexpr (std::is_same_v<T, sync::ProfileValue>) {
      switch (rng_() % 5) {
        case 0: value = std::monostate(); break;
        case 1: value = Coin(); break;
        case 2: value = Int(); break;
        case 3: value = Text(); break;
        default: {
          MemberIdentity identity;
          FillRecord(identity);
          value = identity;
        }
      }
    } else if constexpr (std::is_same_v<T, RawJson>) {
      value.text = EncodeRecord(Make<SaleLine>());
    } else if constexpr (HasSchema<T>) {
      FillRecord(value);
    } else if constexpr (requires { value.emplace_back(); }) {
      value.clear();
      const size_t n = rng_() % 4;
      for (size_t i = 0; i < n; ++i) Fill(value.emplace_back());
    } else {
      static_assert(sizeof(T) == 0, "no generator for this field type");
    }
  }

  template <HasSchema Record>
  void FillRecord(Record& record) {
    ForEachField<Record>([&](const auto& field) {
      using F = std::remove_cvref_t<decltype(field)>;
      Fill(F::Get(record));
    });
  }

  template <HasSchema Record>
  Record Make() {
    Record record;
    FillRecord(record);
    return record;
  }

 private:
  bool Coin() { return rng_() % 2 == 0; }
  int64_t Int() {
    switch (rng_() % 5) {
      case 0: return std::numeric_limits<int64_t>::min();
      case 1: return std::numeric_limits<int64_t>::max();
      case 2: return 0;
      default: return static_cast<int64_t>(rng_());
    }
  }
  std::string Text() {
    static const char* const kPieces[] = {"a",  "Z",  "0",  " ",   "\"", "\\", "/",
                                          "\n", "\t", "\x01", "\x1f", "\x7f", "é", "张伟",
                                          "日本", "😀", "{", "}", "[", ",", ":"};
    std::string text;
    const size_t n = rng_() % 8;
    for (size_t i = 0; i < n; ++i) text += kPieces[rng_() % std::size(kPieces)];
    return text;
  }

  std::mt19937_64 rng_;
};

template <HasSchema Record>
void CheckJsonRoundTrip(const Record& sent) {
  const std::string text = EncodeRecord(sent);
  DecodeNotes notes;
  Result<Record> read = DecodeRecord<Record>(text, &notes);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString() << " in " << text);
  CHECK_MESSAGE(*read == sent, text);
  CHECK(notes.empty());
}

// A table with exactly the record's columns, no types (SQLite keeps what is
// bound); the record bound, stored, read back.
template <HasSchema Record>
void CheckSqlRoundTrip(sql::Database& db, const Record& sent) {
  static const std::string kTable = "t" + std::to_string(kFieldCount<Record>) +
                                    std::to_string(ColumnCount<Record>());
  REQUIRE(db.Execute("CREATE TABLE IF NOT EXISTS " + kTable + "(" + ColumnList<Record>() + ")")
              .ok());
  REQUIRE(db.Execute("DELETE FROM " + kTable).ok());
  {
    auto insert = db.GetUniqueStatement("INSERT INTO " + kTable + "(" + ColumnList<Record>() +
                                        ") VALUES (" + Placeholders<Record>() + ")");
    REQUIRE(insert.ok());
    CHECK(BindRecord(*insert, 0, sent) == ColumnCount<Record>());
    REQUIRE(insert->Run().ok());
  }
  auto select = db.GetUniqueStatement("SELECT " + ColumnList<Record>() + " FROM " + kTable);
  REQUIRE(select.ok());
  REQUIRE(select->Step().value());
  Record read;
  REQUIRE(ReadColumns(*select, 0, read).ok());
  // Vectors of records are child tables, not columns: only the columns come
  // back.
  Record expected = sent;
  ForEachField<Record>([&](const auto& field) {
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (SqlCodec<typename F::Type>::kColumns == 0) F::Get(expected) = {};
  });
  CHECK(read == expected);
}

// Changing any one field changes the encoding: no field is left out.
template <HasSchema Record>
void CheckEveryFieldWritten(Generator& gen) {
  for (size_t i = 0; i < kFieldCount<Record>; ++i) {
    Record base = gen.Make<Record>();
    const std::string before = EncodeRecord(base);
    bool changed = false;
    for (int attempt = 0; attempt < 20 && !changed; ++attempt) {
      Record other = base;
      VisitField<Record>(i, [&](const auto& field) {
        using F = std::remove_cvref_t<decltype(field)>;
        gen.Fill(F::Get(other));
        changed = !(F::Get(other) == F::Get(base)) && EncodeRecord(other) != before;
      });
    }
    CAPTURE(i);
    CHECK(changed);
  }
}

template <HasSchema Record, bool kInSql>
void CheckKind(uint64_t seed) {
  Generator gen(seed);
  testing::TempDir dir;
  auto db = sql::Database::Open((dir.path() / "records.db").string(), {});
  REQUIRE(db.ok());
  for (int i = 0; i < 300; ++i) {
    const Record record = gen.Make<Record>();
    CheckJsonRoundTrip(record);
    if constexpr (kInSql) CheckSqlRoundTrip(**db, record);
  }
  CheckEveryFieldWritten<Record>(gen);
}

TEST_CASE("every field of every synced record kind survives the wire and SQLite") {
  CheckKind<MemberIdentity, true>(1);
  CheckKind<MemberProfile, true>(2);
  CheckKind<sync::MemberState, true>(3);
  CheckKind<sync::ReplicaMember, true>(4);
  CheckKind<EntryDetail, true>(5);
  CheckKind<LedgerEntry, true>(6);
  CheckKind<sync::DeliveredEntry, true>(7);
  CheckKind<sync::ProfileChange, true>(8);
  CheckKind<sync::Cursor, true>(9);
  CheckKind<sync::EntryAck, true>(10);
  CheckKind<sync::ProfileAck, true>(11);
  CheckKind<SaleLine, true>(12);
  CheckKind<SaleRecord, true>(13);
  CheckKind<RefundLine, true>(14);
  CheckKind<RefundRecord, true>(15);
  CheckKind<sync::RecordEnvelope, true>(16);
  CheckKind<sync::RecordAck, true>(17);
  CheckKind<sync::DownItem, true>(18);
  CheckKind<sync::SaleRefundsElsewhere, true>(19);
  CheckKind<sync::SetPart, true>(31);
}

TEST_CASE("every sync message survives the wire") {
  CheckKind<sync::PushRequest, false>(20);
  CheckKind<sync::PushResponse, false>(21);
  CheckKind<sync::PullRequest, false>(22);
  CheckKind<sync::PullResponse, false>(23);
  CheckKind<sync::GrantRequest, false>(24);
  CheckKind<sync::GrantResponse, false>(25);
  CheckKind<sync::SnapshotRequest, false>(26);
  CheckKind<sync::SnapshotInfo, false>(27);
  CheckKind<sync::ReturnClaimRequest, false>(28);
  CheckKind<sync::ReturnClaimResponse, false>(29);
  CheckKind<RefundPlan, false>(30);
}

TEST_CASE("fields a newer peer adds are skipped and noted, not refused") {
  LedgerEntry entry = Generator(40).Make<LedgerEntry>();
  std::string text = EncodeRecord(entry);
  text.insert(1, R"("campaign":{"id":"c1","tiers":[1,2]},)");
  DecodeNotes notes;
  Result<LedgerEntry> read = DecodeRecord<LedgerEntry>(text, &notes);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(*read == entry);
  REQUIRE(notes.unknown().size() == 1);
  CHECK(notes.unknown()[0] == "entry.campaign");
}

TEST_CASE("an optional field may be absent; a required one may not") {
  Result<sync::EntryAck> ack =
      DecodeRecord<sync::EntryAck>(R"({"entry_id":"t/1","outcome":"ok","seq":4})");
  REQUIRE(ack.ok());
  CHECK(ack->message.empty());
  Status missing = DecodeRecord<sync::EntryAck>(R"({"entry_id":"t/1","outcome":"ok"})").status();
  CHECK(missing.reason() == "missing_field");
  CHECK(missing.message() == "missing field 'seq'");
  Status unknown =
      DecodeRecord<sync::EntryAck>(R"({"entry_id":"t/1","outcome":"perhaps","seq":4})").status();
  CHECK(unknown.reason() == "unknown_value");
}

TEST_CASE("a detail sent as the text of its object, as older terminals did, is read") {
  Result<LedgerEntry> read = DecodeRecord<LedgerEntry>(
      EncodeRecord(Generator(41).Make<LedgerEntry>()));
  REQUIRE(read.ok());
  std::string text = EncodeRecord(*read);
  const size_t at = text.find("\"detail\":");
  REQUIRE(at != std::string::npos);
  text = text.substr(0, at) +
         R"("detail":"{\"multiplier_bp\":15000,\"tier\":\"gold\",\"lines\":[1]}"})";
  Result<LedgerEntry> legacy = DecodeRecord<LedgerEntry>(text);
  REQUIRE_MESSAGE(legacy.ok(), legacy.status().ToString());
  CHECK(legacy->detail.tier == "gold");
  CHECK(legacy->detail.multiplier_bp == 15'000);
  // Unset detail fields are not written at all.
  CHECK(EncodeRecord(EntryDetail{}) == "{}");
}

TEST_CASE("the LWW merge is derived from the field table") {
  MemberProfile mine, theirs;
  mine.name = {"Ann", HlcTimestamp::FromParts(10, 0), "t1"};
  theirs.name = {"Anne", HlcTimestamp::FromParts(11, 0), "t2"};
  mine.email = {std::string("a@x.co"), HlcTimestamp::FromParts(12, 0), "t1"};
  theirs.email = {std::nullopt, HlcTimestamp::FromParts(12, 0), "t0"};  // ties: origin decides
  MergeRegisters(mine, theirs);
  CHECK(mine.name.value == "Anne");
  CHECK(mine.email.value == "a@x.co");

  CHECK(MergeRegisterWrite(mine, "sms_consent", RegisterValue(true),
                           HlcTimestamp::FromParts(5, 0), "t3")
            .value());
  CHECK(mine.sms_consent.value);
  CHECK_FALSE(MergeRegisterWrite(mine, "sms_consent", RegisterValue(false),
                                 HlcTimestamp::FromParts(4, 0), "t9")
                  .value());
  CHECK(MergeRegisterWrite(mine, "birthday", RegisterValue(), HlcTimestamp::FromParts(5, 0), "t3")
            .value());
  CHECK_FALSE(mine.birthday.value.has_value());
  CHECK(MergeRegisterWrite(mine, "name", RegisterValue(true), HlcTimestamp::FromParts(99, 0), "t")
            .status()
            .reason() == "invalid_value");
  CHECK(MergeRegisterWrite(mine, "wechat", RegisterValue(std::string("x")),
                           HlcTimestamp::FromParts(99, 0), "t")
            .status()
            .reason() == "unknown_register");
  CHECK(HasRegister<MemberProfile>("email"));
  CHECK_FALSE(HasRegister<MemberProfile>("member_id"));
}

}  // namespace
}  // namespace patron::record
