// The numerics the predicted-value model (clv_model.h) needs and Debian's
// standard library lacks: the Gauss hypergeometric function 2F1 and a
// derivative-free minimiser. Pure functions, deterministic: the same inputs
// give the same bits on the same platform.
#ifndef PATRON_SYNC_SERVER_SRC_SERVICE_CLV_NUMERICS_H_
#define PATRON_SYNC_SERVER_SRC_SERVICE_CLV_NUMERICS_H_

#include <functional>
#include <span>
#include <vector>

#include "patron/status.h"

namespace patron::sync {

// 2F1(a, b; c; z) = sum over n >= 0 of (a)_n (b)_n / ((c)_n n!) z^n, summed
// term by term: the defining Gauss series, as BTYD's h2f1 sums it for the
// BG/NBD (lifetimes calls scipy's hyp2f1, which also transforms near z = 1).
//
// Region: the series converges absolutely for |z| < 1 (the ratio of successive
// terms tends to z); at |z| = 1 it converges only when c - a - b > 0, and
// slowly, so |z| >= 1 is refused (InvalidArgument). c must not be 0, -1, -2,
// ... (a pole); a or b a non-positive integer ends the series early.
// Summation stops once the tail, bounded by |term| * q / (1 - q) with
// q = max(|next term / last term|, |z|) < 1, is below 1e-15 of the
// sum. That bound holds once the term ratio is monotone in n, which it is
// for n past the parameters' magnitudes; near z = 1 convergence is slow
// (some 35-50 / (1 - z) terms), and past `max_terms` the call fails
// (FailedPrecondition, "hyp2f1_not_converged") rather than return a guess.
Result<double> Hyp2F1(double a, double b, double c, double z, int max_terms = 1'000'000);

// Limits of NelderMead. Convergence needs both: every vertex's value within
// f_tolerance * (1 + |best value|) of the best, and every coordinate within
// x_tolerance of the best vertex's.
struct NelderMeadOptions {
  int max_evaluations = 20'000;
  double x_tolerance = 1e-7;
  double f_tolerance = 1e-11;
  // The initial simplex: the start plus `initial_step` along each axis.
  double initial_step = 0.5;
  // A simplex can collapse onto a non-optimal point; after converging the
  // search restarts from a fresh simplex at the best point, up to this many
  // times, until a restart no longer improves the value.
  int max_restarts = 4;
};

struct NelderMeadResult {
  std::vector<double> x;  // the best point found
  double value = 0;       // f(x)
  int evaluations = 0;
  bool converged = false;  // false: max_evaluations ran out first
};

// Minimises `f` from `start` by the Nelder-Mead simplex method (reflection 1,
// expansion 2, contraction 1/2, shrink 1/2; Lagarias et al. 1998 ordering
// rules). A non-finite value of f counts as +infinity, so f may refuse a
// region by returning NaN or infinity. Deterministic.
NelderMeadResult NelderMead(const std::function<double(std::span<const double>)>& f,
                            std::vector<double> start, const NelderMeadOptions& options = {});

}  // namespace patron::sync

#endif  // PATRON_SYNC_SERVER_SRC_SERVICE_CLV_NUMERICS_H_
