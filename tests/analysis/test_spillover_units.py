"""The spillover estimator's parts on panels whose answer is known exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from orchestration.analysis import spillover as sp


def planted_panel(days: int = 365, beta: float = 0.3, peak: int = 3, seed: int = 0, noise: float = 0.0):
    """Bursty TikTok GMV; target = weekday baseline + beta x hump-lagged GMV (+ optional noise)."""
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 300.0, size=days)
    for start in range(10, days - 10, 29):
        x[start : start + 3] += rng.uniform(3000, 9000)
    lags = np.arange(11)
    w = np.exp(-0.5 * ((lags - peak) / 1.5) ** 2)
    w /= w.sum()
    spill = np.convolve(x, w)[:days]
    dates = pd.date_range("2025-01-01", periods=days, freq="D")
    base = 2000 + 150 * (dates.day_of_week.to_numpy() == 0) + 0.5 * np.arange(days)
    y = base + beta * spill + rng.normal(0, noise, size=days)
    return pd.DataFrame({"date": dates, "tiktok_gmv": x, "target_sales": y, "tiktok_views": x * 80.0})


# ------------------------------------------------------------------------------------------ input rules
def test_missing_column_is_named():
    panel = planted_panel().drop(columns=["target_sales"])
    with pytest.raises(sp.PanelError, match="missing column.*target_sales"):
        sp.estimate_spillover(panel)


def test_duplicate_day_names_the_row_and_date():
    panel = planted_panel(200)
    panel.loc[50, "date"] = panel.loc[49, "date"]
    with pytest.raises(sp.PanelError, match=r"row 50: date 2025-02-19 appears twice"):
        sp.validate_panel(panel)


def test_missing_day_is_refused_not_filled():
    panel = planted_panel(200).drop(index=[100, 101]).reset_index(drop=True)
    with pytest.raises(sp.PanelError, match=r"2 day\(s\) missing before 2025-04-13"):
        sp.validate_panel(panel)


def test_negative_sales_and_text_values_are_refused_with_row_and_rule():
    panel = planted_panel(200)
    panel.loc[7, "target_sales"] = -5.0
    with pytest.raises(sp.PanelError, match=r"row 7 \(2025-01-08\): column 'target_sales' is negative"):
        sp.validate_panel(panel)
    panel = planted_panel(200)
    panel["tiktok_gmv"] = panel["tiktok_gmv"].astype(object)
    panel.loc[3, "tiktok_gmv"] = "n/a"
    with pytest.raises(sp.PanelError, match=r"row 3 .*'tiktok_gmv' value 'n/a' is not a number"):
        sp.validate_panel(panel)


@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 3.0 s in a loaded unit lane
def test_unsorted_input_is_accepted():
    panel = planted_panel(200)
    shuffled = panel.sample(frac=1.0, random_state=1)
    a = sp.estimate_spillover(panel)
    b = sp.estimate_spillover(shuffled)
    assert a.estimate == pytest.approx(b.estimate)


# ------------------------------------------------------------------------------------------ regression
def test_noise_free_panel_gives_back_the_planted_coefficient_and_peak():
    # free lags 0..14 reproduce any planted shape exactly; the default gamma family only approximately (below)
    est = sp.estimate_spillover(planted_panel(beta=0.3, peak=3), target_channel="Amazon", lag_selection="fixed")
    assert est.estimate == pytest.approx(0.3, rel=1e-6)
    assert est.peak_lag == 3
    assert len(est.lag_coefficients) == sp.DEFAULT_MAX_LAG + 1
    assert abs(sum(est.lag_coefficients[11:])) < 1e-6  # nothing planted beyond lag 10
    assert est.estimate_per_1000_views == pytest.approx(0.3 * 1000 / 80.0, rel=1e-6)
    # incremental sales over the window / TikTok GMV over the window, as TikTok's own ratio is defined
    assert est.off_site_effect_ratio == pytest.approx(0.3, rel=0.05)


@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 1.9 s in a loaded unit lane
def test_default_lag_family_recovers_a_planted_shape_it_does_not_contain():
    """The planted hump is Gaussian, not gamma: the default estimator still lands within 5 % and peaks right."""
    est = sp.estimate_spillover(planted_panel(beta=0.3, peak=3), target_channel="Amazon")
    assert est.estimate == pytest.approx(0.3, rel=0.05)
    assert abs(est.peak_lag - 3) <= 1
    assert est.max_lag == sp.MAX_LAG_LIMIT and est.lag_model.startswith("gamma hump")


def test_noisy_panel_interval_covers_truth_and_placebo_covers_zero():
    est = sp.estimate_spillover(planted_panel(beta=0.2, peak=2, noise=120.0, seed=4), lag_selection="fixed")
    assert est.ci_low < 0.2 < est.ci_high and est.ci_high - est.ci_low < 0.1
    assert est.placebo_ci_low <= 0 <= est.placebo_ci_high and est.placebo_passed


def test_future_tiktok_sales_that_drive_past_sales_fail_the_placebo():
    """A panel where target leads TikTok (the arrow reversed) must not pass as spillover."""
    p = planted_panel(beta=0.0, noise=50.0, seed=2)
    x = p["tiktok_gmv"].to_numpy()
    p["target_sales"] = p["target_sales"] + 0.3 * np.r_[x[3:], np.zeros(3)]  # sales rise 3 days BEFORE TikTok
    est = sp.estimate_spillover(p)
    assert not est.placebo_passed
    assert any("placebo failed" in w for w in est.warnings)
    assert "placebo failed" in est.explanation
    # The Chinese reading carries the same warning, for the page in 简体中文.
    assert "安慰剂检验未通过" in est.explanation_zh and "上限" in est.explanation_zh


def test_own_ols_and_hac_equal_statsmodels():
    rng = np.random.default_rng(3)
    n = 300
    X = np.column_stack([np.ones(n), rng.gamma(2, 500, n), rng.integers(0, 2, n), np.arange(n) / 365])
    e = np.convolve(rng.normal(0, 50, n + 5), np.ones(6) / 6, "valid")[:n]
    y = X @ np.array([100.0, 0.2, 30.0, 50.0]) + e
    fit = sp.ols(y, X)
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 12, "use_correction": True})
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-9)
    np.testing.assert_allclose(sp.hac_cov(fit, X, 12), ref.cov_params(), rtol=1e-8)
    # the leverage-adjusted version can only widen the interval
    assert np.all(np.diag(sp.hac_cov(fit, X, 12, leverage_power=1.0)) >= np.diag(ref.cov_params()))


def test_bootstrap_spread_is_a_normal_sd_that_ignores_a_few_wild_replicates():
    draws = np.random.default_rng(0).normal(0.0, 1.0, 4000)
    assert abs(sp.bootstrap_spread(draws) - 1.0) < 0.06
    # one replicate in twenty fits wildly (its blocks missed Prime Day): the SD explodes, the spread does not
    draws[:200] = 50.0
    assert np.std(draws) > 5 and sp.bootstrap_spread(draws) < 1.25
    # but a quarter of replicates far out is real spread, not a few wild fits (the IQR would ignore it)
    draws[:1000] = 5.0
    assert sp.bootstrap_spread(draws) > 1.5


def test_unknown_interval_is_refused():
    with pytest.raises(ValueError, match="interval must be"):
        sp.fit_distributed_lag(sp.validate_panel(planted_panel()), interval="magic")


# ------------------------------------------------------------------------------------------ descriptive methods
def test_bursts_are_days_well_above_their_rolling_baseline_three_weeks_apart():
    rng = np.random.default_rng(0)
    x = rng.normal(100.0, 5.0, 200)
    x[40] = 400.0  # a burst: 4x the median of the 28 days before
    x[50] = 400.0  # ten days later: too close to the previous burst
    x[80] = 180.0  # 1.8x the baseline: not a burst (needs 2x)
    x[100] = 300.0
    x[190] = 500.0  # fewer than 14 days after it in the panel: no post-window
    assert sp.find_bursts(x) == [40, 100]
    blocked = np.zeros(200, dtype=bool)
    blocked[105] = True  # Prime Day inside the burst's window: left out
    assert sp.find_bursts(x, blocked=blocked) == [40]


def lull_and_burst_panel(beta: float = 0.2, seed: int = 5, days: int = 365) -> pd.DataFrame:
    """Creator pushes every 30 days, each after a week-long lull; target answers 0-5 days later."""
    rng = np.random.default_rng(seed)
    x = rng.gamma(6.0, 20.0, size=days)
    for start in range(20, days - 20, 30):
        x[start - 8 : start] *= 0.4
        x[start : start + 3] += rng.uniform(800, 2500)
    kernel = np.array([0.1, 0.2, 0.3, 0.2, 0.1, 0.1])
    y = 400 + rng.normal(0, 15, size=days) + beta * np.convolve(x, kernel)[:days]
    return pd.DataFrame(
        {"date": pd.date_range("2025-01-01", periods=days), "tiktok_gmv": x, "target_sales": y}
    )


def test_burst_event_study_recovers_the_planted_share_and_charts_the_same_bursts():
    panel = sp.validate_panel(lull_and_burst_panel(beta=0.2))
    es = sp.burst_event_study(panel)
    assert len(es.events) >= 6
    assert es.estimate == pytest.approx(0.2, rel=0.15)
    # the lull before each burst lowers the baseline a little, so the ratio sits just under 0.2 on this
    # near-noiseless panel: its interval reaches within 10 % of the planted share
    assert es.ci_low < 0.22 and es.ci_high > 0.18 and es.ci_low < es.estimate < es.ci_high
    assert es.peak_lag in (2, 3, 4)  # a 3-day burst through a lag-2 hump peaks 2-4 days in
    # the chart's profile is made of the same bursts: its days 0..14 add up to the excess the ratio divides
    prof = es.profile
    assert list(prof["days_from_spike"]) == list(range(-14, 15)) and set(prof["n_spikes"]) == {len(es.events)}
    after = prof[prof["days_from_spike"] >= 0]
    assert after["avg_excess_target_sales_usd"].sum() * len(es.events) == pytest.approx(es.events["excess_target"].sum())
    assert int(after["avg_excess_target_sales_usd"].to_numpy().argmax()) == es.peak_lag
    # no spillover: the ratio's interval contains zero
    flat = sp.burst_event_study(sp.validate_panel(lull_and_burst_panel(beta=0.0)))
    assert flat.ci_low < 0 < flat.ci_high


def test_lag_correlation_peaks_at_the_planted_lag():
    lc = sp.lag_correlation(planted_panel(beta=0.2, peak=4, seed=6))
    assert list(lc["lag"]) == list(range(15))
    assert int(lc.loc[lc["correlation"].idxmax(), "lag"]) in (4, 5)


# ------------------------------------------------------------------------------------------ verdicts
def test_sufficiency_verdicts():
    assert sp.check_sufficiency(planted_panel()).verdict == "sufficient"
    short = sp.check_sufficiency(planted_panel(100))
    assert "too_few_days" in short.verdict.split(";")
    flat = planted_panel()
    flat["tiktok_gmv"] = 1000.0 + np.random.default_rng(0).normal(0, 20, len(flat))
    verdict = sp.check_sufficiency(flat).verdict.split(";")
    assert "too_little_variation" in verdict
    one_burst = planted_panel()
    one_burst["tiktok_gmv"] = 500.0 + 400.0 * np.sin(np.arange(len(one_burst)) / 58.0)
    assert "too_few_spikes" in sp.check_sufficiency(one_burst).verdict


def test_short_panel_still_reports_instead_of_crashing():
    est = sp.estimate_spillover(planted_panel(40))
    assert np.isnan(est.estimate)
    assert "too_few_days" in est.sufficiency.verdict
    assert est.explanation.startswith("No estimate")


@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 3.2 s in a loaded unit lane
def test_confounding_warning_needs_shared_slow_movement_and_no_control():
    p = planted_panel(beta=0.0, noise=30.0, seed=8)
    season = 1 + 0.5 * np.sin(np.arange(len(p)) * 2 * np.pi / 365)
    p["tiktok_gmv"] = p["tiktok_gmv"] * season
    p["target_sales"] = p["target_sales"] * season
    p["control_sales"] = 800 * season
    warned = sp.estimate_spillover(p)
    assert warned.confounding_warning and "confounding" in " ".join(warned.warnings)
    assert "may be too high" in warned.explanation
    # the slow co-movement check needs a missing control (the placebo may still warn with one)
    assert not sp.confounding_check(p, "control_sales")[0]
    with_control = sp.estimate_spillover(p, control_col="control_sales")
    assert not any("seasonal correlation" in w for w in with_control.warnings)


def test_explanation_says_what_the_number_means_and_cannot_claim():
    est = sp.estimate_spillover(planted_panel(beta=0.25, noise=60.0, seed=9), target_channel="Shopify")
    text = est.explanation
    assert "each $1 of TikTok Shop GMV" in text and "Shopify" in text and "$0.2" in text
    assert "cannot prove cause" in text
    assert "per 1,000 TikTok views" in text
    assert len(text) < 1200


# ------------------------------------------------------------------------------------------ mart rows
@pytest.mark.slow  # runs the spillover estimator with its bootstrap: 7.1 s in a loaded unit lane
def test_estimate_all_gives_one_row_per_group_channel_method():
    frames = []
    for group, beta in (("beauty", 0.3), ("home", 0.0)):
        for channel in ("amazon", "shopify"):
            p = planted_panel(beta=beta, noise=40.0, seed=len(frames))
            p["control_sales"] = np.nan if group == "home" else 500.0 + np.arange(len(p))
            p["is_prime_day"] = 0.0
            p.loc[190:193, "is_prime_day"] = 1.0
            frames.append(p.assign(product_group=group, target_channel=channel))
    rows = sp.estimate_all(pd.concat(frames, ignore_index=True))
    assert list(rows.columns) == sp.MART_COLUMNS
    assert len(rows) == 2 * 2 * 3
    assert set(rows["method"]) == {"regression_dl", "event_study", "lag_correlation"}
    assert not rows.duplicated(["product_group", "target_channel", "method"]).any()
    reg = rows[rows["method"] == "regression_dl"].set_index(["product_group", "target_channel"])
    assert reg.loc[("beauty", "amazon"), "estimate"] == pytest.approx(0.3, rel=0.1)
    assert reg.loc[("home", "amazon"), "ci_low"] <= 0 <= reg.loc[("home", "amazon"), "ci_high"]
    # the per-1,000-views figure carries its range: the regression's interval on the same scale (views are
    # 80 per USD of GMV here, so USD per 1,000 views = USD per USD x 12.5)
    b = reg.loc[("beauty", "amazon")]
    assert b["ci_low_per_1000_views"] < b["estimate_per_1000_views"] < b["ci_high_per_1000_views"]
    for end in ("ci_low", "ci_high"):
        assert b[f"{end}_per_1000_views"] == pytest.approx(b[end] * 1000 / 80.0, rel=1e-6)
    assert rows.loc[rows["method"] != "regression_dl", "ci_low_per_1000_views"].isna().all()
    assert set(rows["unit"]) == {"usd_per_usd_tiktok_gmv", "correlation"}
    assert (
        rows["sufficiency_verdict"]
        .str.fullmatch(
            r"sufficient|(too_few_days|too_little_variation|too_few_spikes)(;(too_little_variation|too_few_spikes))*"
        )
        .all()
    )
    assert rows["explanation"].str.len().gt(40).all()


def test_estimate_all_names_missing_group_columns():
    with pytest.raises(sp.PanelError, match="product_group"):
        sp.estimate_all(planted_panel().assign(target_channel="amazon"))


def test_hac_of_a_few_sums_equals_the_full_matrix_reduced():
    rng = np.random.default_rng(5)
    n = 250
    X = np.column_stack([np.ones(n), rng.gamma(2, 500, (n, 4))])
    y = X @ np.array([50.0, 0.1, 0.2, 0.0, 0.3]) + rng.normal(0, 30, n)
    fit = sp.ols(y, X)
    combos = np.zeros((5, 2))
    combos[1:4, 0] = 1.0
    combos[4, 1] = 1.0
    full = sp.hac_cov(fit, X, 10, leverage_power=1.0)
    np.testing.assert_allclose(
        sp.hac_cov(fit, X, 10, leverage_power=1.0, combos=combos), combos.T @ full @ combos, rtol=1e-9
    )
