// The predicted-value model's numerics (service/clv_numerics.h) against
// closed forms: 2F1 where it reduces to elementary functions, and the
// minimiser on functions whose minimum is known.
#include "service/clv_numerics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace patron::sync {
namespace {

double F(double a, double b, double c, double z) {
  Result<double> v = Hyp2F1(a, b, c, z);
  REQUIRE(v.ok());
  return *v;
}

TEST_CASE("2F1 equals its elementary closed forms inside the unit disc") {
  // 2F1(1, 1; 2; z) = -ln(1 - z) / z (Abramowitz & Stegun 15.1.3).
  for (double z : {-0.9, -0.5, 0.1, 0.5, 0.9, 0.99}) {
    CHECK(F(1, 1, 2, z) == doctest::Approx(-std::log1p(-z) / z).epsilon(1e-13));
  }
  // 2F1(a, b; b; z) = (1 - z)^-a (A&S 15.1.8).
  CHECK(F(0.3, 2.5, 2.5, 0.7) == doctest::Approx(std::pow(0.3, -0.3)).epsilon(1e-13));
  // 2F1(1/2, 1/2; 3/2; z^2) = arcsin(z) / z (A&S 15.1.6).
  CHECK(F(0.5, 0.5, 1.5, 0.81) == doctest::Approx(std::asin(0.9) / 0.9).epsilon(1e-13));
  // a = -2 ends the series: 1 - 2bz/c + b(b+1)z^2/(c(c+1)).
  const double b = 1.5, c = 2.5, z = 0.4;
  CHECK(F(-2, b, c, z) ==
        doctest::Approx(1 - 2 * b * z / c + b * (b + 1) * z * z / (c * (c + 1))).epsilon(1e-15));
}

TEST_CASE("2F1 agrees with its Euler transformation, the form clv_model uses") {
  // 2F1(A, B; C; z) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z); the two
  // sides sum different series, so agreement checks the summation itself.
  // Parameters of a CDNOW member with x = 2 (r = 0.243, a = 0.793, b = 2.426).
  const double a = 2.243, b = 4.426, c = 4.219;
  for (double z : {0.1, 0.5, 0.8, 0.95}) {
    CHECK(F(a, b, c, z) ==
          doctest::Approx(std::pow(1 - z, c - a - b) * F(c - a, c - b, c, z)).epsilon(1e-12));
  }
}

TEST_CASE("2F1 refuses arguments outside the series' region and reports non-convergence") {
  CHECK(Hyp2F1(1, 1, 2, 1.0).status().IsInvalidArgument());
  CHECK(Hyp2F1(1, 1, 2, -1.5).status().IsInvalidArgument());
  CHECK(Hyp2F1(1, 1, 0, 0.5).status().IsInvalidArgument());
  CHECK(Hyp2F1(1, 1, -3, 0.5).status().IsInvalidArgument());
  CHECK(Hyp2F1(1, 1, 2, std::numeric_limits<double>::quiet_NaN()).status().IsInvalidArgument());
  const Result<double> slow = Hyp2F1(1, 1, 2, 0.999, 100);
  CHECK(slow.status().reason() == "hyp2f1_not_converged");
}

TEST_CASE("Nelder-Mead finds the Rosenbrock valley's minimum") {
  const auto rosenbrock = [](std::span<const double> x) {
    return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
  };
  const NelderMeadResult r = NelderMead(rosenbrock, {-1.2, 1.0});
  REQUIRE(r.converged);
  CHECK(r.x[0] == doctest::Approx(1.0).epsilon(1e-5));
  CHECK(r.x[1] == doctest::Approx(1.0).epsilon(1e-5));
  CHECK(r.value < 1e-10);
}

TEST_CASE("Nelder-Mead minimises a badly scaled quadratic in four dimensions") {
  const double centre[4] = {3, -1, 0.5, 7};
  const double weight[4] = {1, 100, 0.01, 10};
  const auto bowl = [&](std::span<const double> x) {
    double s = 0;
    for (size_t k = 0; k < 4; ++k) s += weight[k] * (x[k] - centre[k]) * (x[k] - centre[k]);
    return s;
  };
  const NelderMeadResult r = NelderMead(bowl, {0, 0, 0, 0});
  REQUIRE(r.converged);
  for (size_t k = 0; k < 4; ++k) CHECK(r.x[k] == doctest::Approx(centre[k]).epsilon(1e-4));
}

TEST_CASE("Nelder-Mead treats a non-finite value as a wall and stops at its budget") {
  // Undefined for x <= 0 (as a log-likelihood is outside its domain).
  const auto walled = [](std::span<const double> x) {
    return x[0] > 0 ? (x[0] - 0.25) * (x[0] - 0.25) : std::nan("");
  };
  const NelderMeadResult r = NelderMead(walled, {2.0});
  REQUIRE(r.converged);
  CHECK(r.x[0] == doctest::Approx(0.25).epsilon(1e-6));

  NelderMeadOptions few;
  few.max_evaluations = 10;
  const auto far = [](std::span<const double> x) { return (x[0] - 1e3) * (x[0] - 1e3); };
  const NelderMeadResult stopped = NelderMead(far, {0.0}, few);
  CHECK_FALSE(stopped.converged);
  // The budget is checked between steps; a step in one dimension costs <= 3.
  CHECK(stopped.evaluations <= few.max_evaluations + 2);
}

}  // namespace
}  // namespace patron::sync
