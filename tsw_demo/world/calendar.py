"""The demo world's calendar: Prime Day, BFCM, gifting ramps, the yearly season and the lag profile.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from tsw_demo.world.config import LAG_MAX


# ---------------------------------------------------------------- calendar helpers
def prime_day_dates(year: int) -> list[date]:
    """Four days from the second Tuesday of July (the 2025 event ran 8–11 July)."""
    first = date(year, 7, 1)
    first_tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
    start = first_tuesday + timedelta(days=7)
    return [start + timedelta(days=i) for i in range(4)]


def bfcm_dates(year: int) -> list[date]:
    """Black Friday (day after the fourth Thursday of November) through Cyber Monday."""
    first = date(year, 11, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    black_friday = first_thursday + timedelta(days=22)
    return [black_friday + timedelta(days=i) for i in range(4)]


def gifting_dates(year: int) -> list[date]:
    """US gifting peaks sellers feel but rarely flag: Valentine's, Mother's and Father's Day, back to school,
    Halloween and the last pre-Christmas shipping days."""

    def nth_sunday(month: int, n: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))

    return [
        date(year, 2, 14),
        nth_sunday(5, 2),
        nth_sunday(6, 3),
        date(year, 8, 15),
        date(year, 10, 31),
        date(year, 12, 18),
    ]


def season_curve(dates: pd.DatetimeIndex, gift_peak: float = 0.35) -> np.ndarray:
    """Yearly demand curve, mean about one: a spring/summer swell, a holiday swell, and week-long gifting
    ramps (+``gift_peak`` on the peak day, rising over the 7 days before it and gone 2 days after)."""
    doy = dates.day_of_year.to_numpy().astype(float)
    summer = 0.25 * np.sin(2 * np.pi * (doy - 80.0) / 365.25)
    holiday = 0.45 * np.exp(-0.5 * ((doy - 340.0) / 18.0) ** 2)
    smooth = 1.0 + summer + holiday - 0.04
    gift = np.zeros(len(dates))
    day_numbers = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    years = range(dates[0].year - 1, dates[-1].year + 2)
    for peak in (g for y in years for g in gifting_dates(y)):
        k = day_numbers - np.datetime64(peak, "D").astype(np.int64)  # days relative to the peak
        ramp = np.where((k >= -7) & (k <= 0), (k + 8) / 8.0, 0.0)
        tail = np.where((k > 0) & (k <= 2), 1.0 - k / 3.0, 0.0)
        gift += gift_peak * (ramp + tail)
    return smooth * (1.0 + gift)


def lag_profile(peak_lag: int, max_lag: int = LAG_MAX, shape: float = 5.0) -> np.ndarray:
    """Discretised gamma hump over lags 0..max_lag whose largest weight is at ``peak_lag``; sums to one."""
    x = np.arange(max_lag + 1) + 1.0
    theta = (peak_lag + 1.0) / (shape - 1.0)  # gamma mode (shape-1)*theta sits at x = peak_lag + 1
    w = x ** (shape - 1.0) * np.exp(-x / theta)
    w /= w.sum()
    return w
