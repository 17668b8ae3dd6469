"""Start-up cost of everyday commands, side by side in one run (needs a built TSW_HOME).

1. `tsw status` as a subprocess (wall and CPU seconds), three times.
2. Where `tsw status` finds its check results: the instance's SQLite files read directly (what it does now) vs
   Dagster's API; and inside one process, where Dagster finds the checks — the last build's execution plan in the
   Dagster instance (what it does now) vs loading the definitions (what it did: dbt manifest, every asset).
3. `import dagster` with the venv's bytecode precompiled (`uv sync --compile-bytecode`, what `make install`
   does) vs compiled from source on every import (PYTHONDONTWRITEBYTECODE with no .pyc: simulated with
   `-X pycache_prefix` pointing at an empty folder).

    TSW_HOME=/tmp/home uv run python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    tsw = [sys.executable, "-m", "orchestration.cli", "status"]
    for i in range(3):
        wall, cpu = timed(tsw)
        print(f"tsw status run {i + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU")

    probe = (
        "import time, dagster as dg\n"
        "from orchestration.lib.dagster_instance import project_context\n"
        "from orchestration.status import _check_keys\n"
        "with project_context() as instance:\n"
        "    t = time.perf_counter(); keys = _check_keys(instance); plan = time.perf_counter() - t\n"
        "    from orchestration.definitions import defs\n"
        "    t = time.perf_counter(); all_keys = defs().resolve_asset_graph().asset_check_keys\n"
        "    full = time.perf_counter() - t\n"
        "print(f'check keys from the last build plan: {plan:.2f} s ({len(keys)} checks); '\n"
        "      f'from the definitions: {full:.2f} s ({len(all_keys)} checks); ratio {full / plan:.0f}x')\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)

    # Check results as `tsw status` reads them now (the instance's SQLite files, no Dagster import) vs through
    # Dagster's API (import + instance + one history query per check), each in a fresh process.
    light = ("from orchestration.lib.dagster_instance import dagster_home\n"
             "from orchestration.status import _checks_from_storage\n"
             "keys, results = _checks_from_storage(dagster_home())\n")
    full = ("import dagster as dg\n"
            "from orchestration.lib.dagster_instance import project_context\n"
            "from orchestration.status import _check_keys\n"
            "with project_context() as instance:\n"
            "    for key in _check_keys(instance):\n"
            "        instance.event_log_storage.get_asset_check_execution_history(key, limit=20)\n")
    light_t = timed([sys.executable, "-c", light])
    full_t = timed([sys.executable, "-c", full])
    print(f"check results: SQLite read {light_t[0]:.1f} s wall / {light_t[1]:.1f} s CPU; through Dagster "
          f"{full_t[0]:.1f} s wall / {full_t[1]:.1f} s CPU; CPU ratio {full_t[1] / max(light_t[1], 0.01):.0f}x")

    compiled = timed([sys.executable, "-c", "import dagster"])
    with tempfile.TemporaryDirectory() as empty:
        source = timed([sys.executable, "-X", f"pycache_prefix={empty}", "-c", "import dagster"],
                       env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    print(f"import dagster: precompiled {compiled[0]:.1f} s wall / {compiled[1]:.1f} s CPU; "
          f"from source {source[0]:.1f} s wall / {source[1]:.1f} s CPU; CPU ratio {source[1] / compiled[1]:.1f}x")


if __name__ == "__main__":
    main()
