"""Screening of seventh-pass interval / design variants on tuning seeds (not the benchmark; its figures are
in results.md and DECISIONLOG.md, seventh pass). One pass per panel computes the current estimator's point and bootstrap interval exactly as
fit_lag_family does (same rows, same seed), plus variants sharing those replicates:

  base      current: bootstrap_spread of the replicates' Akaike-weighted sums
  bk_iid    Buckland var = sum w_k (var_k + (theta_k - theta_bar)^2), var_k the candidate's iid OLS variance
  bk_hac14  the same, var_k Newey-West with 14 lags (Bartlett), n/(n-k)
  bk_hac70  the same, 70 lags (fit_distributed_lag's 2 x max_lag)
  mx_*      max(bootstrap var, Buckland var)
  between   bootstrap var + the between-shape term sum w (theta_k - theta_bar)^2
  dsel      nuisance design (knots 28/56/112 x control lags none/±1) chosen by AIC on the data and again in
            every replicate; shape Akaike-weighted within the chosen design
  davg      design x shape Akaike-weighted jointly, on the data and in every replicate
and the true-shape reference under the fixed design, dsel and davg.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from orchestration.analysis import spillover as sp
from orchestration.analysis.spillover.lag_family import _moving_block_rows, bootstrap_spread
from orchestration.analysis.spillover.regression import _interval, control_design, shifted
from tsw_demo.spillover_worlds import world

WORLDS = ("low_noise", "small_noisy", "confounded_controls", "null", "slow_lag", "heterogeneous")
DESIGNS = [(k, cl) for k in (28, 56, 112) for cl in (False, True)]
FIXED = (56, True)


def qr_of(Z):
    scale = np.abs(Z).max(axis=0)
    scale[scale == 0] = 1.0
    Q, _ = np.linalg.qr(Z / scale)
    return Q


def fit_all(y, Q, LW, extra, totw):
    """Vectorised one-kernel fits on nuisance basis Q: theta, rss, aic (without the design's size), resid basis."""
    yr = y - Q @ (Q.T @ y)
    R = LW - Q @ (Q.T @ LW)
    zz = np.maximum(np.einsum("ti,ti->i", R, R), 1e-12)
    zy = R.T @ yr
    theta = zy / zz
    rss = np.maximum(float(yr @ yr) - theta * zy, 1e-12)
    n = len(y)
    aic = n * np.log(rss) + 2.0 * (1.0 + extra)
    return theta * totw, rss, aic, R, yr, zz, theta


def akaike(aic):
    w = np.exp(-(aic - aic.min()) / 2.0)
    return w / w.sum()


def hac_var(R, yr, theta, zz, L, k):
    e = yr[:, None] - R * theta[None, :]
    u = R * e / zz[None, :]
    n = len(yr)
    v = np.einsum("ti,ti->i", u, u)
    for j in range(1, min(L, n - 1) + 1):
        v = v + 2.0 * (1.0 - j / (L + 1.0)) * np.einsum("ti,ti->i", u[j:], u[:-j])
    return v * n / max(n - k, 1)


def panel_rows(name, seed, reps=300):
    w = world(name, seed)
    ctrl = "control_sales"
    df = sp.validate_panel(w.panel, control_col=ctrl)
    ev = sp.event_columns(df)
    cand = sp.LagCandidates.default()
    W = np.hstack(cand.bases)
    totw = W.sum(axis=0)
    extra = np.array(cand.extra_params, dtype=float)
    x = df["tiktok_gmv"].to_numpy(float)
    y = df["target_sales"].to_numpy(float)
    M = sp.MAX_LAG_LIMIT
    lags = np.column_stack([shifted(x, k) for k in range(M + 1)])
    ok = ~np.isnan(lags).any(axis=1)
    Lk, yk = lags[ok], y[ok]
    LW = Lk @ W
    tw = np.zeros(M + 1)
    tw[: len(w.lag_weights)] = w.lag_weights
    LT = (Lk @ tw)[:, None]
    Zs = {}
    for kd, cl in DESIGNS:
        Z = control_design(df, event_cols=ev, control_col=ctrl, knot_days=kd, first_row=M, control_lags=cl)
        Z = Z.to_numpy()[ok]
        Zs[(kd, cl)] = Z[:, [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]]
    n = int(ok.sum())
    Zf = Zs[FIXED]
    df_resid = n - Zf.shape[1] - 1

    def design_scheme(yy, Zmap, LWx, extr, tot):
        """(fixed, dsel, davg) estimates for one data set."""
        per = {}
        for d, Z in Zmap.items():
            keep = [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]
            Zk = Z[:, keep]
            s, _rss, aic, *_ = fit_all(yy, qr_of(Zk), LWx, extr, tot)
            per[d] = (s, aic + 2.0 * Zk.shape[1])
        s_f, a_f = per[FIXED]
        fixed = float(akaike(a_f) @ s_f)
        dbest = min(per, key=lambda d: per[d][1].min())
        s_b, a_b = per[dbest]
        dsel = float(akaike(a_b) @ s_b)
        S = np.concatenate([per[d][0] for d in DESIGNS])
        A = np.concatenate([per[d][1] for d in DESIGNS])
        davg = float(akaike(A) @ S)
        return fixed, dsel, davg

    # full data
    s, rss, aic, R, yr, zz, th = fit_all(yk, qr_of(Zf), LW, extra, totw)
    wts = akaike(aic)
    est = float(wts @ s)
    var_iid = (rss / (n - Zf.shape[1] - 1)) / zz * totw**2
    k = Zf.shape[1] + 1
    var_h14 = hac_var(R, yr, th, zz, 14, k) * totw**2
    var_h70 = hac_var(R, yr, th, zz, 70, k) * totw**2
    between = float(wts @ (s - est) ** 2)
    bk = {nm: float(wts @ (v + (s - est) ** 2)) for nm, v in
          (("bk_iid", var_iid), ("bk_hac14", var_h14), ("bk_hac70", var_h70))}
    ba = {nm.replace("bk", "ba"): float(wts @ np.sqrt(v + (s - est) ** 2)) ** 2 for nm, v in
          (("bk_iid", var_iid), ("bk_hac14", var_h14), ("bk_hac70", var_h70))}
    fx, dsel, davg = design_scheme(yk, Zs, LW, extra, totw)
    assert abs(fx - est) < 1e-9 * max(1, abs(est))
    t_fx, t_dsel, t_davg = design_scheme(yk, Zs, LT, np.zeros(1), np.ones(1))
    draws = {"base": [], "dsel": [], "davg": [], "t_fixed": [], "t_dsel": [], "t_davg": []}
    for idx in _moving_block_rows(n, sp.BOOTSTRAP_BLOCK_DAYS, reps, 0):
        Zb = {d: Z[idx] for d, Z in Zs.items()}
        try:
            a, b, c = design_scheme(yk[idx], Zb, LW[idx], extra, totw)
            ta, tb, tc = design_scheme(yk[idx], Zb, LT[idx], np.zeros(1), np.ones(1))
        except np.linalg.LinAlgError:
            continue
        for key, v in zip(draws, (a, b, c, ta, tb, tc)):
            draws[key].append(v)
    bvar = {k2: bootstrap_spread(np.asarray(v)) ** 2 for k2, v in draws.items()}
    out = []
    base = {"world": name, "seed": seed, "truth": w.beta}

    def add(method, point, var):
        e, se, lo, hi = _interval(point, var, df_resid, 0.95)
        out.append({**base, "method": method, "estimate": e, "se": se, "ci_low": lo, "ci_high": hi})

    add("base", est, bvar["base"])
    for nm, v in {**bk, **ba}.items():
        add(nm, est, v)
        add("mx_" + nm, est, max(v, bvar["base"]))
    add("between", est, bvar["base"] + between)
    add("dsel", dsel, bvar["dsel"])
    add("davg", davg, bvar["davg"])
    add("true_fixed", t_fx, bvar["t_fixed"])
    add("true_dsel", t_dsel, bvar["t_dsel"])
    add("true_davg", t_davg, bvar["t_davg"])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--first-seed", type=int, default=100)
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--worlds", default=",".join(WORLDS))
    p.add_argument("--designs", default="28,56,112:0,1", help="knot days:control lags (0/1)")
    a = p.parse_args()
    global DESIGNS
    kn, cl = a.designs.split(":")
    DESIGNS = [(int(k), bool(int(c))) for k in kn.split(",") for c in cl.split(",")]
    assert FIXED in DESIGNS
    rows = []
    for name in a.worlds.split(","):
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            rows += panel_rows(name, seed)
            pd.DataFrame(rows).to_csv(a.out, index=False)
    print("done", len(rows))


if __name__ == "__main__":
    main()
