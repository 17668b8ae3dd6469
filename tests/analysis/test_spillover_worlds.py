"""The estimator's main guarantees on the simulated sellers of issue 12 (tsw_demo/spillover_worlds.py),
deterministic (fixed seeds): one seed per guarantee in the unit lane (a second or two each), six seeds in the
slow lane (6-12 bootstrapped estimates each); benchmarks/spillover_recovery.py measures the same over 20 seeds
per world.

- a seasonal driver shared by TikTok, the target and the never-promoted products: with those products as the
  control series the estimate is not biased upward;
- the same world without control products: the confounding warning fires, every time;
- no spillover at all: the interval contains zero, and the event study's figure, when it has one, has its interval;
- a slow, long-tailed response: the lag window reaches past day 14 and the share after day 14 is reported;
- the words fit the number: no "$-0.00", a significant negative effect reads as a drop, the day count is the window's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orchestration.analysis import spillover as sp
from orchestration.analysis.spillover_words import _money_in
from tsw_demo.spillover_worlds import WORLD_TYPES, world

SEEDS = range(6)


def estimate(w):
    return sp.estimate_spillover(w.panel, control_col="control_sales" if w.has_control else None,
                                 target_channel="Amazon")


def test_every_world_type_of_the_issue_is_simulated_with_its_truth():
    assert set(WORLD_TYPES) >= {"low_noise", "small_noisy", "confounded_controls", "confounded_no_controls",
                                "null", "slow_lag", "heterogeneous"}
    slow = world("slow_lag", 0)
    assert 7 <= slow.peak_lag <= 9 and 0.08 <= slow.share_after_14 <= 0.25
    assert world("small_noisy", 0).panel.shape[0] == 180
    assert world("null", 0).beta == 0.0
    assert not world("confounded_no_controls", 0).has_control and world("confounded_controls", 0).has_control
    # same seed, same world
    pd.testing.assert_frame_equal(world("low_noise", 3).panel, world("low_noise", 3).panel)


# ------------------------------------------------------------------- fast guarantees (unit lane, one seed each)
@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 3.1 s in a loaded unit lane
def test_fast_controls_take_out_a_shared_seasonal_driver():
    w = world("confounded_controls", 2)
    est = estimate(w)
    assert abs(est.estimate - w.beta) / w.beta <= 0.10
    assert est.ci_low <= w.beta <= est.ci_high and not est.confounding_warning
    # the same panel without the control series is well above the truth: the driver is really there
    naive = sp.estimate_spillover(w.panel.drop(columns="control_sales"))
    assert (naive.estimate - w.beta) / w.beta >= 0.2


def test_fast_null_world_interval_contains_zero_and_says_something():
    est = estimate(world("null", 2))
    assert est.ci_low <= 0 <= est.ci_high
    # informative, not merely wide: it rules out the smallest spillover the other worlds simulate
    assert est.ci_high < WORLD_TYPES["low_noise"].beta[0]
    assert not est.confounding_warning


@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 1.6 s in a loaded unit lane
def test_fast_confounding_warning_fires_without_controls():
    w = world("confounded_no_controls", 0)
    est = estimate(w)
    assert est.confounding_warning and "may be too high" in est.explanation
    assert est.estimate > w.beta  # what the warning is about


# ------------------------------------------------------------------- the same over six seeds (slow lane)
@pytest.mark.slow  # 6-12 estimates with their bootstrap: 3-8 s alone, more on a shared machine
def test_controls_remove_a_shared_seasonal_driver():
    biases, naive = [], []
    for seed in SEEDS:
        w = world("confounded_controls", seed)
        biases.append((estimate(w).estimate - w.beta) / w.beta)
        no_control = sp.estimate_spillover(w.panel.drop(columns="control_sales"))
        naive.append((no_control.estimate - w.beta) / w.beta)
    assert abs(np.median(biases)) <= 0.10, biases
    # the same panels without the control series are far off: the driver is really there
    assert np.median(np.abs(naive)) >= 0.2, naive


@pytest.mark.slow  # 6-12 estimates with their bootstrap: 3-8 s alone, more on a shared machine
def test_confounding_warning_fires_in_every_confounded_world_without_controls():
    for seed in SEEDS:
        est = estimate(world("confounded_no_controls", seed))
        assert est.confounding_warning, seed
        assert "may be too high" in est.explanation


@pytest.mark.slow  # 6-12 estimates with their bootstrap: 3-8 s alone, more on a shared machine
def test_null_world_interval_contains_zero_and_event_study_never_shows_a_bare_figure():
    contains = 0
    for seed in SEEDS:
        w = world("null", seed)
        est = estimate(w)
        contains += est.ci_low <= 0 <= est.ci_high
        es = sp.burst_event_study(sp.validate_panel(w.panel, control_col="control_sales"), control_col="control_sales")
        if np.isfinite(es.estimate):
            assert len(es.events) >= sp.MIN_BURST_EVENTS
            assert es.ci_low <= es.estimate <= es.ci_high
        else:
            assert np.isnan(es.ci_low) and np.isnan(es.ci_high)
    assert contains == len(SEEDS)


@pytest.mark.slow  # 6-12 estimates with their bootstrap: 3-8 s alone, more on a shared machine
def test_slow_response_gets_a_long_window_and_reports_the_late_share():
    late = []
    for seed in SEEDS:
        w = world("slow_lag", seed)
        est = estimate(w)
        assert est.max_lag > 14, (seed, est.max_lag)
        late.append(est.share_after_14)
        assert abs(est.peak_lag - w.peak_lag) <= 4
    assert np.median(late) > 0.03
    est = estimate(world("slow_lag", 0))
    if est.share_after_14 >= 0.05:
        assert "more than 14 days after" in est.explanation


@pytest.mark.slow  # 6-12 estimates with their bootstrap: 3-8 s alone, more on a shared machine
def test_the_interval_covers_the_truth_in_low_noise_worlds():
    covered = []
    for seed in SEEDS:
        w = world("low_noise", seed)
        est = estimate(w)
        covered.append(est.ci_low <= w.beta <= est.ci_high)
    assert sum(covered) >= len(SEEDS) - 1


# ------------------------------------------------------------------------------------------ words
def test_money_never_prints_negative_zero():
    assert _money_in(-0.004, "en") == "$0.00"
    assert _money_in(-0.0, "zh") == "0.00 美元"
    assert _money_in(-0.126, "en") == "-$0.13"


def planted(beta: float, days: int = 365, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 400.0, size=days)
    for start in range(10, days - 10, 31):
        x[start : start + 4] += rng.uniform(3000, 6000)
    y = 5000 + rng.normal(0, 60, size=days)
    for lag, w in enumerate((0.4, 0.3, 0.2, 0.1)):
        y[lag:] += beta * w * x[: days - lag]
    return pd.DataFrame({"date": pd.date_range("2025-01-01", periods=days), "tiktok_gmv": x, "target_sales": y})


@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 1.8 s in a loaded unit lane
def test_a_significant_negative_effect_reads_as_a_drop_with_the_window_day_count():
    est = sp.estimate_spillover(planted(-0.2), target_channel="Shopify")
    assert est.ci_high < 0
    assert "followed by a drop of about $0.2" in est.explanation
    assert "extra Shopify sales" not in est.explanation
    assert "Over the 365 days from 2025-01-01 to 2025-12-31" in est.explanation
    assert "$-" not in est.explanation and "$-" not in est.explanation_zh
    assert "减少" in est.explanation_zh and "365 天" in est.explanation_zh


@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 2.9 s in a loaded unit lane
def test_fast_late_share_comes_with_an_interval_that_covers_it():
    w = world("slow_lag", 0)
    est = estimate(w)
    lo, hi = est.share_after_14_ci
    assert 0.0 <= lo <= est.share_after_14 <= hi <= 1.0
    assert lo <= w.share_after_14 <= hi
    assert f"95% interval {lo:.0%} to {hi:.0%}" in est.explanation
    # a fast response has (almost) nothing after day 14, and the sentence is left out
    fast = estimate(world("low_noise", 0))
    assert fast.share_after_14 < 0.05 and "more than 14 days after" not in fast.explanation
