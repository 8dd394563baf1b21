// The predicted-value model for members (PROGRAMME.md §4 "CLV (lifetimes
// conventions)", issue 17): BG/NBD for how many purchases a member will make
// and whether they are still a customer, Gamma-Gamma for what a purchase is
// worth, and CLV from the two. Pure functions over per-member summaries, so a
// report run and its tests compute the same.
//
// Sources:
//  - BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
//    Way", Marketing Science 24(2); the log-likelihood of its section 7 /
//    Hardie's note 004, E[Y(t) | x, t_x, T] its equation (10), P(alive) from
//    Hardie's note 021. The formulas match lifetimes' BetaGeoFitter.
//  - Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value
//    Curves for Customer Base Analysis", JMR 42(4); Hardie's note "The
//    Gamma-Gamma Model of Monetary Value" (2013). As lifetimes'
//    GammaGammaFitter.
//  - CLV: lifetimes' customer_lifetime_value, months of 30 days.
//
// Time is in days, but nothing here depends on the unit: alpha carries it,
// so histories in weeks with parameters fitted in weeks give the same
// answers (the published CDNOW figures are in weeks).
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_CLV_MODEL_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_CLV_MODEL_H_

#include <cstdint>
#include <span>

#include "patron/status.h"

namespace patron::sync {

// One member's purchase history as of the as-of day D, in the conventions of
// lifetimes' summary_data_from_transaction_data.
struct CustomerHistory {
  // x: repeat purchase periods, i.e. distinct purchase days - 1. >= 0.
  int64_t frequency = 0;
  // t_x: days from the first purchase day to the last. 0 when frequency is 0.
  double recency_days = 0;
  // T: days from the first purchase day to D. >= recency_days.
  double age_days = 0;
  // m-bar: mean spend of the repeat purchases (the first purchase excluded),
  // in minor units. Read only when frequency > 0, and then must be > 0.
  double mean_spend_minor = 0;
};

// BG/NBD: while alive a member buys as a Poisson process with rate
// lambda ~ Gamma(shape r, rate alpha); after each repeat purchase they drop
// out with probability p ~ Beta(a, b). All four are > 0.
struct BgNbdParams {
  double r = 0;
  double alpha = 0;  // in days (the unit of the histories)
  double a = 0;
  double b = 0;
};

// Gamma-Gamma: each purchase is worth z ~ Gamma(shape p, rate nu), with
// nu ~ Gamma(shape q, rate v) across members. v is in minor units.
struct GammaGammaParams {
  double p = 0;
  double q = 0;
  double v = 0;
};

// Fewer members with frequency > 0 than this and a fit refuses: the dropout
// (a, b) and spend parameters are identified only by repeat buyers.
inline constexpr int64_t kClvMinRepeatBuyers = 20;
// A month in the CLV sum, in days (lifetimes' factor for daily data).
inline constexpr double kClvDaysPerMonth = 30.0;

struct BgNbdFit {
  BgNbdParams params;
  double log_likelihood = 0;  // summed over the members, at params
  int evaluations = 0;        // of the log-likelihood, by Nelder-Mead
};

struct GammaGammaFit {
  GammaGammaParams params;
  double log_likelihood = 0;  // summed over the members with frequency > 0
  int evaluations = 0;
};

// The BG/NBD log-likelihood of the histories (closed form, section 7):
//   ln L = ln G(r+x) - ln G(r) + r ln(alpha) + ln B(a, b+x) - ln B(a, b)
//        + ln[ (alpha+T)^-(r+x) + [x > 0] a/(b+x-1) (alpha+t_x)^-(r+x) ].
// Preconditions: the histories are valid (FitBgNbd checks) and the params > 0.
double BgNbdLogLikelihood(const BgNbdParams& params, std::span<const CustomerHistory> members);

// Maximum-likelihood r, alpha, a, b: Nelder-Mead over their logarithms from
// r = 1, alpha = mean T, a = 1, b = 1, with a weak pull towards that start
// (1e-4 x the squared distance, against the mean log-likelihood per member)
// so that data which cannot tell a parameter apart from infinity still give
// a finite fit. Errors: InvalidArgument for an invalid
// history; FailedPrecondition "clv_too_few_repeat_buyers" below
// kClvMinRepeatBuyers; FailedPrecondition "clv_not_converged" when the
// search runs out of evaluations.
Result<BgNbdFit> FitBgNbd(std::span<const CustomerHistory> members);

// P(alive | x, t_x, T) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
// for x > 0, and 1 for x = 0: in BG/NBD a member can drop out only right
// after a repeat purchase (lifetimes' convention).
double ProbabilityAlive(const BgNbdParams& params, const CustomerHistory& member);

// E[Y(t) | x, t_x, T], the expected repeat purchases in the next t days
// (equation 10):
//   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
//   / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),  z = t/(alpha+T+t).
// 2F1 is taken through Euler's transformation,
//   2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z),
// which turns the bracket into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z):
// its series converges for every t >= 0 (z < 1) and much faster than the
// untransformed one when x is large (lifetimes falls back to the same form
// when the direct one overflows). At a = 1 the formula is 0/0; within 1e-5
// of it the value is the mean of a = 1 -/+ 1e-5 (error O(1e-10)).
// Errors: InvalidArgument for t < 0 or a history the model cannot take;
// FailedPrecondition when 2F1 does not converge, which starts near
// t = 3e4 (alpha + T) for x = 0 (centuries in days; CLV horizons are far inside).
Result<double> ConditionalExpectedPurchases(const BgNbdParams& params,
                                            const CustomerHistory& member, double t_days);

// E[X(t)], the expected repeat purchases in t days of a member just acquired
// (equation 9): ConditionalExpectedPurchases of x = 0, t_x = 0, T = 0.
Result<double> ExpectedPurchases(const BgNbdParams& params, double t_days);

// The Gamma-Gamma log-likelihood of the members with frequency > 0 (those
// with 0 are skipped): per member,
//   ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m + px ln x
//   - (px+q) ln(x m + v),  m = mean_spend_minor.
double GammaGammaLogLikelihood(const GammaGammaParams& params,
                               std::span<const CustomerHistory> members);

// Maximum-likelihood p, q, v over the members with frequency > 0: Nelder-Mead
// over their logarithms from p = 1, q = 2, v = the mean of m (so the starting
// population mean p v / (q-1) is the sample's), with the same pull as
// FitBgNbd. Errors as FitBgNbd, plus
// FailedPrecondition "clv_spend_mean_undefined" when the fit gives q <= 1
// (spend so heavy-tailed that the population mean is infinite).
// The model assumes spend and frequency roughly independent; check that on
// the data (their correlation) before trusting it.
Result<GammaGammaFit> FitGammaGamma(std::span<const CustomerHistory> members);

// E[M | x, m] = p (v + x m) / (p x + q - 1): the credibility-weighted blend
// of the population mean p v / (q-1) (what x = 0 gives) and the member's own
// mean. Precondition: q > 1 (FitGammaGamma guarantees it).
double ExpectedMeanSpend(const GammaGammaParams& params, const CustomerHistory& member);

struct ClvOptions {
  int horizon_months = 12;
  double margin = 1.0;  // profit per unit of spend, 0..1
  double monthly_discount_rate = 0.0;
};

// CLV over the horizon, in minor units, as lifetimes computes it:
//   sum over m = 1..H of (E[Y(30m)] - E[Y(30(m-1))]) E[M] margin / (1+d)^m,
// E[Y] the conditional expected purchases of ConditionalExpectedPurchases,
// E[M] of ExpectedMeanSpend; each month's purchases are discounted as if made
// at its end. With d = 0 it is E[Y(30 H)] E[M] margin.
// Errors: InvalidArgument for H < 0, d <= -1 or a margin outside 0..1; those
// of ConditionalExpectedPurchases.
Result<double> CustomerLifetimeValue(const BgNbdParams& purchases, const GammaGammaParams& spend,
                                     const CustomerHistory& member, const ClvOptions& options);

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_CLV_MODEL_H_
