"""The entry point: estimate_spillover (regression, placebo, sufficiency, confounding warning, explanation)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from orchestration.analysis.spillover.diagnostics import (
    Sufficiency,
    check_sufficiency,
    confounding_check,
)
from orchestration.analysis.spillover.lag_family import (
    fit_lag_family,
    placebo_test,
    select_lag_model,
)
from orchestration.analysis.spillover.panel import (
    CONFOUNDING_CORR,
    CONTROL_SMOOTH_DAYS,
    DEFAULT_MAX_LAG,
    UNIT_USD_PER_USD,
    PanelError,
    event_columns,
    validate_panel,
)
from orchestration.analysis.spillover.regression import (
    BOOTSTRAP_BLOCK_DAYS,
    LAG_CANDIDATES,
    MAX_LAG_LIMIT,
    fit_distributed_lag,
    trend_knot_days,
)


# ----------------------------------------------------------------------------- the entry point
@dataclass
class SpilloverEstimate:
    estimate: float
    ci_low: float
    ci_high: float
    peak_lag: int
    lag_coefficients: list[float]
    days: int
    unit: str
    estimate_per_1000_views: float | None
    ci_per_1000_views: tuple[float, float] | None
    off_site_effect_ratio: float
    placebo_estimate: float
    placebo_ci_low: float
    placebo_ci_high: float
    placebo_passed: bool
    sufficiency: Sufficiency
    confounding_warning: bool
    seasonal_correlation: float
    warnings: list[str] = field(default_factory=list)
    explanation: str = ""
    explanation_zh: str = ""
    target_channel: str = "the target channel"
    max_lag: int = DEFAULT_MAX_LAG
    share_after_14: float = float("nan")
    share_after_14_ci: tuple[float, float] = (float("nan"), float("nan"))
    window_days: int = 0
    window_start: str | None = None
    window_end: str | None = None
    lag_model: str = ""


from orchestration.analysis.spillover_words import (
    explain,
)


def estimate_spillover(
    panel: pd.DataFrame,
    *,
    max_lag: int = DEFAULT_MAX_LAG,
    control_col: str | None = None,
    views_col: str | None = None,
    event_cols: list[str] | None = None,
    hac_lags: int | None = None,
    knot_days: int | None = None,
    control_smooth_days: int = CONTROL_SMOOTH_DAYS,
    interval: str = "block_bootstrap",
    block_days: int | None = BOOTSTRAP_BLOCK_DAYS,
    bootstrap_reps: int = 300,
    target_channel: str = "the target channel",
    source: str = "panel",
    lag_selection: str = "gamma",
    control_lags: bool = True,
    lag_candidates: tuple[int, ...] = LAG_CANDIDATES,
) -> SpilloverEstimate:
    """Distributed-lag spillover estimate with placebo, sufficiency verdict, confounding check, explanation.

    ``views_col`` defaults to "tiktok_views" when that column exists; ``event_cols`` to every ``is_*`` column.
    ``lag_selection`` "gamma" (default): the lag shape from the gamma-hump family over 35 days, Akaike-weighted,
    with a bootstrap interval that includes the choice (``fit_lag_family``); "gamma+blocks": pooled lag blocks
    as extra candidates; "aic" / "bic": the structure with the lowest criterion among blocks and humps
    (``select_lag_model``), interval of the chosen model only; "fixed": lags 0..max_lag, each free
    (``max_lag`` is used only there).
    ``knot_days`` defaults to trend_knot_days(control_col). Confounding warning: the slow co-movement check
    without a control series, or a failed placebo with or without one (a shared driver the controls miss).
    """
    knot_days = trend_knot_days(control_col) if knot_days is None else knot_days
    if views_col is None and "tiktok_views" in panel.columns:
        views_col = "tiktok_views"
    event_cols = event_columns(panel) if event_cols is None else list(event_cols)
    df = validate_panel(
        panel, control_col=control_col, views_col=views_col, event_cols=event_cols, source=source
    )
    suff = check_sufficiency(df)
    conf_warn, corr = confounding_check(df, control_col)
    warnings: list[str] = []
    kw = {
        "max_lag": max_lag,
        "event_cols": event_cols,
        "control_col": control_col,
        "hac_lags": hac_lags,
        "knot_days": knot_days,
        "control_smooth_days": control_smooth_days,
        "interval": interval,
        "block_days": block_days,
        "bootstrap_reps": bootstrap_reps,
        "control_lags": control_lags,
    }
    nan = float("nan")
    lag_model = f"free lags 0-{max_lag}"
    if lag_selection not in ("gamma", "gamma+blocks", "aic", "bic", "fixed"):
        raise ValueError(
            f"lag_selection must be 'gamma', 'gamma+blocks', 'aic', 'bic' or 'fixed', got {lag_selection!r}"
        )
    try:
        if lag_selection in ("gamma", "gamma+blocks"):
            reg, basis, lag_model = fit_lag_family(df, blocks=lag_selection == "gamma+blocks", **kw)
            kw.update(max_lag=MAX_LAG_LIMIT, basis=basis, interval="hac_hc3")
            max_lag = MAX_LAG_LIMIT
            p_est, p_lo, p_hi, p_ok = placebo_test(df, **kw)
        elif lag_selection != "fixed":
            sel_kw = {k: v for k, v in kw.items() if k not in ("max_lag", "hac_lags", "interval")}
            sel_kw["interval"] = "hac"  # the criterion needs the fit only, not its interval
            chosen, _ = select_lag_model(df, candidates=lag_candidates, criterion=lag_selection, **sel_kw)
            kw["max_lag"], kw["basis"] = chosen.max_lag, chosen.basis
            lag_model = chosen.label
        if lag_selection not in ("gamma", "gamma+blocks"):
            max_lag = kw["max_lag"]
            reg = fit_distributed_lag(df, **kw)
            p_est, p_lo, p_hi, p_ok = placebo_test(df, **kw)
    except (PanelError, np.linalg.LinAlgError) as exc:
        warnings.append(f"regression not possible: {exc}")
        reg = None
        p_est = p_lo = p_hi = nan
        p_ok = False
    per_views = ci_views = None
    if reg is not None and views_col is not None:
        views = float(df[views_col].sum())
        if views > 0:
            scale = 1000.0 * float(df["tiktok_gmv"].sum()) / views
            per_views = reg.estimate * scale
            ci_views = (reg.ci_low * scale, reg.ci_high * scale)
    if not suff.sufficient:
        warnings.append(
            f"data sufficiency: {suff.verdict} (days={suff.days}, cv={suff.cv:.2f}, spikes={suff.spikes})"
        )
    if conf_warn:
        warnings.append(
            f"possible confounding: seasonal correlation {corr:.2f} > {CONFOUNDING_CORR} and no control"
        )
    if reg is not None and not p_ok:
        conf_warn = True
    if reg is not None and not p_ok:
        warnings.append(f"placebo failed: leads sum {p_est:.3f} [{p_lo:.3f}, {p_hi:.3f}] excludes 0")
    est = SpilloverEstimate(
        estimate=reg.estimate if reg else nan,
        ci_low=reg.ci_low if reg else nan,
        ci_high=reg.ci_high if reg else nan,
        peak_lag=reg.peak_lag if reg else -1,
        lag_coefficients=reg.lag_coefficients if reg else [],
        days=reg.days if reg else len(df),
        unit=UNIT_USD_PER_USD,
        estimate_per_1000_views=per_views,
        ci_per_1000_views=ci_views,
        off_site_effect_ratio=reg.off_site_effect_ratio if reg else nan,
        placebo_estimate=p_est,
        placebo_ci_low=p_lo,
        placebo_ci_high=p_hi,
        placebo_passed=p_ok,
        sufficiency=suff,
        confounding_warning=conf_warn,
        seasonal_correlation=corr,
        warnings=warnings,
        target_channel=target_channel,
        max_lag=max_lag,
        share_after_14=reg.share_after_14 if reg else nan,
        share_after_14_ci=(reg.late_share_low, reg.late_share_high) if reg else (nan, nan),
        window_days=len(df),
        lag_model=lag_model,
        window_start=str(df["date"].iloc[0].date()),
        window_end=str(df["date"].iloc[-1].date()),
    )
    est.explanation = explain(est, max_lag, control_col is not None)
    est.explanation_zh = explain(est, max_lag, control_col is not None, lang="zh")
    return est


