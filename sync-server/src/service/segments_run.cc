// SyncService::RunSegments: every member's metrics and the pack's segments,
// computed from head office's analytics (analytics_store.h) and shipped to
// tills as a new version of the replace-all sets "segments" (segment.h) and
// "offers" (offer.h), both at the run's version.
//
// Two passes over the members who have bought, a page at a time: the first
// reads every member's recency and spend, for the R and M quintiles, their
// history, to fit the predicted-value model (clv_model.h), and their
// categories, for what members buy together (recommendations.h); the second
// computes each member's metrics and segments and writes them, a
// page per write transaction (so pushes wait at most one page). The run is
// stored (sizes, movement, RFM counts) and then its membership published,
// then its offers; a crash in between leaves tills on the version before of
// either set, and the next run takes the next version of both.
#include <algorithm>
#include <cmath>
#include <map>

#include "patron/local_time.h"
#include "patron/offer.h"
#include "patron/record/record_json.h"
#include "patron/segment.h"
#include "patron/sync_server/sync_service.h"
#include "service/checks.h"
#include "service/member_metrics.h"
#include "service/recommendations.h"

namespace patron::sync {
namespace {

constexpr int kMembersPerPage = 5'000;

// One page of members who have bought, with what their metrics read.
struct MembersPage {
  std::vector<MemberSummary> summaries;
  std::vector<MemberDay> days;             // by member
  std::vector<MemberCategory> categories;  // by member
};

Result<MembersPage> ReadPage(StoreTxn& txn, const std::string& after) {
  MembersPage page;
  PATRON_ASSIGN_OR_RETURN(page.summaries, txn.MemberSummaries(after, kMembersPerPage));
  if (page.summaries.empty()) return page;
  const std::string& through = page.summaries.back().member_id;
  PATRON_ASSIGN_OR_RETURN(page.days, txn.MemberDaysBetween(after, through));
  PATRON_ASSIGN_OR_RETURN(page.categories, txn.MemberCategoriesBetween(after, through));
  return page;
}

// Calls fn(summary, its days, its categories) for each member of the page.
template <typename Fn>
void ForEachMember(const MembersPage& page, Fn&& fn) {
  size_t d = 0, c = 0;
  for (const MemberSummary& summary : page.summaries) {
    const size_t d0 = d, c0 = c;
    while (d < page.days.size() && page.days[d].member_id == summary.member_id) ++d;
    while (c < page.categories.size() && page.categories[c].member_id == summary.member_id) ++c;
    fn(summary, std::span(page.days).subspan(d0, d - d0),
       std::span(page.categories).subspan(c0, c - c0));
  }
}

// The predicted-value model fitted on the buying members' histories;
// nullopt when it cannot be (too few repeat buyers, no convergence).
struct ValueModel {
  BgNbdParams purchases;
  GammaGammaParams spend;
};

// Each fit evaluates the likelihood of every history some hundreds of
// times: beyond this many members it fits on an even sample of them (in
// member id order, which is a hash: no bias), whose estimates are as good
// for four and three parameters.
constexpr size_t kFitSample = 50'000;

std::optional<ValueModel> FitValueModel(const std::vector<CustomerHistory>& all) {
  std::vector<CustomerHistory> histories;
  const size_t step = all.size() / kFitSample + 1;
  for (size_t i = 0; i < all.size(); i += step) histories.push_back(all[i]);
  std::vector<CustomerHistory> spenders;  // Gamma-Gamma: repeat buyers who kept money spent
  for (const CustomerHistory& h : histories) {
    if (h.frequency > 0 && h.mean_spend_minor > 0) spenders.push_back(h);
  }
  Result<BgNbdFit> purchases = FitBgNbd(histories);
  Result<GammaGammaFit> spend = FitGammaGamma(spenders);
  if (!purchases.ok() || !spend.ok()) return std::nullopt;
  return ValueModel{purchases->params, spend->params};
}

// The member's P(alive) and 12-month predicted spend under the model.
void Predict(const ValueModel& model, CustomerHistory history, MemberMetrics& m) {
  history.mean_spend_minor = std::max(history.mean_spend_minor, 1.0);
  m.p_alive_bp = std::llround(ProbabilityAlive(model.purchases, history) * 10'000);
  Result<double> value = CustomerLifetimeValue(model.purchases, model.spend, history, {});
  if (value.ok()) m.predicted_spend_minor = std::llround(*value);
}

int BirthdayMonth(const std::optional<std::string>& birthday) {
  int month = 0, day = 0;
  return birthday && ParseBirthday(*birthday, month, day) ? month : 0;
}

}  // namespace

Result<SegmentRun> SyncService::RunSegments() {
  const std::lock_guard<std::mutex> one_run_at_a_time(segments_mutex_);
  const int64_t now_ms = NowMs();
  Rules pack;
  SegmentRun run;
  {
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
    PATRON_ASSIGN_OR_RETURN(pack, ActiveRulesIn(*txn, now_ms));
    PATRON_ASSIGN_OR_RETURN(std::optional<SegmentRun> last, txn->FindSegmentRun(0));
    run.version = last ? last->version + 1 : 1;
  }
  const int64_t today = ToLocalDate(now_ms, pack.utc_offset_minutes).day_number;
  run.as_of_day = FormatLocalDay(today);
  run.ran_ms = now_ms;
  run.pack_version = pack.version;

  // Pass 1: the quintiles' populations. Recency is negated so that the most
  // recent score 5.
  std::vector<int64_t> recency, monetary;
  std::vector<CustomerHistory> histories;
  CategoryAffinity affinity;
  {
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
    for (std::string after;;) {
      PATRON_ASSIGN_OR_RETURN(MembersPage page, ReadPage(*txn, after));
      if (page.summaries.empty()) break;
      ForEachMember(page, [&](const MemberSummary& s, auto days, auto categories) {
        const MemberMetrics m = BaseMetrics(s, days, categories, today);
        recency.push_back(-m.recency_days);
        monetary.push_back(m.monetary_minor);
        histories.push_back(HistoryOf(s, days, today));
        affinity.AddMember(categories);
      });
      after = page.summaries.back().member_id;
    }
  }
  std::sort(recency.begin(), recency.end());
  std::sort(monetary.begin(), monetary.end());
  const std::optional<ValueModel> model = FitValueModel(histories);
  histories.clear();

  // Pass 2: metrics, segments, movement.
  std::map<std::string, SegmentSize> sizes;
  for (const SegmentRule& rule : pack.segments) sizes[rule.id].segment_id = rule.id;
  std::map<std::pair<std::string, std::string>, RfmCell> cells;
  std::vector<record::RawJson> rows;
  std::vector<record::RawJson> offer_rows;
  for (std::string after;;) {
    const MemberFolder::WriteActivity activity(folder_);
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
    PATRON_ASSIGN_OR_RETURN(MembersPage page, ReadPage(*txn, after));
    if (page.summaries.empty()) break;
    PATRON_ASSIGN_OR_RETURN(std::vector<MemberMetrics> before,
                            txn->MemberMetricsBetween(after, page.summaries.back().member_id));
    std::map<std::string, std::vector<std::string>> was;
    for (MemberMetrics& m : before) was[m.member_id] = std::move(m.segments);
    Status status;
    ForEachMember(page, [&](const MemberSummary& s, auto days, auto categories) {
      if (!status.ok()) return;
      MemberMetrics m = BaseMetrics(s, days, categories, today);
      m.r_score = QuintileScore(recency, -m.recency_days);
      m.m_score = QuintileScore(monetary, m.monetary_minor);
      m.rfm_segment = std::string(RfmSegmentOf(
          static_cast<int>(m.r_score), static_cast<int>(m.f_score), static_cast<int>(m.m_score)));
      if (model) Predict(*model, HistoryOf(s, days, today), m);
      for (MemberOffer& offer : OffersFor(m, categories, affinity, today)) {
        m.offers.push_back(std::move(offer));
      }
      Result<std::optional<MemberRecord>> member = txn->FindMember(s.member_id);
      if (!member.ok()) {
        status = member.status();
        return;
      }
      SegmentFacts facts{m.rfm_segment,          m.lifecycle,      "", "",
                         m.favourite_categories, m.monetary_minor, 0};
      if (*member) {
        facts.tier = (*member)->state.tier;
        facts.store = (*member)->state.enrolled_store;
        facts.birthday_month = BirthdayMonth((*member)->state.birthday.value);
      }
      for (const SegmentRule& rule : pack.segments) {
        if (InSegment(rule, facts)) m.segments.push_back(rule.id);
      }
      const std::vector<std::string>& before_segments = was[s.member_id];
      for (const std::string& id : m.segments) {
        ++sizes[id].members;
        if (std::find(before_segments.begin(), before_segments.end(), id) ==
            before_segments.end()) {
          ++sizes[id].entered;
        }
      }
      for (const std::string& id : before_segments) {
        auto size = sizes.find(id);
        if (size != sizes.end() &&
            std::find(m.segments.begin(), m.segments.end(), id) == m.segments.end()) {
          ++size->second.left;
        }
      }
      RfmCell& cell = cells[{m.rfm_segment, m.lifecycle}];
      cell.rfm_segment = m.rfm_segment;
      cell.lifecycle = m.lifecycle;
      ++cell.members;
      cell.monetary_minor += m.monetary_minor;
      if (!m.segments.empty()) {
        rows.push_back({record::EncodeRecord(MemberSegments{m.member_id, m.segments})});
      }
      if (!m.offers.empty()) offer_rows.push_back({record::EncodeRecord(OffersForTills(m))});
      ++run.members;
      status = txn->PutMemberMetrics(m);
    });
    PATRON_RETURN_IF_ERROR(status);
    PATRON_RETURN_IF_ERROR(txn->Commit());
    after = page.summaries.back().member_id;
  }
  for (const SegmentRule& rule : pack.segments) run.sizes.push_back(sizes[rule.id]);
  for (auto& [key, cell] : cells) run.rfm.push_back(std::move(cell));
  {
    const MemberFolder::WriteActivity activity(folder_);
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginWrite());
    PATRON_RETURN_IF_ERROR(txn->PutSegmentRun(run));
    PATRON_RETURN_IF_ERROR(txn->Commit());
  }
  PATRON_RETURN_IF_ERROR(PublishSet(kSegmentsSet, run.version, rows));
  PATRON_RETURN_IF_ERROR(PublishSet(kOffersSet, run.version, offer_rows));
  return run;
}

}  // namespace patron::sync

namespace patron::sync {

Result<std::optional<SegmentRun>> SyncService::RunSegmentsIfDue() {
  {
    const int64_t now_ms = NowMs();
    PATRON_ASSIGN_OR_RETURN(std::unique_ptr<StoreTxn> txn, store_.BeginRead());
    PATRON_ASSIGN_OR_RETURN(const Rules pack, ActiveRulesIn(*txn, now_ms));
    PATRON_ASSIGN_OR_RETURN(std::optional<SegmentRun> last, txn->FindSegmentRun(0));
    const std::string today =
        FormatLocalDay(ToLocalDate(now_ms, pack.utc_offset_minutes).day_number);
    if (last && last->as_of_day >= today && last->pack_version == pack.version) {
      return std::optional<SegmentRun>();
    }
  }
  PATRON_ASSIGN_OR_RETURN(SegmentRun run, RunSegments());
  return std::optional<SegmentRun>(std::move(run));
}

}  // namespace patron::sync
