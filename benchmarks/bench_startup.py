"""Start-up cost of everyday commands, side by side in one run, each next to `python -c pass`.

Every command runs as a fresh subprocess, `--runs` times (default 3); the table shows the median wall and CPU
seconds (user + system of the child) and the CPU above the bare interpreter's. On a shared machine compare the
CPU column: wall time follows the other processes' load.

- `tsw --help`, `tsw status`, `tsw sql "select 1"` on the built home given as TSW_HOME (without one, status and
  sql say so, which is also a start-up).
- `tsw ingest` of a 2-row TikTok affiliate export into a fresh home (load, the export gate in SQL, the load log)
  and of the same file again (already loaded: no load). Neither imports Great Expectations.
- What the libraries cost to import on their own (`import dagster`, `great_expectations`, `pandas`), which is
  what a command pays for each it imports; and `import dagster` from source (no .pyc: `-X pycache_prefix` at an
  empty folder) vs precompiled, which is what `make install`'s `--compile-bytecode` buys where
  PYTHONDONTWRITEBYTECODE is set.

- With `--dagster`: `tsw dagster` (webserver, daemon, code server) from start to the moment its GraphQL API lists
  the code location's assets, wall seconds (its processes are stopped again), alternating run by run with the
  floor: plain `dagster dev` on a one-asset code location in a DAGSTER_HOME holding only the repo's `dagster.yaml`
  (telemetry off, the same pools), the same processes with
  nothing of the project's to load. The ratio is what the project adds to Dagster's own start.

    TSW_HOME=/tmp/home uv run python benchmarks/bench_startup.py [--runs 5] [--dagster]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORT = REPO / "tests" / "fixtures" / "exports" / "tiktok" / "affiliate_orders_2025-10.csv"


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=env, cwd=REPO)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(runs: int, make_cmd, env_for=lambda i: None) -> tuple[float, float]:
    samples = [timed(make_cmd(i), env_for(i)) for i in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def dagster_ready_s(cmd: list[str], port: int, env: dict[str, str], cwd: Path, limit_s: float = 600) -> float | None:
    """Seconds from starting `cmd` (a `dagster dev` serving on `port`) to a GraphQL answer that lists the code
    location's assets; its process group is stopped again."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    query = json.dumps({"query": "{ repositoriesOrError { ... on RepositoryConnection "
                                 "{ nodes { assetNodes { id } } } } }"}).encode()
    try:
        while time.perf_counter() - start < limit_s:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    nodes = json.loads(response.read())["data"]["repositoriesOrError"].get("nodes") or []
                if nodes and nodes[0]["assetNodes"]:
                    return time.perf_counter() - start
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.25)
        return None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the webserver, daemon and code server with it
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


ONE_ASSET = "import dagster as dg\n\n@dg.asset\ndef one():\n    return 1\n\ndefs = dg.Definitions(assets=[one])\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dagster_side_by_side(runs: int, env: dict[str, str]) -> tuple[list[float | None], list[float | None]]:
    """`tsw dagster` and the one-asset `dagster dev` floor, alternating, `runs` times each."""
    ours: list[float | None] = []
    floor: list[float | None] = []
    with tempfile.TemporaryDirectory(prefix="bench-dagster-floor-") as tmp:
        (Path(tmp) / "one_asset.py").write_text(ONE_ASSET, encoding="utf-8")
        for i in range(runs):
            port = free_port()
            ours.append(dagster_ready_s([sys.executable, "-m", "orchestration.cli", "dagster", "--port", str(port),
                                         "--no-automation"], port, env, REPO))
            port = free_port()
            home = Path(tmp) / f"dagster_home{i}"
            home.mkdir()
            shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")  # same settings: telemetry off, pools
            floor.append(dagster_ready_s([sys.executable, "-m", "dagster", "dev", "-f", "one_asset.py", "-p",
                                          str(port)], port, {**env, "DAGSTER_HOME": str(home)}, Path(tmp)))
    return ours, floor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dagster", action="store_true", help="also time `tsw dagster` to a loaded code location")
    args = parser.parse_args()
    py = sys.executable
    tsw = [py, "-m", "orchestration.cli"]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    rows: list[tuple[str, float, float]] = []

    def row(label: str, make_cmd, env_for=lambda i: env) -> None:
        wall, cpu = median_of(args.runs, make_cmd, env_for)
        rows.append((label, wall, cpu))
        print(f"  measured {label}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)

    row("python -c pass (baseline)", lambda i: [py, "-c", "pass"])
    row("tsw --help", lambda i: [*tsw, "--help"])
    row("tsw status", lambda i: [*tsw, "status"])
    row('tsw sql "select 1"', lambda i: [*tsw, "sql", "select 1"])

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        homes = [Path(tmp) / f"home{i}" for i in range(args.runs)]
        csv = Path(tmp) / EXPORT.name
        shutil.copyfile(EXPORT, csv)
        row("tsw ingest, a new 2-row file (fresh home)", lambda i: [*tsw, "ingest", str(csv)],
            lambda i: {**env, "TSW_HOME": str(homes[i])})
        row("tsw ingest, the same file again", lambda i: [*tsw, "ingest", str(csv)],
            lambda i: {**env, "TSW_HOME": str(homes[0])})

    for module in ("dagster", "great_expectations", "pandas"):
        row(f"python -c 'import {module}'", lambda i, m=module: [py, "-c", f"import {m}"])
    with tempfile.TemporaryDirectory() as empty:
        row("python -c 'import dagster', from source (no .pyc)",
            lambda i: [py, "-X", f"pycache_prefix={empty}", "-c", "import dagster"],
            lambda i: {**env, "PYTHONDONTWRITEBYTECODE": "1"})

    base_cpu = rows[0][2]
    print(f"\nmedian of {args.runs} runs each, one process per run (load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")
    print(f"{'command':<52} {'wall s':>7} {'CPU s':>7} {'CPU above baseline':>19}")
    for label, wall, cpu in rows:
        print(f"{label:<52} {wall:>7.2f} {cpu:>7.2f} {cpu - base_cpu:>19.2f}")
    if args.dagster:
        ours, floor = dagster_side_by_side(args.runs, env)
        if None in ours or None in floor:
            print(f"\ntsw dagster: a start did not load within the limit (tsw dagster {ours}, floor {floor})")
        else:
            a, b = statistics.median(ours), statistics.median(floor)
            print(f"\nto a GraphQL answer listing the assets, median of {args.runs}, alternating:"
                  f"\n  tsw dagster (the project's code location)      {a:6.1f} s wall"
                  f"\n  dagster dev, a one-asset code location (floor) {b:6.1f} s wall"
                  f"\n  ratio {a / b:.2f}x; the project adds {a - b:.1f} s to Dagster's own start")


if __name__ == "__main__":
    main()
