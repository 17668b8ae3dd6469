"""Full build vs an incremental day, side by side in one run (issue 15, comparisons 2 and 3).

One scaled demo seller (`tsw demo --scale N`: every export kind) minus its newest TikTok orders export (in the
default demo a re-export overlapping the previous one's last days, as sellers export) is built from scratch; then that file
arrives and the next build runs twice from the same warehouse:

- **before**: `tsw build --full-refresh` — every dbt model rebuilt from all rows, as every build did before
  the order-line staging became incremental;
- **after**: `tsw build` — dbt decides by itself (orchestration/lib/dbt_refresh.py) and re-stages only the
  orders the new file holds.

Both start from a copy of the same warehouse, so they load the same file into the same rows. For each build:
wall time and peak memory (the `tsw build` process tree, wait4), each Dagster step's time from the run's log
(loaders per kind, dbt, GX/freshness checks, spillover analysis, publish), dbt's own thread-seconds for models
and tests (run_results.json) and its slowest nodes, and the published snapshot's size next to the writer's file.

    uv run python benchmarks/bench_build.py --scale 1000000 [--world DIR] [--results]

`--results` writes the section `build` of benchmarks/RESULTS.md (benchmarks/results.py). Memory of the build itself, a few GB at 1M lines:
run it once, not in a loop.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STEP = re.compile(r' - (?P<step>[\w.\-]+) - STEP_SUCCESS - Finished execution of step "[^"]+" in '
                  r'(?:(?P<m>\d+)m)?(?P<s>[\d.]+)(?P<unit>ms|s)\.')


@dataclass
class Build:
    label: str
    wall: float
    peak_mb: float
    steps: dict[str, float] = field(default_factory=dict)
    dbt: dict[str, float] = field(default_factory=dict)
    slowest: list[tuple[str, float]] = field(default_factory=list)
    full_refresh: bool | None = None
    published_mb: float = 0.0
    warehouse_mb: float = 0.0

    def stage(self, name: str) -> float:
        return sum(v for k, v in self.steps.items() if _stage_of(k) == name)


def _stage_of(step: str) -> str:
    if step == "dbt_models":
        return "dbt"
    if step == "published_snapshot":
        return "publish"
    if "spillover" in step:
        return "spillover"
    if "_gx_" in step or step.startswith("freshness") or step.endswith("_gate"):
        return "checks"
    if step.startswith("raw__"):
        return "ingest"
    return "other"


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, TSW_HOME=str(home), DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               GX_ANALYTICS_ENABLED="false")
    return env


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of the process tree (the largest single process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def _newest_log(home: Path) -> Path:
    return max((home / "logs").glob("build-*.log"), key=lambda p: p.stat().st_mtime)


def _steps(log: Path) -> dict[str, float]:
    steps: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if (m := STEP.search(line)) is None:
            continue
        seconds = float(m["s"]) / (1000 if m["unit"] == "ms" else 1) + 60 * int(m["m"] or 0)
        steps[m["step"]] = steps.get(m["step"], 0.0) + seconds
    return steps


def _dbt(home: Path) -> tuple[dict[str, float], list[tuple[str, float]]]:
    runs = sorted((home / "dbt" / "runs").glob("*/run_results.json"), key=lambda p: p.stat().st_mtime)
    results = json.loads(runs[-1].read_text(encoding="utf-8"))
    totals: dict[str, float] = {"elapsed": float(results.get("elapsed_time") or 0)}
    for node in results["results"]:
        kind = node["unique_id"].split(".")[0]
        totals[kind] = totals.get(kind, 0.0) + float(node["execution_time"])
    slowest = sorted(((n["unique_id"].split(".")[-1] if n["unique_id"].startswith("model") else
                       n["unique_id"].split(".", 2)[-1][:60], float(n["execution_time"]))
                      for n in results["results"]), key=lambda x: -x[1])[:5]
    return totals, slowest


def _last_refresh(home: Path) -> bool | None:
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        row = conn.execute("select full_refresh from raw._dbt_builds order by finished_at desc limit 1").fetchone()
    return None if row is None else bool(row[0])


def build(label: str, home: Path, *extra: str) -> Build:
    wall, peak = _run([sys.executable, "-m", "orchestration.cli", "build", *extra], _env(home))
    totals, slowest = _dbt(home)
    result = Build(label, wall, peak, _steps(_newest_log(home)), totals, slowest, _last_refresh(home))
    result.published_mb = (home / "published.duckdb").stat().st_size / 1e6
    result.warehouse_mb = (home / "warehouse.duckdb").stat().st_size / 1e6
    print(f"{label}: {wall:.0f} s, peak {peak:.0f} MB, dbt {result.stage('dbt'):.0f} s "
          f"(full refresh: {result.full_refresh}), publish {result.stage('publish'):.1f} s", flush=True)
    return result


def _world(args, work: Path) -> Path:
    if args.world:
        return Path(args.world)
    # Into a home of its own, so the demo's catalogue is written beside its inbox (used by every build below).
    _run([sys.executable, "-m", "orchestration.cli", "demo", "--scale", str(args.scale)], _env(work / "demo-home"))
    return work / "demo-home" / "inbox"


def _order_lines(world: Path) -> int:
    """Lines of the order exports written as text (CSV/TSV; an XLSX export is not counted)."""
    manifest = world / ".demo" / "manifest.json"
    if not manifest.exists():
        return 0
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    total = 0
    for item in files:
        path = world / item["path"]
        if item["kind"] in ("tiktok_orders", "amazon_all_orders", "shopify_orders") and path.suffix != ".xlsx":
            with open(path, "rb") as handle:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 20), b"")) - 1
    return total


def _newest_tiktok_orders(world: Path) -> Path:
    files = sorted(p for p in world.iterdir() if p.name.startswith("All order-") and p.suffix == ".csv")
    return files[-1]  # "All order-YYYY-MM-DD-HH_MM": the name sorts by export time


def _copy_home(source: Path, target: Path) -> None:
    """The warehouse and what the next build reads (catalogue, buyer salt); a fresh Dagster instance."""
    target.mkdir(parents=True)
    for part in ("catalogue", "secrets"):
        if (source / part).exists():
            shutil.copytree(source / part, target / part)
    (target / "inbox").mkdir()
    shutil.copy2(source / "warehouse.duckdb", target / "warehouse.duckdb")


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-build-", dir=args.tmp))
    world = _world(args, work)
    new_day = _newest_tiktok_orders(world)
    home = work / "home"
    (home / "inbox").mkdir(parents=True)
    for item in world.iterdir():
        if item.is_file() and item != new_day:
            shutil.copy2(item, home / "inbox" / item.name)
    if (world.parent / "catalogue").is_dir():  # the seller's catalogue beside the exports (the demo's home)
        shutil.copytree(world.parent / "catalogue", home / "catalogue")
    full = build("full build", home)
    befores, afters = [], []
    for i in range(args.runs):
        for label, extra, into in (("incremental day, before (--full-refresh)", ("--full-refresh",), befores),
                                   ("incremental day, after (incremental)", (), afters)):
            day_home = work / f"day-{i}-{len(into)}-{'before' if extra else 'after'}"
            _copy_home(home, day_home)
            shutil.copy2(new_day, day_home / "inbox" / new_day.name)
            into.append(build(label, day_home, *extra))
            if not args.keep:
                shutil.rmtree(day_home)
    with open(new_day, "rb") as handle:
        day_lines = sum(1 for _ in handle) - 1
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import results

    command = "benchmarks/bench_build.py " + (f"--scale {args.scale}" if not args.world else "--world DIR --scale 0")
    summary = {"stamp": f"{results.stamp(command)} Load average at the end: {results.load_average()}.",
               "full": full, "before": befores, "after": afters, "day_file": new_day.name, "day_lines": day_lines,
               "order_lines": _order_lines(world), "scale": args.scale, "world": str(world)}
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def _median(builds: list[Build], fn) -> float:
    return statistics.median(fn(b) for b in builds)


def report(summary: dict) -> str:
    full, before, after = summary["full"], summary["before"], summary["after"]
    runs = len(after)
    stages = ("ingest", "dbt", "checks", "spillover", "publish", "other")
    lines = [
        summary["stamp"],
        "",
        "World: "
        + (f"`tsw demo --scale {summary['scale']}`" if summary["scale"] else f"`{summary['world']}`")
        + (f" ({summary['order_lines']:,} order lines in the order exports)" if summary["order_lines"] else "")
        + f"; the new file: `{summary['day_file']}`, the newest TikTok orders export ({summary['day_lines']:,} lines).",
        f"Incremental days: median of {runs} run(s) each, every run from a copy of the same full-built warehouse.",
        "",
        "| build | wall s | peak MB | " + " | ".join(f"{s} s" for s in stages) + " | dbt models / tests thread-s |",
        "|---|---:|---:|" + "---:|" * len(stages) + "---:|",
    ]

    def row(label: str, builds: list[Build]) -> str:
        cells = [f"{_median(builds, lambda b: b.wall):.0f}", f"{_median(builds, lambda b: b.peak_mb):.0f}"]
        cells += [f"{_median(builds, lambda b, s=s: b.stage(s)):.1f}" for s in stages]
        cells.append(f"{_median(builds, lambda b: b.dbt.get('model', 0)):.0f} / "
                     f"{_median(builds, lambda b: b.dbt.get('test', 0)):.0f}")
        return f"| {label} | " + " | ".join(cells) + " |"

    lines += [row("full build", [full]), row("day, every model refreshed (before)", before),
              row("day, incremental (after)", after)]
    ratio_before = _median(before, lambda b: b.wall) / full.wall
    ratio_after = _median(after, lambda b: b.wall) / full.wall
    dbt_ratio = _median(after, lambda b: b.stage("dbt")) / max(_median(before, lambda b: b.stage("dbt")), 1e-9)
    met = "met" if ratio_after <= 0.10 else "not met"
    lines += [
        "",
        (f"- **Incremental day / full build: {ratio_after:.2f}** (before: {ratio_before:.2f}); target <= 0.10: "
        f"**{met}**. dbt step of the day: {dbt_ratio:.2f}x the full-refresh day's."),
        "- Full build, share of wall time: " + ", ".join(
            f"{s} {100 * full.stage(s) / full.wall:.0f} %" for s in stages if full.stage(s) > 0) + ".",
        "- Slowest dbt nodes, full build: " + ", ".join(f"{n} {t:.1f} s" for n, t in full.slowest) + ".",
        "- Slowest dbt nodes, incremental day: " + ", ".join(f"{n} {t:.1f} s" for n, t in after[0].slowest) + ".",
        (f"- Published snapshot {full.published_mb:.0f} MB (the writer's file {full.warehouse_mb:.0f} MB): written "
        f"as live data only (COPY FROM DATABASE), {full.stage('publish'):.1f} s in the full build, "
        f"{_median(after, lambda b: b.stage('publish')):.1f} s on the incremental day."),
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    """The `build` section of benchmarks/RESULTS.md (benchmarks/results.py keeps the other sections)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import results

    results.write_section("build", text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=1_000_000, help="TikTok order lines of the demo world")
    ap.add_argument("--world", help="an existing inbox of exports instead of generating one (then --scale 0); "
                                    "a catalogue/ folder beside it is used too")
    ap.add_argument("--runs", type=int, default=1, help="incremental days per variant (median reported)")
    ap.add_argument("--tmp", default=None, help="where the homes go (default: the system's temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the homes (for a look at the logs)")
    ap.add_argument("--results", action="store_true", help="write the section of benchmarks/RESULTS.md")
    args = ap.parse_args()
    text = report(run(args))
    print(text)
    if args.results:
        write_results(text)


if __name__ == "__main__":
    main()
