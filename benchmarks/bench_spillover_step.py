"""Time the whole spillover step on a built demo warehouse (a benchmark, not a test).

    TSW_HOME=/tmp/spill-home .venv/bin/python benchmarks/bench_spillover_step.py [--repeat 1]

Needs a warehouse with marts.mart_channel_daily (`tsw demo && tsw build`, or the dbt models). Measures
the three parts of the Dagster asset marts.mart_spillover_estimates separately and in total:
  read     = the category and 'all' panels out of mart_channel_daily (one query)
  estimate = orchestration.analysis.spillover.estimate_all on them (regression + placebo per group and
             channel, event study, lag correlation)
  write    = replacing marts.mart_spillover_estimates
and prints seconds, plus the estimate's share of the total (the part worth optimising).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestration import settings
from orchestration.defs.analysis import spillover_estimates as step
from orchestration.lib import warehouse


def run_once() -> dict[str, float]:
    t0 = time.perf_counter()
    with warehouse.writer() as conn:
        panels = step.read_panels(conn)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = step.estimate(panels)
    t2 = time.perf_counter()
    with warehouse.writer() as conn:
        step.write_estimates(conn, rows)
    t3 = time.perf_counter()
    groups = panels.groupby(["product_group", "target_channel"]).ngroups
    return {
        "read": t1 - t0,
        "estimate": t2 - t1,
        "write": t3 - t2,
        "total": t3 - t0,
        "panels": groups,
        "days": panels["date"].nunique(),
        "rows": len(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs to time (the fastest is reported)")
    args = parser.parse_args()
    if not settings.warehouse_path().exists():
        raise SystemExit(f"no warehouse at {settings.warehouse_path()}: run `tsw demo && tsw build` first")
    runs = [run_once() for _ in range(max(1, args.repeat))]
    best = min(runs, key=lambda r: r["total"])
    print(f"warehouse: {settings.warehouse_path()}")
    print(
        f"panels: {best['panels']} (product group x channel), {best['days']} days each; {best['rows']} mart rows"
    )
    for part in ("read", "estimate", "write", "total"):
        print(f"{part:>9}: {best[part]:8.2f} s")
    print(f"estimate share of the step: {best['estimate'] / best['total']:.0%}")


if __name__ == "__main__":
    main()
