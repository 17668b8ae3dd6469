"""Second screen: the control weighted by each candidate's own lag kernel as one more regressor per candidate
(kc), beside the current fit (base, checked against fit_lag_family) and the true-shape reference with and
without it. Same rows and replicates as fit_lag_family."""
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


def qr_of(Z):
    scale = np.abs(Z).max(axis=0)
    scale[scale == 0] = 1.0
    return np.linalg.qr(Z / scale)[0]


def akaike(aic):
    w = np.exp(-(aic - aic.min()) / 2.0)
    return w / w.sum()


def fits(y, Z, LW, CW, extra, totw):
    """(base estimate, kc estimate, base between-term, kc between-term)."""
    keep = [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]
    Q = qr_of(Z[:, keep])
    n = len(y)
    yr = y - Q @ (Q.T @ y)
    R = LW - Q @ (Q.T @ LW)
    rr = np.maximum(np.einsum("ti,ti->i", R, R), 1e-12)
    ry = R.T @ yr
    yy = float(yr @ yr)
    th = ry / rr
    rss = np.maximum(yy - th * ry, 1e-12)
    aic = n * np.log(rss) + 2.0 * (1.0 + extra)
    w = akaike(aic)
    s = th * totw
    base = float(w @ s)
    C = CW - Q @ (Q.T @ CW)
    cc = np.maximum(np.einsum("ti,ti->i", C, C), 1e-12)
    rc = np.einsum("ti,ti->i", R, C)
    cy = C.T @ yr
    det = np.maximum(rr * cc - rc**2, 1e-12 * rr * cc)
    a = (cc * ry - rc * cy) / det
    b = (rr * cy - rc * ry) / det
    rss2 = np.maximum(yy - a * ry - b * cy, 1e-12)
    aic2 = n * np.log(rss2) + 2.0 * (2.0 + extra)
    w2 = akaike(aic2)
    s2 = a * totw
    kc = float(w2 @ s2)
    wj = akaike(np.concatenate([aic, aic2]))
    kcavg = float(wj @ np.concatenate([s, s2]))
    return base, kc, float(w @ (s - base) ** 2), float(w2 @ (s2 - kc) ** 2), kcavg


def panel_rows(name, seed, reps=300):
    w = world(name, seed)
    ctrl = "control_sales"
    df = sp.validate_panel(w.panel, control_col=ctrl)
    ev = sp.event_columns(df)
    cand = sp.LagCandidates.default()
    W = np.hstack(cand.bases)
    totw = W.sum(axis=0)
    extra = np.array(cand.extra_params, dtype=float)
    M = sp.MAX_LAG_LIMIT
    x = df["tiktok_gmv"].to_numpy(float)
    y = df["target_sales"].to_numpy(float)
    c = df[ctrl].to_numpy(float)
    lags = np.column_stack([shifted(x, k) for k in range(M + 1)])
    clags = np.column_stack([shifted(c, k) for k in range(M + 1)])
    ok = ~np.isnan(lags).any(axis=1)
    Lk, Ck, yk = lags[ok], clags[ok], y[ok]
    LW, CW = Lk @ W, Ck @ W
    tw = np.zeros(M + 1)
    tw[: len(w.lag_weights)] = w.lag_weights
    LT, CT = (Lk @ tw)[:, None], (Ck @ tw)[:, None]
    Z = control_design(df, event_cols=ev, control_col=ctrl, knot_days=sp.trend_knot_days(ctrl), first_row=M,
                       control_lags=True).to_numpy()[ok]
    Z = Z[:, [j for j in range(Z.shape[1]) if j == 0 or np.ptp(Z[:, j]) > 0]]
    n = int(ok.sum())
    df_resid = n - Z.shape[1] - 1
    full = fits(yk, Z, LW, CW, extra, totw)
    tfull = fits(yk, Z, LT, CT, np.zeros(1), np.ones(1))
    dr = []
    for idx in _moving_block_rows(n, sp.BOOTSTRAP_BLOCK_DAYS, reps, 0):
        try:
            f = fits(yk[idx], Z[idx], LW[idx], CW[idx], extra, totw)
            t = fits(yk[idx], Z[idx], LT[idx], CT[idx], np.zeros(1), np.ones(1))
        except np.linalg.LinAlgError:
            continue
        dr.append((f[0], f[1], t[0], t[1], f[4], t[4]))
    dr = np.asarray(dr)
    v = [bootstrap_spread(dr[:, j]) ** 2 for j in range(6)]
    base = {"world": name, "seed": seed, "truth": w.beta}
    out = []

    def add(method, point, var):
        e, se, lo, hi = _interval(point, var, df_resid, 0.95)
        out.append({**base, "method": method, "estimate": e, "se": se, "ci_low": lo, "ci_high": hi})

    add("base", full[0], v[0])
    add("between", full[0], v[0] + full[2])
    add("kc", full[1], v[1])
    add("kc_between", full[1], v[1] + full[3])
    add("true_fixed", tfull[0], v[2])
    add("true_kc", tfull[1], v[3])
    add("kcavg", full[4], v[4])
    add("true_kcavg", tfull[4], v[5])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--first-seed", type=int, default=100)
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    rows = []
    for name in WORLDS:
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            rows += panel_rows(name, seed)
            pd.DataFrame(rows).to_csv(a.out, index=False)
    print("done", len(rows))


if __name__ == "__main__":
    main()
