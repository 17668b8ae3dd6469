"""Render time of every app page on a built warehouse, with Streamlit's AppTest (a benchmark, not a test).

    TSW_HOME=/path/to/built/home .venv/bin/python benchmarks/bench_pages.py [--repeats 3] [--lang en]

TSW_HOME must hold a published build (`tsw demo && tsw build`). For each page in app.PAGES it
measures, in one process:
  cold = the first render of the page (empty data cache: every query opens the snapshot)
  warm = the median of the next `--repeats` renders of a fresh session (Streamlit's data cache warm,
         which is what a second reader of the same build gets)
and prints both per page, plus warm/cold so the effect of the cache reads independently of the
machine's speed. Times include the frame (language switch, navigation) and the page script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    args = parser.parse_args()
    if not settings.published_path().exists():
        raise SystemExit(f"No published build at {settings.published_path()}: set TSW_HOME to a built home.")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    from streamlit_app.app import PAGES

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
