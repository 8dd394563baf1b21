#include "service/clv_model.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "service/clv_numerics.h"

namespace patron::sync {
namespace {

// Frequencies above this are bad data (a purchase day a day for 2,700
// years); the bound keeps the per-frequency caches below small.
constexpr int64_t kMaxFrequency = 1'000'000;

Status CheckHistory(const CustomerHistory& h) {
  if (h.frequency < 0 || h.frequency > kMaxFrequency) {
    return Status::InvalidArgument("frequency out of range: " + std::to_string(h.frequency));
  }
  if (!std::isfinite(h.recency_days) || !std::isfinite(h.age_days) || h.recency_days < 0 ||
      h.recency_days > h.age_days) {
    return Status::InvalidArgument("need 0 <= recency <= age, got recency " +
                                   std::to_string(h.recency_days) + ", age " +
                                   std::to_string(h.age_days));
  }
  // Distinct purchase days: a repeat purchase is at least a day after the first.
  if ((h.frequency == 0) != (h.recency_days == 0)) {
    return Status::InvalidArgument("recency must be 0 exactly when frequency is 0");
  }
  return Status::OK();
}

Status CheckHistories(std::span<const CustomerHistory> members) {
  for (size_t i = 0; i < members.size(); ++i) {
    PATRON_RETURN_IF_ERROR(CheckHistory(members[i]).WithContext("member " + std::to_string(i)));
  }
  return Status::OK();
}

int64_t CountRepeatBuyers(std::span<const CustomerHistory> members) {
  return std::count_if(members.begin(), members.end(),
                       [](const CustomerHistory& h) { return h.frequency > 0; });
}

Status TooFew(int64_t repeat_buyers) {
  return Status::FailedPrecondition(
      "the model needs at least " + std::to_string(kClvMinRepeatBuyers) +
          " members with a repeat purchase, got " + std::to_string(repeat_buyers),
      "clv_too_few_repeat_buyers");
}

Status NotConverged(const char* model, int evaluations) {
  return Status::FailedPrecondition(std::string(model) + " fit did not converge in " +
                                        std::to_string(evaluations) + " evaluations",
                                    "clv_not_converged");
}

int64_t MaxFrequency(std::span<const CustomerHistory> members) {
  int64_t max_x = 0;
  for (const CustomerHistory& h : members) max_x = std::max(max_x, h.frequency);
  return max_x;
}

// ln(e^u + e^w) without overflow.
double LogSumExp(double u, double w) {
  const double hi = std::max(u, w);
  return hi + std::log1p(std::exp(std::min(u, w) - hi));
}

// Equation (10) at one value of a (a != 1).
Result<double> ConditionalExpectation(const BgNbdParams& p, double x, double recency, double age,
                                      double t) {
  const double z = t / (p.alpha + age + t);
  const double c = p.a + p.b + x - 1;
  PATRON_ASSIGN_OR_RETURN(const double hyp, Hyp2F1(p.a + p.b - 1 - p.r, p.a - 1, c, z));
  const double bracket = 1 - std::exp((p.a - 1) * std::log1p(-z)) * hyp;
  double denominator = 1;
  if (x > 0) {
    denominator += std::exp(std::log(p.a / (p.b + x - 1)) +
                            (p.r + x) * std::log((p.alpha + age) / (p.alpha + recency)));
  }
  return c / (p.a - 1) * bracket / denominator;
}

}  // namespace

double BgNbdLogLikelihood(const BgNbdParams& p, std::span<const CustomerHistory> members) {
  // The gamma-function terms depend on x alone: one evaluation per x.
  const double common =
      -std::lgamma(p.r) + p.r * std::log(p.alpha) + std::lgamma(p.a + p.b) - std::lgamma(p.b);
  std::vector<double> by_frequency(static_cast<size_t>(MaxFrequency(members)) + 1);
  for (size_t x = 0; x < by_frequency.size(); ++x) {
    const double xd = static_cast<double>(x);
    by_frequency[x] =
        common + std::lgamma(p.r + xd) + std::lgamma(p.b + xd) - std::lgamma(p.a + p.b + xd);
  }
  const double log_a = std::log(p.a);
  double sum = 0;
  for (const CustomerHistory& h : members) {
    const double x = static_cast<double>(h.frequency);
    const double still_alive = -(p.r + x) * std::log(p.alpha + h.age_days);
    double ll = by_frequency[static_cast<size_t>(h.frequency)];
    if (h.frequency == 0) {
      ll += still_alive;
    } else {
      const double dropped_out =
          log_a - std::log(p.b + x - 1) - (p.r + x) * std::log(p.alpha + h.recency_days);
      ll += LogSumExp(still_alive, dropped_out);
    }
    sum += ll;
  }
  return sum;
}

namespace {

// A weak pull of the log-parameters towards the search's start, added to
// the mean negative log-likelihood. Where the data identify the parameters
// it moves them by far less than their standard errors; where they do not
// (members alike in rate or spend, whose likelihood keeps rising as a
// parameter goes to infinity) it keeps the optimum finite, so the fit
// converges instead of wandering off along the ridge.
constexpr double kLogPrior = 1e-4;

double Pull(std::span<const double> log_params, std::span<const double> start) {
  double sum = 0;
  for (size_t i = 0; i < log_params.size(); ++i) {
    sum += (log_params[i] - start[i]) * (log_params[i] - start[i]);
  }
  return kLogPrior * sum;
}

}  // namespace

Result<BgNbdFit> FitBgNbd(std::span<const CustomerHistory> members) {
  PATRON_RETURN_IF_ERROR(CheckHistories(members));
  const int64_t repeat_buyers = CountRepeatBuyers(members);
  if (repeat_buyers < kClvMinRepeatBuyers) return TooFew(repeat_buyers);
  double mean_age = 0;
  for (const CustomerHistory& h : members) mean_age += h.age_days;
  mean_age /= static_cast<double>(members.size());

  // The mean over members keeps the objective's scale, and so the
  // tolerances, independent of how many members there are.
  const double n = static_cast<double>(members.size());
  const std::vector<double> start = {0.0, std::log(mean_age), 0.0, 0.0};
  const auto objective = [&](std::span<const double> log_params) {
    const BgNbdParams p{std::exp(log_params[0]), std::exp(log_params[1]), std::exp(log_params[2]),
                        std::exp(log_params[3])};
    return -BgNbdLogLikelihood(p, members) / n + Pull(log_params, start);
  };
  const NelderMeadResult best = NelderMead(objective, start, NelderMeadOptions{});
  if (!best.converged) return NotConverged("BG/NBD", best.evaluations);
  BgNbdFit fit;
  fit.params = {std::exp(best.x[0]), std::exp(best.x[1]), std::exp(best.x[2]), std::exp(best.x[3])};
  fit.log_likelihood = BgNbdLogLikelihood(fit.params, members);
  fit.evaluations = best.evaluations;
  return fit;
}

double ProbabilityAlive(const BgNbdParams& p, const CustomerHistory& h) {
  if (h.frequency == 0) return 1.0;
  const double x = static_cast<double>(h.frequency);
  const double log_odds_dead =
      std::log(p.a / (p.b + x - 1)) +
      (p.r + x) * std::log((p.alpha + h.age_days) / (p.alpha + h.recency_days));
  return 1.0 / (1.0 + std::exp(log_odds_dead));
}

Result<double> ConditionalExpectedPurchases(const BgNbdParams& p, const CustomerHistory& h,
                                            double t_days) {
  PATRON_RETURN_IF_ERROR(CheckHistory(h));
  if (!(t_days >= 0) || !std::isfinite(t_days)) {
    return Status::InvalidArgument("the forecast span must be finite and >= 0");
  }
  const double x = static_cast<double>(h.frequency);
  constexpr double kNearOne = 1e-5;
  if (std::abs(p.a - 1) >= kNearOne) {
    return ConditionalExpectation(p, x, h.recency_days, h.age_days, t_days);
  }
  // The function is smooth in a; the formula is 0/0 at a = 1.
  BgNbdParams below = p;
  below.a = 1 - kNearOne;
  BgNbdParams above = p;
  above.a = 1 + kNearOne;
  PATRON_ASSIGN_OR_RETURN(const double lo,
                          ConditionalExpectation(below, x, h.recency_days, h.age_days, t_days));
  PATRON_ASSIGN_OR_RETURN(const double hi,
                          ConditionalExpectation(above, x, h.recency_days, h.age_days, t_days));
  return (lo + hi) / 2;
}

Result<double> ExpectedPurchases(const BgNbdParams& params, double t_days) {
  return ConditionalExpectedPurchases(params, CustomerHistory{}, t_days);
}

double GammaGammaLogLikelihood(const GammaGammaParams& p,
                               std::span<const CustomerHistory> members) {
  std::vector<double> by_frequency(static_cast<size_t>(MaxFrequency(members)) + 1);
  for (size_t x = 1; x < by_frequency.size(); ++x) {
    const double px = p.p * static_cast<double>(x);
    by_frequency[x] =
        std::lgamma(px + p.q) - std::lgamma(px) + px * std::log(static_cast<double>(x));
  }
  const double common = -std::lgamma(p.q) + p.q * std::log(p.v);
  double sum = 0;
  for (const CustomerHistory& h : members) {
    if (h.frequency == 0) continue;
    const double x = static_cast<double>(h.frequency);
    const double m = h.mean_spend_minor;
    sum += by_frequency[static_cast<size_t>(h.frequency)] + common + (p.p * x - 1) * std::log(m) -
           (p.p * x + p.q) * std::log(x * m + p.v);
  }
  return sum;
}

Result<GammaGammaFit> FitGammaGamma(std::span<const CustomerHistory> members) {
  PATRON_RETURN_IF_ERROR(CheckHistories(members));
  std::vector<CustomerHistory> repeat_buyers;
  double mean_spend = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    const CustomerHistory& h = members[i];
    if (h.frequency == 0) continue;
    if (!std::isfinite(h.mean_spend_minor) || h.mean_spend_minor <= 0) {
      return Status::InvalidArgument("member " + std::to_string(i) +
                                     ": mean spend must be > 0 when frequency > 0");
    }
    repeat_buyers.push_back(h);
    mean_spend += h.mean_spend_minor;
  }
  const int64_t count = static_cast<int64_t>(repeat_buyers.size());
  if (count < kClvMinRepeatBuyers) return TooFew(count);
  mean_spend /= static_cast<double>(count);

  const double n = static_cast<double>(count);
  const std::vector<double> start = {0.0, std::log(2.0), std::log(mean_spend)};
  const auto objective = [&](std::span<const double> log_params) {
    const GammaGammaParams p{std::exp(log_params[0]), std::exp(log_params[1]),
                             std::exp(log_params[2])};
    return -GammaGammaLogLikelihood(p, repeat_buyers) / n + Pull(log_params, start);
  };
  const NelderMeadResult best = NelderMead(objective, start, NelderMeadOptions{});
  if (!best.converged) return NotConverged("Gamma-Gamma", best.evaluations);
  GammaGammaFit fit;
  fit.params = {std::exp(best.x[0]), std::exp(best.x[1]), std::exp(best.x[2])};
  fit.log_likelihood = GammaGammaLogLikelihood(fit.params, repeat_buyers);
  fit.evaluations = best.evaluations;
  if (fit.params.q <= 1) {
    return Status::FailedPrecondition("Gamma-Gamma fit gives q = " + std::to_string(fit.params.q) +
                                          " <= 1: the population's mean spend is infinite",
                                      "clv_spend_mean_undefined");
  }
  return fit;
}

double ExpectedMeanSpend(const GammaGammaParams& p, const CustomerHistory& h) {
  const double x = static_cast<double>(h.frequency);
  const double own = h.frequency > 0 ? x * h.mean_spend_minor : 0.0;
  return p.p * (p.v + own) / (p.p * x + p.q - 1);
}

Result<double> CustomerLifetimeValue(const BgNbdParams& purchases, const GammaGammaParams& spend,
                                     const CustomerHistory& member, const ClvOptions& options) {
  if (options.horizon_months < 0) {
    return Status::InvalidArgument("the CLV horizon must be >= 0 months");
  }
  if (!(options.monthly_discount_rate > -1) || !std::isfinite(options.monthly_discount_rate)) {
    return Status::InvalidArgument("the monthly discount rate must be > -1");
  }
  if (!(options.margin >= 0 && options.margin <= 1)) {
    return Status::InvalidArgument("the margin must be within 0..1");
  }
  const double value_per_purchase = ExpectedMeanSpend(spend, member) * options.margin;
  double before = 0;  // E[Y] up to the start of the month
  double clv = 0;
  for (int month = 1; month <= options.horizon_months; ++month) {
    PATRON_ASSIGN_OR_RETURN(const double through, ConditionalExpectedPurchases(
                                                      purchases, member, kClvDaysPerMonth * month));
    clv += (through - before) * value_per_purchase /
           std::pow(1 + options.monthly_discount_rate, month);
    before = through;
  }
  return clv;
}

}  // namespace patron::sync
