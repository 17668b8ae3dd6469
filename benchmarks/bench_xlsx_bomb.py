"""A 2.6 MB XLSX shared-strings bomb through `tsw ingest`: peak memory and time (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_xlsx_bomb.py [--strings 150000000] [--repo PATH] [--timeout 120]

Writes a TikTok-orders-looking workbook whose sharedStrings.xml holds `--strings` tiny strings
(~17 bytes each, compressing ~1000:1: 63 million make a 2.6 MB file of 1.1 GB XML), then runs
`tsw ingest` on it in a child process of the checkout at `--repo` (default: this one), in a fresh
TSW_HOME, and prints the child's peak RSS, wall time and what it printed. Run it once with
`--repo` pointing at an older checkout to compare; a child still running at `--timeout` is killed
and reported as such (the old loader needed > 900 s and 6.1 GB on this file).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "tests" / "ingest"))

import hostile

HEADERS = ["Order ID", "Order Status", "SKU ID", "Product ID", "Quantity", "Created Time", "Order Amount"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--strings", type=int, default=63_000_000)
    ap.add_argument("--repo", type=Path, default=HERE)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--memory-cap-gb", type=float, default=3.0, help="address-space cap of the child (protects the machine)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bomb-"))
    try:
        started = time.monotonic()
        bomb = hostile.write(work / "All order-2025-11-02-08_00.xlsx", hostile.shared_strings_bomb(HEADERS, args.strings))
        print(f"bomb: {bomb.stat().st_size / 1e6:.1f} MB on disk, {args.strings:,} shared strings "
              f"(written in {time.monotonic() - started:.0f} s)")
        env = dict(os.environ, TSW_HOME=str(work / "home"), OPENBLAS_NUM_THREADS="1")
        cap = int(args.memory_cap_gb * 1024**3)

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

        python = args.repo / ".venv" / "bin" / "python"
        started = time.monotonic()
        proc = subprocess.Popen([str(python), "-m", "orchestration.cli", "ingest", str(bomb)], cwd=args.repo, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=limit)  # noqa: PLW1509 (no threads here)
        try:
            out, _ = proc.communicate(timeout=args.timeout)
            outcome = f"exit {proc.returncode}"
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            outcome = f"killed at the {args.timeout:.0f} s timeout"
        elapsed = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"tsw ingest ({args.repo}): {outcome}, {elapsed:.1f} s, peak RSS {peak_mb:,.0f} MB")
        tail = [line for line in out.splitlines() if line.strip()][-3:]
        print("  " + "\n  ".join(line[:300] for line in tail))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
