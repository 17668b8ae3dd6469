"""Descriptive methods: the lag correlation profile and the burst count of the sufficiency rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.analysis.spillover.panel import (
    DEFAULT_MAX_LAG,
    EVENT_WINDOW,
    SEASONAL_WINDOW,
)


# ----------------------------------------------------------------------------- descriptive methods
def centred_mean(s: pd.Series, window: int = SEASONAL_WINDOW) -> pd.Series:
    return s.rolling(window, center=True, min_periods=window).mean()


def lag_correlation(df: pd.DataFrame, max_lag: int = DEFAULT_MAX_LAG) -> pd.DataFrame:
    """Correlation of target_t with tiktok_gmv_{t-l}, l = 0..max_lag, after removing 29-day moving averages."""
    x = df["tiktok_gmv"] - centred_mean(df["tiktok_gmv"])
    y = df["target_sales"] - centred_mean(df["target_sales"])
    rows = []
    for lag in range(max_lag + 1):
        xl = x.shift(lag)
        ok = xl.notna() & y.notna()
        n = int(ok.sum())
        r = (
            float(np.corrcoef(xl[ok], y[ok])[0, 1])
            if n > 3 and xl[ok].std() > 0 and y[ok].std() > 0
            else np.nan
        )
        rows.append({"lag": lag, "correlation": r, "n": n})
    return pd.DataFrame(rows)


def lag_profile(df: pd.DataFrame, max_lag: int = DEFAULT_MAX_LAG) -> pd.DataFrame:
    """`lag_correlation` as the lag-profile mart's rows: lags with at least one pair of days, and `is_peak_lag` on
    the largest correlation (the shortest lag on a tie, as argmax picks)."""
    lc = lag_correlation(df, max_lag)
    lc = lc[lc["n"] > 0].reset_index(drop=True)
    peak = lc["correlation"].idxmax() if lc["correlation"].notna().any() else None
    return pd.DataFrame({
        "lag_days": lc["lag"].astype(int),
        "n_days": lc["n"].astype(int),
        "correlation": lc["correlation"],
        "is_peak_lag": [i == peak for i in lc.index],
    })


def spike_episodes(x: np.ndarray, min_gap: int = EVENT_WINDOW) -> list[int]:
    """Distinct bursts: days x crosses its 95th percentile at least ``min_gap`` days after the previous one.

    The sufficiency rule counts these rather than event-study spikes: the regression learns from every
    burst, quiet run-up or not.
    """
    x = np.asarray(x, dtype=float)
    if len(x) < 2:
        return []
    p95 = np.percentile(x, 95)
    out: list[int] = []
    for t in range(len(x)):
        if x[t] >= p95 and (t == 0 or x[t - 1] < p95) and (not out or t - out[-1] >= min_gap):
            out.append(t)
    return out


