"""Render time of every app page on a built warehouse, with Streamlit's AppTest (a benchmark, not a test).

    TSW_HOME=/path/to/built/home .venv/bin/python benchmarks/bench_pages.py [--repeats 3] [--lang en]

TSW_HOME must hold a published build (`tsw demo && tsw build`). For each page in app.PAGES it
measures, in one process:
  cold = the first render of the page (empty data cache: every query opens the snapshot)
  warm = the median of the next `--repeats` renders of a fresh session (Streamlit's data cache warm,
         which is what a second reader of the same build gets)
and prints both per page, plus warm/cold so the effect of the cache reads independently of the
machine's speed. Times include the frame (language switch, navigation) and the page script.

Comparison 4 of issue 15 (pages stay flat), side by side in one run:

    .venv/bin/python benchmarks/bench_pages.py --compare DEMO_HOME SCALED_HOME [--runs 3] [--results]

renders every page in a fresh process per home, alternating demo and scaled `--runs` times (imports paid
before the clock starts), and reports per page the median cold render (every query on the snapshot) on
each, the ratio scaled/demo, and the target (≤ 2×); `--results` writes the section `pages` of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from orchestration import settings

APP = settings.REPO_ROOT / "streamlit_app" / "app.py"


def render(page: str, lang: str) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.query_params["lang"] = lang
    start = time.perf_counter()
    at.run()
    at.switch_page(f"views/{page}.py").run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page}: the page raised {[e.value for e in at.exception]}")
    if at.info and any("tsw build" in str(i.value) for i in at.info):
        raise SystemExit(f"{page}: no published build under {settings.tsw_home()} (run `tsw build`)")
    return elapsed


def _snapshot_facts(home: Path) -> tuple[float, int]:
    import duckdb

    path = home / "published.duckdb"
    with duckdb.connect(str(path), read_only=True) as conn:
        lines = conn.execute("select count(*) from marts.fct_order_lines").fetchone()[0]
    return path.stat().st_size / 1e6, int(lines)


def compare(demo: Path, scaled: Path, runs: int, lang: str, results: bool) -> None:
    import results as R

    cold: dict[str, dict[str, list[float]]] = {"demo": {}, "scaled": {}}
    warm: dict[str, dict[str, list[float]]] = {"demo": {}, "scaled": {}}
    for k in range(runs):
        for label, home in (("demo", demo), ("scaled", scaled)):
            r = R.run([sys.executable, __file__, "--json", "--repeats", "1", "--lang", lang],
                      env=R.child_env(TSW_HOME=str(home)))
            for page, c, w in json.loads(r.output.strip().splitlines()[-1]):
                cold[label].setdefault(page, []).append(c)
                warm[label].setdefault(page, []).append(w)
            print(f"run {k + 1} {label}: done", flush=True)
    rows, worst = [], 0.0
    for page in cold["demo"]:
        d, s = R.median(cold["demo"][page]), R.median(cold["scaled"][page])
        dw, sw = R.median(warm["demo"][page]), R.median(warm["scaled"][page])
        worst = max(worst, s / d)
        rows.append([page, f"{d:.2f}", f"{s:.2f}", f"**{s / d:.2f}×**", f"{dw:.2f}", f"{sw:.2f}", R.met(s / d <= 2.0)])
    (dmb, dlines), (smb, slines) = _snapshot_facts(demo), _snapshot_facts(scaled)
    body = "\n".join([
        R.stamp(f"python benchmarks/bench_pages.py --compare {demo} {scaled} --runs {runs} --results"),
        "",
        (f"Demo snapshot {dmb:,.0f} MB ({dlines:,} order lines on all channels) vs scaled snapshot {smb:,.0f} MB "
         f"({slines:,} lines, {slines / max(dlines, 1):.0f}×). Each page rendered with Streamlit's AppTest in a "
         f"fresh process per home, demo and scaled alternating, median of {runs} runs; cold = first render (every "
         "query on the snapshot), warm = the next render (Streamlit's data cache warm). Language: "
         f"{lang}; load average at the end {R.load_average()}."),
        "",
        R.table(["page", "demo cold s", "scaled cold s", "scaled/demo", "demo warm s", "scaled warm s",
                 "target ≤ 2×"], rows),
        "",
        f"Slowest ratio {worst:.2f}×: target {R.met(worst <= 2.0)} on every page." if worst <= 2.0 else
        f"Slowest ratio {worst:.2f}×: target {R.met(False)} (pages above 2× marked).",
    ])
    print(body)
    if results:
        R.write_section("pages", body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("--json", action="store_true", help="print [page, cold, warm] rows as JSON (one line)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("DEMO_HOME", "SCALED_HOME"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", action="store_true")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare[0], args.compare[1], args.runs, args.lang, args.results)
        return
    if not settings.published_path().exists():
        raise SystemExit(f"No published build at {settings.published_path()}: set TSW_HOME to a built home.")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    from streamlit_app.app import PAGES

    if args.json:
        import plotly.graph_objects  # noqa: F401  imports the pages share, paid before the clock starts
        from streamlit.testing.v1 import AppTest  # noqa: F401

        rows = []
        for spec in PAGES:
            cold = render(spec.name, args.lang)
            warm = statistics.median(render(spec.name, args.lang) for _ in range(args.repeats))
            rows.append([spec.name, cold, warm])
        print(json.dumps(rows))
        return
    print(f"warehouse: {settings.published_path()} ({settings.published_path().stat().st_size / 1e6:.1f} MB)")
    print(f"{'page':<14} {'cold s':>8} {'warm s':>8} {'warm/cold':>10}")
    rows = []
    for spec in PAGES:
        cold = render(spec.name, args.lang)
        warm = statistics.median(render(spec.name, args.lang) for _ in range(args.repeats))
        rows.append((spec.name, cold, warm))
        print(f"{spec.name:<14} {cold:>8.2f} {warm:>8.2f} {warm / cold:>10.2f}")
    slowest = max(rows, key=lambda r: r[1])
    print(f"slowest cold page: {slowest[0]} ({slowest[1]:.2f} s); "
          f"median cold {statistics.median(r[1] for r in rows):.2f} s, "
          f"median warm {statistics.median(r[2] for r in rows):.2f} s")


if __name__ == "__main__":
    main()
