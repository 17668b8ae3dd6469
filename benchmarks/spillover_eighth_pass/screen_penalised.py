"""Eighth pass screen: penalised distributed lags (free coefficients on lags 0-35, a second-difference penalty,
Eilers & Marx / Whittaker style) beside the current gamma-hump family (base, checked against fit_lag_family by
check_base.py) and the true-lag-shape regression (true_fixed). Same rows, same nuisance design and the same
moving-block replicates as fit_lag_family; the penalty is re-chosen inside every replicate, as the gamma shape is.

Methods (each row: estimate of the total effect = sum of lag coefficients, bootstrap SE, 95 % interval, and the
share of the effect after day 14):
  base          current code: gamma humps + humps cut at 14/21/28, Akaike-weighted
  pen_aic       penalised lags alone, lambda by AIC with effective df (n log RSS + 2 edf)
  pen_gcv       penalised lags alone, lambda by GCV (n RSS / (n - p_Z - edf)^2)
  pen0_aic      as pen_aic, the lag curve tied to zero one day past the window (b_36 = 0 in the differences):
                the penalty's null space is then a line falling to zero at day 36, not any line
  fam_pen       the gamma family plus pen_aic as one more Akaike candidate (edf + 1 parameters: the
                coefficients' effective df and the chosen lambda)
  fam_pen0      the same with pen0_aic
  nn_pen0       (--nn) pen0 with non-negative lag coefficients (NNLS on the augmented system), lambda by AIC
                with the free set's effective df
  fam_nn_pen0   (--nn) the family plus nn_pen0
  true_fixed    the true lag shape given (benchmark reference)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import nnls

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from orchestration.analysis import spillover as sp
from orchestration.analysis.spillover.lag_family import _moving_block_rows, bootstrap_spread
from orchestration.analysis.spillover.regression import _interval, control_design, shifted
from tsw_demo.spillover_worlds import world

WORLDS = ("low_noise", "small_noisy", "confounded_controls", "null", "slow_lag", "heterogeneous")
M = sp.MAX_LAG_LIMIT
LOG_LAMBDAS = np.arange(-3.0, 8.01, 0.5)  # lambda = 10^g x trace(R'R) / 36 (scale-free grid)


def diff_matrix(end_zero: bool) -> np.ndarray:
    """Second differences of b_0..b_35 (and, with end_zero, of b_34, b_35, 0: the curve tied to 0 at day 36)."""
    k = M + 1 + (1 if end_zero else 0)
    D = np.diff(np.eye(k), n=2, axis=0)
    return D[:, : M + 1]


D_FREE, D_END0 = diff_matrix(False), diff_matrix(True)
P_FREE, P_END0 = D_FREE.T @ D_FREE, D_END0.T @ D_END0


def qr_of(Z):
    scale = np.abs(Z).max(axis=0)
    scale[scale == 0] = 1.0
    return np.linalg.qr(Z / scale)[0]


def akaike(aic):
    w = np.exp(-(aic - aic.min()) / 2.0)
    return w / w.sum()


RIDGE_TAIL = np.diag((np.arange(M + 1) / M) ** 2)  # ridge weights growing with the lag: the tail shrunk to 0
LOG_RIDGE = (None, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)


def pen_fit(A, b, yy, n, pz, P, crit, ridge=False, f=1.0):
    """Penalised least squares over the lambda grid: (sum, late share, aic of the chosen lambda, edf, log10 lam).

    crit: "aic" (n log RSS + 2 edf), "gcv" (n RSS / (n - p_Z - edf)^2) or "reml" (the restricted likelihood of
    the lags as a Gaussian random effect with precision lambda P / sigma^2, sigma^2 profiled; Wood 2011).
    ridge: a second penalty lambda_2 x RIDGE_TAIL (grid LOG_RIDGE, None = off), chosen jointly."""
    s = np.trace(A) / (M + 1)
    best = None
    for g2 in LOG_RIDGE if ridge else (None,):
        for g in LOG_LAMBDAS:
            S = (10.0**g) * P + (0.0 if g2 is None else (10.0**g2) * RIDGE_TAIL)
            S = s * S
            Mx = A + S
            try:
                beta = np.linalg.solve(Mx, b)
                edf = float(np.trace(np.linalg.solve(Mx, A)))
            except np.linalg.LinAlgError:
                continue
            rss = max(yy - 2.0 * beta @ b + beta @ A @ beta, 1e-12)
            aic = f * n * np.log(rss) + 2.0 * edf
            if crit in ("aic", "aic_eff"):
                score = aic
            elif crit == "gcv":
                score = n * rss / max(n - pz - edf, 1.0) ** 2
            else:
                ev = np.linalg.eigvalsh(S)
                pos = ev > 1e-9 * ev.max()
                null_dim = int((~pos).sum())
                score = ((n - pz - null_dim) * np.log(rss + beta @ S @ beta)
                         + np.linalg.slogdet(Mx)[1] - np.log(ev[pos]).sum())
            if best is None or score < best[0]:
                best = (score, beta, aic, edf, g)
    _, beta, aic, edf, g = best
    tot = float(beta.sum())
    return tot, float(beta[15:].sum()) / tot if abs(tot) > 1e-12 else 0.0, aic, edf, g


def nn_pen_fit(RL, yr, yy, n, D, Rr=None, c=None):
    """Non-negative penalised lags, lambda by AIC with the free (positive) set's effective df."""
    A = RL.T @ RL
    s = np.trace(A) / (M + 1)
    if Rr is None:
        Qr, Rr = np.linalg.qr(RL)
        c = Qr.T @ yr
    base_rss = yy - float(c @ c)  # the part of yr outside RL's span
    best = None
    for g in LOG_LAMBDAS:
        lam = (10.0**g) * s
        Aug = np.vstack([Rr, np.sqrt(lam) * D])
        rhs = np.r_[c, np.zeros(D.shape[0])]
        beta, _ = nnls(Aug, rhs, maxiter=2000)
        e = c - Rr @ beta
        rss = max(base_rss + float(e @ e), 1e-12)
        free = beta > 0
        if free.any():
            Af = A[np.ix_(free, free)]
            Pf = (D.T @ D)[np.ix_(free, free)]
            edf = float(np.trace(np.linalg.solve(Af + lam * Pf, Af)))
        else:
            edf = 0.0
        aic = n * np.log(rss) + 2.0 * edf
        if best is None or aic < best[0]:
            best = (aic, beta, edf, g)
    aic, beta, edf, g = best
    tot = float(beta.sum())
    return tot, float(beta[15:].sum()) / tot if abs(tot) > 1e-12 else 0.0, aic, edf, g


PEN_METHODS = [("pen_aic", P_FREE, "aic", False), ("pen_gcv", P_FREE, "gcv", False),
               ("pen0_aic", P_END0, "aic", False), ("pen0_reml", P_END0, "reml", False),
               ("penr_aic", P_END0, "aic", True), ("penr_reml", P_END0, "reml", True),
               ("pen0_aiceff", P_END0, "aic_eff", False), ("penr_aiceff", P_END0, "aic_eff", True)]
FAM_METHODS = [("fam_pen", "pen_aic"), ("fam_pen0", "pen0_aic"), ("fam_pen0_reml", "pen0_reml"),
               ("fam_penr_aic", "penr_aic"), ("fam_penr_reml", "penr_reml")]
FAM2_METHODS = [("fam2_penr_aic", "penr_aic", False), ("fam2_penr_aiceff", "penr_aiceff", True),
                ("fam2_pen0_aiceff", "pen0_aiceff", True)]


def fits(y, Z, L, W, extra, totw, lateW, tw, nn):
    """Every method's (sum, late share) on one sample, plus diagnostics."""
    keep = [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]
    Q = qr_of(Z[:, keep])
    pz = len(keep)
    n = len(y)
    yr = y - Q @ (Q.T @ y)
    yy = float(yr @ yr)
    # base: exactly _fit_candidates' one-kernel path (R = L @ W residualised)
    R = L @ W
    R = R - Q @ (Q.T @ R)
    rr = np.maximum(np.einsum("ti,ti->i", R, R), 1e-12)
    ry = R.T @ yr
    th = ry / rr
    rss = np.maximum(yy - th * ry, 0.0)
    aic = n * np.log(np.maximum(rss, 1e-12)) + 2.0 * (1.0 + extra)
    w = akaike(aic)
    sums = totw * th
    late = np.where(np.abs(sums) > 1e-12, lateW / totw, 0.0)
    out = {"base": (float(w @ sums), float(w @ late))}
    # true shape
    T = (L @ tw)[:, None]
    T = T - Q @ (Q.T @ T)
    tt = max(float(T[:, 0] @ T[:, 0]), 1e-12)
    out["true_fixed"] = (float(T[:, 0] @ yr) / tt, float(tw[15:].sum()))
    # penalised lags
    RL = L - Q @ (Q.T @ L)
    A = RL.T @ RL
    b = RL.T @ yr
    diag = {}
    # lag-1 autocorrelation of the best hump's residuals: n_eff = n (1 - rho) / (1 + rho) for aic_eff
    bi = int(np.argmin(aic))
    e = yr - R[:, bi] * th[bi]
    rho = float(np.clip(np.corrcoef(e[1:], e[:-1])[0, 1], 0.0, 0.95))
    f = (1.0 - rho) / (1.0 + rho)
    for name, P, crit, ridge in PEN_METHODS:
        tot, lt, a, edf, g = pen_fit(A, b, yy, n, pz, P, crit, ridge, f if crit == "aic_eff" else 1.0)
        out[name] = (tot, lt)
        diag[name] = (a, edf, g)
    for fam, src in FAM_METHODS:
        a, edf, _ = diag[src]
        aa = np.r_[aic, a + 2.0]  # + 1 parameter for the chosen lambda
        ww = akaike(aa)
        out[fam] = (float(ww @ np.r_[sums, out[src][0]]), float(ww @ np.r_[late, out[src][1]]))
        diag[fam] = (float(ww[-1]),)
    # two-level weighting: the family (its own Akaike weights, as now) against one penalised candidate, each
    # scored by its best AIC on n_eff (aic_eff) or n (aic) days
    for fam, src, eff in FAM2_METHODS:
        ff = f if eff else 1.0
        a_fam = float(ff * n * np.log(max(rss[bi], 1e-12)) + 2.0 * (1.0 + extra[bi]))
        a_pen = diag[src][0] + 2.0
        ww = akaike(np.array([a_fam, a_pen]))
        out[fam] = (float(ww @ np.r_[out["base"][0], out[src][0]]), float(ww @ np.r_[out["base"][1], out[src][1]]))
        diag[fam] = (float(ww[-1]),)
    if nn:
        tot, lt, a, edf, g = nn_pen_fit(RL, yr, yy, n, D_END0)
        out["nn_pen0"] = (tot, lt)
        diag["nn_pen0"] = (a, edf, g)
        ww = akaike(np.r_[aic, a + 2.0])
        out["fam_nn_pen0"] = (float(ww @ np.r_[sums, tot]), float(ww @ np.r_[late, lt]))
        diag["fam_nn_pen0"] = (float(ww[-1]),)
    return out, diag, n - pz - 1


def panel_rows(name, seed, reps, nn):
    wd = world(name, seed)
    ctrl = "control_sales"
    df = sp.validate_panel(wd.panel, control_col=ctrl)
    ev = sp.event_columns(df)
    cand = sp.LagCandidates.default()
    W = np.hstack(cand.bases)
    totw = W.sum(axis=0)
    lateW = W[15:].sum(axis=0)
    extra = np.array(cand.extra_params, dtype=float)
    x = df["tiktok_gmv"].to_numpy(float)
    y = df["target_sales"].to_numpy(float)
    lags = np.column_stack([shifted(x, k) for k in range(M + 1)])
    ok = ~np.isnan(lags).any(axis=1)
    Lk, yk = lags[ok], y[ok]
    tw = np.zeros(M + 1)
    tw[: len(wd.lag_weights)] = wd.lag_weights
    Z = control_design(df, event_cols=ev, control_col=ctrl, knot_days=sp.trend_knot_days(ctrl), first_row=M,
                       control_lags=True).to_numpy()[ok]
    Z = Z[:, [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]]
    n = int(ok.sum())
    full, diag, _ = fits(yk, Z, Lk, W, extra, totw, lateW, tw, nn)
    df_resid = n - Z.shape[1] - 1
    draws = {k: [] for k in full}
    for idx in _moving_block_rows(n, sp.BOOTSTRAP_BLOCK_DAYS, reps, 0) if reps else ():
        try:
            f, _, _ = fits(yk[idx], Z[idx], Lk[idx], W, extra, totw, lateW, tw, nn)
        except np.linalg.LinAlgError:
            continue
        for k, v in f.items():
            draws[k].append(v)
    rows = []
    for k, (est, lt) in full.items():
        d = np.asarray(draws[k])
        enough = len(d) > 10
        var = bootstrap_spread(d[:, 0]) ** 2 if enough else float("nan")
        e, se, lo, hi = _interval(est, var, df_resid, 0.95)
        lse = bootstrap_spread(d[:, 1]) if enough else float("nan")
        _, _, llo, lhi = _interval(lt, lse**2, df_resid, 0.95)
        r = {"world": name, "seed": seed, "truth": wd.beta, "true_late": wd.share_after_14, "method": k,
             "estimate": e, "se": se, "ci_low": lo, "ci_high": hi, "late": lt,
             "late_low": float(np.clip(llo, 0, 1)), "late_high": float(np.clip(lhi, 0, 1))}
        dg = diag.get(k, ())
        if len(dg) == 3:
            r.update(edf=dg[1], log_lambda=dg[2])
        elif len(dg) == 1:
            r.update(pen_weight=dg[0])
        rows.append(r)
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--first-seed", type=int, default=100)
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--reps", type=int, default=300)
    p.add_argument("--worlds", default=",".join(WORLDS))
    p.add_argument("--nn", action="store_true")
    p.add_argument("--boot-set", action="store_true",
                   help="only the candidates bootstrapped in the eighth pass (the point screen's best)")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    if a.boot_set:
        global PEN_METHODS, FAM_METHODS, FAM2_METHODS
        PEN_METHODS = [m for m in PEN_METHODS if m[0] in ("pen0_reml", "penr_aiceff")]
        FAM_METHODS = [("fam_pen0_reml", "pen0_reml")]
        FAM2_METHODS = [("fam2_penr_aiceff", "penr_aiceff", True)]
    rows = []
    t0 = time.time()
    for name in a.worlds.split(","):
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            rows += panel_rows(name, seed, a.reps, a.nn)
            pd.DataFrame(rows).to_csv(a.out, index=False)
        print(name, "done", round(time.time() - t0, 1), "s", flush=True)
    print("done", len(rows), "rows", round(time.time() - t0, 1), "s")


if __name__ == "__main__":
    main()
