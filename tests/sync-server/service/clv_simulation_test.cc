// The predicted-value model (service/clv_model.h) on members simulated from
// known parameters: the fits must recover them, and the fitted model must
// predict a holdout period it never saw.
//
// The simulation is BG/NBD and Gamma-Gamma exactly as the papers state them
// (and as lifetimes' generate_data does): per member lambda ~ Gamma(r, rate
// alpha), p ~ Beta(a, b), purchases a Poisson process of rate lambda (so
// exponential gaps), dropout with probability p after each repeat purchase
// (a geometric number of purchases), spend per purchase ~ Gamma(p, rate nu)
// with nu ~ Gamma(q, rate v). Members join uniformly over the first 12
// weeks, as CDNOW's cohort did; the calibration period ends at day 273 (39
// weeks) and the holdout runs 270 days (9 months of kClvDaysPerMonth).
// Seeded std::mt19937_64 and libstdc++'s distributions: the figures are fixed
// on this toolchain.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <vector>

#include "service/clv_model.h"

namespace patron::sync {
namespace {

// CDNOW's BG/NBD fit with alpha from weeks to days, and its Gamma-Gamma fit
// with v from dollars to cents (minor units).
constexpr BgNbdParams kTruePurchases{0.243, 4.414 * 7, 0.793, 2.426};
constexpr GammaGammaParams kTrueSpend{6.25, 3.74, 1544};
// 20,000 rather than CDNOW's 2,357: at 5,000 the Gamma-Gamma p is known only
// to +-40% (3 standard errors), too loose for its check to mean much, and a
// fit of 20,000 still takes about a second in a debug build.
constexpr int kMembers = 20'000;
constexpr double kJoinDays = 84;
constexpr double kCalibrationEnd = 273;
constexpr double kHoldoutDays = 270;
constexpr uint64_t kSeed = 17;  // issue 17

struct SimulatedMember {
  CustomerHistory calibration;
  int64_t holdout_purchases = 0;
  double holdout_spend_minor = 0;
};

std::vector<SimulatedMember> Simulate() {
  std::mt19937_64 rng(kSeed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto gamma = [&](double shape, double rate) {
    return std::gamma_distribution<double>(shape, 1.0 / rate)(rng);
  };
  std::vector<SimulatedMember> members(kMembers);
  for (SimulatedMember& m : members) {
    const double first = kJoinDays * unit(rng);
    const double lambda = gamma(kTruePurchases.r, kTruePurchases.alpha);
    const double beta_x = gamma(kTruePurchases.a, 1), beta_y = gamma(kTruePurchases.b, 1);
    const double dropout = beta_x / (beta_x + beta_y);  // Beta(a, b)
    const double nu = gamma(kTrueSpend.q, kTrueSpend.v);
    double now = first, last = first, calibration_spend = 0;
    while (lambda > 0) {
      now += std::exponential_distribution<double>(lambda)(rng);
      if (now > kCalibrationEnd + kHoldoutDays) break;
      const double spend = gamma(kTrueSpend.p, nu);
      if (now <= kCalibrationEnd) {
        ++m.calibration.frequency;
        last = now;
        calibration_spend += spend;
      } else {
        ++m.holdout_purchases;
        m.holdout_spend_minor += spend;
      }
      if (unit(rng) < dropout) break;
    }
    m.calibration.recency_days = last - first;
    m.calibration.age_days = kCalibrationEnd - first;
    if (m.calibration.frequency > 0) {
      m.calibration.mean_spend_minor =
          calibration_spend / static_cast<double>(m.calibration.frequency);
    }
  }
  return members;
}

const std::vector<SimulatedMember>& Members() {
  static const std::vector<SimulatedMember> members = Simulate();
  return members;
}

const std::vector<CustomerHistory>& Calibration() {
  static const std::vector<CustomerHistory> histories = [] {
    std::vector<CustomerHistory> out;
    for (const SimulatedMember& m : Members()) out.push_back(m.calibration);
    return out;
  }();
  return histories;
}

const BgNbdFit& PurchaseFit() {
  static const BgNbdFit fit = [] {
    Result<BgNbdFit> r = FitBgNbd(Calibration());
    REQUIRE(r.ok());
    return *r;
  }();
  return fit;
}

const GammaGammaFit& SpendFit() {
  static const GammaGammaFit fit = [] {
    Result<GammaGammaFit> r = FitGammaGamma(Calibration());
    REQUIRE(r.ok());
    return *r;
  }();
  return fit;
}

// Asymptotic standard errors of the log-parameters at an MLE: the square
// roots of the diagonal of the inverse observed information (the Hessian of
// -ln L, by central differences), as lifetimes' standard_errors_ report.
std::vector<double> LogStandardErrors(const std::function<double(std::span<const double>)>& nll,
                                      const std::vector<double>& at) {
  const size_t n = at.size();
  constexpr double h = 1e-3;
  std::vector<std::vector<double>> info(n, std::vector<double>(n));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double corners = 0;
      for (int si : {1, -1}) {
        for (int sj : {1, -1}) {
          std::vector<double> x = at;
          x[i] += si * h;
          x[j] += sj * h;
          corners += si * sj * nll(x);
        }
      }
      info[i][j] = corners / (4 * h * h);
    }
  }
  // Gauss-Jordan inverse; the information matrix is positive definite at a
  // strict maximum, so the pivots are the diagonal.
  std::vector<std::vector<double>> inv(n, std::vector<double>(n));
  for (size_t i = 0; i < n; ++i) inv[i][i] = 1;
  for (size_t k = 0; k < n; ++k) {
    const double pivot = info[k][k];
    REQUIRE(pivot > 0);
    for (size_t j = 0; j < n; ++j) {
      info[k][j] /= pivot;
      inv[k][j] /= pivot;
    }
    for (size_t i = 0; i < n; ++i) {
      if (i == k) continue;
      const double f = info[i][k];
      for (size_t j = 0; j < n; ++j) {
        info[i][j] -= f * info[k][j];
        inv[i][j] -= f * inv[k][j];
      }
    }
  }
  std::vector<double> se(n);
  for (size_t i = 0; i < n; ++i) se[i] = std::sqrt(inv[i][i]);
  return se;
}

// The fitted value must lie within 3 standard errors of the truth (each
// check alone passes with probability 0.997 for a correct fitter), and the
// standard error must be small enough for that to mean something.
void CheckRecovered(const char* name, double fitted, double truth, double log_se,
                    double max_log_se) {
  CAPTURE(name);
  CAPTURE(fitted);
  CAPTURE(truth);
  CAPTURE(log_se);
  CHECK(log_se < max_log_se);
  CHECK(std::abs(std::log(fitted / truth)) < 3 * log_se);
}

TEST_CASE("the BG/NBD fit recovers the simulated r, alpha, a, b") {
  const BgNbdFit& fit = PurchaseFit();
  const BgNbdParams& p = fit.params;
  MESSAGE("BG/NBD fit r=" << p.r << " alpha=" << p.alpha << " a=" << p.a << " b=" << p.b << " in "
                          << fit.evaluations << " evaluations");
  // A maximum: no worse than the truth's likelihood on the same data.
  CHECK(fit.log_likelihood >= BgNbdLogLikelihood(kTruePurchases, Calibration()));
  const auto nll = [](std::span<const double> v) {
    const BgNbdParams q{std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
    return -BgNbdLogLikelihood(q, Calibration());
  };
  const std::vector<double> se =
      LogStandardErrors(nll, {std::log(p.r), std::log(p.alpha), std::log(p.a), std::log(p.b)});
  MESSAGE("log standard errors " << se[0] << " " << se[1] << " " << se[2] << " " << se[3]);
  // The bounds sit about 1.5 times above the standard errors this sample
  // size gives (0.018, 0.029, 0.08, 0.10): a and b, identified only through
  // the repeat buyers' dropout, are the loosest (+-25% and +-30%).
  CheckRecovered("r", p.r, kTruePurchases.r, se[0], 0.03);
  CheckRecovered("alpha", p.alpha, kTruePurchases.alpha, se[1], 0.05);
  CheckRecovered("a", p.a, kTruePurchases.a, se[2], 0.12);
  CheckRecovered("b", p.b, kTruePurchases.b, se[3], 0.15);
}

TEST_CASE("the Gamma-Gamma fit recovers the simulated p, q, v") {
  const GammaGammaFit& fit = SpendFit();
  const GammaGammaParams& p = fit.params;
  MESSAGE("Gamma-Gamma fit p=" << p.p << " q=" << p.q << " v=" << p.v << " in " << fit.evaluations
                               << " evaluations");
  CHECK(fit.log_likelihood >= GammaGammaLogLikelihood(kTrueSpend, Calibration()));
  const auto nll = [](std::span<const double> v) {
    const GammaGammaParams q{std::exp(v[0]), std::exp(v[1]), std::exp(v[2])};
    return -GammaGammaLogLikelihood(q, Calibration());
  };
  const std::vector<double> se =
      LogStandardErrors(nll, {std::log(p.p), std::log(p.q), std::log(p.v)});
  MESSAGE("log standard errors " << se[0] << " " << se[1] << " " << se[2]);
  // Standard errors here about 0.07, 0.025, 0.09: q (the population's tail)
  // is sharp, p and v trade off against each other (+-20%, +-28%).
  CheckRecovered("p", p.p, kTrueSpend.p, se[0], 0.10);
  CheckRecovered("q", p.q, kTrueSpend.q, se[1], 0.05);
  CheckRecovered("v", p.v, kTrueSpend.v, se[2], 0.15);
}

// Tolerances from 24 seeds (1-24) of this simulation: the gap between
// predicted and simulated holdout purchases has a standard deviation of 1.3%
// with the true parameters (the holdout's own randomness) and 2.1% with the
// fitted ones (mostly the error in a and b; at most 4.5%); the spend gap 2.7%
// (at most 7.6%); the ratio of mean absolute errors was 0.70-0.72 in every
// seed. Each bound is about 3 standard deviations; a wrong formula (no
// P(alive) factor, a wrong 2F1) misses by tens of percent.
TEST_CASE("the fitted model predicts the holdout period's purchases and spend") {
  double truth_predicted = 0, predicted = 0, actual = 0, predicted_spend = 0, actual_spend = 0;
  double model_error = 0, baseline_error = 0;
  const ClvOptions nine_months{static_cast<int>(kHoldoutDays / kClvDaysPerMonth), 1.0, 0.0};
  for (const SimulatedMember& m : Members()) {
    const Result<double> e =
        ConditionalExpectedPurchases(PurchaseFit().params, m.calibration, kHoldoutDays);
    REQUIRE(e.ok());
    // The naive forecast: the member keeps their calibration rate.
    const double same_rate =
        static_cast<double>(m.calibration.frequency) / m.calibration.age_days * kHoldoutDays;
    const double bought = static_cast<double>(m.holdout_purchases);
    const Result<double> e_truth =
        ConditionalExpectedPurchases(kTruePurchases, m.calibration, kHoldoutDays);
    REQUIRE(e_truth.ok());
    truth_predicted += *e_truth;
    predicted += *e;
    actual += bought;
    model_error += std::abs(*e - bought);
    baseline_error += std::abs(same_rate - bought);
    const Result<double> clv =
        CustomerLifetimeValue(PurchaseFit().params, SpendFit().params, m.calibration, nine_months);
    REQUIRE(clv.ok());
    predicted_spend += *clv;
    actual_spend += m.holdout_spend_minor;
  }
  model_error /= kMembers;
  baseline_error /= kMembers;
  MESSAGE("holdout purchases predicted " << predicted << " (with the true parameters "
                                         << truth_predicted << "), simulated " << actual);
  MESSAGE("holdout spend predicted " << predicted_spend << ", simulated " << actual_spend);
  MESSAGE("mean absolute error: model " << model_error << ", same-rate baseline "
                                        << baseline_error);
  CHECK(std::abs(truth_predicted / actual - 1) < 0.04);
  CHECK(std::abs(predicted / actual - 1) < 0.06);
  CHECK(std::abs(predicted_spend / actual_spend - 1) < 0.09);
  CHECK(model_error < 0.8 * baseline_error);
}

}  // namespace
}  // namespace patron::sync
