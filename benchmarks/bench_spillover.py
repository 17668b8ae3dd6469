"""Time `estimate_all` over a demo-size world (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_spillover.py [--seed 7] [--repeat 3]

Builds the demo world (40 products, 400 days), realises Poisson orders, stacks the standard panels
(6 categories + "all", Amazon and Shopify, with the control series) and times the whole `estimate_all`
(3 methods per group x channel: regression with placebo, event study, lag correlation). Prints the seconds
of the best of ``--repeat`` runs and per panel, plus how the regression's share compares with the rest.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestration.analysis.spillover import estimate_all, estimate_spillover
from tsw_demo.world import WorldConfig, simulate_world
from tsw_demo.world.panels import long_panels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    world = simulate_world(WorldConfig(seed=args.seed))
    panels = long_panels(world, np.random.default_rng([args.seed, 1]))
    t_build = time.perf_counter() - t0
    n_panels = panels.groupby(["product_group", "target_channel"]).ngroups

    runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        rows = estimate_all(panels)
        runs.append(time.perf_counter() - t)
    best = min(runs)

    # the regression alone (with its placebo), to show where the time goes
    t = time.perf_counter()
    for (_, _), p in panels.groupby(["product_group", "target_channel"]):
        p = p.drop(columns=["product_group", "target_channel"]).dropna(axis=1, how="all")
        estimate_spillover(p, control_col="control_sales")
    t_reg = time.perf_counter() - t

    print(f"world + panels: {t_build:.2f} s ({world.config.n_products} products, {world.config.days} days)")
    print(
        f"estimate_all: {best:.2f} s best of {args.repeat} for {n_panels} panels x 3 methods "
        f"= {len(rows)} rows ({best / n_panels * 1000:.0f} ms per panel)"
    )
    print(f"regression + placebo alone: {t_reg:.2f} s ({t_reg / best:.0%} of estimate_all)")


if __name__ == "__main__":
    main()
