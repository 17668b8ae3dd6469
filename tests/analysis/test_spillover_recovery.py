"""Acceptance tests for the spillover estimator (issue 5): it must recover the simulated world's known truth.

Panels come from `simulate_world` with realised noise — Poisson orders around the expected units, times the
list price — aggregated the way mart_channel_daily aggregates them (promoted products of a category; the
never-promoted products' sales of the same channel as the control series; Prime Day / BFCM flags, promo and
stockout shares). Low-noise, 365-day worlds, 20 seeds.

Group under test: beauty_personal_care (the largest category) x Amazon. Its truth is the GMV-weighted beta of
its members (tsw_demo/world/ explains why the regression targets it when products respond alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from orchestration.analysis.spillover import estimate_spillover
from tsw_demo.world import WorldConfig, aggregate_truth, simulate_world
from tsw_demo.world.panels import group_panel, realise_units, standard_groups

SEEDS = range(20)
GROUP, CHANNEL = "beauty_personal_care", "amazon"


@dataclass
class Run:
    seed: int
    truth: float
    truth_peak: int
    truth_per_1000_views: float
    est: object  # SpilloverEstimate on the group
    zero_product: str
    zero_est: object  # SpilloverEstimate on one product whose true Shopify spillover is 0


def controls(world) -> list[str]:
    return world.products.loc[~world.products["promoted_on_tiktok"], "product_id"].tolist()


# 20 simulated worlds, each estimated twice: ~25 s of CPU of its own, so outside the unit lane.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    return _runs()


@cache  # once per process: an xdist worker that interleaves another module would otherwise set it up again
def _runs() -> list[Run]:
    out = []
    for seed in SEEDS:
        world = simulate_world(WorldConfig(seed=seed, days=365, noise=0.25))
        realised = realise_units(world, np.random.default_rng([seed, 99]))
        ids = standard_groups(world)[GROUP]
        truth = aggregate_truth(world, ids, CHANNEL)
        panel = group_panel(realised, ids, CHANNEL, controls(world))
        est = estimate_spillover(panel, control_col="control_sales", target_channel="Amazon")
        # the promoted accessory with the most TikTok GMV: true Shopify spillover is exactly 0
        p = world.products
        accessories = p.loc[
            p["promoted_on_tiktok"] & (p["category"] == "phone_electronics_accessories"), "product_id"
        ]
        gmv = (
            world.daily[world.daily["product_id"].isin(accessories)]
            .groupby("product_id")["expected_tiktok_gmv_usd"]
            .sum()
        )
        zero_pid = str(gmv.idxmax())
        assert world.truth["products"][zero_pid]["shopify"]["beta"] == 0.0
        zero_panel = group_panel(realised, [zero_pid], "shopify", controls(world))
        zero_est = estimate_spillover(zero_panel, control_col="control_sales", target_channel="Shopify")
        out.append(
            Run(seed, truth["beta"], truth["peak_lag"], truth["beta_per_1000_views"], est, zero_pid, zero_est)
        )
    return out


def test_group_coefficient_median_relative_error_at_most_10_percent(runs):
    errors = np.array([abs(r.est.estimate - r.truth) / r.truth for r in runs])
    print(f"\nmedian relative error {np.median(errors):.3f}; worst {errors.max():.3f}")
    assert np.median(errors) <= 0.10


def test_true_value_inside_the_interval_in_at_least_80_percent_of_seeds(runs):
    covered = np.mean([r.est.ci_low <= r.truth <= r.est.ci_high for r in runs])
    widths = [(r.est.ci_high - r.est.ci_low) / r.truth for r in runs]
    print(f"\ncoverage {covered:.2f}; median interval width {np.median(widths):.2f} x truth")
    assert covered >= 0.80
    # an interval so wide it says nothing would pass the line above trivially
    assert np.median(widths) < 0.6


def test_peak_lag_within_one_day(runs):
    hits = np.mean([abs(r.est.peak_lag - r.truth_peak) <= 1 for r in runs])
    print(f"\npeak lag within ±1 day in {hits:.2f} of seeds")
    assert hits >= 0.90


def test_per_1000_views_figure_tracks_its_truth(runs):
    errors = np.array(
        [abs(r.est.estimate_per_1000_views - r.truth_per_1000_views) / r.truth_per_1000_views for r in runs]
    )
    print(f"\nper-1,000-views median relative error {np.median(errors):.3f}")
    assert np.median(errors) <= 0.10


def test_placebo_interval_contains_zero_in_at_least_90_percent_of_seeds(runs):
    passed = np.mean([r.est.placebo_ci_low <= 0 <= r.est.placebo_ci_high for r in runs])
    print(f"\nplacebo contains zero in {passed:.2f} of seeds")
    assert passed >= 0.90
    assert all(r.est.placebo_passed == (r.est.placebo_ci_low <= 0 <= r.est.placebo_ci_high) for r in runs)


def test_product_without_true_spillover_gets_an_interval_containing_zero(runs):
    contains = np.mean([r.zero_est.ci_low <= 0 <= r.zero_est.ci_high for r in runs])
    print(f"\nzero-spillover product: interval contains 0 in {contains:.2f} of seeds")
    assert contains >= 0.80  # measured 0.85 on these seeds; a nominal 95 % interval on one small product
    # and says so in words on a typical seed
    typical = next(r.zero_est for r in runs if r.zero_est.ci_low <= 0 <= r.zero_est.ci_high)
    assert "do not show a spillover to Shopify" in typical.explanation


@pytest.mark.slow  # 8 worlds x 3 groups x 4 fits: ~40 s on a shared two-core machine
def test_confounded_world_warns_without_control_and_control_cuts_the_bias():
    """shared_seasonality: the seller launches pushes into the gifting ramps that lift every product's Amazon
    sales. The default model's two-week trend spline already absorbs the slow season, so part of the
    confounding is gone before the control series acts; a coarse (quarterly) trend shows the full effect."""
    groups = ("beauty_personal_care", "health", "womenswear")
    bias = {("default", False): [], ("default", True): [], ("coarse", False): [], ("coarse", True): []}
    warned, warned_adjusted = [], []
    for seed in range(8):
        world = simulate_world(WorldConfig(seed=seed, days=365, noise=0.25, shared_seasonality=True))
        realised = realise_units(world, np.random.default_rng([seed, 7]))
        for group in groups:
            ids = standard_groups(world)[group]
            truth = aggregate_truth(world, ids, CHANNEL)["beta"]
            panel = group_panel(realised, ids, CHANNEL, controls(world))
            for model, knots in (("default", {}), ("coarse", {"knot_days": 91})):
                naive = estimate_spillover(panel.drop(columns=["control_sales"]), **knots)
                adjusted = estimate_spillover(panel, control_col="control_sales", **knots)
                # A failed placebo now warns with controls too (issue 12): it must stay the exception.
                warned_adjusted.append(adjusted.confounding_warning)
                bias[(model, False)].append((naive.estimate - truth) / truth)
                bias[(model, True)].append((adjusted.estimate - truth) / truth)
                if model == "default":
                    warned.append(naive.confounding_warning)
    mean = {k: float(np.mean(v)) for k, v in bias.items()}
    print(
        f"\nconfounded world, mean relative bias (3 categories x 8 seeds):"
        f"\n  default model: without control {mean[('default', False)]:+.3f}, with {mean[('default', True)]:+.3f}"
        f"\n  quarterly-trend model: without control {mean[('coarse', False)]:+.3f}, with {mean[('coarse', True)]:+.3f}"
        f"\n  confounding warning raised in {np.mean(warned):.2f} of panels without control"
    )
    print(f"  warning raised in {np.mean(warned_adjusted):.2f} of panels with the control series")
    assert np.mean(warned) >= 0.75
    assert np.mean(warned_adjusted) <= 0.25
    # With a quarterly trend the shared driver pushes the naive estimate up and the control cuts it. The
    # default model (lag window chosen from the data, up to 35 days) no longer shows a mean upward push here
    # without the control (its long lags soak up part of the season, noisily, and the warning fires); with the
    # control it stays close to the truth (issue 12: bias <= 20 %).
    assert mean[("coarse", False)] > 0.04
    assert abs(mean[("coarse", True)]) < 0.75 * mean[("coarse", False)]
    assert abs(mean[("default", True)]) <= 0.10
