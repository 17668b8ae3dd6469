"""How much Amazon / Shopify revenue follows TikTok Shop sales: the spillover estimator.

Input is a daily panel for one product group and one target channel (a pandas DataFrame, one row per day):

    date            calendar day (unique, consecutive — a missing day is an error, a day without sales is 0)
    tiktok_gmv      TikTok Shop GMV that day, USD
    target_sales    the target channel's sales that day, USD (Amazon or Shopify)
    tiktok_views    optional: TikTok video + LIVE views that day (enables the per-1,000-views figure)
    control_sales   optional: the same channel's sales of products never promoted on TikTok, USD
    is_*            optional event columns (0/1 flags or shares 0..1): is_prime_day, is_bfcm, is_promo,
                    is_stockout …; every column whose name starts with ``is_`` is used as a control

Methods
    regression_dl   target_t = sum_{l=0..L} b_l tiktok_gmv_{t-l} + weekday + trend + events
                    (+ control_{t-1,t,t+1}, control x trend) + e_t.  The spillover coefficient is sum(b_l):
                    extra target-channel USD per USD of TikTok Shop GMV, accumulated over L days.
                    Lags from the data (``fit_lag_family``, issue 12): the response is a gamma hump over 35
                    days, peak 0-12 days, shape 2-8 (78 shapes, one coefficient each, so least squares is the
                    AIC choice); the estimate is the Akaike-weighted mean over the shapes (near-equal fits
                    share it rather than one winning by chance). Share after day 14 is read off the best
                    shape. Pooled blocks of lags (0,1,2,3,4-5,6-7,8-10,11-14,15-20,21-27,28-35) are the
                    alternative structure (``lag_selection``), kept for shapes no hump fits.
                    Trend: a linear spline with a knot every 14 days without a control series (the trend must
                    then soak up the season itself); every 56 days with one (the control carries the season,
                    and a 14-day spline would also eat slow responses). Control series: the same channel's
                    never-promoted products, that day and the days either side, with a linear drift in weight.
                    Interval: moving-block pairs bootstrap (14-day blocks, 300 replicates) of the whole
                    procedure, the shape choice included, standard error = the replicates' IQR / 1.349, t
                    quantile; the leverage-adjusted Newey-West of the first version covered 50-95 % on the
                    issue-12 worlds (benchmarks/spillover_recovery.md).
                    ``lag_selection="fixed"``, ``interval="hac_hc3"``, ``knot_days=14``, ``control_lags=False``
                    give the first version back.
                    Peak lag: argmax of the lag coefficients after 1-2-1 smoothing.
                    Off-site effect ratio: sum over the window of sum_l b_l x_{t-l}, divided by the window's
                    TikTok GMV — the model's counterpart of TikTok's Off-site Effect, though incremental
                    rather than pixel-attributed.  Per 1,000 views: the coefficient x 1000 x window GMV /
                    window views.
    placebo         the same regression plus TikTok GMV at leads 1..L (the FUTURE), pooled in blocks.  Sales
                    cannot respond to TikTok sales that have not happened, so the leads' summed coefficient
                    should be zero; a 99 % interval excluding zero signals a shared driver the controls miss and
                    raises the confounding warning, with or without a control series.  The lags stay in the
                    placebo model because TikTok GMV is autocorrelated.
    event_study     the burst study (``burst_event_study``): bursts are days TikTok GMV is at least twice, and
                    3 robust SDs above, the median of the 28 days before, 21+ days apart, with 14 days before and
                    after inside the panel and no Prime Day / BFCM in that window; excess = sum over days 0..14
                    of (value - mean of days -14..-1), the target's net of the control's scaled excess; ratio =
                    sum of excess target / sum of excess TikTok GMV; interval = percentile bootstrap over
                    bursts; no figure from fewer than 5 bursts.  The same bursts make the page's spike chart
                    (``BurstStudy.profile`` → marts.mart_spillover_burst_profile): the spike rule has one owner.
    lag_correlation both series minus their centred 29-day moving average; Pearson correlation between
                    target_t and tiktok_gmv_{t-l} for l = 0..N; the peak lag is the lag of the largest
                    correlation.  Interval: Fisher z with n - 3 (ignores autocorrelation, so it is too narrow).

Data sufficiency (``check_sufficiency``): too_few_days (< 120 days), too_little_variation (coefficient of
variation of TikTok GMV < 0.25), too_few_spikes (< 3 distinct bursts: crossings of the 95th percentile at
least 14 days apart; see ``spike_episodes`` — the event study's own stricter spikes are reported with it).

Confounding warning: a failed placebo (above), or (``confounding_check``) no control series AND the slow
components of TikTok GMV and target sales move together: both series are reduced to centred 57-day moving
averages (which removes weekday cycles, single events and most single pushes), linearly detrended, and their
correlation exceeds 0.7.  Then seasonality shared by TikTok activity and off-TikTok demand cannot be told
apart from spillover, and the estimate may be biased upward.  On the simulated worlds this flagged every
confounded panel and about 1 in 10 unconfounded ones (genuine spillover also makes the slow parts co-move;
without a control series the two cannot be separated, so a warning there is not wrong).

A group-level estimate weights each product by how much its TikTok GMV *varies* (viral products dominate);
it equals the group's GMV-weighted spillover only when the group's products respond alike.

The lag-correlation definition is mirrored in SQL (dbt, mart_spillover_lag_profile); keep them in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

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
from orchestration.analysis.spillover_schema import (  # the mart's one definition
    MART_COLUMNS,
    METHODS,
    STATUS_FAILED,
    STATUS_INSUFFICIENT,
    STATUS_NOT_APPLICABLE,
    STATUS_OK,
)

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


# ----------------------------------------------------------------------------- building blocks
def shifted(x: np.ndarray, k: int) -> np.ndarray:
    """x shifted by k days: k > 0 gives the value k days earlier (lag), k < 0 k days later (lead); NaN-padded."""
    out = np.full(len(x), np.nan)
    if k >= 0:
        out[k:] = x[: len(x) - k]
    else:
        out[:k] = x[-k:]
    return out


def control_design(
    df: pd.DataFrame,
    *,
    event_cols: list[str],
    control_col: str | None,
    knot_days: int = DEFAULT_KNOT_DAYS,
    control_smooth_days: int = CONTROL_SMOOTH_DAYS,
    first_row: int = 0,
    last_row: int | None = None,
    control_lags: bool = False,
) -> pd.DataFrame:
    """Nuisance regressors: intercept, weekday, linear-spline trend, events, control series.

    Knots sit every ``knot_days`` inside the rows the regression will use (``first_row``..``last_row``):
    a knot on the first usable row would duplicate the straight trend.
    """
    n = len(df)
    last_row = n - 1 if last_row is None else last_row
    t = np.arange(n, dtype=float)
    cols: dict[str, np.ndarray] = {"const": np.ones(n), "trend": t / 365.0}
    for k in range(first_row + knot_days, last_row - knot_days // 2, knot_days):
        cols[f"trend_knot_{k}"] = np.maximum(t - k, 0.0) / 365.0
    dow = df["date"].dt.day_of_week.to_numpy()
    for d in range(1, 7):
        cols[f"dow_{d}"] = (dow == d).astype(float)
    for c in event_cols:
        v = df[c].to_numpy(dtype=float)
        if np.ptp(v) > 0:  # an event that never happens in the window carries no information
            cols[c] = v
    if control_col:
        smooth = df[control_col].rolling(control_smooth_days, center=True, min_periods=1).mean()
        cols["control"] = smooth.to_numpy(dtype=float)
        # The group's sales need not stay in a fixed ratio to the control's (different growth), so the
        # control's weight may drift linearly over the window.
        cols["control_x_trend"] = cols["control"] * t / 365.0
        if control_lags:
            # The control the day before and after: a shared driver need not hit both on the same day,
            # and the pair lets the fit average out part of the control's own noise (a cheap smoother).
            c = cols["control"]
            cols["control_prev"] = np.r_[c[:1], c[:-1]]
            cols["control_next"] = np.r_[c[1:], c[-1:]]
    return pd.DataFrame(cols, index=df.index)


@dataclass
class RegressionResult:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    lag_coefficients: list[float]
    lag_ses: list[float]
    peak_lag: int
    days: int
    off_site_effect_ratio: float
    lead_estimate: float | None = None
    lead_ci_low: float | None = None
    lead_ci_high: float | None = None
    rss: float = float("nan")
    n_params: int = 0
    max_lag: int = DEFAULT_MAX_LAG

    @property
    def share_after_14(self) -> float:
        total = float(np.sum(self.lag_coefficients))
        late = float(np.sum(self.lag_coefficients[15:]))
        return late / total if abs(total) > 1e-12 else float("nan")


@dataclass
class OLSFit:
    params: np.ndarray
    resid: np.ndarray
    xtx_inv: np.ndarray
    df_resid: int


def ols(y: np.ndarray, X: np.ndarray) -> OLSFit:
    """Least squares through the normal equations on max-scaled columns.

    einsum and an LU inverse keep the small products off multi-threaded BLAS/SVD: on a shared two-core
    machine OpenBLAS thread contention made statsmodels' SVD-based fit ~40x slower than this for a
    365 x 60 design. Scaling the columns (USD in the thousands next to 0/1 dummies) keeps X'X well
    conditioned; a truly collinear design falls back to the pseudo-inverse.
    """
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale
    xtx = np.einsum("ti,tj->ij", Xs, Xs)
    try:
        inv_s = np.linalg.inv(xtx)
        if not np.all(np.isfinite(inv_s)) or np.abs(inv_s @ xtx - np.eye(len(xtx))).max() > 1e-6:
            raise np.linalg.LinAlgError("ill-conditioned")
    except np.linalg.LinAlgError:
        inv_s = np.linalg.pinv(xtx)
    params = (inv_s @ np.einsum("ti,t->i", Xs, y)) / scale
    resid = y - np.einsum("ti,i->t", X, params)
    xtx_inv = inv_s / np.outer(scale, scale)
    return OLSFit(params, resid, xtx_inv, int(X.shape[0] - X.shape[1]))


def hac_cov(
    fit: OLSFit, X: np.ndarray, maxlags: int, leverage_power: float = 0.0, combos: np.ndarray | None = None
) -> np.ndarray:
    """Newey-West covariance (Bartlett weights 1 - j/(maxlags+1)), small-sample factor n/(n-k).

    Same definition as statsmodels' ``cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True}``
    (tests/analysis checks the two agree). ``leverage_power`` 1 divides each residual by (1 - h_t) first.
    With ``combos`` (k x m) it returns the m x m covariance of combos' @ params directly, which needs only
    m-column scores instead of k: the estimator asks for a handful of sums, not the whole matrix.
    """
    n, k = X.shape
    e = fit.resid
    if leverage_power:
        h = np.einsum("ti,ij,tj->t", X, fit.xtx_inv, X)
        e = e / np.maximum(1.0 - h, 0.05) ** leverage_power
    if combos is None:
        u = X * e[:, None]
    else:
        u = np.einsum("ti,im->tm", X, fit.xtx_inv @ combos) * e[:, None]
    S = np.einsum("ti,tj->ij", u, u)
    for j in range(1, min(maxlags, n - 1) + 1):
        g = np.einsum("ti,tj->ij", u[j:], u[:-j])
        S += (1.0 - j / (maxlags + 1.0)) * (g + g.T)
    cov = S if combos is not None else fit.xtx_inv @ S @ fit.xtx_inv
    return cov * n / max(n - k, 1)


def _interval(
    est: float, var: float, df_resid: float, confidence: float
) -> tuple[float, float, float, float]:
    se = float(np.sqrt(max(var, 0.0)))
    q = stats.t.ppf(0.5 + confidence / 2, df=max(df_resid, 1))
    return float(est), se, float(est - q * se), float(est + q * se)


def block_bootstrap_cov(y: np.ndarray, X: np.ndarray, *, block: int, reps: int, seed: int = 0) -> np.ndarray:
    """Covariance of OLS coefficients from a moving-block bootstrap of (y, X) rows.

    Resampling whole blocks of consecutive days keeps the residuals' autocorrelation and the few
    high-leverage spike days together, which the HAC sandwich handles poorly. Block cross-products are
    precomputed by cumulative sums, so each replicate is one small solve (hundreds of replicates in
    well under a second).
    """
    n, k = X.shape
    block = max(1, min(block, n))
    xx = np.einsum("ti,tj->tij", X, X)
    xy = X * y[:, None]
    cxx = np.concatenate([np.zeros((1, k, k)), np.cumsum(xx, axis=0)])
    cxy = np.concatenate([np.zeros((1, k)), np.cumsum(xy, axis=0)])
    starts_all = n - block + 1
    n_blocks = int(np.ceil(n / block))
    rng = np.random.default_rng(seed)
    st = rng.integers(0, starts_all, size=(reps, n_blocks))
    A = np.zeros((reps, k, k))
    b = np.zeros((reps, k))
    for m in range(n_blocks):
        A += cxx[st[:, m] + block] - cxx[st[:, m]]
        b += cxy[st[:, m] + block] - cxy[st[:, m]]
    # A replicate can miss every day of a rare event (Prime Day); a tiny ridge keeps that dummy at zero
    # instead of making the whole system singular.
    A += np.diag(1e-9 * np.maximum(np.diag(cxx[-1]), 1e-12))
    draws = np.linalg.solve(A, b[..., None])[..., 0]
    return np.cov(draws, rowvar=False)


def peak_of(coefs: np.ndarray) -> int:
    """Lag of the largest coefficient after a 1-2-1 smoothing, which damps single-lag noise spikes."""
    c = np.asarray(coefs, dtype=float)
    padded = np.r_[c[0], c, c[-1]]
    smooth = (padded[:-2] + 2 * padded[1:-1] + padded[2:]) / 4.0
    return int(np.argmax(smooth))


# Lags are pooled into blocks that widen with the lag (regularisation: one coefficient per block, so a
# 35-day window costs 11 coefficients, not 36); the window is chosen from LAG_CANDIDATES by an information
# criterion on a common sample. Block ends are the candidate windows.
LAG_BLOCKS = ((0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (6, 7), (8, 10), (11, 14), (15, 20), (21, 27), (28, 35))
LAG_CANDIDATES = (7, 10, 14, 20, 27, 35)
MAX_LAG_LIMIT = 35
LAG_CRITERION = "aic"
# Two weeks: a push and most of its response stay in one block. With 28-day blocks and the replicates'
# standard deviation the interval covered the truth in 100 % of seeds in four world types (too wide);
# measured side by side in benchmarks/spillover_recovery.md.
BOOTSTRAP_BLOCK_DAYS = 14
# The placebo warns at 99 %, not 95 %: it is a yes/no alarm raised on every group x channel, so at 95 % a
# seller with ten groups on two channels would see one false alarm in every build (measured: 5-15 % of
# unconfounded simulated worlds); a shared driver strong enough to bias the figure fails the leads
# decisively, and without controls the seasonal check catches it anyway.
PLACEBO_CONFIDENCE = 0.99


def trend_knot_days(control_col: str | None) -> int:
    """Trend flexibility: a knot every 14 days without a control series, every CONTROLLED_KNOT_DAYS with one."""
    return CONTROLLED_KNOT_DAYS if control_col else DEFAULT_KNOT_DAYS


def lag_basis(max_lag: int, pooled: bool = True) -> np.ndarray:
    """(max_lag + 1) x m matrix turning m block coefficients into per-lag coefficients (identity if not pooled)."""
    if not pooled:
        return np.eye(max_lag + 1)
    blocks = [(lo, min(hi, max_lag)) for lo, hi in LAG_BLOCKS if lo <= max_lag]
    B = np.zeros((max_lag + 1, len(blocks)))
    for j, (lo, hi) in enumerate(blocks):
        B[lo : hi + 1, j] = 1.0
    return B


def fit_distributed_lag(
    df: pd.DataFrame,
    *,
    max_lag: int = DEFAULT_MAX_LAG,
    event_cols: list[str] | None = None,
    control_col: str | None = None,
    activity_col: str = "tiktok_gmv",
    hac_lags: int | None = None,
    knot_days: int = DEFAULT_KNOT_DAYS,
    with_leads: bool = False,
    confidence: float = CONFIDENCE,
    control_smooth_days: int = CONTROL_SMOOTH_DAYS,
    interval: str = "hac_hc3",
    block_days: int | None = None,
    bootstrap_reps: int = 200,
    pooled: bool = False,
    first_row: int | None = None,
    lag_selection: str = "fixed",
    control_lags: bool = False,
    basis: np.ndarray | None = None,
) -> RegressionResult:
    """Distributed-lag OLS of target_sales on lags 0..max_lag of ``activity_col`` (see module docstring).

    ``pooled=True`` pools the lags into LAG_BLOCKS; ``first_row`` starts the sample later than max_lag (a
    common sample for comparing windows). ``with_leads=True`` adds leads 1..max_lag (the placebo), pooled
    the same way, and reports their summed coefficient too. ``lag_selection`` is accepted for symmetry with
    estimate_spillover and must be "fixed" here.
    """
    if lag_selection != "fixed":
        raise ValueError("fit_distributed_lag fits one window; use select_max_lag to choose it")
    event_cols = event_columns(df) if event_cols is None else event_cols
    hac_lags = 2 * max_lag if hac_lags is None else hac_lags
    first_row = max_lag if first_row is None else max(first_row, max_lag)
    x = df[activity_col].to_numpy(dtype=float)
    y = df["target_sales"].to_numpy(dtype=float)
    B = lag_basis(max_lag, pooled) if basis is None else np.asarray(basis, dtype=float).reshape(max_lag + 1, -1)
    lags = np.column_stack([shifted(x, k) for k in range(max_lag + 1)])
    blocks = [lags @ B]
    B_lead = None
    if with_leads:
        leads = np.column_stack([shifted(x, -k) for k in range(1, max_lag + 1)])
        B_lead = lag_basis(max_lag - 1, pooled or basis is not None) if max_lag >= 1 else np.zeros((0, 0))
        blocks.append(leads @ B_lead)
    m_lag = B.shape[1]
    m_lead = B_lead.shape[1] if B_lead is not None else 0
    Z = control_design(
        df,
        event_cols=event_cols,
        control_col=control_col,
        knot_days=knot_days,
        control_smooth_days=control_smooth_days,
        first_row=first_row,
        last_row=len(df) - 1 - (max_lag if with_leads else 0),
        control_lags=control_lags,
    )
    ok = ~np.isnan(np.column_stack(blocks)).any(axis=1)
    ok &= np.arange(len(df)) >= first_row
    # Edge rows lost to lags/leads can leave a late trend knot or a rare event with no variation.
    zv = Z.to_numpy()[ok]
    keep = [c for j, c in enumerate(Z.columns) if c == "const" or np.ptp(zv[:, j]) > 0]
    X = np.column_stack(blocks + [Z[keep].to_numpy()])
    X[~ok] = 0.0
    n_ok = int(ok.sum())
    if n_ok <= X.shape[1] + 10:
        raise PanelError(
            f"panel: only {n_ok} usable days for {X.shape[1]} regressors (rule: need more days than "
            f"{X.shape[1] + 10} after dropping {max_lag} edge days)"
        )
    res = ols(y[ok], X[ok])
    params = res.params
    # The quantities reported: sum of lags, each lag, and (placebo) sum of leads.
    k = X.shape[1]
    combos = np.zeros((k, max_lag + 3 if with_leads else max_lag + 2))
    combos[:m_lag, 0] = B.sum(axis=0)
    combos[:m_lag, 1 : max_lag + 2] = B.T
    if with_leads:
        combos[m_lag : m_lag + m_lead, -1] = B_lead.sum(axis=0)
    if interval in ("hac", "hac_hc2", "hac_hc3"):
        power = {"hac": 0.0, "hac_hc2": 0.5, "hac_hc3": 1.0}[interval]
        cov = hac_cov(res, X[ok], hac_lags, leverage_power=power, combos=combos)
    elif interval == "block_bootstrap":
        full = block_bootstrap_cov(y[ok], X[ok], block=block_days or 2 * max_lag, reps=bootstrap_reps)
        cov = combos.T @ full @ combos
    else:
        raise ValueError(
            f"interval must be 'hac', 'hac_hc2', 'hac_hc3' or 'block_bootstrap', got {interval!r}"
        )
    values = combos.T @ params
    est, se, lo, hi = _interval(values[0], cov[0, 0], res.df_resid, confidence)
    coefs = B @ params[:m_lag]
    lag_ses = np.sqrt(np.maximum(np.diag(cov)[1 : max_lag + 2], 0.0))
    incremental = float((lags[ok] @ coefs).sum())
    gmv_window = float(x[ok].sum())
    out = RegressionResult(
        estimate=est,
        se=se,
        ci_low=lo,
        ci_high=hi,
        lag_coefficients=[float(c) for c in coefs],
        lag_ses=[float(s) for s in lag_ses],
        peak_lag=peak_of(coefs),
        days=n_ok,
        off_site_effect_ratio=incremental / gmv_window if gmv_window > 0 else float("nan"),
        rss=float(res.resid @ res.resid),
        n_params=int(k),
        max_lag=max_lag,
    )
    if with_leads:
        out.lead_estimate, _, out.lead_ci_low, out.lead_ci_high = _interval(
            values[-1], cov[-1, -1], res.df_resid, confidence
        )
    return out


def information_criterion(r: RegressionResult, criterion: str = LAG_CRITERION) -> float:
    n = r.days
    penalty = 2.0 if criterion == "aic" else np.log(n)
    return n * np.log(max(r.rss, 1e-12) / n) + penalty * r.n_params


def select_max_lag(
    df: pd.DataFrame, *, candidates: tuple[int, ...] = LAG_CANDIDATES, criterion: str = LAG_CRITERION, **kwargs
) -> tuple[int, dict[int, float]]:
    """The lag window (from ``candidates``) with the lowest information criterion on a common sample.

    Every candidate is fitted on the same days (from the longest window's first usable day), pooled, so
    their criteria compare like with like; windows too long for the panel (over a quarter of its days) are
    not tried.
    """
    usable = [c for c in candidates if c <= max(len(df) // 4, min(candidates))]
    common = max(usable)
    scores: dict[int, float] = {}
    for lag in usable:
        try:
            r = fit_distributed_lag(df, max_lag=lag, pooled=True, first_row=common, **kwargs)
        except PanelError:
            continue
        scores[lag] = information_criterion(r, criterion)
    if not scores:
        return min(usable), scores
    return min(scores, key=scores.get), scores


KERNEL_AVERAGING = True
# Pooled blocks as extra candidates (lag_selection="gamma+blocks"): more robust to shapes no hump fits, but
# on the issue-12 worlds their bootstrap replicates jump between structures: intervals ~1.5x wider
# (coverage 100 % everywhere) at 4x the time (benchmarks/spillover_recovery.md).
GAMMA_PEAKS = tuple(range(13))
GAMMA_SHAPES = (2.0, 2.5, 3.0, 4.0, 5.5, 8.0)


def gamma_kernel(peak: int, shape: float, max_lag: int = MAX_LAG_LIMIT) -> np.ndarray:
    """Lag weights 0..max_lag of a discretised gamma hump with its mode at ``peak`` days, sum 1.

    shape 2 is a quick rise and a long tail, 8 a narrow hump.
    """
    theta = max(peak, 0.5) / (shape - 1.0)
    lags = np.arange(max_lag + 1, dtype=float) + 0.5
    w = lags ** (shape - 1.0) * np.exp(-lags / theta)
    return w / w.sum()


@dataclass
class LagModel:
    label: str  # "blocks 0-L" or "gamma peak P shape S"
    max_lag: int
    basis: np.ndarray  # (max_lag + 1) x m
    criterion: float


def bootstrap_spread(draws: np.ndarray) -> float:
    """Standard error from bootstrap replicates: the interquartile range / 1.349 (the SD of a normal with that
    IQR). A few replicates whose blocks miss a rare day (Prime Day) or stack the same burst several times fit
    wildly; the replicates' SD let them widen every interval (coverage 100 % in four simulated world types),
    the IQR does not."""
    q75, q25 = np.quantile(draws, [0.75, 0.25])
    return float((q75 - q25) / 1.349)


def _moving_block_rows(n: int, block: int, reps: int, seed: int) -> np.ndarray:
    """reps x n row indices of a moving-block bootstrap (blocks of ``block`` consecutive days)."""
    block = max(1, min(block, n))
    rng = np.random.default_rng(seed)
    n_blocks = int(np.ceil(n / block))
    starts = rng.integers(0, n - block + 1, size=(reps, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(reps, -1)
    return idx[:, :n]


@dataclass
class LagCandidates:
    """Lag structures over MAX_LAG_LIMIT days compared by AIC: gamma humps (one coefficient, two shape
    parameters chosen) and pooled blocks ending at each of LAG_CANDIDATES (one coefficient per block)."""

    labels: list[str]
    bases: list[np.ndarray]  # each (MAX_LAG_LIMIT + 1) x m
    extra_params: list[int]  # parameters chosen besides the coefficients (2 for a hump's shape)

    @classmethod
    def default(cls, blocks: bool = False) -> LagCandidates:
        labels, bases, extra = [], [], []
        for p in GAMMA_PEAKS:
            for sh in GAMMA_SHAPES:
                labels.append(f"gamma hump, peak {p} days, shape {sh}")
                bases.append(gamma_kernel(p, sh, MAX_LAG_LIMIT)[:, None])
                extra.append(2)
        for lag in LAG_CANDIDATES if blocks else ():
            B = np.zeros((MAX_LAG_LIMIT + 1, lag_basis(lag).shape[1]))
            B[: lag + 1] = lag_basis(lag)
            labels.append(f"pooled lag blocks over days 0-{lag}")
            bases.append(B)
            extra.append(0)
        return cls(labels, bases, extra)


def _fit_candidates(y: np.ndarray, Z: np.ndarray, L: np.ndarray, cand: LagCandidates) -> tuple[int, float, np.ndarray, float]:
    """Frisch-Waugh fit of every candidate on the nuisance design Z: (best, Akaike-weighted sum of
    coefficients, best candidate's per-lag coefficients, best rss). ``L`` is the n x 36 lag matrix."""
    scale = np.abs(Z).max(axis=0)
    scale[scale == 0] = 1.0
    Q, _ = np.linalg.qr(Z / scale)
    yr = y - Q @ (Q.T @ y)
    n = len(y)
    widths = [B.shape[1] for B in cand.bases]
    R = L @ np.hstack(cand.bases)
    R = R - Q @ (Q.T @ R)
    sums, rss, coefs = [], [], []
    j = 0
    for B, m in zip(cand.bases, widths, strict=True):
        Rc = R[:, j : j + m]
        j += m
        if m == 1:
            zz = max(float(Rc[:, 0] @ Rc[:, 0]), 1e-12)
            theta = np.array([float(Rc[:, 0] @ yr) / zz])
        else:
            theta = np.linalg.lstsq(Rc, yr, rcond=None)[0]
        e = yr - Rc @ theta
        rss.append(float(e @ e))
        sums.append(float(B.sum(axis=0) @ theta))
        coefs.append(B @ theta)
    rss_a = np.maximum(np.array(rss), 1e-12)
    aic = n * np.log(rss_a) + 2.0 * (np.array(widths) + np.array(cand.extra_params))
    best = int(np.argmin(aic))
    weights = np.exp(-(aic - aic.min()) / 2.0) if KERNEL_AVERAGING else (np.arange(len(aic)) == best) * 1.0
    return best, float(weights @ np.array(sums) / weights.sum()), coefs[best], float(rss[best])


def fit_lag_family(
    df: pd.DataFrame,
    *,
    event_cols: list[str] | None = None,
    control_col: str | None = None,
    knot_days: int = DEFAULT_KNOT_DAYS,
    control_smooth_days: int = CONTROL_SMOOTH_DAYS,
    control_lags: bool = False,
    block_days: int | None = None,
    bootstrap_reps: int = 300,
    confidence: float = CONFIDENCE,
    seed: int = 0,
    blocks: bool = False,
    candidates: LagCandidates | None = None,
    **_ignored,
) -> tuple[RegressionResult, np.ndarray, str]:
    """The spillover regression with its lag shape chosen from the gamma family (GAMMA_PEAKS x GAMMA_SHAPES
    over MAX_LAG_LIMIT days) by least squares, and an interval that includes the choice.

    Every kernel has one coefficient, so least squares is also the AIC choice. The interval is a
    moving-block pairs bootstrap of the whole procedure: each replicate resamples blocks of days, re-chooses
    the kernel and refits; the spread of the replicates' coefficients gives the standard error (t quantile).
    Choosing among 78 shapes on the same data the interval is computed from would otherwise make the
    interval too narrow (in the null world it excluded zero in 10 % of seeds). Returns the result, the
    chosen lag weights and a label. ``candidates`` replaces the family (the benchmark passes the true shape
    alone, to get the same fit and interval with the shape known).
    """
    max_lag = MAX_LAG_LIMIT
    event_cols = event_columns(df) if event_cols is None else event_cols
    cand = LagCandidates.default(blocks=blocks) if candidates is None else candidates
    x = df["tiktok_gmv"].to_numpy(dtype=float)
    y = df["target_sales"].to_numpy(dtype=float)
    lags = np.column_stack([shifted(x, k) for k in range(max_lag + 1)])
    ok = ~np.isnan(lags).any(axis=1)
    Zdf = control_design(
        df, event_cols=event_cols, control_col=control_col, knot_days=knot_days,
        control_smooth_days=control_smooth_days, first_row=max_lag, control_lags=control_lags,
    )
    Z = Zdf.to_numpy()[ok]
    Z = Z[:, [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]]
    n = int(ok.sum())
    if n <= Z.shape[1] + 24:
        raise PanelError(
            f"panel: only {n} usable days for {Z.shape[1] + 12} regressors (rule: need more days than "
            f"{Z.shape[1] + 24} after dropping {max_lag} edge days)"
        )
    Lk = lags[ok]
    yk = y[ok]
    best, estimate, coefs, rss = _fit_candidates(yk, Z, Lk, cand)
    draws = []
    for idx in _moving_block_rows(n, block_days or BOOTSTRAP_BLOCK_DAYS, bootstrap_reps, seed):
        Zb = Z[idx]
        keep = [j for j in range(Zb.shape[1]) if j == 0 or np.ptp(Zb[:, j]) > 0]
        try:
            draws.append(_fit_candidates(yk[idx], Zb[:, keep], Lk[idx], cand)[1])
        except np.linalg.LinAlgError:
            continue
    se = bootstrap_spread(np.asarray(draws)) if len(draws) > 10 else float("nan")
    df_resid = n - Z.shape[1] - cand.bases[best].shape[1]
    est, se, lo, hi = _interval(estimate, se**2, df_resid, confidence)
    # the per-lag shape is the chosen candidate's, scaled to the (averaged) total
    total = float(coefs.sum())
    shape = coefs / total if abs(total) > 1e-12 else coefs
    coefs = est * shape if abs(total) > 1e-12 else coefs
    incremental = float((Lk @ coefs).sum())
    gmv_window = float(x[ok].sum())
    result = RegressionResult(
        estimate=est, se=se, ci_low=lo, ci_high=hi, lag_coefficients=[float(c) for c in coefs],
        lag_ses=[float("nan")] * (max_lag + 1), peak_lag=peak_of(coefs) if est >= 0 else peak_of(-coefs),
        days=n, off_site_effect_ratio=incremental / gmv_window if gmv_window > 0 else float("nan"),
        rss=rss, n_params=int(Z.shape[1] + cand.bases[best].shape[1]), max_lag=max_lag,
    )
    return result, cand.bases[best], cand.labels[best]


def select_lag_model(
    df: pd.DataFrame, *, criterion: str = LAG_CRITERION, candidates: tuple[int, ...] = LAG_CANDIDATES, **kwargs
) -> tuple[LagModel, list[LagModel]]:
    """The lag structure with the lowest information criterion, all compared on the same days.

    Candidates: pooled blocks over each window of ``candidates`` (flexible, up to 11 coefficients) and a grid
    of gamma humps over MAX_LAG_LIMIT days (one coefficient each, counted with its 2 shape parameters). A
    hump fits smooth responses with far less noise; the blocks keep shapes no hump describes. The gamma
    grid is scored by Frisch-Waugh (residualise once on the nuisance design), so 78 shapes cost one fit.
    """
    usable = [c for c in candidates if c <= max(len(df) // 4, min(candidates))]
    longest = max(usable + ([MAX_LAG_LIMIT] if MAX_LAG_LIMIT <= len(df) // 4 else []))
    models: list[LagModel] = []
    n_common = None
    for lag in usable:
        try:
            r = fit_distributed_lag(df, max_lag=lag, pooled=True, first_row=longest, **kwargs)
        except PanelError:
            continue
        n_common = r.days
        models.append(LagModel(f"blocks 0-{lag}", lag, lag_basis(lag), information_criterion(r, criterion)))
    if longest >= MAX_LAG_LIMIT and models:
        kernels = [(p, sh) for p in GAMMA_PEAKS for sh in GAMMA_SHAPES]
        W = np.column_stack([gamma_kernel(p, sh) for p, sh in kernels])  # 36 x K
        x = df["tiktok_gmv"].to_numpy(dtype=float)
        lags = np.column_stack([shifted(x, k) for k in range(MAX_LAG_LIMIT + 1)])
        y = df["target_sales"].to_numpy(dtype=float)
        ok = ~np.isnan(lags).any(axis=1) & (np.arange(len(df)) >= longest)
        Z = control_design(
            df,
            event_cols=kwargs.get("event_cols") or [],
            control_col=kwargs.get("control_col"),
            knot_days=kwargs.get("knot_days", DEFAULT_KNOT_DAYS),
            control_smooth_days=kwargs.get("control_smooth_days", CONTROL_SMOOTH_DAYS),
            first_row=longest,
            control_lags=kwargs.get("control_lags", False),
        ).to_numpy()[ok]
        Z = Z[:, [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]]
        scale = np.abs(Z).max(axis=0)
        scale[scale == 0] = 1.0
        Q, _ = np.linalg.qr(Z / scale)
        zs = lags[ok] @ W
        yr = y[ok] - Q @ (Q.T @ y[ok])
        zr = zs - Q @ (Q.T @ zs)
        rss = float(yr @ yr) - (zr.T @ yr) ** 2 / np.maximum(np.einsum("ti,ti->i", zr, zr), 1e-12)
        n = int(ok.sum())
        penalty = 2.0 if criterion == "aic" else np.log(n)
        best = int(np.argmin(rss))
        k = Z.shape[1] + 1 + 2
        score = n * np.log(max(rss[best], 1e-12) / n) + penalty * k
        if n_common is None or n == n_common:
            p, sh = kernels[best]
            models.append(LagModel(f"gamma peak {p} shape {sh}", MAX_LAG_LIMIT, W[:, [best]], float(score)))
    if not models:
        lag = min(usable)
        return LagModel(f"blocks 0-{lag}", lag, lag_basis(lag), float("nan")), []
    return min(models, key=lambda m: m.criterion), models


def placebo_test(df: pd.DataFrame, **kwargs) -> tuple[float, float, float, bool]:
    """Summed coefficient of FUTURE TikTok GMV (leads 1..N): (estimate, ci_low, ci_high, passed), at
    PLACEBO_CONFIDENCE unless ``confidence`` is given."""
    kwargs.setdefault("confidence", PLACEBO_CONFIDENCE)
    r = fit_distributed_lag(df, with_leads=True, **kwargs)
    assert r.lead_estimate is not None
    passed = bool(r.lead_ci_low <= 0.0 <= r.lead_ci_high)
    return r.lead_estimate, r.lead_ci_low, r.lead_ci_high, passed


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
    window_days: int = 0
    window_start: str | None = None
    window_end: str | None = None
    lag_model: str = ""


from orchestration.analysis.spillover_words import (
    _EXPLAIN,
    explain,
    explain_event,
    reason_text,
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
        window_days=len(df),
        lag_model=lag_model,
        window_start=str(df["date"].iloc[0].date()),
        window_end=str(df["date"].iloc[-1].date()),
    )
    est.explanation = explain(est, max_lag, control_col is not None)
    est.explanation_zh = explain(est, max_lag, control_col is not None, lang="zh")
    return est


# ----------------------------------------------------------------------------- many groups → mart rows
_CHANNEL_WORDS = {"amazon": "Amazon", "shopify": "Shopify"}
_CHANNEL_WORDS_ZH = {"amazon": "亚马逊", "shopify": "Shopify"}


@dataclass
class Status:
    """Whether an analysis publishes a figure, and why not in the seller's words (both languages)."""

    status: str
    code: str | None = None
    facts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def words(self, lang: str, channel_words: dict[str, str]) -> str | None:
        if self.code is None:
            return None
        return reason_text(self.code, lang, ch=channel_words[lang], **self.facts)


def data_status(df: pd.DataFrame, method: str) -> Status:
    """Can `method` be run on this panel at all? (ok, or the first rule it fails)."""
    days = len(df)
    tiktok = float(df["tiktok_gmv"].sum()) if days else 0.0
    target = float(df["target_sales"].sum()) if days else 0.0
    if tiktok <= 0:
        return Status(STATUS_INSUFFICIENT, "no_tiktok_sales", {"need": MIN_ESTIMATE_DAYS})
    if target <= 0:
        return Status(STATUS_NOT_APPLICABLE, "no_channel_sales")
    if method == "lag_correlation":
        if days < MIN_LAG_PROFILE_DAYS:
            return Status(STATUS_INSUFFICIENT, "too_few_days_lags", {"days": days, "need": MIN_LAG_PROFILE_DAYS})
    elif days < MIN_ESTIMATE_DAYS:
        return Status(STATUS_INSUFFICIENT, "too_few_days", {"days": days, "need": MIN_ESTIMATE_DAYS})
    return Status(STATUS_OK)


def _no_sufficiency() -> Sufficiency:
    return Sufficiency("too_few_days;too_little_variation;too_few_spikes", 0, 0.0, 0)


def _row_without_figure(
    group: str, channel: str, method: str, status: Status, words: dict[str, str], *, days: int,
    suff: Sufficiency, window: tuple[object, object],
) -> dict:
    reason, reason_zh = status.words("en", words), status.words("zh", words)
    return {
        "product_group": group,
        "target_channel": channel,
        "method": method,
        "status": status.status,
        "reason_code": status.code,
        "reason": reason,
        "reason_zh": reason_zh,
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "unit": UNIT_CORRELATION if method == "lag_correlation" else UNIT_USD_PER_USD,
        "peak_lag_days": None,
        "days_of_data": days,
        "placebo_estimate": np.nan,
        "placebo_ci_low": np.nan,
        "placebo_ci_high": np.nan,
        "placebo_passed": None,
        "sufficiency_verdict": suff.verdict,
        "confounding_warning": False,
        "warnings": "",
        "explanation": reason,
        "explanation_zh": reason_zh,
        "estimate_per_1000_views": None,
        "off_site_effect_ratio": None,
        "window_start": window[0],
        "window_end": window[1],
    }


def _channel_words(channel: str) -> dict[str, str]:
    en = _CHANNEL_WORDS.get(str(channel), str(channel))
    return {"en": en, "zh": _CHANNEL_WORDS_ZH.get(str(channel), en)}


def _group_rows(group: str, channel: str, p: pd.DataFrame, max_lag: int) -> tuple[list[dict], pd.DataFrame]:
    """The three method rows of one product group x target channel (see estimate_all), and the burst
    profile of the event study's own bursts (the page's spike chart)."""
    # Stacked panels of different channels leave a channel's absent event (e.g. no stockouts on
    # Shopify) empty for the whole group: that column does not apply here. Partly empty still fails.
    p = p.drop(columns=[c for c in event_columns(p) if p[c].isna().all()])
    control = "control_sales" if "control_sales" in p.columns and p["control_sales"].notna().all() else None
    if "control_sales" in p.columns and control is None:
        p = p.drop(columns=["control_sales"])
    words = _channel_words(channel)
    source = f"panel {group}/{channel}"
    df = validate_panel(p, control_col=control, source=source)
    window = (df["date"].min().date(), df["date"].max().date())
    suff = check_sufficiency(df)
    rows = []
    missing = partial(_row_without_figure, group, channel, days=len(df), suff=suff, window=window, words=words)

    reg_status = data_status(df, "regression_dl")
    est = None
    if reg_status.ok:
        est = estimate_spillover(p, max_lag=max_lag, control_col=control, target_channel=words["en"], source=source)
        if not np.isfinite(est.estimate):
            reg_status = Status(STATUS_INSUFFICIENT, "not_estimable", {"days": len(df)})
    common = {
        "placebo_estimate": est.placebo_estimate if est else np.nan,
        "placebo_ci_low": est.placebo_ci_low if est else np.nan,
        "placebo_ci_high": est.placebo_ci_high if est else np.nan,
        "placebo_passed": est.placebo_passed if est else None,
        "confounding_warning": est.confounding_warning if est else False,
    }
    if reg_status.ok:
        rows.append(
            {
                **missing("regression_dl", reg_status),
                **common,
                "estimate": est.estimate,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
                "peak_lag_days": est.peak_lag,
                "days_of_data": est.days,
                "warnings": "; ".join(est.warnings),
                "explanation": est.explanation,
                "explanation_zh": explain(est, max_lag, control is not None, lang="zh", channel_name=words["zh"]),
                "estimate_per_1000_views": est.estimate_per_1000_views,
                "off_site_effect_ratio": est.off_site_effect_ratio,
            }
        )
    else:
        rows.append({**missing("regression_dl", reg_status), **common})

    es_status = data_status(df, "event_study")
    es = burst_event_study(df, control_col=control) if es_status.ok else None
    profile = es.profile if es is not None else pd.DataFrame(columns=list(PROFILE_COLUMNS))
    if es is not None and not np.isfinite(es.estimate):
        es_status = Status(
            STATUS_INSUFFICIENT, "too_few_events", {"k": len(es.events), "need": MIN_BURST_EVENTS}
        )
    if es_status.ok:
        k = len(es.events)
        rows.append(
            {
                **missing("event_study", es_status),
                **common,
                "estimate": es.estimate,
                "ci_low": es.ci_low,
                "ci_high": es.ci_high,
                "peak_lag_days": es.peak_lag,
                **{
                    column: explain_event(k, es.estimate, es.ci_low, es.ci_high, words[lang], lang, es.controlled)
                    for column, lang in (("explanation", "en"), ("explanation_zh", "zh"))
                },
                "off_site_effect_ratio": es.estimate,
            }
        )
    else:
        rows.append({**missing("event_study", es_status), **common})

    lc_status = data_status(df, "lag_correlation")
    best = None
    if lc_status.ok:
        lc = lag_correlation(df, max_lag)
        if lc["correlation"].notna().any():
            best = lc.loc[lc["correlation"].idxmax()]
        else:
            lc_status = Status(STATUS_INSUFFICIENT, "no_correlation")
    if best is not None:
        r, n = float(best["correlation"]), int(best["n"])
        z, se = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(max(n - 3, 1))
        q = stats.norm.ppf(0.5 + CONFIDENCE / 2)
        lag = int(best["lag"])
        rows.append(
            {
                **missing("lag_correlation", lc_status),
                **common,
                "estimate": r,
                "ci_low": float(np.tanh(z - q * se)),
                "ci_high": float(np.tanh(z + q * se)),
                "peak_lag_days": lag,
                "warnings": "interval ignores autocorrelation and is too narrow",
                **{
                    column: _EXPLAIN[lang]["correlation"].format(ch=words[lang], lag=lag, r=f"{r:.2f}")
                    for column, lang in (("explanation", "en"), ("explanation_zh", "zh"))
                },
            }
        )
    else:
        rows.append({**missing("lag_correlation", lc_status), **common})
    return rows, profile


def _failed_rows(group: str, channel: str, exc: BaseException, days: int, window: tuple) -> list[dict]:
    error = f"{type(exc).__name__}: {exc}"[:300]
    status = Status(STATUS_FAILED, "failed", {"error": error})
    words = _channel_words(channel)
    return [
        {**_row_without_figure(group, channel, m, status, words, days=days, suff=_no_sufficiency(), window=window),
         "warnings": error}
        for m in METHODS
    ]


def estimate_all(panels: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """The rows of mart_spillover_estimates (``estimate_tables`` without the burst profiles)."""
    return estimate_tables(panels, **kwargs)[0]


def estimate_tables(
    panels: pd.DataFrame,
    *,
    max_lag: int = DEFAULT_MAX_LAG,
    group_col: str = "product_group",
    channel_col: str = "target_channel",
    channels: tuple[str, ...] = (),
    empty_group: str = "all",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows for mart_spillover_estimates: one per product_group x target_channel x method, each with a status;
    and the burst profiles (product_group, target_channel, PROFILE_COLUMNS) of the bursts the event study
    used, for the page's spike chart — so the chart and the figure come from the same events.

    ``panels`` is the long form of the daily panel with ``product_group`` and ``target_channel`` columns.
    A ``control_sales`` column is used when it is present and not entirely empty for that group.
    Every channel of ``channels`` gets rows even when ``panels`` has none for it (group ``empty_group``,
    status insufficient_data: no TikTok Shop sales). A group whose calculation raises gets status
    ``failed`` rows with the error; the other groups are still estimated.
    """
    for c in (group_col, channel_col):
        if c not in panels.columns:
            raise PanelError(f"panels: missing column {c!r}; present: {list(panels.columns)}")
    rows: list[dict] = []
    profiles: list[pd.DataFrame] = []
    for (group, channel), p in panels.groupby([group_col, channel_col], sort=True):
        p = p.drop(columns=[group_col, channel_col])
        try:
            group_rows, profile = _group_rows(str(group), str(channel), p, max_lag)
            rows += group_rows
            if len(profile):
                profiles.append(profile.assign(product_group=str(group), target_channel=str(channel)))
        except Exception as exc:  # noqa: BLE001  (a bug must not cost the seller every other figure)
            dates = pd.to_datetime(p["date"], errors="coerce") if "date" in p else pd.Series(dtype="datetime64[ns]")
            window = (
                (dates.min().date(), dates.max().date()) if dates.notna().any() else (None, None)
            )
            rows += _failed_rows(str(group), str(channel), exc, len(p), window)
    present = set(panels[channel_col].astype(str)) if len(panels) else set()
    for channel in channels:
        if channel in present:
            continue
        status = Status(STATUS_INSUFFICIENT, "no_tiktok_sales", {"need": MIN_ESTIMATE_DAYS})
        rows += [
            _row_without_figure(
                empty_group, channel, m, status, _channel_words(channel), days=0, suff=_no_sufficiency(),
                window=(None, None),
            )
            for m in METHODS
        ]
    out = pd.DataFrame(rows, columns=MART_COLUMNS)
    out = out.sort_values(["product_group", "target_channel"], kind="stable").reset_index(drop=True)
    columns = ["product_group", "target_channel", *PROFILE_COLUMNS]
    profile = pd.concat(profiles, ignore_index=True)[columns] if profiles else pd.DataFrame(columns=columns)
    return out, profile
