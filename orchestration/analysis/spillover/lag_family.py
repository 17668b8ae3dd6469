"""The lag shape chosen from a gamma family (Akaike-weighted), its bootstrap interval, and the placebo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.analysis.spillover.panel import (
    CONFIDENCE,
    CONTROL_SMOOTH_DAYS,
    DEFAULT_KNOT_DAYS,
    PanelError,
    event_columns,
)
from orchestration.analysis.spillover.regression import (
    BOOTSTRAP_BLOCK_DAYS,
    LAG_CANDIDATES,
    LAG_CRITERION,
    MAX_LAG_LIMIT,
    PLACEBO_CONFIDENCE,
    RegressionResult,
    _interval,
    control_design,
    fit_distributed_lag,
    information_criterion,
    lag_basis,
    peak_of,
    shifted,
)

KERNEL_AVERAGING = True
# Pooled blocks as extra candidates (lag_selection="gamma+blocks"): more robust to shapes no hump fits, but
# on the issue-12 worlds their bootstrap replicates jump between structures: intervals ~1.5x wider
# (coverage 100 % everywhere) at 4x the time (benchmarks/spillover_recovery.md).
GAMMA_PEAKS = tuple(range(13))
GAMMA_SHAPES = (2.0, 2.5, 3.0, 4.0, 5.5, 8.0)
# Truncated humps: the same gamma humps ending at day 14, 21 or 28 (the response stops rather than fading),
# for every hump with more than 3 % of its weight beyond the cut. A gamma's exponential tail is heavier than
# many real responses'; without a way to end the tail the Akaike weights spread a slow response's tail too
# far (slow_lag median error 1.39x the true shape's on tuning seeds 100-219, 1.25x with these). The cut
# counts as TRUNCATED_EXTRA_PARAMS chosen parameters (3 would be its count; 5 keeps the extra candidates
# from adding selection noise where the full humps fit: the other world types' errors stay as they were).
GAMMA_CUTS = (14, 21, 28)
TRUNCATED_MIN_MASS_CUT = 0.03
TRUNCATED_EXTRA_PARAMS = 5


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
    """Standard error from bootstrap replicates: the 10-90 % range / 2.563 (the SD of a normal with that range).

    Robust to up to a tenth of wild replicates (blocks that miss Prime Day or stack one burst several times),
    which made the replicates' SD too wide with 28-day blocks; the interquartile range (the second pass) was
    robust to a quarter and too narrow: coverage 77-90 % in four of six world types on held-out seeds
    (benchmarks/spillover_recovery.md)."""
    q90, q10 = np.quantile(draws, [0.9, 0.1])
    return float((q90 - q10) / (2.0 * stats.norm.ppf(0.9)))


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
    def default(cls, blocks: bool = False, truncated: bool = True) -> LagCandidates:
        labels, bases, extra = [], [], []
        for p in GAMMA_PEAKS:
            for sh in GAMMA_SHAPES:
                labels.append(f"gamma hump, peak {p} days, shape {sh}")
                bases.append(gamma_kernel(p, sh, MAX_LAG_LIMIT)[:, None])
                extra.append(2)
        for p in GAMMA_PEAKS if truncated else ():
            for sh in GAMMA_SHAPES:
                for cut in GAMMA_CUTS:
                    k = gamma_kernel(p, sh, MAX_LAG_LIMIT)
                    if k[cut + 1 :].sum() <= TRUNCATED_MIN_MASS_CUT:
                        continue
                    k = np.where(np.arange(MAX_LAG_LIMIT + 1) <= cut, k, 0.0)
                    labels.append(f"gamma hump, peak {p} days, shape {sh}, ending at day {cut}")
                    bases.append((k / k.sum())[:, None])
                    extra.append(TRUNCATED_EXTRA_PARAMS)
        for lag in LAG_CANDIDATES if blocks else ():
            B = np.zeros((MAX_LAG_LIMIT + 1, lag_basis(lag).shape[1]))
            B[: lag + 1] = lag_basis(lag)
            labels.append(f"pooled lag blocks over days 0-{lag}")
            bases.append(B)
            extra.append(0)
        return cls(labels, bases, extra)


def _fit_candidates(
    y: np.ndarray, Z: np.ndarray, L: np.ndarray, cand: LagCandidates
) -> tuple[int, float, np.ndarray, float, float]:
    """Frisch-Waugh fit of every candidate on the nuisance design Z: (best, Akaike-weighted sum of
    coefficients, best candidate's per-lag coefficients, best rss, Akaike-weighted share of the effect after
    day 14). ``L`` is the n x 36 lag matrix."""
    scale = np.abs(Z).max(axis=0)
    scale[scale == 0] = 1.0
    Q, _ = np.linalg.qr(Z / scale)
    yr = y - Q @ (Q.T @ y)
    n = len(y)
    widths = [B.shape[1] for B in cand.bases]
    R = L @ np.hstack(cand.bases)
    R = R - Q @ (Q.T @ R)
    if max(widths) == 1:
        # every candidate one kernel (the default family): all fits at once, the same figures as the loop
        W = np.hstack(cand.bases)  # 36 x K
        zz = np.maximum(np.einsum("ti,ti->i", R, R), 1e-12)
        zy = R.T @ yr
        theta = zy / zz
        rss_v = np.maximum(float(yr @ yr) - theta * zy, 0.0)
        total_w = W.sum(axis=0)
        sums_v = total_w * theta
        late_v = np.where(np.abs(sums_v) > 1e-12, W[15:].sum(axis=0) / total_w, 0.0)
        aic = n * np.log(np.maximum(rss_v, 1e-12)) + 2.0 * (1.0 + np.array(cand.extra_params))
        best = int(np.argmin(aic))
        weights = np.exp(-(aic - aic.min()) / 2.0) if KERNEL_AVERAGING else (np.arange(len(aic)) == best) * 1.0
        weights = weights / weights.sum()
        return (best, float(weights @ sums_v), W[:, best] * theta[best], float(rss_v[best]),
                float(weights @ late_v))
    sums, rss, coefs, late = [], [], [], []
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
        total = float(coefs[-1].sum())
        late.append(float(coefs[-1][15:].sum()) / total if abs(total) > 1e-12 else 0.0)
    rss_a = np.maximum(np.array(rss), 1e-12)
    aic = n * np.log(rss_a) + 2.0 * (np.array(widths) + np.array(cand.extra_params))
    best = int(np.argmin(aic))
    weights = np.exp(-(aic - aic.min()) / 2.0) if KERNEL_AVERAGING else (np.arange(len(aic)) == best) * 1.0
    weights = weights / weights.sum()
    return best, float(weights @ np.array(sums)), coefs[best], float(rss[best]), float(weights @ np.array(late))


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
    over MAX_LAG_LIMIT days, and those humps ending at GAMMA_CUTS) by AIC, and an interval that includes the
    choice.

    Every kernel has one coefficient, so least squares is the AIC choice among kernels of one kind. The interval is a
    moving-block pairs bootstrap of the whole procedure: each replicate resamples blocks of days, re-chooses
    the kernel and refits; the spread of the replicates' coefficients gives the standard error (t quantile).
    Choosing among 171 shapes on the same data the interval is computed from would otherwise make the
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
    best, estimate, coefs, rss, late = _fit_candidates(yk, Z, Lk, cand)
    draws, late_draws = [], []
    for idx in _moving_block_rows(n, block_days or BOOTSTRAP_BLOCK_DAYS, bootstrap_reps, seed):
        Zb = Z[idx]
        keep = [j for j in range(Zb.shape[1]) if j == 0 or np.ptp(Zb[:, j]) > 0]
        try:
            rep = _fit_candidates(yk[idx], Zb[:, keep], Lk[idx], cand)
        except np.linalg.LinAlgError:
            continue
        draws.append(rep[1])
        late_draws.append(rep[4])
    enough = len(draws) > 10
    se = bootstrap_spread(np.asarray(draws)) if enough else float("nan")
    df_resid = n - Z.shape[1] - cand.bases[best].shape[1]
    est, se, lo, hi = _interval(estimate, se**2, df_resid, confidence)
    # The share after day 14 gets its interval the same way (the shape re-chosen in every replicate), cut to
    # the 0-1 a share can take.
    late_se = bootstrap_spread(np.asarray(late_draws)) if enough else float("nan")
    _, _, late_lo, late_hi = _interval(late, late_se**2, df_resid, confidence)
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
        late_share=late, late_share_low=float(np.clip(late_lo, 0.0, 1.0)),
        late_share_high=float(np.clip(late_hi, 0.0, 1.0)),
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
