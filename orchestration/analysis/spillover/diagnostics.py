"""Diagnostics: data sufficiency and the slow co-movement (confounding) check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.analysis.spillover.descriptive import (
    centred_mean,
    spike_episodes,
)
from orchestration.analysis.spillover.panel import (
    CONFOUNDING_CORR,
    CONFOUNDING_WINDOW,
    MIN_CV,
    MIN_DAYS,
    MIN_SPIKES,
)


# ----------------------------------------------------------------------------- diagnostics
@dataclass
class Sufficiency:
    verdict: str  # "sufficient" or ";"-joined reasons: too_few_days, too_little_variation, too_few_spikes
    days: int
    cv: float
    spikes: int

    @property
    def sufficient(self) -> bool:
        return self.verdict == "sufficient"


def check_sufficiency(df: pd.DataFrame) -> Sufficiency:
    x = df["tiktok_gmv"].to_numpy(dtype=float)
    days = len(df)
    mean = float(x.mean())
    cv = float(x.std(ddof=1) / mean) if mean > 0 and days > 1 else 0.0
    spikes = len(spike_episodes(x))
    reasons = []
    if days < MIN_DAYS:
        reasons.append("too_few_days")
    if cv < MIN_CV:
        reasons.append("too_little_variation")
    if spikes < MIN_SPIKES:
        reasons.append("too_few_spikes")
    return Sufficiency(";".join(reasons) or "sufficient", days, cv, spikes)


def seasonal_correlation(df: pd.DataFrame, window: int = CONFOUNDING_WINDOW) -> float:
    """Correlation of the linearly detrended centred ``window``-day moving averages of TikTok GMV and target."""
    sx = centred_mean(df["tiktok_gmv"], window)
    sy = centred_mean(df["target_sales"], window)
    ok = sx.notna() & sy.notna()
    if ok.sum() < 10:
        return float("nan")
    t = np.arange(len(df), dtype=float)[ok.to_numpy()]

    def detrend(v: np.ndarray) -> np.ndarray:
        slope, icpt = np.polyfit(t, v, 1)
        return v - (slope * t + icpt)

    a, b = detrend(sx[ok].to_numpy()), detrend(sy[ok].to_numpy())
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def confounding_check(df: pd.DataFrame, control_col: str | None) -> tuple[bool, float]:
    corr = seasonal_correlation(df)
    return (control_col is None and np.isfinite(corr) and corr > CONFOUNDING_CORR), corr


