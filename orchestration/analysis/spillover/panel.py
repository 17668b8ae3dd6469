"""Constants and the input checks of the spillover estimator (validate_panel)."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_MAX_LAG = 14
MIN_DAYS = 120
MIN_CV = 0.25
MIN_SPIKES = 3
CONFOUNDING_CORR = 0.7
CONFOUNDING_WINDOW = 57
SEASONAL_WINDOW = 29
CONTROL_SMOOTH_DAYS = 1
EVENT_WINDOW = 14
DEFAULT_KNOT_DAYS = 14
CONTROLLED_KNOT_DAYS = 56
CONFIDENCE = 0.95

REQUIRED_COLUMNS = ("date", "tiktok_gmv", "target_sales")
UNIT_USD_PER_USD = "usd_per_usd_tiktok_gmv"
UNIT_CORRELATION = "correlation"

MIN_ESTIMATE_DAYS = 90  # below this no regression figure is published (MIN_DAYS above it only warns)
MIN_LAG_PROFILE_DAYS = SEASONAL_WINDOW + DEFAULT_MAX_LAG + 4  # a 29-day baseline plus 14 lags, a few days to spare


class PanelError(ValueError):
    """The panel cannot be analysed; the message names the column, the row and the rule."""


# ----------------------------------------------------------------------------- input checks
def event_columns(panel: pd.DataFrame) -> list[str]:
    return [c for c in panel.columns if str(c).startswith("is_")]


def validate_panel(
    panel: pd.DataFrame,
    *,
    control_col: str | None = None,
    views_col: str | None = None,
    event_cols: list[str] | None = None,
    source: str = "panel",
) -> pd.DataFrame:
    """Return a clean copy sorted by date, or raise PanelError naming the offending column/row/rule."""
    missing = [c for c in REQUIRED_COLUMNS if c not in panel.columns]
    for opt in (control_col, views_col):
        if opt is not None and opt not in panel.columns:
            missing.append(opt)
    for c in event_cols or []:
        if c not in panel.columns:
            missing.append(c)
    if missing:
        raise PanelError(f"{source}: missing column(s) {missing}; present: {list(panel.columns)}")
    if len(panel) == 0:
        raise PanelError(f"{source}: no rows")
    df = panel.copy()
    dates = pd.to_datetime(df["date"], errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise PanelError(f"{source}: row {i}: column 'date' value {df['date'].iloc[i]!r} is not a date")
    df["date"] = dates.dt.normalize()
    df = df.sort_values("date", kind="stable").reset_index(drop=True)
    dup = df["date"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise PanelError(
            f"{source}: row {i}: date {df['date'].iloc[i].date()} appears twice (rule: one row per day)"
        )
    gaps = df["date"].diff().dt.days.iloc[1:]
    if (gaps > 1).any():
        i = int(gaps[gaps > 1].index[0])
        raise PanelError(
            f"{source}: row {i}: {int(gaps.loc[i]) - 1} day(s) missing before {df['date'].iloc[i].date()} "
            "(rule: consecutive days; write 0 for a day without sales)"
        )
    numeric = ["tiktok_gmv", "target_sales"] + [c for c in (control_col, views_col) if c]
    for c in numeric + list(event_cols or []):
        vals = pd.to_numeric(df[c], errors="coerce")
        nonnum = vals.isna()
        if nonnum.any():
            i = int(np.flatnonzero(nonnum.to_numpy())[0])
            raise PanelError(
                f"{source}: row {i} ({df['date'].iloc[i].date()}): column {c!r} value "
                f"{df[c].iloc[i]!r} is not a number (rule: no blanks)"
            )
        df[c] = vals.astype(float)
    for c in numeric:
        neg = df[c] < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise PanelError(
                f"{source}: row {i} ({df['date'].iloc[i].date()}): column {c!r} is negative "
                f"({df[c].iloc[i]}) (rule: sales and views are >= 0)"
            )
    return df


