"""The distributed-lag regression: design, least squares, HAC and block-bootstrap intervals, the lag-window choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.analysis.spillover.panel import (
    CONFIDENCE,
    CONTROL_SMOOTH_DAYS,
    CONTROLLED_KNOT_DAYS,
    DEFAULT_KNOT_DAYS,
    DEFAULT_MAX_LAG,
    PanelError,
    event_columns,
)


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
    # the lag family's Akaike-weighted share of the effect after day 14 and its bootstrap interval
    # (fit_lag_family); NaN for a single fit, whose share is read off its coefficients
    late_share: float = float("nan")
    late_share_low: float = float("nan")
    late_share_high: float = float("nan")

    @property
    def share_after_14(self) -> float:
        if np.isfinite(self.late_share):
            return self.late_share
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
