#include "cli/format.h"

#include <algorithm>
#include <ctime>
#include <iostream>

#include "patron/money.h"

namespace patron::cli {
namespace {

// Whether a code point takes two columns of a terminal: the East Asian
// wide and fullwidth blocks (CJK, kana, hangul, fullwidth forms).
bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

// The columns `text` (UTF-8) takes: a name in Chinese lines up with Latin.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    char32_t c = length == 1 ? byte : byte & (0x3F >> (length - 1));
    for (size_t k = 1; k < length && i + k < text.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += IsWide(c) ? 2 : 1;
    i += length;
  }
  return width;
}

std::string Pad(const std::string& text, size_t width, bool right) {
  const size_t shown = DisplayWidth(text);
  if (shown >= width) return text;
  const std::string fill(width - shown, ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::string Money(int64_t amount_minor) { return FormatMinor(amount_minor, kMinorDigits); }

std::string Points(int64_t points) {
  return std::to_string(points) + (points == 1 || points == -1 ? " point" : " points");
}

std::string UtcTime(int64_t wall_ms) {
  // Floor division, so times before 1970 do not land a second late.
  int64_t seconds = wall_ms / 1000;
  if (wall_ms % 1000 < 0) --seconds;
  const auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (gmtime_r(&time, &utc) == nullptr) return std::to_string(wall_ms) + " ms";
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return buffer;
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

std::string Text(const nlohmann::json& doc, std::string_view key) {
  const auto it = doc.find(std::string(key));
  if (it == doc.end() || it->is_null()) return "-";
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    return text.empty() ? "-" : text;
  }
  return it->dump();
}

int64_t Int(const nlohmann::json& doc, std::string_view key) {
  return doc.at(std::string(key)).get<int64_t>();
}

bool Bool(const nlohmann::json& doc, std::string_view key) {
  return doc.at(std::string(key)).get<bool>();
}

std::string TierProgressText(const nlohmann::json& doc) {
  const auto found = doc.find("tier_progress");
  if (found == doc.end()) return "";
  if (found->is_null()) return "top tier";
  return "spend " + Money(Int(*found, "spend_to_next_minor")) + " more for " +
         Text(*found, "next_tier");
}

std::string ExpiringText(const nlohmann::json& doc, const char* key) {
  const auto found = doc.find(key);
  if (found == doc.end() || !found->is_array()) return "";
  std::string text;
  for (const nlohmann::json& lot : *found) {
    if (!text.empty()) text += ", ";
    text += Points(Int(lot, "points")) + " on " + Text(lot, "expires_on");
  }
  return text;
}

std::string VoucherBenefitText(const nlohmann::json& v) {
  const auto opt = [&v](const char* key) { return v.value(key, int64_t{0}); };
  std::vector<std::string> parts;
  if (opt("amount_off_minor") > 0) parts.push_back(Money(opt("amount_off_minor")) + " off");
  if (opt("percent_off_bp") > 0) {
    std::string share = FormatMinor(opt("percent_off_bp"), 2);
    while (share.ends_with('0')) share.pop_back();
    if (share.ends_with('.')) share.pop_back();
    share += "% off";
    if (opt("max_off_minor") > 0) share += " (at most " + Money(opt("max_off_minor")) + ")";
    parts.push_back(share);
  }
  if (opt("min_spend_minor") > 0 && !parts.empty()) {
    parts.back() += " over " + Money(opt("min_spend_minor"));
  }
  if (opt("bonus_points") > 0) parts.push_back("+" + Points(opt("bonus_points")));
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

std::string TierReviewText(const nlohmann::json& doc) {
  const auto found = doc.find("tier_review");
  if (found == doc.end() || found->is_null()) return "";
  return "drops to " + Text(*found, "drops_to") + " at the review on " +
         UtcTime(Int(*found, "review_at_ms")) + " unless " +
         Money(Int(*found, "spend_to_keep_minor")) + " more is spent";
}

Fields& Fields::Add(std::string key, std::string value) {
  rows_.emplace_back(std::move(key), std::move(value));
  return *this;
}

Fields& Fields::AddIf(bool when, std::string key, std::string value) {
  return when ? Add(std::move(key), std::move(value)) : *this;
}

void Fields::Print() const {
  size_t width = 0;
  for (const auto& [key, value] : rows_) width = std::max(width, DisplayWidth(key) + 1);
  for (const auto& [key, value] : rows_) {
    std::cout << Pad(key + ":", width, false) << "  " << value << "\n";
  }
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows,
                const std::vector<size_t>& right_aligned) {
  std::vector<size_t> widths(header.size(), 0);
  auto widen = [&widths](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  widen(header);
  for (const auto& row : rows) widen(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const bool right =
          std::find(right_aligned.begin(), right_aligned.end(), i) != right_aligned.end();
      // The last column is not padded, so lines carry no trailing blanks.
      const bool last = i + 1 == row.size();
      line += last && !right ? row[i] : Pad(row[i], widths[i], right);
      if (!last) line += "  ";
    }
    std::cout << line << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
}

}  // namespace patron::cli
