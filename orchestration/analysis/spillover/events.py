"""The burst event study: bursts against a rolling baseline, the per-burst excess, its bootstrap interval and the spike chart profile."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from orchestration.analysis.spillover.panel import (
    CONFIDENCE,
    EVENT_WINDOW,
)

# ----------------------------------------------------------------------------- the burst event study
BURST_BASELINE_DAYS = 28  # rolling baseline: median of the 28 days before
BURST_RATIO = 2.0  # a burst starts on a day at least twice its baseline ...
BURST_MIN_EXCESS_SD = 3.0  # ... and at least 3 robust SDs (1.4826 x MAD) above it
BURST_MIN_GAP = 21  # bursts start at least three weeks apart, so their windows barely overlap
MIN_BURST_EVENTS = 5  # the event study publishes no figure from fewer bursts than this
BOOTSTRAP_REPS = 2000
MIN_EVENTS = MIN_BURST_EVENTS


PROFILE_COLUMNS = ("days_from_spike", "n_spikes", "avg_excess_tiktok_gmv_usd", "avg_excess_target_sales_usd")


@dataclass
class BurstStudy:
    events: pd.DataFrame  # one row per burst: event_date, excess_tiktok_gmv, excess_target, excess_control
    estimate: float
    ci_low: float
    ci_high: float
    peak_lag: int | None
    controlled: bool
    # the page's "around TikTok spikes" chart: per day -window..window of the same bursts, the mean over
    # bursts of TikTok GMV and target sales (net of the control's scaled change) minus the 14 days before
    profile: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(PROFILE_COLUMNS)))


def find_bursts(
    x: np.ndarray, *, window: int = EVENT_WINDOW, blocked: np.ndarray | None = None
) -> list[int]:
    """Days a TikTok burst starts: x at least BURST_RATIO x and BURST_MIN_EXCESS_SD robust SDs above the
    median of the BURST_BASELINE_DAYS before it, BURST_MIN_GAP days after the previous start, with ``window``
    days of data before and after inside the panel and no ``blocked`` day (Prime Day, BFCM) in them."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    s = pd.Series(x)
    prior = s.shift(1).rolling(BURST_BASELINE_DAYS, min_periods=window)
    base = prior.median().to_numpy()
    mad = (
        s.shift(1)
        .rolling(BURST_BASELINE_DAYS, min_periods=window)
        .apply(lambda v: np.median(np.abs(v - np.median(v))), raw=True)
        .to_numpy()
    )
    floor = 1.4826 * np.nan_to_num(mad) + 1e-9
    out: list[int] = []
    for t in range(window, n - window):
        if not np.isfinite(base[t]):
            continue
        if x[t] < BURST_RATIO * base[t] or x[t] - base[t] < BURST_MIN_EXCESS_SD * floor[t]:
            continue
        if out and t - out[-1] < BURST_MIN_GAP:
            continue
        if blocked is not None and blocked[t - window : t + window + 1].any():
            continue
        out.append(t)
    return out


def burst_event_study(
    df: pd.DataFrame,
    *,
    control_col: str | None = None,
    window: int = EVENT_WINDOW,
    confidence: float = CONFIDENCE,
    reps: int = BOOTSTRAP_REPS,
    seed: int = 0,
) -> BurstStudy:
    """Excess target sales in the 15 days from each TikTok burst against the 14 days before, per $1 of excess
    TikTok GMV: sum over bursts of excess target / sum of excess TikTok GMV (a ratio estimator).

    With a control series the target's excess is net of the control's excess scaled to the target's level in
    the pre-window (a difference-in-differences per burst), so a driver shared with never-promoted products
    cancels. Interval: percentile bootstrap resampling whole bursts (each burst's window is a block).
    No figure (NaN) from fewer than MIN_BURST_EVENTS bursts, and never a figure without its interval.
    """
    x = df["tiktok_gmv"].to_numpy(dtype=float)
    y = df["target_sales"].to_numpy(dtype=float)
    c = df[control_col].to_numpy(dtype=float) if control_col else None
    flags = [col for col in ("is_prime_day", "is_bfcm") if col in df.columns]
    blocked = df[flags].to_numpy(dtype=float).max(axis=1) > 0 if flags else None
    rows, profiles, around_x, around_y = [], [], [], []
    for t in find_bursts(x, window=window, blocked=blocked):
        pre, post = slice(t - window, t), slice(t, t + window + 1)
        ex_x = x[post] - x[pre].mean()
        ex_y = y[post] - y[pre].mean()
        ex_c = np.zeros_like(ex_y)
        around = slice(t - window, t + window + 1)
        ex_c_around = np.zeros(2 * window + 1)
        if c is not None and c[pre].mean() > 0:
            ex_c = (c[post] - c[pre].mean()) * (y[pre].mean() / c[pre].mean())
            ex_c_around = (c[around] - c[pre].mean()) * (y[pre].mean() / c[pre].mean())
        around_x.append(x[around] - x[pre].mean())
        around_y.append(y[around] - y[pre].mean() - ex_c_around)
        rows.append(
            {
                "event_date": df["date"].iloc[t],
                "excess_tiktok_gmv": float(ex_x.sum()),
                "excess_target": float((ex_y - ex_c).sum()),
                "excess_control": float(ex_c.sum()),
            }
        )
        profiles.append(ex_y - ex_c)
    events = pd.DataFrame(rows, columns=["event_date", "excess_tiktok_gmv", "excess_target", "excess_control"])
    profile = pd.DataFrame(columns=list(PROFILE_COLUMNS))
    if rows:
        profile = pd.DataFrame(
            {
                "days_from_spike": np.arange(-window, window + 1),
                "n_spikes": len(rows),
                "avg_excess_tiktok_gmv_usd": np.mean(around_x, axis=0),
                "avg_excess_target_sales_usd": np.mean(around_y, axis=0),
            }
        )
    nan = float("nan")
    k = len(events)
    if k < MIN_BURST_EVENTS or events["excess_tiktok_gmv"].sum() <= 0:
        return BurstStudy(events, nan, nan, nan, None, c is not None, profile)
    ex_x, ex_y = events["excess_tiktok_gmv"].to_numpy(), events["excess_target"].to_numpy()
    ratio = float(ex_y.sum() / ex_x.sum())
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, k, size=(reps, k))
    num, den = ex_y[idx].sum(axis=1), ex_x[idx].sum(axis=1)
    draws = num[den > 0] / den[den > 0]
    alpha = (1 - confidence) / 2
    lo, hi = (float(v) for v in np.quantile(draws, [alpha, 1 - alpha]))
    lo, hi = min(lo, ratio), max(hi, ratio)
    peak = int(np.argmax(np.mean(profiles, axis=0)))
    return BurstStudy(events, ratio, lo, hi, peak, c is not None, profile)


