"""Comparison 5: what sellers do today (a pandas script) vs the project's path (tsw ingest + tsw build).

    python benchmarks/bench_pandas.py WORLD [--runs 3] [--workdir /tmp/bench-pandas] [--results]

WORLD is a folder of exports (`tsw demo --scale N --out WORLD`). Each run, side by side:
  pandas  = `benchmarks/pandas_baseline.py WORLD`: monthly category revenue from the TikTok order exports;
  project = a fresh TSW_HOME with WORLD in its inbox (hard links) and the demo catalogue, then `tsw ingest`
            and `tsw build` (every export kind, every model, test and check, the published snapshot).
Wall time and peak resident memory of each (a child's own and its descendants'), the medians over runs, the
ratio project/pandas, and whether both give the same monthly TikTok totals (the warehouse's
`net_sales_usd` for tiktok_shop in `marts.mart_category_performance`). Target (issue 15): the project's
whole path no slower than the pandas script, in less memory. The last run's home is kept (`WORKDIR/home`)
for bench_pages.py; the full build's stage shares come from bench_build.py over the same home.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import results as R


def _home(work: Path, world: Path) -> Path:
    home = work / "home"
    if home.exists():
        shutil.rmtree(home)
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    for f in world.iterdir():
        if f.is_file():
            os.link(f, inbox / f.name)
    R.run([R.python(), "-c", ("import sys; from pathlib import Path; from tsw_demo import catalogue; "
           "catalogue.write(Path(sys.argv[1]), seed=7)"), str(home / "catalogue")], cwd=R.repo_root())
    return home


def _warehouse_totals(home: Path) -> pd.Series:
    with duckdb.connect(str(home / "published.duckdb"), read_only=True) as conn:
        df = conn.execute("select strftime(order_month, '%Y-%m') as month, sum(net_sales_usd) as v "
                          "from marts.mart_category_performance where channel = 'tiktok_shop' group by 1").df()
    return df.set_index("month")["v"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("world", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench-pandas"))
    ap.add_argument("--results", action="store_true", help="write the section `pandas` of benchmarks/RESULTS.md")
    args = ap.parse_args()
    world = args.world.resolve()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    lines = sum(1 for f in world.glob("All order-*") if f.is_file())
    size = sum(f.stat().st_size for f in world.iterdir() if f.is_file()) / 1e6
    runs = []
    for k in range(args.runs):
        out = work / "pandas.csv"
        p = R.run([R.python(), str(R.repo_root() / "benchmarks" / "pandas_baseline.py"), str(world), "--out", str(out)],
                  env=R.child_env())
        home = _home(work, world)
        env = R.child_env(TSW_HOME=str(home))
        ing = R.run([R.tsw(), "ingest"], env=env, cwd=R.repo_root())
        build = R.run([R.tsw(), "build"], env=env, cwd=R.repo_root())
        runs.append((p, ing, build))
        print(f"run {k + 1}: pandas {p.wall_s:.1f} s {p.peak_rss_mb:.0f} MB; ingest {ing.wall_s:.1f} s "
              f"{ing.peak_rss_mb:.0f} MB; build {build.wall_s:.1f} s {build.peak_rss_mb:.0f} MB", flush=True)
    pandas_totals = pd.read_csv(work / "pandas.csv").groupby("month")["net_sales_usd"].sum()
    wh = _warehouse_totals(work / "home").reindex(pandas_totals.index).fillna(0.0)
    worst = float(((wh - pandas_totals).abs() / pandas_totals.abs().clip(lower=1)).max())

    p_wall = R.median(r[0].wall_s for r in runs)
    p_rss = R.median(r[0].peak_rss_mb for r in runs)
    i_wall = R.median(r[1].wall_s for r in runs)
    b_wall = R.median(r[2].wall_s for r in runs)
    t_wall = R.median(r[1].wall_s + r[2].wall_s for r in runs)
    t_rss = R.median(max(r[1].peak_rss_mb, r[2].peak_rss_mb) for r in runs)
    body = "\n".join([
        R.stamp(f"python benchmarks/bench_pandas.py {world} --runs {args.runs} --results"),
        "",
        (f"World: `{world}` ({lines} TikTok order exports, {size:,.0f} MB of exports in all); median of {args.runs} runs, "
        f"pandas and the project alternating in one process; load average at the end {R.load_average()}."),
        "",
        R.table(["path", "wall s", "peak RSS MB"], [
            ["pandas script (TikTok CSVs/XLSX -> monthly category revenue)", f"{p_wall:.1f}", f"{p_rss:.0f}"],
            ["tsw ingest (every kind)", f"{i_wall:.1f}", f"{R.median(r[1].peak_rss_mb for r in runs):.0f}"],
            ["tsw build (dbt, checks, publish)", f"{b_wall:.1f}", f"{R.median(r[2].peak_rss_mb for r in runs):.0f}"],
            ["project path = ingest + build", f"{t_wall:.1f}", f"{t_rss:.0f}"],
        ]),
        "",
        (f"Ratio project/pandas: wall **{t_wall / p_wall:.1f}×**, peak memory **{t_rss / p_rss:.1f}×**. "
        f"Target (no slower, less memory): {R.met(t_wall <= p_wall and t_rss < p_rss)}. "
        f"Same monthly TikTok net sales: largest relative difference {worst:.2%} over {len(pandas_totals)} months."),
        "",
        ("The project's path loads all twelve kinds (the pandas script reads one), runs every data test and "
        "check and publishes a snapshot; the ratio is what a seller pays for the warehouse over the one-off script."),
    ])
    print(body)
    if args.results:
        R.write_section("pandas", body)


if __name__ == "__main__":
    main()
