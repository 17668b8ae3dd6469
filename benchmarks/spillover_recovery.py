"""How well the spillover estimator recovers the truth of simulated sellers, per world type (issue 12).

For each world type of tsw_demo/spillover_worlds.py and each seed, three regressions on the
same panel:
    estimator   orchestration.analysis.spillover.estimate_spillover as the warehouse runs it (lags chosen
                from the data, controls when the seller has never-promoted products);
    first       the first estimator (lags 0..14, all free, the same controls) — what issue 12 measured;
    true_shape  the estimator's own fit and bootstrap interval with the lag family replaced by the TRUE lag
                shape (one regressor sum_l w_l GMV(t-l)) — on the same days and with the same nuisance terms,
                so it differs only in knowing the shape: the practical limit of any estimator that must learn
                the shape from the data.
Figures per world and method: median relative error |est - truth| / truth, median bias (est - truth) /
truth, coverage of the 95 % interval, the share of intervals excluding zero where the truth is zero (null
world: false positives), peak-lag accuracy (within 2 days of the true peak), the share of the effect after
day 14 next to its truth, how often the confounding warning fires, and how often the event study publishes
a figure and with an interval.

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/spillover_recovery.py [--seeds 20] [--out FILE.md]
Takes a few minutes on two cores. The figures in benchmarks/spillover_recovery.md come from this script.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orchestration.analysis import spillover as sp
from tsw_demo.spillover_worlds import WORLD_TYPES, SimulatedWorld, world


def true_shape_regression(w: SimulatedWorld) -> tuple[float, float, float]:
    """The estimator's own fit and interval (same days, nuisance terms, controls with their lags, bootstrap)
    with the lag family replaced by one candidate: the TRUE lag weights. It differs from the estimator only
    in knowing the shape."""
    control = "control_sales" if w.has_control else None
    df = sp.validate_panel(w.panel, control_col=control)
    weights = np.zeros(sp.MAX_LAG_LIMIT + 1)
    weights[: len(w.lag_weights)] = w.lag_weights
    truth = sp.LagCandidates(["true lag shape"], [weights[:, None]], [0])
    r, _, _ = sp.fit_lag_family(df, control_col=control, knot_days=sp.trend_knot_days(control),
                                control_lags=True, candidates=truth)
    return r.estimate, r.ci_low, r.ci_high


def first_estimator(w: SimulatedWorld) -> tuple[float, float, float, int]:
    r = sp.fit_distributed_lag(
        sp.validate_panel(w.panel, control_col="control_sales" if w.has_control else None),
        max_lag=14, control_col="control_sales" if w.has_control else None, lag_selection="fixed",
    )
    return r.estimate, r.ci_low, r.ci_high, r.peak_lag


def run(seeds: range) -> pd.DataFrame:
    rows = []
    for name in WORLD_TYPES:
        for seed in seeds:
            w = world(name, seed)
            control = "control_sales" if w.has_control else None
            t0 = time.perf_counter()
            est = sp.estimate_spillover(w.panel, control_col=control)
            seconds = time.perf_counter() - t0
            df = sp.validate_panel(w.panel, control_col=control)
            es = sp.burst_event_study(df, control_col=control)
            base = {"world": name, "seed": seed, "truth": w.beta, "true_peak": w.peak_lag,
                    "true_after_14": w.share_after_14}
            rows.append({**base, "method": "estimator", "estimate": est.estimate, "ci_low": est.ci_low,
                         "ci_high": est.ci_high, "peak": est.peak_lag, "after_14": est.share_after_14,
                         "after_14_low": est.share_after_14_ci[0], "after_14_high": est.share_after_14_ci[1],
                         "warning": est.confounding_warning, "seconds": seconds,
                         "event_figure": np.isfinite(es.estimate),
                         "event_interval": np.isfinite(es.ci_low) and np.isfinite(es.ci_high),
                         "event_k": len(es.events)})
            f_est, f_lo, f_hi, f_peak = first_estimator(w)
            rows.append({**base, "method": "first (lags 0-14)", "estimate": f_est, "ci_low": f_lo,
                         "ci_high": f_hi, "peak": f_peak})
            t_est, t_lo, t_hi = true_shape_regression(w)
            rows.append({**base, "method": "true lag shape", "estimate": t_est, "ci_low": t_lo,
                         "ci_high": t_hi, "peak": w.peak_lag})
    return pd.DataFrame(rows)


def error_ratio(raw: pd.DataFrame, name: str, reps: int = 2000) -> tuple[float, float, float]:
    """Median relative error of the estimator / the true-lag-shape regression's in one world, with a 90 %
    interval from resampling the seeds (the same seeds for both, so the pairing is kept): a 20-seed median
    ratio is itself noisy (0.75-2.5 across 20-seed slices of one world)."""
    g = raw[raw["world"] == name]
    est = g[g["method"] == "estimator"].set_index("seed")
    ref = g[g["method"] == "true lag shape"].set_index("seed").loc[est.index]
    if (est["truth"].abs() < 1e-9).all():
        return (np.nan, np.nan, np.nan)
    a = ((est["estimate"] - est["truth"]).abs() / est["truth"].abs()).to_numpy()
    b = ((ref["estimate"] - ref["truth"]).abs() / ref["truth"].abs()).to_numpy()
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(a), size=(reps, len(a)))
    boot = np.median(a[idx], axis=1) / np.median(b[idx], axis=1)
    lo, hi = np.quantile(boot, [0.05, 0.95])
    return float(np.median(a) / np.median(b)), float(lo), float(hi)


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (name, method), g in raw.groupby(["world", "method"], sort=False):
        truth = g["truth"]
        nonzero = truth.abs() > 1e-9
        rel = ((g["estimate"] - truth).abs() / truth.abs()).where(nonzero)
        bias = ((g["estimate"] - truth) / truth.abs()).where(nonzero)
        covered = (g["ci_low"] <= truth) & (truth <= g["ci_high"])
        excl_zero = (g["ci_low"] > 0) | (g["ci_high"] < 0)
        row = {
            "world": name,
            "method": method,
            "seeds": len(g),
            "median rel. error": rel.median() if nonzero.any() else np.nan,
            "median bias": bias.median() if nonzero.any() else np.nan,
            "median abs. error": (g["estimate"] - truth).abs().median(),
            "coverage": covered.mean(),
            "false positives": excl_zero[~nonzero].mean() if (~nonzero).any() else np.nan,
            "peak within 2 days": ((g["peak"] - g["true_peak"]).abs() <= 2).mean(),
        }
        if method == "estimator":
            ratio, r_lo, r_hi = error_ratio(raw, name)
            late_in = (g["after_14_low"] <= g["true_after_14"] + 0.01) & (g["true_after_14"] - 0.01 <= g["after_14_high"])
            row.update({
                "error ÷ true shape's (90 % over seeds)": "—" if np.isnan(ratio) else f"{ratio:.2f} ({r_lo:.2f}-{r_hi:.2f})",
                "share after day 14 (est / true; interval covers)": f"{g['after_14'].median():.2f} / "
                f"{g['true_after_14'].median():.2f}; {late_in.mean():.0%}",
                "confounding warning": g["warning"].mean(),
                "event study: figure / with interval": f"{g['event_figure'].mean():.0%} / "
                f"{(g['event_figure'] & g['event_interval']).mean():.0%} (median {g['event_k'].median():.0f} bursts)",
                "seconds per panel": g["seconds"].median(),
            })
        out.append(row)
    return pd.DataFrame(out)


def markdown(summary: pd.DataFrame) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return "—" if np.isnan(v) else f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
        return str(v)

    cols = list(summary.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in summary.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds first-seed .. first-seed + seeds - 1 (the methods were chosen on 100-219)")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown table here")
    args = parser.parse_args()
    t0 = time.perf_counter()
    raw = run(range(args.first_seed, args.first_seed + args.seeds))
    summary = summarise(raw)
    text = markdown(summary)
    print(text)
    print(f"\n{len(raw)} fits in {time.perf_counter() - t0:.0f} s")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        raw.to_csv(args.out.with_suffix(".csv"), index=False)


if __name__ == "__main__":
    main()
