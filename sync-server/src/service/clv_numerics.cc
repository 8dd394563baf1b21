#include "service/clv_numerics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace patron::sync {

Result<double> Hyp2F1(double a, double b, double c, double z, int max_terms) {
  if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c) || !std::isfinite(z)) {
    return Status::InvalidArgument("2F1 needs finite arguments");
  }
  if (std::abs(z) >= 1) {
    return Status::InvalidArgument("2F1 series needs |z| < 1, got z = " + std::to_string(z));
  }
  if (c <= 0 && c == std::floor(c)) {
    return Status::InvalidArgument("2F1 has a pole at c = " + std::to_string(c));
  }
  constexpr double kRelativeTail = 1e-15;
  double term = 1;
  double sum = 1;
  for (int n = 0; n < max_terms; ++n) {
    term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (!std::isfinite(sum)) break;
    if (term == 0) return sum;  // a or b was a non-positive integer
    const double next_ratio = std::abs((a + n + 1) * (b + n + 1) / ((c + n + 1) * (n + 2)) * z);
    const double q = std::max(next_ratio, std::abs(z));
    if (q < 1 && std::abs(term) * q / (1 - q) <= kRelativeTail * std::abs(sum)) return sum;
  }
  return Status::FailedPrecondition("2F1 series did not converge within " +
                                        std::to_string(max_terms) +
                                        " terms at z = " + std::to_string(z),
                                    "hyp2f1_not_converged");
}

namespace {

// The simplex: n + 1 vertices with their values, kept sorted best first.
struct Simplex {
  std::vector<std::vector<double>> points;
  std::vector<double> values;

  void Sort() {
    std::vector<size_t> order(points.size());
    std::iota(order.begin(), order.end(), size_t{0});
    // Stable, so ties keep their order and the run stays deterministic.
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t i, size_t j) { return values[i] < values[j]; });
    std::vector<std::vector<double>> sorted_points;
    std::vector<double> sorted_values;
    for (size_t i : order) {
      sorted_points.push_back(std::move(points[i]));
      sorted_values.push_back(values[i]);
    }
    points = std::move(sorted_points);
    values = std::move(sorted_values);
  }

  bool Converged(const NelderMeadOptions& options) const {
    const double f_limit = options.f_tolerance * (1 + std::abs(values.front()));
    for (size_t i = 1; i < points.size(); ++i) {
      if (!(std::abs(values[i] - values.front()) <= f_limit)) return false;
      for (size_t k = 0; k < points[i].size(); ++k) {
        if (std::abs(points[i][k] - points.front()[k]) > options.x_tolerance) return false;
      }
    }
    return true;
  }
};

// x + t (y - x), the point every Nelder-Mead step is made of.
std::vector<double> Along(const std::vector<double>& x, const std::vector<double>& y, double t) {
  std::vector<double> out(x.size());
  for (size_t k = 0; k < x.size(); ++k) out[k] = x[k] + t * (y[k] - x[k]);
  return out;
}

class Minimiser {
 public:
  Minimiser(const std::function<double(std::span<const double>)>& f,
            const NelderMeadOptions& options)
      : f_(f), options_(options) {}

  // One simplex search from `start`; true when it converged.
  bool Search(const std::vector<double>& start, Simplex& s) {
    const size_t n = start.size();
    s.points.assign(1, start);
    s.values.assign(1, Evaluate(start));
    for (size_t k = 0; k < n; ++k) {
      std::vector<double> p = start;
      p[k] += options_.initial_step;
      s.values.push_back(Evaluate(p));
      s.points.push_back(std::move(p));
    }
    while (true) {
      s.Sort();
      if (s.Converged(options_)) return true;
      if (evaluations_ >= options_.max_evaluations) return false;
      Step(s);
    }
  }

  int evaluations() const { return evaluations_; }

 private:
  double Evaluate(std::span<const double> x) {
    ++evaluations_;
    const double v = f_(x);
    return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
  }

  void Step(Simplex& s) {
    const size_t n = s.points.size() - 1;
    std::vector<double> centroid(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < n; ++k) centroid[k] += s.points[i][k] / static_cast<double>(n);
    }
    const std::vector<double>& worst = s.points[n];
    std::vector<double> reflected = Along(centroid, worst, -1.0);
    const double f_reflected = Evaluate(reflected);
    if (f_reflected < s.values[0]) {
      std::vector<double> expanded = Along(centroid, worst, -2.0);
      const double f_expanded = Evaluate(expanded);
      if (f_expanded < f_reflected) return Replace(s, std::move(expanded), f_expanded);
      return Replace(s, std::move(reflected), f_reflected);
    }
    if (f_reflected < s.values[n - 1]) return Replace(s, std::move(reflected), f_reflected);
    if (f_reflected < s.values[n]) {
      std::vector<double> outside = Along(centroid, worst, -0.5);
      const double f_outside = Evaluate(outside);
      if (f_outside <= f_reflected) return Replace(s, std::move(outside), f_outside);
    } else {
      std::vector<double> inside = Along(centroid, worst, 0.5);
      const double f_inside = Evaluate(inside);
      if (f_inside < s.values[n]) return Replace(s, std::move(inside), f_inside);
    }
    for (size_t i = 1; i <= n; ++i) {  // shrink towards the best vertex
      s.points[i] = Along(s.points[0], s.points[i], 0.5);
      s.values[i] = Evaluate(s.points[i]);
    }
  }

  static void Replace(Simplex& s, std::vector<double> point, double value) {
    s.points.back() = std::move(point);
    s.values.back() = value;
  }

  const std::function<double(std::span<const double>)>& f_;
  const NelderMeadOptions& options_;
  int evaluations_ = 0;
};

}  // namespace

NelderMeadResult NelderMead(const std::function<double(std::span<const double>)>& f,
                            std::vector<double> start, const NelderMeadOptions& options) {
  Minimiser minimiser(f, options);
  Simplex simplex;
  bool converged = minimiser.Search(start, simplex);
  for (int restart = 0; converged && restart < options.max_restarts; ++restart) {
    const double before = simplex.values.front();
    std::vector<double> best = simplex.points.front();
    converged = minimiser.Search(best, simplex);
    const double gain = before - simplex.values.front();
    if (gain <= options.f_tolerance * (1 + std::abs(before))) break;
  }
  NelderMeadResult result;
  result.x = simplex.points.front();
  result.value = simplex.values.front();
  result.evaluations = minimiser.evaluations();
  result.converged = converged;
  return result;
}

}  // namespace patron::sync
