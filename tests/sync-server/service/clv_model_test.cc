// The predicted-value model (service/clv_model.h) on figures with known
// answers: the CDNOW numbers published with BG/NBD, Gamma-Gamma and lifetimes,
// values worked by hand, and the model's own identities. The fits on
// simulated members are in clv_simulation_test.cc.
#include "service/clv_model.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace patron::sync {
namespace {

// Fader, Hardie & Lee (2005) "Counting Your Customers the Easy Way", CDNOW
// fit, time in weeks: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426.
constexpr BgNbdParams kCdnow{0.243, 4.414, 0.793, 2.426};

CustomerHistory History(int64_t x, double t_x, double T, double m = 0) {
  return CustomerHistory{x, t_x, T, m};
}

double Expect(const BgNbdParams& p, const CustomerHistory& h, double t) {
  const Result<double> v = ConditionalExpectedPurchases(p, h, t);
  REQUIRE(v.ok());
  return *v;
}

TEST_CASE("P(alive) is 1 without a repeat purchase, as lifetimes defines it") {
  // BG/NBD lets a member drop out only right after a repeat purchase.
  CHECK(ProbabilityAlive(kCdnow, History(0, 0, 0)) == 1.0);
  CHECK(ProbabilityAlive(kCdnow, History(0, 0, 38.86)) == 1.0);
  CHECK(ProbabilityAlive(kCdnow, History(0, 0, 5'000)) == 1.0);
}

TEST_CASE("P(alive) of CDNOW members, worked by hand") {
  // Customer 1 of CDNOW (x = 2, t_x = 30.43, T = 38.86, lifetimes'
  // cdnow_customers_summary): a/(b+x-1) = 0.793/3.426 = 0.231465;
  // ((4.414+38.86)/(4.414+30.43))^2.243 = 1.241936^2.243 = 1.625789;
  // 1 / (1 + 0.231465 x 1.625789) = 1 / 1.376315 = 0.726578.
  CHECK(ProbabilityAlive(kCdnow, History(2, 30.43, 38.86)) ==
        doctest::Approx(0.726578).epsilon(1e-5));
  // Customer 2 (x = 1, t_x = 1.71, T = 38.86): 0.793/2.426 = 0.326876;
  // (43.274/6.124)^1.243 = 7.066296^1.243 = 11.36400; 1/(1 + 3.714648) = 0.212100.
  CHECK(ProbabilityAlive(kCdnow, History(1, 1.71, 38.86)) ==
        doctest::Approx(0.212100).epsilon(1e-5));
  // Buying on the as-of day: (alpha+T)/(alpha+t_x) = 1, P = 1/(1 + a/(b+x-1)).
  CHECK(ProbabilityAlive(kCdnow, History(4, 20, 20)) ==
        doctest::Approx(1 / (1 + 0.793 / 5.426)).epsilon(1e-12));
}

TEST_CASE("E[Y(39) | x=2, t_x=30.43, T=38.86] is the 1.226 of Hardie's spreadsheet") {
  // The BG/NBD paper's worked example (CDNOW customer 1, a 39-week
  // forecast), checked to 0.001 in lifetimes' tests/test_estimation.py
  // ("test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet").
  // mpmath's hyp2f1 at 30 digits gives 1.2260282.
  CHECK(Expect(kCdnow, History(2, 30.43, 38.86), 39) == doctest::Approx(1.2260282).epsilon(1e-7));
}

TEST_CASE("one-week forecasts match lifetimes' README for its five best CDNOW customers") {
  // lifetimes README, "Ranking customers from best to worst" (t = 1 week);
  // the README's fit differs from the paper's in the fourth digit, within 5e-6 here.
  struct Row {
    int64_t x;
    double t_x, T, expected;
  };
  for (const Row& row : {Row{18, 35.14, 35.86, 0.424877}, Row{19, 34.00, 34.14, 0.474738},
                         Row{17, 28.43, 28.86, 0.486526}, Row{29, 37.71, 38.00, 0.662396},
                         Row{26, 30.86, 31.00, 0.710623}}) {
    CAPTURE(row.x);
    CHECK(Expect(kCdnow, History(row.x, row.t_x, row.T), 1) ==
          doctest::Approx(row.expected).epsilon(1e-5));
  }
}

TEST_CASE("E[X(t)] of a new member matches Hardie's spreadsheet values") {
  // lifetimes' test_expectation_returns_same_value_Hardie_excel_sheet, to
  // 0.001; those values come from the unrounded CDNOW estimate, here to four
  // decimals as the BTYD walkthrough prints it.
  const BgNbdParams mle{0.2425, 4.4136, 0.7929, 2.4259};
  const double weeks[] = {0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0};
  const double expected[] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
  for (size_t i = 0; i < 6; ++i) {
    CAPTURE(weeks[i]);
    const Result<double> e = ExpectedPurchases(mle, weeks[i]);
    REQUIRE(e.ok());
    CHECK(std::abs(*e - expected[i]) < 1e-3);
  }
}

TEST_CASE("E[Y(t)] matches mpmath's 2F1 where the series is long") {
  // References from mpmath 1.3 (30 digits) on the untransformed equation (10):
  // a heavy buyer over 10 years, a new member over a century, and a > 1.
  CHECK(Expect(kCdnow, History(40, 37, 38), 520) == doctest::Approx(134.382277628).epsilon(1e-9));
  CHECK(Expect(kCdnow, History(0, 0, 38), 5'000) == doctest::Approx(4.976102615).epsilon(1e-9));
  CHECK(Expect(kCdnow, History(3, 10, 38), 39) == doctest::Approx(0.352186059).epsilon(1e-9));
  const BgNbdParams a_above_one{0.5, 20, 2.5, 3};
  CHECK(Expect(a_above_one, History(5, 50, 60), 100) == doctest::Approx(1.987043357).epsilon(1e-9));
}

TEST_CASE("E[Y(t)] is 0 at t = 0, grows with t, and is continuous through a = 1") {
  const CustomerHistory h = History(2, 30.43, 38.86);
  CHECK(Expect(kCdnow, h, 0) == 0.0);
  CHECK(Expect(kCdnow, h, 10) < Expect(kCdnow, h, 20));
  BgNbdParams p = kCdnow;
  p.a = 1.0;  // 0/0 in the formula
  const double at_one = Expect(p, h, 39);
  p.a = 0.999;
  const double below = Expect(p, h, 39);
  p.a = 1.001;
  const double above = Expect(p, h, 39);
  // More dropout, fewer purchases: E[Y] falls as a rises, through a = 1.
  CHECK(below > at_one);
  CHECK(at_one > above);
  CHECK(at_one == doctest::Approx((below + above) / 2).epsilon(1e-6));
}

TEST_CASE("time units cancel: weeks with alpha in weeks equal days with alpha in days") {
  BgNbdParams days = kCdnow;
  days.alpha *= 7;
  const CustomerHistory in_weeks = History(2, 30.43, 38.86);
  const CustomerHistory in_days = History(2, 30.43 * 7, 38.86 * 7);
  CHECK(Expect(days, in_days, 39 * 7) == doctest::Approx(Expect(kCdnow, in_weeks, 39)));
  CHECK(ProbabilityAlive(days, in_days) == doctest::Approx(ProbabilityAlive(kCdnow, in_weeks)));
}

TEST_CASE("E[M | x, m] matches lifetimes' README for CDNOW customers") {
  // README "Estimating customer lifetime value using the gamma-gamma model":
  // fit p = 6.25, q = 3.74, v = 15.45 (rounded as printed). Rounding moves
  // x > 0 values by < 0.01; the x = 0 value is p v / (q-1), where q's
  // rounding alone moves it by up to 0.09.
  const GammaGammaParams cdnow{6.25, 3.74, 15.45};
  CHECK(ExpectedMeanSpend(cdnow, History(2, 30.43, 38.86, 22.35)) ==
        doctest::Approx(24.658619).epsilon(0.02 / 24.66));
  CHECK(ExpectedMeanSpend(cdnow, History(1, 1.71, 38.86, 11.77)) ==
        doctest::Approx(18.911489).epsilon(0.02 / 18.91));
  CHECK(ExpectedMeanSpend(cdnow, History(7, 29.43, 38.86, 73.74)) ==
        doctest::Approx(71.462843).epsilon(0.02 / 71.46));
  CHECK(ExpectedMeanSpend(cdnow, History(2, 35.71, 38.86, 25.55)) ==
        doctest::Approx(27.282408).epsilon(0.02 / 27.28));
  CHECK(std::abs(ExpectedMeanSpend(cdnow, History(0, 0, 38.86)) - 35.170981) < 0.1);
  // By hand: 6.25 (15.45 + 2 x 22.35) / (6.25 x 2 + 3.74 - 1) = 375.9375 / 15.24.
  CHECK(ExpectedMeanSpend(cdnow, History(2, 30.43, 38.86, 22.35)) ==
        doctest::Approx(375.9375 / 15.24).epsilon(1e-12));
}

TEST_CASE("CLV sums monthly purchase increments, discounted at each month's end") {
  BgNbdParams days = kCdnow;
  days.alpha *= 7;
  const GammaGammaParams spend{6.25, 3.74, 1545};
  const CustomerHistory h = History(2, 213, 272, 2235);
  const double per_purchase = ExpectedMeanSpend(spend, h);

  ClvOptions undiscounted{12, 0.3, 0.0};
  const Result<double> flat = CustomerLifetimeValue(days, spend, h, undiscounted);
  REQUIRE(flat.ok());
  // Without discounting the increments telescope to E[Y(360 days)].
  CHECK(*flat == doctest::Approx(Expect(days, h, 360) * per_purchase * 0.3).epsilon(1e-12));

  ClvOptions two_months{2, 1.0, 0.01};
  const Result<double> discounted = CustomerLifetimeValue(days, spend, h, two_months);
  REQUIRE(discounted.ok());
  const double m1 = Expect(days, h, 30);
  const double m2 = Expect(days, h, 60) - m1;
  CHECK(*discounted ==
        doctest::Approx(per_purchase * (m1 / 1.01 + m2 / (1.01 * 1.01))).epsilon(1e-12));

  ClvOptions none{0, 1.0, 0.0};
  CHECK(*CustomerLifetimeValue(days, spend, h, none) == 0.0);
  CHECK(
      CustomerLifetimeValue(days, spend, h, ClvOptions{12, 1.5, 0.0}).status().IsInvalidArgument());
  CHECK(CustomerLifetimeValue(days, spend, h, ClvOptions{12, 1.0, -1.0})
            .status()
            .IsInvalidArgument());
  CHECK(
      CustomerLifetimeValue(days, spend, h, ClvOptions{-1, 1.0, 0.0}).status().IsInvalidArgument());
}

TEST_CASE("fits refuse too few repeat buyers and histories that cannot be") {
  std::vector<CustomerHistory> members(200, History(0, 0, 100));
  for (int i = 0; i < kClvMinRepeatBuyers - 1; ++i)
    members[i] = History(1 + i % 3, 10 + i, 100, 500);
  const Result<BgNbdFit> bg = FitBgNbd(members);
  CHECK(bg.status().reason() == "clv_too_few_repeat_buyers");
  const Result<GammaGammaFit> gg = FitGammaGamma(members);
  CHECK(gg.status().reason() == "clv_too_few_repeat_buyers");

  members.push_back(History(2, 120, 100));  // last purchase after the as-of day
  CHECK(FitBgNbd(members).status().IsInvalidArgument());
  members.back() = History(0, 5, 100);  // a recency without a repeat purchase
  CHECK(FitBgNbd(members).status().IsInvalidArgument());
  members.back() = History(-1, 0, 100);
  CHECK(FitBgNbd(members).status().IsInvalidArgument());
  members.back() = History(3, 50, 100, 0);  // a repeat buyer who spent nothing
  CHECK(FitGammaGamma(members).status().IsInvalidArgument());
  CHECK(ConditionalExpectedPurchases(kCdnow, History(1, 5, 10), -1).status().IsInvalidArgument());
}

}  // namespace
}  // namespace patron::sync
